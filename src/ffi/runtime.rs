//! The library's runtimes.
//!
//! - **IO**: one multi-thread runtime (threads `gemini-live-io`, at most 4) runs every
//!   session's connection loop: no OS thread per session on the network path. No C code ever
//!   runs on it.
//! - **Callbacks**: a small runtime (one worker, threads `gemini-live-cb-rt`) that runs the
//!   credential callback on its blocking pool, the waits of `gemini_live_session_next_event`
//!   and the teardown of a session freed from an inline callback. Event callbacks themselves
//!   run on the callback pool (`callback_pool`, threads `gemini-live-cb`) or, inline, on the
//!   IO threads.

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
        // Events these threads hand to the callback pool signal it once per turn of the
        // event loop (see `callback_pool::flush_deferred_wakes`).
        .on_thread_park(super::callback_pool::flush_deferred_wakes)
        .enable_all()
        .build()
        .expect("cannot start the gemini-live runtime")
});

static CALLBACKS: Lazy<Runtime> = Lazy::new(|| {
    Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(4096)
        .thread_name("gemini-live-cb-rt")
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
    /// The delivery (`Delivery::id`) whose callback is running on this thread (0 when none),
    /// and whether it runs inline (on an IO thread).
    static IN_CALLBACK: Cell<(usize, bool)> = const { Cell::new((0, false)) };
}

/// Marks this thread as running a callback of delivery `id` until the guard drops.
pub(crate) struct CallbackScope {
    previous: (usize, bool),
}

impl CallbackScope {
    pub fn enter(id: usize, inline: bool) -> Self {
        let previous = IN_CALLBACK.with(|c| c.replace((id, inline)));
        CallbackScope { previous }
    }
}

impl Drop for CallbackScope {
    fn drop(&mut self) {
        IN_CALLBACK.with(|c| c.set(self.previous));
    }
}

/// Whether this thread is inside a callback of delivery `id`.
pub(crate) fn in_callback_of(id: usize) -> bool {
    id != 0 && IN_CALLBACK.with(|c| c.get()).0 == id
}

/// Whether this thread is inside an inline callback (an IO thread, which must never block).
pub(crate) fn in_inline_callback() -> bool {
    IN_CALLBACK.with(|c| c.get()).1
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
