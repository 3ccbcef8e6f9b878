//! State shared by a session's handles and its connection loop: the phase (published on a
//! watch channel and as an event on every change), ids, and the close request.

use super::errors::SessionError;
use super::phase::SessionPhase;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Realtime media the reconnect replay buffer dropped over its bounds (see
/// `transport::replay`): counted when dropped, reported at the next reconnect.
#[derive(Default)]
pub struct DroppedMedia {
    pub audio: AtomicU64,
    pub video: AtomicU64,
}

/// State shared by every clone of a session handle and by its connection loop.
pub struct SessionState {
    /// A local identifier for this session, stable across reconnects (log correlation).
    pub session_id: String,
    phase_tx: watch::Sender<SessionPhase>,
    /// The phase again, as a plain atomic: every send checks it, and reading the watch takes
    /// its lock.
    phase_now: AtomicU32,
    /// The server's own session id (Vertex sends one in `setupComplete`).
    server_session_id: Mutex<Option<String>>,
    /// Serializes transitions so that check-then-set is atomic.
    transition_lock: Mutex<()>,
    /// Realtime media dropped from the replay buffer because of its bounds.
    pub dropped: Arc<DroppedMedia>,
    /// Becomes true once the application asks to close. The connection loop watches it to
    /// bound the close handshake (and to stop reconnecting); waits made on the session's
    /// behalf (pacing) end on it.
    close_requested: watch::Sender<bool>,
    /// Server frames numbered so far (`FramedEvent::frame_seq`).
    frames: AtomicU64,
}

impl SessionState {
    /// State that publishes its phase on `phase_tx`.
    pub fn new(phase_tx: watch::Sender<SessionPhase>) -> Self {
        let phase = *phase_tx.borrow();
        SessionState {
            session_id: new_session_id(),
            phase_now: AtomicU32::new(phase as u32),
            phase_tx,
            server_session_id: Mutex::new(None),
            transition_lock: Mutex::new(()),
            dropped: Arc::default(),
            close_requested: watch::Sender::new(false),
            frames: AtomicU64::new(0),
        }
    }

    /// The number of the next server frame whose events are emitted (1, 2, ...).
    pub fn next_frame(&self) -> u64 {
        self.frames.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Records that the application asked to close (idempotent).
    pub fn request_close(&self) {
        self.close_requested.send_replace(true);
    }

    /// Whether the application asked to close.
    pub fn is_close_requested(&self) -> bool {
        *self.close_requested.borrow()
    }

    /// A receiver that sees the close request (`wait_for(|c| *c)`).
    pub fn close_requests(&self) -> watch::Receiver<bool> {
        self.close_requested.subscribe()
    }

    pub fn phase(&self) -> SessionPhase {
        SessionPhase::from_u32(self.phase_now.load(Ordering::Acquire))
    }

    /// Moves to `next`, or fails with [`SessionError::InvalidTransition`] and changes nothing.
    pub fn transition_to(&self, next: SessionPhase) -> Result<(), SessionError> {
        let _guard = self.transition_lock.lock().unwrap_or_else(|e| e.into_inner());
        let from = self.phase();
        if !from.can_become(next) {
            return Err(SessionError::InvalidTransition { from, to: next });
        }
        self.phase_now.store(next as u32, Ordering::Release);
        self.phase_tx.send_replace(next);
        Ok(())
    }

    pub fn server_session_id(&self) -> Option<String> {
        self.server_session_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set_server_session_id(&self, id: Option<String>) {
        *self.server_session_id.lock().unwrap_or_else(|e| e.into_inner()) = id;
    }
}

fn new_session_id() -> String {
    format!("{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_transitions_are_rejected_and_leave_the_phase() {
        let (tx, _rx) = watch::channel(SessionPhase::Disconnected);
        let state = SessionState::new(tx);
        assert_eq!(
            state.transition_to(SessionPhase::Active),
            Err(SessionError::InvalidTransition {
                from: SessionPhase::Disconnected,
                to: SessionPhase::Active
            })
        );
        assert_eq!(state.phase(), SessionPhase::Disconnected);
        for p in [
            SessionPhase::Connecting,
            SessionPhase::SetupSent,
            SessionPhase::Active,
            SessionPhase::GoingAway,
        ] {
            state.transition_to(p).unwrap();
        }
        state.transition_to(SessionPhase::Reconnecting).unwrap();
        state.transition_to(SessionPhase::SetupSent).unwrap();
        state.transition_to(SessionPhase::Active).unwrap();
        state.transition_to(SessionPhase::Closed).unwrap();
        assert!(state.transition_to(SessionPhase::Connecting).is_err());
        assert!(state.transition_to(SessionPhase::Closed).is_err());
        assert_eq!(state.phase(), SessionPhase::Closed);
    }

    #[test]
    fn every_phase_reads_back_from_its_number() {
        for p in [
            SessionPhase::Disconnected,
            SessionPhase::Connecting,
            SessionPhase::SetupSent,
            SessionPhase::Active,
            SessionPhase::GoingAway,
            SessionPhase::Reconnecting,
            SessionPhase::Closing,
            SessionPhase::Closed,
        ] {
            assert_eq!(SessionPhase::from_u32(p as u32), p);
        }
    }
}
