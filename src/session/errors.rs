//! Errors of the session layer.

use super::phase::SessionPhase;

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
    /// The encoded message is larger than the largest client message the session sends
    /// ([`crate::session::MAX_MESSAGE_BYTES`] unless changed); nothing was queued.
    #[error(
        "the message encodes to {size} bytes of JSON, above the limit of {limit} bytes per \
         client message; nothing was queued (send large media in smaller pieces)"
    )]
    MessageTooLarge { size: usize, limit: usize },
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
