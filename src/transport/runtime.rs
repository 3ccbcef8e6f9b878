//! The runtime shared by every session created outside an async context (the C ABI).
//!
//! One multi-thread runtime serves all sessions: no OS thread per session on the network path.

use once_cell::sync::Lazy;
use tokio::runtime::{Builder, Runtime};

static SHARED: Lazy<Runtime> = Lazy::new(|| {
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

/// The library's network runtime.
pub fn shared() -> &'static Runtime {
    &SHARED
}
