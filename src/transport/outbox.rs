//! The outbox: how a client message gets from the sender's thread onto the socket.
//!
//! When the connection's writer is idle and nothing is queued, the sender writes the frame
//! itself, on its own thread, with one non-blocking write: no hand-off, no wake-up of a library
//! thread. Otherwise the message is queued for the writer, as every message used to be. The
//! writer *parks* the socket's write half in the [`Lane`] whenever it has nothing to do, and
//! takes it back before it writes anything itself (a queued message, a ping, the close).
//!
//! Order is kept because the choice is made under the lane's lock: a message goes straight out
//! only when the write half is parked and `queued` (commands given to the queue and not yet
//! taken by the writer) is zero, and the writer parks only when `queued` is zero, after
//! everything it took is written. A message queued while the writer holds the socket is
//! therefore written before any later one.
//!
//! A direct write never waits. If the socket cannot take the whole frame, the frame stays
//! accepted in the WebSocket's buffer and the write half is handed back to the writer, which
//! flushes it under the write timeout (a server that stops reading is detected as before);
//! messages queue behind it meanwhile. A write error is handed back the same way, and the
//! writer ends the connection with it. Direct writes are recorded in the replay buffer first,
//! like the writer's, and wake the writer when they start a receipt interval (see `acks`).

use super::connection::Socket;
use super::replay::ReplayBuffer;
use crate::session::{Outlet, SessionCommand};
use futures_util::stream::SplitSink;
use futures_util::Sink;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

/// The write half of a connection.
pub(super) type WriteHalf = SplitSink<Socket, Message>;

/// What senders and the connection's writer share (one per session, across connections).
pub(super) struct Lane {
    state: Mutex<LaneState>,
    /// Wakes the writer: a direct write handed the socket back, or started a receipt interval.
    writer: Notify,
    replay: Option<Arc<Mutex<ReplayBuffer>>>,
}

struct LaneState {
    /// Commands in the queue, not yet taken by the writer. Messages go straight out only at 0.
    queued: usize,
    /// The write half, parked by an idle writer. Nothing of it is buffered while parked.
    parked: Option<WriteHalf>,
    /// The write half handed back by a direct write, for the writer to finish.
    handed_back: Option<HandBack>,
    /// The next direct write must wake the writer (receipts are on and none is due).
    wake_on_write: bool,
}

/// Why a direct write gave the socket back to the writer.
pub(super) enum HandBack {
    /// The frame is accepted but not all written: flush it.
    Flush(WriteHalf),
    /// The write failed: the connection is lost.
    Failed(String),
}

impl Lane {
    pub fn new(replay: Option<Arc<Mutex<ReplayBuffer>>>) -> Self {
        Lane {
            state: Mutex::new(LaneState {
                queued: 0,
                parked: None,
                handed_back: None,
                wake_on_write: false,
            }),
            writer: Notify::new(),
            replay,
        }
    }

    fn lock(&self) -> MutexGuard<'_, LaneState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Parks the writer's write half when nothing is queued (else gives it back). With
    /// `wake_on_write`, the next direct write wakes the writer.
    pub fn park(&self, half: WriteHalf, wake_on_write: bool) -> Option<WriteHalf> {
        let mut state = self.lock();
        if state.queued > 0 {
            return Some(half);
        }
        state.parked = Some(half);
        state.wake_on_write = wake_on_write;
        None
    }

    /// Takes the write half back for the writer: the parked one, or the one a direct write
    /// handed back (`Err` when that write failed). `Ok(None)` when the writer holds it already.
    pub fn unpark(&self) -> Result<Option<WriteHalf>, String> {
        let mut state = self.lock();
        match state.handed_back.take() {
            Some(HandBack::Flush(half)) => Ok(Some(half)),
            Some(HandBack::Failed(error)) => Err(error),
            None => Ok(state.parked.take()),
        }
    }

    /// The session's replay buffer, when it has one.
    pub fn replay(&self) -> Option<&Arc<Mutex<ReplayBuffer>>> {
        self.replay.as_ref()
    }

    /// What a direct write handed back to the writer, if anything.
    pub fn handed_back(&self) -> Option<HandBack> {
        self.lock().handed_back.take()
    }

    /// The writer took a command from the queue.
    pub fn took_command(&self) {
        let mut state = self.lock();
        state.queued = state.queued.saturating_sub(1);
    }

    /// Resolves when a direct write asks for the writer.
    pub async fn writer_wanted(&self) {
        self.writer.notified().await
    }

    /// Drops a parked write half (the writer is gone: nothing may write to its socket).
    pub fn close(&self) {
        let mut state = self.lock();
        state.parked = None;
        state.handed_back = None;
    }

    /// Writes `json` on `half` (just taken from `parked`) now, without waiting, and parks it
    /// again, or hands it back to the writer.
    fn write_now(
        &self,
        state: &mut LaneState,
        mut half: WriteHalf,
        kind: crate::protocol::MessageKind,
        json: Utf8Bytes,
    ) {
        if let Some(replay) = &self.replay {
            replay
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .record(kind, json.clone());
        }
        let mut cx = Context::from_waker(Waker::noop());
        // `start_send` only stores the frame (the half is parked flushed, so its slot is
        // free); `poll_flush` frames it and writes it. A `Pending` (the socket is full, or the
        // reader holds the connection this instant) leaves the frame accepted in the half.
        let result = match Pin::new(&mut half).start_send(Message::Text(json)) {
            Ok(()) => Pin::new(&mut half).poll_flush(&mut cx),
            Err(e) => Poll::Ready(Err(e)),
        };
        let hand_back = match result {
            Poll::Ready(Ok(())) => {
                state.parked = Some(half);
                None
            }
            Poll::Pending => Some(HandBack::Flush(half)),
            Poll::Ready(Err(e)) => Some(HandBack::Failed(format!("write failed: {e}"))),
        };
        let wake = hand_back.is_some() || state.wake_on_write;
        state.wake_on_write = false;
        state.handed_back = hand_back;
        if wake {
            self.writer.notify_one();
        }
    }
}

/// The senders' side: the command queue and the lane (held by the session's handles only, so
/// the queue closes when the last handle is dropped).
pub(super) struct Outbox {
    commands: mpsc::Sender<SessionCommand>,
    lane: Arc<Lane>,
}

impl Outbox {
    pub fn new(commands: mpsc::Sender<SessionCommand>, lane: Arc<Lane>) -> Self {
        Outbox { commands, lane }
    }

    /// Writes `command` now if it is a message and the writer is idle with nothing queued;
    /// else gives it back, to be queued under the same lock.
    fn write_or_return(&self, state: &mut LaneState, command: SessionCommand) -> Option<SessionCommand> {
        match command {
            SessionCommand::Send(message) if state.queued == 0 => match state.parked.take() {
                Some(half) => {
                    self.lane
                        .write_now(state, half, message.kind, message.json.into());
                    None
                }
                None => Some(SessionCommand::Send(message)),
            },
            other => Some(other),
        }
    }
}

impl Outlet for Outbox {
    fn try_send(&self, command: SessionCommand) -> Result<(), TrySendError<SessionCommand>> {
        let mut state = self.lane.lock();
        if let Some(command) = self.write_or_return(&mut state, command) {
            self.commands.try_send(command)?;
            state.queued += 1;
        }
        Ok(())
    }

    fn send_reserved(&self, slot: mpsc::Permit<'_, SessionCommand>, command: SessionCommand) {
        let mut state = self.lane.lock();
        if let Some(command) = self.write_or_return(&mut state, command) {
            slot.send(command);
            state.queued += 1;
        }
    }
}
