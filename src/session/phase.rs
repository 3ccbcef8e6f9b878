//! The session phase state machine: a leaf module (it imports nothing of the crate).
//!
//! Phases move forward only along the edges in [`SessionPhase::can_become`]; the transport
//! drives them through [`super::SessionState`].

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum SessionPhase {
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
    /// The connection was lost or is being replaced; a new one is being set up.
    Reconnecting = 5,
    /// A graceful close was requested.
    Closing = 6,
    /// Terminal.
    Closed = 7,
}

impl SessionPhase {
    /// The phase stored as `phase as u32` (any other value reads as `Closed`).
    pub(crate) fn from_u32(value: u32) -> SessionPhase {
        match value {
            0 => SessionPhase::Disconnected,
            1 => SessionPhase::Connecting,
            2 => SessionPhase::SetupSent,
            3 => SessionPhase::Active,
            4 => SessionPhase::GoingAway,
            5 => SessionPhase::Reconnecting,
            6 => SessionPhase::Closing,
            _ => SessionPhase::Closed,
        }
    }

    /// Whether `self → next` is a legal transition.
    pub fn can_become(self, next: SessionPhase) -> bool {
        use SessionPhase::*;
        match (self, next) {
            (Closed, _) => false,
            (_, Closed) => true,
            (Disconnected, Connecting) => true,
            (Connecting, SetupSent) | (Reconnecting, SetupSent) => true,
            (SetupSent, Active) | (SetupSent, Reconnecting) => true,
            (Active, GoingAway) | (Active, Reconnecting) => true,
            (GoingAway, Reconnecting) => true,
            (Connecting | SetupSent | Active | GoingAway | Reconnecting, Closing) => true,
            _ => false,
        }
    }

    pub fn is_terminal(self) -> bool {
        self == SessionPhase::Closed
    }
}
