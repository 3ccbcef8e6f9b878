//! Delivering events to the session's one lossless event sink: the connection loop waits
//! for room in its queue, so a slow consumer slows only its own session and loses nothing (or,
//! inline, hands each event to the consumer on the spot).

use crate::session::{EventSink, FramedEvent, SessionEvent, SessionPhase, SessionState};
use std::sync::Arc;

#[derive(Clone)]
pub struct Emitter {
    pub state: Arc<SessionState>,
    sink: EventSink,
}

impl Emitter {
    pub fn new(state: Arc<SessionState>, sink: EventSink) -> Self {
        Emitter { state, sink }
    }

    pub async fn emit(&self, event: SessionEvent) {
        self.emit_framed(event, None).await
    }

    /// Emits an event decoded from a server frame, with that frame's text (shared, not copied).
    pub async fn emit_framed(&self, event: SessionEvent, frame: Option<bytes::Bytes>) {
        self.sink.send(FramedEvent { event, frame }).await;
    }

    /// Emits without waiting; gives the event back when the queue is full (a consumer that
    /// went away counts as having received it).
    pub fn try_emit(&self, event: FramedEvent) -> Result<(), FramedEvent> {
        self.sink.try_send(event)
    }

    /// Moves to `phase` and reports it as [`SessionEvent::PhaseChanged`]. Illegal transitions
    /// are ignored: the phase machine is the authority.
    pub async fn phase(&self, phase: SessionPhase) {
        if self.state.transition_to(phase).is_ok() {
            self.emit(SessionEvent::PhaseChanged(phase)).await;
        }
    }
}
