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
        let event = FramedEvent {
            event,
            frame: None,
            frame_seq: 0,
        };
        self.sink.send(event).await;
    }

    /// Emits the events decoded from one server frame, with that frame's text (shared, not
    /// copied) and its number in the session.
    pub async fn emit_frame(&self, events: impl IntoIterator<Item = SessionEvent>, text: &bytes::Bytes) {
        let frame_seq = self.state.next_frame();
        for event in events {
            let event = FramedEvent {
                event,
                frame: Some(text.clone()),
                frame_seq,
            };
            self.sink.send(event).await;
        }
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
