//! Fuzzes the server-message decoder and the event mapping behind it: any byte string must
//! decode to a message or an error, never a panic, and every decoded message must map to
//! events without panicking. Memory is part of the contract: decoding a frame and mapping it
//! to events may not peak above a small multiple of the frame's size (checked with a counting
//! allocator; the search then hunts for amplification too).
#![no_main]

use gemini_live::protocol::ServerMessage;
use gemini_live::session::events_from_message;
use libfuzzer_sys::fuzz_target;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Live heap bytes and their high-water mark (the target runs on one thread).
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counting;

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new_size);
        if !q.is_null() {
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The allowed peak: what tests/decode_limits.rs holds large frames to (16x), plus room for
/// the fixed costs that dominate tiny frames (an error message, a few small vectors).
fn allowed(frame: usize) -> usize {
    16 * frame + 4096
}

fuzz_target!(|data: &[u8]| {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    if let Ok(message) = ServerMessage::decode(data) {
        let mut events = Vec::new();
        events_from_message(message, &mut events);
    }
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert!(
        peak <= allowed(data.len()),
        "decoding {} bytes peaked at {peak} bytes of heap",
        data.len()
    );
});
