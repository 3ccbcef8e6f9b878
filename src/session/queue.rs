//! The bounded queue between a session's connection loop and its event stream.
//!
//! Why not `tokio::sync::mpsc`: its memory is blocks of 32 slots, and a channel that has moved
//! past its first block keeps two of them for good (~7.5 KiB per session with events of 120
//! bytes), however few events wait. Here the events wait in a `VecDeque` that gives its room
//! back when a burst has been drained, so an idle or steady session holds a few slots. A
//! queue has one receiver and, in practice, one sender at a time (the connection loop), so
//! one uncontended lock per event costs no more than the channel's atomics.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// Slots a drained queue keeps (a frame's events are usually a handful); more are released.
const KEEP: usize = 8;

struct State<T> {
    items: VecDeque<T>,
    capacity: usize,
    /// The receiver waiting for an item (or for the last sender to go).
    receiver: Option<Waker>,
    /// Senders waiting for room; all are woken when room appears (they try again).
    senders_waiting: Vec<Waker>,
    senders: usize,
    receiver_alive: bool,
}

struct Shared<T> {
    state: Mutex<State<T>>,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sending side; clones count as senders until dropped.
pub(crate) struct Sender<T>(Arc<Shared<T>>);

/// The one receiving side. Dropping it discards queued items and lets senders go on.
pub(crate) struct Receiver<T>(Arc<Shared<T>>);

impl<T> std::fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("queued", &self.0.lock().items.len())
            .finish()
    }
}

/// Why `try_send` gave the item back.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TrySendError<T> {
    Full(T),
    Closed(T),
}

/// Why `try_recv` returned nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryRecvError {
    Empty,
    /// Every sender is gone and the queue is empty.
    Disconnected,
}

/// A queue with room for `capacity` items (at least one).
pub(crate) fn queue<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            items: VecDeque::new(),
            capacity: capacity.max(1),
            receiver: None,
            senders_waiting: Vec::new(),
            senders: 1,
            receiver_alive: true,
        }),
    });
    (Sender(shared.clone()), Receiver(shared))
}

impl<T> Sender<T> {
    /// Queues `item`, waiting for room; gives it back if the receiver is gone.
    pub async fn send(&self, item: T) -> Result<(), T> {
        let mut item = Some(item);
        std::future::poll_fn(|cx| {
            let mut state = self.0.lock();
            if !state.receiver_alive {
                return Poll::Ready(Err(item.take().expect("polled after completion")));
            }
            if state.items.len() < state.capacity {
                state
                    .items
                    .push_back(item.take().expect("polled after completion"));
                let receiver = state.receiver.take();
                drop(state);
                if let Some(waker) = receiver {
                    waker.wake();
                }
                return Poll::Ready(Ok(()));
            }
            if !state.senders_waiting.iter().any(|w| w.will_wake(cx.waker())) {
                state.senders_waiting.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }

    /// Queues `item` if there is room now.
    pub fn try_send(&self, item: T) -> Result<(), TrySendError<T>> {
        let mut state = self.0.lock();
        if !state.receiver_alive {
            return Err(TrySendError::Closed(item));
        }
        if state.items.len() >= state.capacity {
            return Err(TrySendError::Full(item));
        }
        state.items.push_back(item);
        let receiver = state.receiver.take();
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.lock().senders += 1;
        Sender(self.0.clone())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.senders -= 1;
        let receiver = if state.senders == 0 {
            state.receiver.take()
        } else {
            None
        };
        drop(state);
        if let Some(waker) = receiver {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// The next item, or `None` once every sender is gone and the queue is empty; registers
    /// `cx`'s waker otherwise (atomically with the check: an item queued after it wakes it).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        match self.take(Some(cx.waker())) {
            Ok(item) => Poll::Ready(Some(item)),
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
            Err(TryRecvError::Empty) => Poll::Pending,
        }
    }

    /// The next item, waiting for it.
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The next item if one is queued.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.take(None)
    }

    /// The next item, blocking the calling thread (never inside an async task).
    pub fn blocking_recv(&mut self) -> Option<T> {
        super::park::block_until(self.recv(), None).flatten()
    }

    fn take(&mut self, waker: Option<&Waker>) -> Result<T, TryRecvError> {
        let mut state = self.0.lock();
        let Some(item) = state.items.pop_front() else {
            if state.senders == 0 {
                return Err(TryRecvError::Disconnected);
            }
            if let Some(waker) = waker {
                if !state.receiver.as_ref().is_some_and(|w| w.will_wake(waker)) {
                    state.receiver = Some(waker.clone());
                }
            }
            return Err(TryRecvError::Empty);
        };
        if state.items.is_empty() && state.items.capacity() > KEEP {
            state.items.shrink_to(KEEP);
        }
        let senders = std::mem::take(&mut state.senders_waiting);
        drop(state);
        for waker in senders {
            waker.wake();
        }
        Ok(item)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.receiver_alive = false;
        let items = std::mem::take(&mut state.items);
        let senders = std::mem::take(&mut state.senders_waiting);
        drop(state);
        drop(items);
        for waker in senders {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_order_and_waits_for_room() {
        let (tx, mut rx) = queue::<u32>(2);
        let producer = tokio::spawn(async move {
            for i in 0..100 {
                tx.send(i).await.unwrap();
            }
        });
        for i in 0..100 {
            assert_eq!(rx.recv().await, Some(i));
        }
        producer.await.unwrap();
        assert_eq!(rx.recv().await, None, "every sender is gone");
    }

    #[test]
    fn try_send_reports_full_and_closed() {
        let (tx, mut rx) = queue::<u32>(1);
        assert_eq!(tx.try_send(1), Ok(()));
        assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        drop(rx);
        assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    }

    #[tokio::test]
    async fn a_waiting_sender_is_released_when_the_receiver_goes() {
        let (tx, rx) = queue::<u32>(1);
        tx.send(1).await.unwrap();
        let mut waiting = Box::pin(tx.send(2));
        let first =
            std::future::poll_fn(|cx| Poll::Ready(std::future::Future::poll(waiting.as_mut(), cx))).await;
        assert!(first.is_pending(), "the queue is full: the sender waits");
        drop(rx);
        assert_eq!(waiting.await, Err(2));
    }

    #[test]
    fn a_drained_burst_gives_its_room_back() {
        let (tx, mut rx) = queue::<u64>(256);
        for i in 0..200 {
            tx.try_send(i).unwrap();
        }
        while rx.try_recv().is_ok() {}
        assert!(rx.0.lock().items.capacity() <= KEEP);
    }

    #[test]
    fn blocking_recv_wakes_for_an_item_and_for_the_end() {
        let (tx, mut rx) = queue::<u32>(4);
        let shared = rx.0.clone();
        // The producer acts only once the receiver is parked on an empty queue (its waker
        // registered), so both wake-ups are exercised.
        let parked = move || {
            while shared.lock().receiver.is_none() {
                std::thread::yield_now();
            }
        };
        let producer = std::thread::spawn(move || {
            parked();
            tx.try_send(7).unwrap(); // takes the registered waker
            parked();
            drop(tx);
        });
        assert_eq!(rx.blocking_recv(), Some(7));
        assert_eq!(rx.blocking_recv(), None);
        producer.join().unwrap();
    }

    #[test]
    fn clones_count_as_senders() {
        let (tx, mut rx) = queue::<u32>(4);
        let other = tx.clone();
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        other.try_send(1).unwrap();
        drop(other);
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    }
}
