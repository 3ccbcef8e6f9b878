//! One monotonic clock for the whole process: nanoseconds since the first call.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static T0: OnceLock<Instant> = OnceLock::new();

fn t0() -> Instant {
    *T0.get_or_init(Instant::now)
}

/// Nanoseconds since the process clock started.
pub fn now_ns() -> u64 {
    t0().elapsed().as_nanos() as u64
}

/// Sleeps until `deadline_ns` on the process clock (returns at once if it has passed).
pub fn sleep_until(deadline_ns: u64) {
    let now = now_ns();
    if deadline_ns > now {
        std::thread::sleep(Duration::from_nanos(deadline_ns - now));
    }
}
