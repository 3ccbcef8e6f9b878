//! Delivering events: to broadcast subscribers (best effort, they may lag) and to the one
//! lossless listener (the C ABI dispatcher), which the session waits on when it is full.

use crate::session::{SessionEvent, SessionPhase, SessionState};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc};

#[derive(Clone)]
pub struct Emitter {
    pub state: Arc<SessionState>,
    broadcast: broadcast::Sender<SessionEvent>,
    listener: Option<mpsc::Sender<SessionEvent>>,
}

impl Emitter {
    pub fn new(
        state: Arc<SessionState>,
        broadcast: broadcast::Sender<SessionEvent>,
        listener: Option<mpsc::Sender<SessionEvent>>,
    ) -> Self {
        Emitter {
            state,
            broadcast,
            listener,
        }
    }

    pub async fn emit(&self, event: SessionEvent) {
        if let Some(listener) = &self.listener {
            if self.broadcast.receiver_count() > 0 {
                let _ = self.broadcast.send(event.clone());
            }
            // A listener that went away (session freed) simply stops receiving.
            let _ = listener.send(event).await;
        } else {
            let _ = self.broadcast.send(event);
        }
    }

    /// Moves to `phase` (the state broadcasts `PhaseChanged`) and tells the listener.
    /// Illegal transitions are ignored: the phase machine is the authority.
    pub async fn phase(&self, phase: SessionPhase) {
        if self.state.transition_to(phase).is_ok() {
            if let Some(listener) = &self.listener {
                let _ = listener.send(SessionEvent::PhaseChanged(phase)).await;
            }
        }
    }
}
