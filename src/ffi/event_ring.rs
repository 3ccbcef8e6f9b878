//! Event rings (`gemini_live_event_ring_new`): a pull-mode session's events, pulled by the
//! library on its network threads into a ring of event pointers that the application reads
//! from memory, without a call into the library per event.
//!
//! Made for runtimes where every foreign call has a cost of its own beyond the call (Go: a cgo
//! call after the process was idle wakes the runtime's monitor thread; one per burst of events
//! showed as the Go binding's largest overhead). The ring is filled by a task on the network
//! runtime that waits on the session's event fd (`gemini_live_session_get_event_fd`) and pulls
//! with `gemini_live_session_next_event(.., 0, ..)` until `TIMEOUT`, so the session's own
//! queue and its back-pressure (256 events, then the network reading waits) are unchanged: a
//! full ring stops the pulling.
//!
//! Memory protocol (the header's fields are shared; every access is atomic):
//! - the library writes `head`, `full`, `done`, `result`; the consumer writes `tail`;
//!   both swap `armed` (and `full`).
//! - events `[tail, head)` are ready in `slots[i % capacity]`; the consumer reads the event at
//!   `tail` and then stores `tail + 1` (release), which hands the event back: the library
//!   frees it (on its next pull, or in `gemini_live_event_ring_free`).
//! - before waiting on `fd` the consumer stores `armed = 1` and loads `head` and `done` again
//!   (sequentially consistent); the library stores `head`/`done` and then swaps `armed` to 0,
//!   writing to `fd` when it was 1. One of the two always sees the other's store.
//! - the library stops pulling when `head - tail == capacity`: it stores `full = 1` and loads
//!   `tail` again; the consumer, after storing `tail`, swaps `full` to 0 and, when it was 1,
//!   writes an 8-byte 1 to `space_fd`.

use super::error::{gemini_live_result, Error};
use super::event::gemini_live_event;
use super::ptr::check_out;
use super::session::gemini_live_session;
use std::ffi::c_int;

/// The shared part of an event ring (see `gemini_live_event_ring_new`). Every field is
/// accessed atomically (C11 `atomic_*_explicit` on the field's address, `__atomic` builtins,
/// Go's `sync/atomic`); the rules are in `gemini_live_event_ring_new`.
#[repr(C)]
pub struct gemini_live_event_ring {
    /// One past the last ready event (written by the library).
    pub head: u64,
    /// The next event the consumer takes (written by the consumer).
    pub tail: u64,
    /// `capacity` event pointers; the event at position `i` is `slots[i % capacity]`.
    pub slots: *const *const gemini_live_event,
    /// The number of slots (a power of two).
    pub capacity: u32,
    /// 1 while the consumer waits (or is about to wait) on `fd`.
    pub armed: u32,
    /// 1 while the library waits for room (the ring is full).
    pub full: u32,
    /// 1 once no event will be added: `result` then says why.
    pub done: u32,
    /// With `done`: `CLOSED` after the `CLOSED` event was added, else the error
    /// `gemini_live_session_next_event` returned.
    pub result: u32,
    /// Readable when events may have been added (an eventfd on Linux, a pipe elsewhere).
    pub fd: c_int,
    /// Where the consumer writes an 8-byte 1 when it took from a full ring (on Linux the
    /// library's duplicate of the session's event fd, elsewhere a pipe).
    pub space_fd: c_int,
}

#[cfg(unix)]
mod imp {
    use super::*;
    use crate::ffi::event::gemini_live_event_free;
    use crate::ffi::event_fd::Fds;
    use crate::ffi::ptr::write_out;
    use crate::ffi::session::{event_fd_of, gemini_live_session_next_event};
    use crate::ffi::session_rings;
    use std::cell::UnsafeCell;
    use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};
    use std::sync::{Arc, Mutex, Weak};

    /// What the library keeps: the header first (its address is the handle), then the rest.
    #[repr(C)]
    struct Shared {
        header: UnsafeCell<gemini_live_event_ring>,
        slots: Box<[AtomicPtr<gemini_live_event>]>,
        producer: Mutex<Producer>,
        notify: Fds,
        /// Off Linux, the pipe a full ring waits on (`space_fd` is its write end).
        space: Option<Fds>,
        /// The session's address, its key in `session_rings`.
        session_addr: usize,
        /// The task's duplicate of the session's event fd (on Linux also `space_fd`).
        session_fd: std::os::fd::OwnedFd,
    }

    // SAFETY: the header is only accessed through atomics; the rest is Sync.
    unsafe impl Send for Shared {}
    unsafe impl Sync for Shared {}

    struct SessionPtr(*mut gemini_live_session);
    // SAFETY: the session API may be called from any thread.
    unsafe impl Send for SessionPtr {}

    struct Producer {
        /// `None` once the ring is freed: the task stops.
        session: Option<SessionPtr>,
        /// Events before this position were freed.
        freed: u64,
        task: Option<tokio::task::JoinHandle<()>>,
    }

    enum Step {
        /// The session's queue is empty: wait on its event fd.
        Wait,
        /// The ring is full: wait on `space_fd`.
        Full,
        /// No more events (or the ring was freed).
        Stop,
    }

    impl Shared {
        fn hdr(&self) -> *mut gemini_live_event_ring {
            self.header.get()
        }
        fn a64(&self, f: fn(*mut gemini_live_event_ring) -> *mut u64) -> &AtomicU64 {
            // SAFETY: the field lives as long as `self`; it is only accessed atomically.
            unsafe { AtomicU64::from_ptr(f(self.hdr())) }
        }
        fn a32(&self, f: fn(*mut gemini_live_event_ring) -> *mut u32) -> &AtomicU32 {
            // SAFETY: as `a64`.
            unsafe { AtomicU32::from_ptr(f(self.hdr())) }
        }
        fn head(&self) -> &AtomicU64 {
            self.a64(|h| unsafe { std::ptr::addr_of_mut!((*h).head) })
        }
        fn tail(&self) -> &AtomicU64 {
            self.a64(|h| unsafe { std::ptr::addr_of_mut!((*h).tail) })
        }
        fn armed(&self) -> &AtomicU32 {
            self.a32(|h| unsafe { std::ptr::addr_of_mut!((*h).armed) })
        }
        fn full(&self) -> &AtomicU32 {
            self.a32(|h| unsafe { std::ptr::addr_of_mut!((*h).full) })
        }
        fn done(&self) -> &AtomicU32 {
            self.a32(|h| unsafe { std::ptr::addr_of_mut!((*h).done) })
        }
        fn result(&self) -> &AtomicU32 {
            self.a32(|h| unsafe { std::ptr::addr_of_mut!((*h).result) })
        }

        /// Frees the events the consumer handed back (before `upto`).
        fn reclaim(&self, p: &mut Producer, upto: u64) {
            let mask = self.slots.len() as u64 - 1;
            while p.freed < upto {
                let ev = self.slots[(p.freed & mask) as usize].swap(std::ptr::null_mut(), Ordering::Relaxed);
                gemini_live_event_free(ev);
                p.freed += 1;
            }
        }

        /// Pulls until the session's queue is empty, the ring is full or the events end.
        fn pump(&self) -> Step {
            let mut p = self.producer.lock().unwrap_or_else(|e| e.into_inner());
            let Some(session) = p.session.as_ref().map(|s| s.0) else {
                return Step::Stop;
            };
            let cap = self.slots.len() as u64;
            let mask = cap - 1;
            let mut head = self.head().load(Ordering::Relaxed);
            // A consumer that stores a `tail` outside what it may take (past `head`, or back
            // before events already freed) is not believed: nothing beyond `head` is freed,
            // nothing is freed twice, and no slot still holding an event is written over.
            let consumed = |p: &Producer, t: u64, head: u64| t.clamp(p.freed, head);
            let mut tail = consumed(&p, self.tail().load(Ordering::Acquire), head);
            self.reclaim(&mut p, tail);
            let mut added = false;
            let step = loop {
                if head - tail == cap {
                    self.full().store(1, Ordering::SeqCst);
                    tail = consumed(&p, self.tail().load(Ordering::SeqCst), head);
                    if head - tail == cap {
                        break Step::Full;
                    }
                    self.full().store(0, Ordering::Relaxed);
                    self.reclaim(&mut p, tail);
                }
                let mut ev: *mut gemini_live_event = std::ptr::null_mut();
                match gemini_live_session_next_event(session, 0, &mut ev) {
                    gemini_live_result::Ok => {
                        self.slots[(head & mask) as usize].store(ev, Ordering::Relaxed);
                        head += 1;
                        self.head().store(head, Ordering::SeqCst);
                        added = true;
                    }
                    gemini_live_result::Timeout => break Step::Wait,
                    other => {
                        self.end(other);
                        added = true;
                        break Step::Stop;
                    }
                }
            };
            drop(p);
            if added {
                self.wake_consumer();
            }
            step
        }

        /// No event will be added; `result` says why.
        fn end(&self, result: gemini_live_result) {
            self.result().store(result as u32, Ordering::Relaxed);
            self.done().store(1, Ordering::SeqCst);
        }

        /// Signals `fd` if the consumer waits (or is about to wait) on it.
        fn wake_consumer(&self) {
            if self.armed().swap(0, Ordering::SeqCst) == 1 {
                self.notify.signal();
            }
        }
    }

    /// A duplicate of `fd` for the task's own registration with the network runtime's poller.
    fn dup(fd: c_int) -> std::io::Result<std::os::fd::OwnedFd> {
        use std::os::fd::FromRawFd;
        // SAFETY: plain syscall on a live descriptor; checked.
        let d = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
        if d < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor nothing else owns.
        Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(d) })
    }

    /// A descriptor registered with the poller but owned by `Shared` (which outlives the
    /// registration: the task holds it), so that it stays open, and its number is not reused,
    /// until the ring is freed, whatever the task does: the consumer may still write to
    /// `space_fd` after the task ended.
    struct Borrowed(c_int);

    impl std::os::fd::AsRawFd for Borrowed {
        fn as_raw_fd(&self) -> c_int {
            self.0
        }
    }

    async fn run(shared: Arc<Shared>) {
        use std::os::fd::AsRawFd;
        use tokio::io::unix::AsyncFd;
        use tokio::io::Interest;
        // SAFETY (both registrations): the descriptors belong to `shared`, which is dropped
        // after the AsyncFds (declared later, dropped first), so they stay open while
        // registered. On Linux a full ring waits on the session's event fd itself (the
        // consumer's `space_fd` is this dup of it, so room and new events wake the same wait);
        // elsewhere on a pipe of its own.
        let events = unsafe {
            AsyncFd::register_with_interest(Borrowed(shared.session_fd.as_raw_fd()), Interest::READABLE)
        };
        let space = shared
            .space
            .as_ref()
            .map(|n| unsafe { AsyncFd::register_with_interest(Borrowed(n.raw()), Interest::READABLE) })
            .transpose();
        let (Ok(events), Ok(space)) = (events, space) else {
            shared.end(gemini_live_result::Io);
            shared.wake_consumer();
            return;
        };
        loop {
            // Readiness is cleared before the next pull: a wake after that pull (the session's
            // after its TIMEOUT, which drains the fd and arms it; the consumer's after it saw
            // `full`) is a new edge, never lost.
            let ready = match (shared.pump(), &space) {
                (Step::Stop, _) => return,
                (Step::Full, Some(space)) => match space.readable().await {
                    Ok(mut g) => {
                        g.clear_ready();
                        if let Some(n) = &shared.space {
                            n.drain();
                        }
                        continue;
                    }
                    Err(_) => return,
                },
                (Step::Wait | Step::Full, _) => events.readable().await,
            };
            match ready {
                Ok(mut g) => g.clear_ready(),
                Err(_) => return,
            }
        }
    }

    /// `gemini_live_event_ring_new` after the argument checks.
    pub(super) fn new(
        session: *mut gemini_live_session,
        cap: u32,
        out: *mut *mut gemini_live_event_ring,
    ) -> Result<(), Error> {
        // SAFETY: a non-NULL session pointer from the caller (documented as live).
        let session_fd = unsafe { event_fd_of(session)? };
        let io = |e: std::io::Error| Error::new(gemini_live_result::Io, format!("event ring: {e}"));
        let notify = Fds::new().map_err(io)?;
        let session_dup = dup(session_fd).map_err(io)?;
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let (space, space_fd) = (None, std::os::fd::AsRawFd::as_raw_fd(&session_dup));
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let (space, space_fd) = {
            let n = Fds::new().map_err(io)?;
            let w = n.write_fd();
            (Some(n), w)
        };
        let slots: Box<[AtomicPtr<gemini_live_event>]> =
            (0..cap).map(|_| AtomicPtr::new(std::ptr::null_mut())).collect();
        let shared = Arc::new(Shared {
            header: UnsafeCell::new(gemini_live_event_ring {
                head: 0,
                tail: 0,
                slots: slots.as_ptr().cast(),
                capacity: cap,
                armed: 0,
                full: 0,
                done: 0,
                result: gemini_live_result::Ok as u32,
                fd: notify.raw(),
                space_fd,
            }),
            slots,
            producer: Mutex::new(Producer {
                session: Some(SessionPtr(session)),
                freed: 0,
                task: None,
            }),
            session_addr: session as usize,
            session_fd: session_dup,
            notify,
            space,
        });
        let weak: Weak<dyn session_rings::Ring> = Arc::downgrade(&shared) as Weak<Shared>;
        if !session_rings::register(session as usize, weak) {
            return Err(Error::invalid("the session already has an event ring"));
        }
        let task = crate::ffi::runtime::io().spawn(run(shared.clone()));
        shared.producer.lock().unwrap_or_else(|e| e.into_inner()).task = Some(task);
        unsafe { write_out(out, Arc::into_raw(shared) as *mut gemini_live_event_ring) };
        Ok(())
    }

    /// `gemini_live_event_ring_free` of a non-NULL ring.
    pub(super) fn free(ring: *mut gemini_live_event_ring) {
        // SAFETY: `ring` came from `Arc::into_raw` in `gemini_live_event_ring_new` (the header
        // is the first field of the `repr(C)` `Shared`) and is freed once.
        let shared = unsafe { Arc::from_raw(ring as *const Shared) };
        let task = {
            let mut p = shared.producer.lock().unwrap_or_else(|e| e.into_inner());
            p.session = None;
            let head = shared.head().load(Ordering::Relaxed);
            shared.reclaim(&mut p, head);
            p.task.take()
        };
        if let Some(t) = task {
            t.abort();
        }
        session_rings::unregister(shared.session_addr, Arc::as_ptr(&shared).cast());
    }

    impl session_rings::Ring for Shared {
        /// The ring stops pulling, waiting for a pull in progress, and says `done` with
        /// `CLOSED`; it stays, with its events, until its own free.
        fn session_freed(&self) {
            let task = {
                let mut p = self.producer.lock().unwrap_or_else(|e| e.into_inner());
                p.session = None;
                p.task.take()
            };
            if let Some(t) = task {
                t.abort();
            }
            if self.done().load(Ordering::SeqCst) == 0 {
                self.end(gemini_live_result::Closed);
                self.wake_consumer();
            }
        }
    }
}

/// Pull mode: from now on the library pulls `session`'s events itself, on its network
/// threads, into a ring the application reads from memory, with no call into the library per
/// event (for runtimes where a foreign call is expensive, such as Go's cgo). `capacity` is the
/// number of slots, a power of two from 2 to 65536 (0 chooses 64); the session's own queue
/// (256 events) still comes before it, and when both are full the session stops reading from
/// the network until the application catches up: nothing is lost. On success `*out` receives
/// the ring, freed with `gemini_live_event_ring_free`.
///
/// Reading (every access to the ring's fields is atomic; `head`, `done` and `armed` with
/// sequentially consistent order where said):
/// 1. Load `head` (acquire). While `tail < head`, the event at `tail` is
///    `slots[tail % capacity]`: read it, then store `tail + 1` (release). That hands the event
///    back: do not touch it afterwards (the library frees it). Then, if swapping `full` to 0
///    returns 1, write an 8-byte 1 (`uint64_t`) to `space_fd`.
/// 2. When `tail == head`: if `done` is 1, nothing more comes (`result` is `CLOSED` after the
///    `CLOSED` event, else the error that stopped the pulling). Otherwise read `fd` until it is
///    empty, store `armed = 1` (sequentially consistent), load `head` and `done` again, and if
///    nothing changed wait until `fd` is readable (poll, epoll, or a runtime's poller, edge- or
///    level-triggered), then go back to 1. Readiness may be spurious.
///
/// After this call, do not call `gemini_live_session_next_event` on the session, nor read its
/// event fd; the send functions and the rest work as before. A `tail` stored past `head`, or
/// back before events already handed back, is clamped by the library: it never frees a slot
/// it did not fill, nor writes over an event not yet handed back (such a consumer reads
/// garbage, but the library stays sound).
///
/// Ownership: the ring, `slots` and both descriptors belong to the library: do not close them
/// (`dup` them if your poller needs its own). Free the ring with `gemini_live_event_ring_free`,
/// before or after `gemini_live_session_free`: freeing the session first stops the pulling and
/// sets `done` (`result` `CLOSED`, whether or not the `CLOSED` event was pulled); the ring's
/// events stay readable until the ring is freed.
///
/// Threads: one consumer at a time reads the ring (any thread); the call itself from any
/// thread. Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (the session has a callback or
/// already a ring, or `capacity` is not a power of two in range), `IO` (no descriptors left,
/// or not Unix).
#[no_mangle]
pub extern "C" fn gemini_live_event_ring_new(
    session: *mut gemini_live_session,
    capacity: u32,
    out: *mut *mut gemini_live_event_ring,
) -> gemini_live_result {
    crate::ffi_result! {
        if session.is_null() {
            return Err(Error::null("session"));
        }
        check_out(out, "out")?;
        let cap = if capacity == 0 { 64 } else { capacity };
        if !(2..=65536).contains(&cap) || !cap.is_power_of_two() {
            return Err(Error::invalid("capacity must be a power of two from 2 to 65536 (or 0)"));
        }
        #[cfg(unix)]
        {
            imp::new(session, cap, out)
        }
        #[cfg(not(unix))]
        {
            Err(Error::new(gemini_live_result::Io, "event rings exist on Unix systems only"))
        }
    }
}

/// Stops the pulling and frees the ring, with every event still in it (taken or not). Call it
/// before `gemini_live_session_free`; the session's events not yet pulled stay in the
/// session's queue. It waits for a pull in progress on a network thread (a few
/// microseconds), never for the network. NULL is a no-op.
///
/// Threads: any, but not while a consumer still reads the ring. Errors: none.
#[no_mangle]
pub extern "C" fn gemini_live_event_ring_free(ring: *mut gemini_live_event_ring) {
    crate::ffi_panic_boundary! {
        #[cfg(unix)]
        if !ring.is_null() {
            imp::free(ring);
        }
        #[cfg(not(unix))]
        let _ = ring;
    }
}
