//! The application's event stream: lossless, in order, with backpressure.
//!
//! The session's connection loop waits for room in this queue instead of dropping events, so
//! an application that reads slowly slows only its own session (the server's frames wait in
//! the socket) and never loses audio. Dropping the stream discards later events; the session
//! itself keeps running until it is closed.

use super::events::{FramedEvent, SessionEvent};
use super::queue::{self, Receiver, Sender, TrySendError};
use futures_util::Stream;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Events of one session, in the order the session produced them. The last event is always
/// [`SessionEvent::Closed`]; after it, [`EventStream::recv`] returns `None`.
#[derive(Debug)]
pub struct EventStream {
    rx: Receiver<FramedEvent>,
}

/// Where the connection loop puts events: a bounded queue (an [`EventStream`] reads it), or an
/// inline consumer that takes each event on the thread that decoded it, with no hand-off.
#[derive(Clone)]
pub(crate) enum EventSink {
    Queue(Sender<FramedEvent>),
    Inline(InlineConsumer),
}

/// Takes one event where it is produced (on a network thread); must return quickly.
pub(crate) type InlineConsumer = Arc<dyn Fn(FramedEvent) + Send + Sync>;

impl EventSink {
    /// Delivers `event`, waiting for room in a queue. A consumer that went away (stream
    /// dropped, session freed) simply stops receiving.
    pub async fn send(&self, event: FramedEvent) {
        match self {
            EventSink::Queue(tx) => {
                let _ = tx.send(event).await;
            }
            EventSink::Inline(consume) => consume(event),
        }
    }

    /// Delivers without waiting; gives the event back when a queue is full.
    pub fn try_send(&self, event: FramedEvent) -> Result<(), FramedEvent> {
        match self {
            EventSink::Queue(tx) => match tx.try_send(event) {
                Err(TrySendError::Full(event)) => Err(event),
                _ => Ok(()),
            },
            EventSink::Inline(consume) => {
                consume(event);
                Ok(())
            }
        }
    }
}

/// A stream and its sink with room for `capacity` events (at least one).
pub(crate) fn event_channel(capacity: usize) -> (EventSink, EventStream) {
    let (tx, rx) = queue::queue(capacity);
    (EventSink::Queue(tx), EventStream { rx })
}

impl EventStream {
    /// The next event, waiting for it; `None` once the session has ended and every event was
    /// received.
    pub async fn recv(&mut self) -> Option<SessionEvent> {
        self.rx.recv().await.map(|f| f.event)
    }

    /// The next event with the text of the server frame it came from (the raw view: every
    /// field the server sent, known to this library or not).
    pub async fn recv_framed(&mut self) -> Option<FramedEvent> {
        self.rx.recv().await
    }

    /// The next event if one is queued, without waiting.
    pub fn try_recv(&mut self) -> Option<SessionEvent> {
        self.rx.try_recv().ok().map(|f| f.event)
    }

    /// The next event, blocking the calling thread (never call this inside an async task).
    pub fn blocking_recv(&mut self) -> Option<SessionEvent> {
        self.rx.blocking_recv().map(|f| f.event)
    }

    /// Polls for the next event (for hand-written futures).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<SessionEvent>> {
        self.rx.poll_recv(cx).map(|o| o.map(|f| f.event))
    }

    /// The underlying receiver (the C ABI's dispatcher owns it).
    pub(crate) fn into_receiver(self) -> Receiver<FramedEvent> {
        self.rx
    }
}

impl Stream for EventStream {
    type Item = SessionEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<SessionEvent>> {
        self.get_mut().poll_recv(cx)
    }
}
