//! The library's runtimes.
//!
//! - **IO**: one multi-thread runtime (threads `gemini-live-io`, at most 4) runs every
//!   session's connection loop: no OS thread per session on the network path. No C code ever
//!   runs on it.
//! - **Callbacks**: a small runtime whose blocking pool (threads `gemini-live-cb`) hosts one
//!   dispatcher per callback-mode session and runs the credential callback. A dispatcher is a
//!   long-lived blocking task, so a slow C callback holds only its own thread: it stalls
//!   neither the network I/O nor the callbacks of other sessions. Idle pool threads are reused
//!   for later sessions.

use once_cell::sync::Lazy;
use std::cell::Cell;
use tokio::runtime::{Builder, Handle, Runtime};

static IO: Lazy<Runtime> = Lazy::new(|| {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 4);
    Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("gemini-live-io")
        .enable_all()
        .build()
        .expect("cannot start the gemini-live runtime")
});

static CALLBACKS: Lazy<Runtime> = Lazy::new(|| {
    Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(4096)
        .thread_name("gemini-live-cb")
        .enable_time()
        .build()
        .expect("cannot start the gemini-live callback runtime")
});

/// The network runtime.
pub(crate) fn io() -> &'static Handle {
    IO.handle()
}

/// The callback runtime.
pub(crate) fn callbacks() -> &'static Handle {
    CALLBACKS.handle()
}

thread_local! {
    /// The session whose callback is running on this thread (null when none).
    static IN_CALLBACK: Cell<usize> = const { Cell::new(0) };
}

/// Marks this thread as running a callback of `session` until the guard drops.
pub(crate) struct CallbackScope {
    previous: usize,
}

impl CallbackScope {
    pub fn enter(session: usize) -> Self {
        let previous = IN_CALLBACK.with(|c| c.replace(session));
        CallbackScope { previous }
    }
}

impl Drop for CallbackScope {
    fn drop(&mut self) {
        IN_CALLBACK.with(|c| c.set(self.previous));
    }
}

/// Whether this thread is inside a callback of `session`.
pub(crate) fn in_callback_of(session: usize) -> bool {
    session != 0 && IN_CALLBACK.with(|c| c.get()) == session
}

/// Runs `f` on a callback-pool thread and waits for its result on this (non-runtime) thread.
/// `None` if it panicked.
pub(crate) fn run_on_callback_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    callbacks().spawn_blocking(move || {
        let value = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
        let _ = tx.send(value);
    });
    rx.recv().ok().flatten()
}
