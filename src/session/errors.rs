//! Errors of the session layer.

use super::state::SessionPhase;

/// Why a session operation failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SessionError {
    /// The session's connection loop has ended; nothing more can be sent.
    #[error("the session is closed")]
    ChannelClosed,
    /// The outgoing queue is full; the message was not queued (retry later or enable pacing).
    #[error("the outgoing queue is full")]
    QueueFull,
    #[error("invalid phase transition from {from:?} to {to:?}")]
    InvalidTransition { from: SessionPhase, to: SessionPhase },
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("timed out: {0}")]
    Timeout(String),
    /// DNS, TCP, TLS or HTTP upgrade failure.
    #[error("connection failed: {0}")]
    Connect(String),
    /// The server closed the connection; `reason` is the server's text, verbatim.
    #[error("closed by server ({code}): {reason}")]
    ServerClosed { code: u16, reason: String },
    /// The server broke the protocol (e.g. did not answer `setup` with `setupComplete`).
    #[error("protocol error: {0}")]
    Protocol(String),
}
