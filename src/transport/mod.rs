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
mod replay;
mod rest;
mod secret;
mod supervisor;
mod tls;

pub use builder::ConfigBuilder;
pub use close::classify;
pub use config::{ConnectConfig, ReconnectPolicy};
pub use config_error::{ConfigError, TlsError};
pub use endpoint::{check_vertex_location, check_vertex_project, redact_url, redact_urls_in, Auth, Endpoint};
pub use error::Error;
pub use rest::{create_auth_token, MintedToken, RestEndpoint, TokenRequest};
pub use secret::{check_secret_text, CredentialProvider, Secret};
pub use tls::TlsConfig;

use crate::session::{event_channel, EventStream, SessionEvent, SessionHandle, SessionPhase, SessionState};
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
    // Room for the phase changes sent before this function returns, whatever the setting:
    // the events of the setup answer are sent by the loop, after the caller has the stream.
    let (sink, events) = event_channel(config.event_queue.max(FIRST_EVENTS));
    let (phase_tx, phase_rx) = watch::channel(SessionPhase::Disconnected);
    let state = Arc::new(SessionState::new(phase_tx));
    let emitter = Emitter::new(state.clone(), sink);
    let (command_tx, command_rx) = mpsc::channel(config.send_queue.max(1));
    let mut handle = SessionHandle::new(command_tx, state.clone(), phase_rx)
        .with_max_message_bytes(config.max_message_bytes);
    if let Some(pacing) = config.audio_pacing {
        handle = handle.with_audio_pacing(pacing);
    }

    emitter.phase(SessionPhase::Connecting).await;
    let established = match open_first(&config, &emitter).await {
        Ok(established) => established,
        Err(error) => {
            emitter.phase(SessionPhase::Closed).await;
            return Err(error);
        }
    };
    state.set_server_session_id(established.server_session_id.clone());
    emitter.phase(SessionPhase::Active).await;
    let mut first = Vec::new();
    crate::session::events_from_message(established.setup_message.clone(), &mut first);

    let supervisor = supervisor::Supervisor::new(config, emitter.clone(), command_rx);
    let task = tokio::spawn(async move {
        for event in first {
            emitter.emit(event).await;
        }
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
    Ok((handle, events))
}

/// Events a session emits before [`connect`] returns: `PhaseChanged` to `Connecting`,
/// `SetupSent` and `Active`, or `Closed` on failure.
const FIRST_EVENTS: usize = 4;

async fn open_first(config: &ConnectConfig, emitter: &Emitter) -> Result<connection::Established, Error> {
    let fresh = supervisor::fresh_credential(config).await.map_err(|e| e.error)?;
    let target = config.endpoint.target(&config.session.model, fresh)?;
    let socket = connection::dial(config, &target).await.map_err(|e| e.error)?;
    emitter.phase(SessionPhase::SetupSent).await;
    connection::handshake(socket, config, &target.model_name, None)
        .await
        .map_err(|e| e.error)
}
