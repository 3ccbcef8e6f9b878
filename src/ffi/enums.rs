//! The C ABI's enums that are not owned by one object (a leaf module: the other `ffi` modules
//! import it, it imports none of them), with their conversions from the Rust types.

use crate::session::SessionPhase;

/// Where a session is in its life.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_phase {
    /// Created, not yet dialing.
    Disconnected = 0,
    /// TCP, TLS and the WebSocket upgrade are in progress.
    Connecting = 1,
    /// `setup` is sent; waiting for `setupComplete`.
    SetupSent = 2,
    /// Ready: messages flow both ways.
    Active = 3,
    /// The server announced the end of this connection (`goAway`).
    GoingAway = 4,
    /// The connection was lost or is being replaced.
    Reconnecting = 5,
    /// A graceful close was requested.
    Closing = 6,
    /// Terminal.
    Closed = 7,
}

impl From<SessionPhase> for gemini_live_phase {
    fn from(p: SessionPhase) -> Self {
        use gemini_live_phase as P;
        match p {
            SessionPhase::Disconnected => P::Disconnected,
            SessionPhase::Connecting => P::Connecting,
            SessionPhase::SetupSent => P::SetupSent,
            SessionPhase::Active => P::Active,
            SessionPhase::GoingAway => P::GoingAway,
            SessionPhase::Reconnecting => P::Reconnecting,
            SessionPhase::Closing => P::Closing,
            SessionPhase::Closed => P::Closed,
        }
    }
}

/// When a NON_BLOCKING function's result is folded into the conversation.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_scheduling {
    /// No `scheduling` field (the service default).
    None = 0,
    Silent = 1,
    WhenIdle = 2,
    Interrupt = 3,
}
