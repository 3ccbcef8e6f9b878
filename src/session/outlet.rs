//! [`Outlet`]: where a handle's commands go. The handle knows only the command queue; the
//! transport's outlet may write a message straight onto the socket instead (see
//! `transport::outbox`), which is why the handle hands every command through it.

use super::events::SessionCommand;
use tokio::sync::mpsc::{self, error::TrySendError};

/// Takes a handle's commands, in the order they are given, for the connection loop.
pub(crate) trait Outlet: Send + Sync {
    /// Hands `command` on without waiting: written now, or queued. `Full` and `Closed` give
    /// the command back, unqueued.
    fn try_send(&self, command: SessionCommand) -> Result<(), TrySendError<SessionCommand>>;

    /// Hands `command` on with a queue slot reserved beforehand, used if it is queued.
    fn send_reserved(&self, slot: mpsc::Permit<'_, SessionCommand>, command: SessionCommand);
}

/// The plain queue: every command waits for the connection loop.
impl Outlet for mpsc::Sender<SessionCommand> {
    fn try_send(&self, command: SessionCommand) -> Result<(), TrySendError<SessionCommand>> {
        mpsc::Sender::try_send(self, command)
    }

    fn send_reserved(&self, slot: mpsc::Permit<'_, SessionCommand>, command: SessionCommand) {
        slot.send(command);
    }
}
