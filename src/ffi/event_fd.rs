//! The readiness file descriptor of a pull-mode session (`gemini_live_session_get_event_fd`),
//! after nng's `NNG_OPT_RECVFD`: an eventfd on Linux and Android, the read end of a pipe on
//! other Unix systems, non-blocking and close-on-exec, owned by the session.
//!
//! No thread and no task of its own: when `gemini_live_session_next_event` finds the queue
//! empty it drains the descriptor and registers [`EventFd::waker`] on the session's event
//! receiver (`poll_recv`), so the connection loop's next send (or the end of the channel) wakes
//! it with one `write`. The waker holds only a `Weak` pointer, so once the session dropped its
//! `EventFd` (in `gemini_live_session_free`) a late wake writes nothing, and the descriptor is
//! closed when the last strong reference goes (at once, or right after a wake in progress).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Arc, Weak};
use std::task::{Wake, Waker};

/// The descriptors: one eventfd, or a pipe's two ends. Also the notifier of event rings
/// (`event_ring`), which start unsignalled.
pub(crate) struct Fds {
    read: OwnedFd,
    /// The write end of the pipe; `None` for an eventfd (written through `read`).
    #[cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]
    write: Option<OwnedFd>,
}

impl Fds {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub(crate) fn new() -> io::Result<Fds> {
        // SAFETY: plain syscall; the result is checked.
        let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh descriptor that nothing else owns.
        Ok(Fds {
            read: unsafe { OwnedFd::from_raw_fd(fd) },
            write: None,
        })
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub(crate) fn new() -> io::Result<Fds> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors; the result is checked.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: fresh descriptors that nothing else owns.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        for fd in [&read, &write] {
            let fd = fd.as_raw_fd();
            // SAFETY: fcntl on descriptors owned here.
            unsafe {
                let fl = libc::fcntl(fd, libc::F_GETFL);
                if fl < 0 || libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK) < 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) < 0 {
                    return Err(io::Error::last_os_error());
                }
            }
        }
        Ok(Fds {
            read,
            write: Some(write),
        })
    }

    /// The descriptor that becomes readable.
    pub(crate) fn raw(&self) -> RawFd {
        self.read.as_raw_fd()
    }

    /// The descriptor a signal is written to: the eventfd itself, or the pipe's write end.
    #[cfg_attr(any(target_os = "linux", target_os = "android"), allow(dead_code))]
    pub(crate) fn write_fd(&self) -> RawFd {
        self.write.as_ref().map_or(self.raw(), |w| w.as_raw_fd())
    }

    /// Makes the descriptor readable (a no-op when it already is and the pipe is full).
    pub(crate) fn signal(&self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            let one: u64 = 1;
            // SAFETY: writes 8 bytes from a live u64 to an eventfd owned by `self`. EAGAIN
            // (counter at its maximum) still leaves it readable.
            let _ = unsafe { libc::write(self.read.as_raw_fd(), (&one as *const u64).cast(), 8) };
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        if let Some(w) = &self.write {
            let one = 1u8;
            // SAFETY: writes 1 byte to the pipe owned by `self`; EAGAIN means it is full, hence
            // readable.
            let _ = unsafe { libc::write(w.as_raw_fd(), (&one as *const u8).cast(), 1) };
        }
    }

    /// Reads until empty: the descriptor is no longer readable (until the next signal).
    pub(crate) fn drain(&self) {
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: reads into a live local buffer from a descriptor owned by `self`.
            let n = unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            // An eventfd empties in one read; a pipe may need more.
            if n <= 0 || cfg!(any(target_os = "linux", target_os = "android")) {
                if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return;
            }
        }
    }
}

/// Wakes by signalling the descriptor, if the session still has it.
struct FdWaker(Weak<Fds>);

impl Wake for FdWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(fds) = self.0.upgrade() {
            fds.signal();
        }
    }
}

/// A session's readiness descriptor and the waker that signals it.
pub(crate) struct EventFd {
    fds: Arc<Fds>,
    waker: Waker,
}

impl EventFd {
    /// A new descriptor, created readable: a caller may have missed a wake before it existed,
    /// so its first poll returns at once and its next `next_event` arms the waker.
    pub fn new() -> io::Result<EventFd> {
        let fds = Arc::new(Fds::new()?);
        fds.signal();
        let waker = Waker::from(Arc::new(FdWaker(Arc::downgrade(&fds))));
        Ok(EventFd { fds, waker })
    }

    /// The descriptor the application polls.
    pub fn raw(&self) -> RawFd {
        self.fds.raw()
    }

    /// Empties the descriptor; call before registering [`EventFd::waker`].
    pub fn drain(&self) {
        self.fds.drain();
    }

    /// Makes the descriptor readable now.
    pub fn signal(&self) {
        self.fds.signal();
    }

    /// The waker to register on the event receiver.
    pub fn waker(&self) -> &Waker {
        &self.waker
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(fd: RawFd) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        unsafe { libc::poll(&mut p, 1, 0) == 1 && p.revents & libc::POLLIN != 0 }
    }

    #[test]
    fn readable_at_first_then_by_wake_only() {
        let e = EventFd::new().unwrap();
        assert!(readable(e.raw()), "readable when created");
        e.drain();
        assert!(!readable(e.raw()));
        e.waker().wake_by_ref();
        e.waker().wake_by_ref();
        assert!(readable(e.raw()));
        e.drain();
        assert!(!readable(e.raw()), "one drain empties it");
        // SAFETY: fcntl on a live descriptor.
        let flags = unsafe { libc::fcntl(e.raw(), libc::F_GETFD) };
        assert!(flags & libc::FD_CLOEXEC != 0);
        let fl = unsafe { libc::fcntl(e.raw(), libc::F_GETFL) };
        assert!(fl & libc::O_NONBLOCK != 0);
    }

    #[test]
    fn a_late_wake_after_drop_writes_nothing() {
        let e = EventFd::new().unwrap();
        let waker = e.waker().clone();
        drop(e);
        waker.wake(); // the descriptor is gone: nothing to write to, no panic
    }
}
