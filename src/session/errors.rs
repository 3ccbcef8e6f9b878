//! Errors of the session layer: only what the session itself can fail with. Connecting
//! fails with [`crate::transport::Error`], which wraps these.

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
    /// A phase change the session's state machine does not allow (an internal error).
    #[error("invalid phase transition from {from:?} to {to:?}")]
    InvalidTransition { from: SessionPhase, to: SessionPhase },
    /// An argument the session refuses (e.g. a credential or setting that is not valid).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The encoded message is larger than the largest client message the session sends
    /// ([`crate::session::MAX_MESSAGE_BYTES`] unless changed); nothing was queued.
    #[error(
        "the message encodes to {size} bytes of JSON, above the limit of {limit} bytes per \
         client message; nothing was queued (send large media in smaller pieces)"
    )]
    MessageTooLarge { size: usize, limit: usize },
}
