//! The transport: endpoints and auth, TLS, the connection loop (one reader, one writer per
//! connection), keepalive, goAway, reconnect with session resumption, and replay.

mod acks;
pub mod adc;
mod budget;
mod builder;
mod close;
mod config;
mod config_error;
mod connection;
mod emitter;
mod endpoint;
mod error;
mod outbox;
mod replay;
mod rest;
mod secret;
mod supervisor;
mod tls;
mod uncovered_drops;

pub use builder::ConfigBuilder;
pub use close::classify;
pub use config::{ConnectConfig, ReconnectPolicy};
pub use config_error::{ConfigError, TlsError};
pub use endpoint::{
    check_custom_header, check_vertex_location, check_vertex_project, redact_url, redact_urls_in, Auth,
    Endpoint,
};
pub use error::Error;
pub use rest::{create_auth_token, MintedToken, RestEndpoint, TokenRequest};
pub use secret::{check_secret_text, CredentialProvider, Secret};
pub use tls::TlsConfig;

use crate::session::{
    event_channel, EventSink, EventStream, FramedEvent, SessionEvent, SessionHandle, SessionPhase,
    SessionState,
};
use emitter::Emitter;
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};

/// Opens a session: connects, sends `setup`, waits for `setupComplete`, then runs the
/// connection loop on the current tokio runtime.
///
/// Returns the handle and the session's [`EventStream`]: every event from the first
/// `PhaseChanged(Connecting)` on, lossless and in order. The connection loop waits for room
/// in the stream (at most [`ConnectConfig::event_queue`] events are queued), so read it
/// steadily; a stream that is dropped discards later events. A failure to connect or a server
/// refusal of the setup is returned as the error (the server's close reason verbatim in
/// [`Error::ServerClosed`]); nothing is retried on the first connection.
pub async fn connect(config: ConnectConfig) -> Result<(SessionHandle, EventStream), Error> {
    let (sink, events) = event_channel(config.event_queue.max(1));
    let (handle, rebuilt) = start(config, sink).await?;
    Ok((handle, rebuilt.unwrap_or(events)))
}

/// Opens a session like [`connect`], but hands every event to `consumer` on the thread that
/// produced it (a runtime thread), with no queue in between: the connection loop waits for the
/// consumer to return, so it must be quick. Events of the connection and the setup answer are
/// consumed before this returns.
pub(crate) async fn connect_inline(
    config: ConnectConfig,
    consumer: crate::session::InlineConsumer,
) -> Result<SessionHandle, Error> {
    let (handle, _) = start(config, EventSink::Inline(consumer)).await?;
    Ok(handle)
}

/// Connects, then runs the connection loop emitting into `sink`. Returns the handle, and a new
/// stream when the setup answer overflowed the queue of `sink` (see [`EarlyEvents`]).
async fn start(
    config: ConnectConfig,
    sink: EventSink,
) -> Result<(SessionHandle, Option<EventStream>), Error> {
    let (phase_tx, phase_rx) = watch::channel(SessionPhase::Disconnected);
    let state = Arc::new(SessionState::new(phase_tx));
    let (command_tx, command_rx) = mpsc::channel(config.send_queue.max(1));
    let replay = supervisor::replay_buffer(&config, state.dropped.clone());
    let lane = Arc::new(outbox::Lane::new(replay));
    let outbox = outbox::Outbox::new(command_tx.clone(), lane.clone());
    let mut handle = SessionHandle::new(command_tx, state.clone(), phase_rx)
        .with_outlet(Arc::new(outbox))
        .with_max_message_bytes(config.max_message_bytes);
    if let Some(pacing) = config.audio_pacing {
        handle = handle.with_audio_pacing(pacing);
    }

    // Nobody reads the stream before this function returns, so nothing here may wait for room
    // in it: events are queued without waiting and also kept, and if one did not fit (a
    // hostile setup answer with more events than the queue holds) the stream is rebuilt,
    // large enough for all of them.
    let mut early = EarlyEvents {
        emitter: Emitter::new(state.clone(), sink),
        kept: Vec::new(),
        overflowed: false,
    };
    early.phase(SessionPhase::Connecting);
    let established = match open_first(&config, |p| early.phase(p)).await {
        Ok(established) => established,
        Err(error) => {
            let _ = state.transition_to(SessionPhase::Closed);
            return Err(error);
        }
    };
    state.set_server_session_id(established.server_session_id.clone());
    early.phase(SessionPhase::Active);
    let mut answer = Vec::new();
    crate::session::events_from_message(established.setup_message.clone(), &mut answer);
    let frame_seq = state.next_frame();
    for event in answer {
        early.push(FramedEvent {
            event,
            frame: Some(established.setup_frame.clone()),
            frame_seq,
        });
    }
    let (emitter, rebuilt) = early.finish();

    let supervisor = supervisor::Supervisor::new(config, emitter.clone(), command_rx, lane);
    let task = tokio::spawn(async move {
        // A panic inside the session becomes an error event followed by a closed event.
        if AssertUnwindSafe(supervisor.run(established))
            .catch_unwind()
            .await
            .is_err()
        {
            emitter
                .emit(SessionEvent::Error {
                    code: crate::session::ErrorCode::Internal,
                    message: "internal error: the session task panicked".into(),
                    fatal: true,
                })
                .await;
            emitter.phase(SessionPhase::Closed).await;
            emitter
                .emit(SessionEvent::Closed {
                    code: 1011,
                    reason: "internal error".into(),
                    class: crate::session::CloseClass::Fatal,
                })
                .await;
        }
    });
    handle.set_task(task);
    Ok((handle, rebuilt))
}

/// The events of a session before [`connect`] returns (see there).
struct EarlyEvents {
    emitter: Emitter,
    kept: Vec<FramedEvent>,
    overflowed: bool,
}

impl EarlyEvents {
    fn phase(&mut self, next: SessionPhase) {
        if self.emitter.state.transition_to(next).is_ok() {
            self.push(FramedEvent {
                event: SessionEvent::PhaseChanged(next),
                frame: None,
                frame_seq: 0,
            });
        }
    }

    fn push(&mut self, event: FramedEvent) {
        if !self.overflowed && self.emitter.try_emit(event.clone()).is_err() {
            self.overflowed = true;
        }
        self.kept.push(event);
    }

    /// The emitter to run the session with, and after an overflow a new stream holding every
    /// event (else the stream already filled is the one to hand out).
    fn finish(self) -> (Emitter, Option<EventStream>) {
        if !self.overflowed {
            return (self.emitter, None);
        }
        let (sink, stream) = event_channel(self.kept.len());
        let emitter = Emitter::new(self.emitter.state.clone(), sink);
        for event in self.kept {
            // Cannot fail: the queue holds all of them and nothing reads it yet.
            let _ = emitter.try_emit(event);
        }
        (emitter, Some(stream))
    }
}

async fn open_first(
    config: &ConnectConfig,
    mut phase: impl FnMut(SessionPhase),
) -> Result<connection::Established, Error> {
    let fresh = supervisor::fresh_credential(config).await.map_err(|e| e.error)?;
    let target = config.endpoint.target(&config.session.model, fresh)?;
    let socket = connection::dial(config, &target).await.map_err(|e| e.error)?;
    phase(SessionPhase::SetupSent);
    connection::handshake(socket, config, &target.model_name, None)
        .await
        .map_err(|e| e.error)
}
