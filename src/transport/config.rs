//! Everything needed to open and keep a session: what to send in `setup`, where to connect,
//! and the transport's own limits.

use super::endpoint::Endpoint;
use super::pacing::BackpressureConfig;
use crate::protocol::SessionConfig;
use crate::session::SessionEvent;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// How a session survives connection loss. Active only when the session config enables
/// session resumption: without a handle there is nothing to resume.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconnectPolicy {
    pub enabled: bool,
    /// Consecutive failed attempts before the session ends with `RetriesExhausted`.
    pub max_attempts: u32,
    /// First backoff; doubles per failed attempt, with ±25 % jitter, up to `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
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
    /// A PEM file of extra trusted CAs (for TLS proxies or a TLS mock).
    pub ca_file: Option<PathBuf>,
    /// TCP + TLS + WebSocket upgrade deadline.
    pub connect_timeout: Duration,
    /// Deadline for `setupComplete` after `setup` is sent.
    pub setup_timeout: Duration,
    /// Keepalive ping interval (`None`: no pings). A late pong is never fatal.
    pub ping_interval: Option<Duration>,
    /// A connection that receives nothing at all (not even pongs) this long is considered
    /// dead (`None`: never). Must be well above the 30 s pong delays seen from the service.
    pub idle_timeout: Option<Duration>,
    /// Outgoing queue length in messages; a full queue refuses non-blocking sends.
    pub send_queue: usize,
    /// Capacity of the broadcast event channel (slow broadcast subscribers lag).
    pub event_capacity: usize,
    /// Largest server frame accepted, in bytes.
    pub max_frame_bytes: usize,
    pub audio_pacing: Option<BackpressureConfig>,
    pub reconnect: ReconnectPolicy,
    /// A lossless event consumer (the C ABI's dispatcher): the session waits for room in it
    /// instead of dropping events, so a slow consumer slows only its own session.
    pub event_listener: Option<mpsc::Sender<SessionEvent>>,
}

impl ConnectConfig {
    pub fn new(session: SessionConfig, endpoint: Endpoint) -> Self {
        ConnectConfig {
            session,
            endpoint,
            ca_file: None,
            connect_timeout: Duration::from_secs(10),
            setup_timeout: Duration::from_secs(15),
            ping_interval: Some(Duration::from_secs(20)),
            idle_timeout: Some(Duration::from_secs(120)),
            send_queue: 512,
            event_capacity: 1024,
            max_frame_bytes: 16 << 20,
            audio_pacing: None,
            reconnect: ReconnectPolicy::default(),
            event_listener: None,
        }
    }
}
