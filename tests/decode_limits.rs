//! Memory per server frame is bounded: decoding a frame and turning it into events must peak
//! at a small multiple of the frame's size, whatever its shape. A counting global allocator
//! (this test binary's own) makes the figures deterministic; each case prints its ratio
//! (`cargo test --release --test decode_limits -- --nocapture --test-threads=1`).

use gemini_live::protocol::ServerMessage;
use gemini_live::session::{events_from_message, SessionEvent};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Counts live heap bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
// A realloc counts its new block before releasing the old one, as a moving realloc holds both
// (the worst case, so the figures are upper bounds).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
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
            // A moving realloc holds both blocks for a moment: count the new one first.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Measurements share the counters: one test at a time, for its whole run (building a frame
/// allocates too, and must not count in another test's measurement).
static SERIAL: Mutex<()> = Mutex::new(());

/// What decoding one frame cost.
struct Cost {
    decoded: bool,
    peak: usize,
    events: usize,
}

/// Decodes `frame` and maps it to events, returning the heap's peak above what was live before
/// (the frame itself excluded) and the number of events.
fn measure(frame: &[u8]) -> Cost {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let mut events: Vec<SessionEvent> = Vec::new();
    let decoded = match ServerMessage::decode(frame) {
        Ok(message) => {
            events_from_message(message, &mut events);
            true
        }
        Err(_) => false,
    };
    let count = events.len();
    drop(events);
    Cost {
        decoded,
        peak: PEAK.load(Ordering::Relaxed) - before,
        events: count,
    }
}

/// `prefix` + `n` copies of `item` separated by commas + `suffix`.
fn repeated(prefix: &str, item: &str, n: usize, suffix: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + (item.len() + 1) * n + suffix.len());
    out.extend_from_slice(prefix.as_bytes());
    for i in 0..n {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item.as_bytes());
    }
    out.extend_from_slice(suffix.as_bytes());
    out
}

const MILLION: usize = 1_000_000;

/// What any frame may cost, as a multiple of its size. The worst shapes (a million one-letter
/// ids or calls) come to about 11x: 24 to 72 bytes of struct per entry a few bytes long.
const BOUND: f64 = 16.0;

/// Measures `frame`, prints the figure, and checks it against `bound` × the frame's size.
fn check(name: &str, frame: Vec<u8>, bound: f64) {
    let cost = measure(&frame);
    let ratio = cost.peak as f64 / frame.len() as f64;
    println!(
        "{name}: frame {} bytes, peak {} bytes ({ratio:.2}x), {} events",
        frame.len(),
        cost.peak,
        cost.events
    );
    assert!(cost.decoded, "{name}: the frame did not decode");
    assert!(
        ratio <= bound,
        "{name}: decoding peaked at {ratio:.2}x the frame size (bound {bound}x)"
    );
}

#[test]
fn a_million_text_parts() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(
        r#"{"serverContent":{"modelTurn":{"parts":["#,
        r#"{"text":"a"}"#,
        MILLION,
        "]}}}",
    );
    check("1e6 text parts", frame, 8.0);
}

#[test]
fn alternating_text_and_thought_parts() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(
        r#"{"serverContent":{"modelTurn":{"parts":["#,
        r#"{"text":"a"},{"text":"b","thought":true}"#,
        MILLION / 2,
        "]}}}",
    );
    check("5e5 text + 5e5 thought parts", frame, BOUND);
}

#[test]
fn a_million_empty_parts() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(
        r#"{"serverContent":{"modelTurn":{"parts":["#,
        "{}",
        MILLION,
        "]}}}",
    );
    check("1e6 empty parts", frame, BOUND);
}

#[test]
fn a_million_tiny_function_calls() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(
        r#"{"toolCall":{"functionCalls":["#,
        r#"{"name":"f"}"#,
        MILLION,
        "]}}",
    );
    check("1e6 tiny function calls", frame, BOUND);
}

#[test]
fn a_million_empty_function_calls() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(r#"{"toolCall":{"functionCalls":["#, "{}", MILLION, "]}}");
    check("1e6 empty function calls", frame, BOUND);
}

#[test]
fn a_million_empty_objects_in_an_unknown_field() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(r#"{"somethingNew":["#, "{}", MILLION, "]}");
    check("1e6 empty objects (unknown field)", frame, BOUND);
}

#[test]
fn a_million_cancelled_ids() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(r#"{"toolCallCancellation":{"ids":["#, r#""1""#, MILLION, "]}}");
    check("1e6 cancellation ids", frame, BOUND);
}

#[test]
fn a_million_empty_cancelled_ids() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(r#"{"toolCallCancellation":{"ids":["#, r#""""#, MILLION, "]}}");
    check("1e6 empty cancellation ids", frame, BOUND);
}

#[test]
fn a_million_function_call_parts() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(
        r#"{"serverContent":{"modelTurn":{"parts":["#,
        r#"{"functionCall":{"name":"f"}}"#,
        MILLION,
        "]}}}",
    );
    check("1e6 functionCall parts", frame, BOUND);
}

#[test]
fn a_million_code_parts() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(
        r#"{"serverContent":{"modelTurn":{"parts":["#,
        r#"{"fileData":0}"#,
        MILLION,
        "]}}}",
    );
    check("1e6 fileData parts", frame, BOUND);
}

#[test]
fn a_million_audio_parts() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let frame = repeated(
        r#"{"serverContent":{"modelTurn":{"parts":["#,
        r#"{"inlineData":{"data":"AA=="}}"#,
        MILLION,
        "]}}}",
    );
    check("1e6 audio parts", frame, BOUND);
}

#[test]
fn huge_numbers_as_strings() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let digits = "9".repeat(1 << 20);
    let frame = format!(
        r#"{{"usageMetadata":{{"totalTokenCount":"{digits}"}},"goAway":{{"timeLeft":"{digits}s"}},"sessionResumptionUpdate":{{"lastConsumedClientMessageIndex":{digits}}}}}"#
    );
    check("1 MiB-digit numbers", frame.into_bytes(), BOUND);
}

/// Nothing recurses on the frame's nesting: opaque JSON is scanned in one pass, and JSON
/// nested deeper than serde_json would parse (127 levels) is refused: that field is left out
/// (a field issue names it) and the rest of the frame decodes.
#[test]
fn deep_nesting_is_refused_without_recursion() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for depth in [127, 128, 1_000_000] {
        let nest = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for (what, frame) in [
            ("an unknown field", format!(r#"{{"x":{nest}}}"#)),
            (
                "function call args",
                format!(r#"{{"toolCall":{{"functionCalls":[{{"name":"f","args":{nest}}}]}}}}"#),
            ),
        ] {
            let message = ServerMessage::decode(frame.as_bytes()).expect("the frame decodes");
            let kept = !message.unknown.is_empty()
                || message
                    .tool_call
                    .as_ref()
                    .is_some_and(|t| t.function_calls[0].args.is_some());
            let cost = measure(frame.as_bytes());
            let ratio = cost.peak as f64 / frame.len() as f64;
            println!(
                "nesting {depth} in {what}: {}, peak {ratio:.2}x",
                if kept { "kept" } else { "left out" }
            );
            assert_eq!(kept, depth <= 127, "nesting {depth} in {what}");
            assert_eq!(
                message.issues.is_empty(),
                depth <= 127,
                "nesting {depth} in {what}"
            );
            assert!(ratio <= BOUND, "nesting {depth} in {what}: {ratio:.2}x");
        }
    }
}
