//! Everything needed to open and keep a session: what to send in `setup`, where to connect,
//! and the transport's own limits.

use super::endpoint::Endpoint;
use super::tls::TlsConfig;
use crate::protocol::SessionConfig;
use crate::session::BackpressureConfig;
use std::time::Duration;

/// How a session survives connection loss. Active only when the session config enables
/// session resumption: without a handle there is nothing to resume.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectPolicy {
    pub enabled: bool,
    /// Consecutive failures before the session ends with `RetriesExhausted`. A failed attempt
    /// counts, and so does a connection that lived less than `stable_after` (goAway-driven
    /// moves included), so a server that accepts and then drops every connection ends it too.
    pub max_attempts: u32,
    /// First backoff; doubles per consecutive failure, with ±25 % jitter, up to `max_backoff`.
    /// The first reconnect after a connection that lived `stable_after` starts at once.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// A connection that lived this long resets the consecutive-failure count.
    pub stable_after: Duration,
    /// At most `max_reconnects_per_window` reconnects in any `window`, however long each
    /// connection lived; one more ends the session with `RetriesExhausted`.
    pub window: Duration,
    pub max_reconnects_per_window: u32,
    /// After `goAway` (without `transparent`): how long new messages are held back while
    /// waiting for a resumable handle that covers everything already written. Past it the
    /// session moves with the latest handle and re-sends what the server may not have.
    pub migration_wait: Duration,
    /// Unconsumed client messages kept for replay, at most this many bytes of JSON...
    pub replay_max_bytes: usize,
    /// ...and none older than this. Audio over either bound is dropped (and counted);
    /// tool responses and control messages are always kept.
    pub replay_max_age: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            enabled: true,
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(8),
            stable_after: Duration::from_secs(10),
            window: Duration::from_secs(300),
            max_reconnects_per_window: 20,
            migration_wait: Duration::from_secs(2),
            replay_max_bytes: 8 << 20,
            replay_max_age: Duration::from_secs(120),
        }
    }
}

/// The full configuration of one session.
#[derive(Debug, Clone)]
pub struct ConnectConfig {
    pub session: SessionConfig,
    pub endpoint: Endpoint,
    /// Trusted roots for `wss://` (`None`: the system roots). Built once (see
    /// [`TlsConfig::with_ca_file`] for extra CAs of TLS proxies or a TLS mock) and shared by
    /// every connection and reconnect.
    pub tls: Option<TlsConfig>,
    /// TCP + TLS + WebSocket upgrade deadline.
    pub connect_timeout: Duration,
    /// Deadline for writing `setup` and receiving `setupComplete` (a server that never reads
    /// the setup fails here too).
    pub setup_timeout: Duration,
    /// Deadline of every socket write (a frame, a ping, the replayed backlog). A server that
    /// stops reading fails the connection after this long, like a lost one.
    pub write_timeout: Duration,
    /// Deadline of the close handshake, from the application's close request to the end of
    /// the session: queued messages, our close frame and the server's reply all fit in it,
    /// or the socket is dropped (the `Closed` event then says so).
    pub close_timeout: Duration,
    /// Keepalive ping interval (`None`: no pings). A late pong is never fatal.
    pub ping_interval: Option<Duration>,
    /// A connection that receives nothing at all (not even pongs) this long is considered
    /// dead (`None`: never). Must be well above the 30 s pong delays seen from the service.
    pub idle_timeout: Option<Duration>,
    /// Outgoing queue length in messages; a full queue refuses non-blocking sends.
    pub send_queue: usize,
    /// Length of the session's event queue ([`crate::session::EventStream`]). When it is full
    /// the connection loop waits (and stops reading the socket) until the application catches
    /// up: nothing is dropped.
    pub event_queue: usize,
    /// Largest server frame accepted, in bytes.
    pub max_frame_bytes: usize,
    /// Largest client message sent, in bytes of encoded JSON (see
    /// [`crate::session::SessionHandle::with_max_message_bytes`]).
    pub max_message_bytes: usize,
    pub audio_pacing: Option<BackpressureConfig>,
    pub reconnect: ReconnectPolicy,
}

impl ConnectConfig {
    /// The defaults, unchecked (see [`super::ConfigBuilder`] for a checked config).
    pub fn new(session: SessionConfig, endpoint: Endpoint) -> Self {
        ConnectConfig {
            session,
            endpoint,
            tls: None,
            connect_timeout: Duration::from_secs(10),
            setup_timeout: Duration::from_secs(15),
            write_timeout: Duration::from_secs(10),
            close_timeout: Duration::from_secs(2),
            ping_interval: Some(Duration::from_secs(20)),
            idle_timeout: Some(Duration::from_secs(120)),
            send_queue: 512,
            event_queue: 256,
            max_frame_bytes: 16 << 20,
            max_message_bytes: crate::session::MAX_MESSAGE_BYTES,
            audio_pacing: None,
            reconnect: ReconnectPolicy::default(),
        }
    }
}
