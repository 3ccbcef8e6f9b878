//! The one timer thread that drives every session: each session streams 20 ms frames in its
//! codec (16 kHz PCM16, or 8 kHz μ-law: see `codec.rs`) in real time and sends a `ping:` marker every `1/ping_hz` s.
//!
//! Session i starts ⌊i·spread/N⌋ ms after the first (`--start-spread-ms`, default 1,000), as
//! sessions that were not all opened in the same instant would: their sends then spread evenly
//! over each 20 ms period, and the mock's answers (one per second of audio, in 200 ms chunks)
//! spread over time instead of arriving for all sessions in the same 20 ms. Every session sends
//! the same number of chunks. Sends are grouped on whole milliseconds (one wake-up per ms, not
//! one per session). Lateness is the time from a chunk's scheduled instant to the return of
//! its send call.

use super::clock::{now_ns, sleep_until};
use super::codec::Codec;
use super::sessions::Session;
use super::stats::Histogram;
use super::usage;
use gemini_live::ffi::error::gemini_live_result;

pub const CHUNK_NS: u64 = 20_000_000;
/// 20 ms of 16 kHz PCM16 mono (the floor's frame, and the PCM codec's).
pub const CHUNK_BYTES: usize = 640;
/// Lateness above this counts as a late chunk.
pub const LATE_NS: u64 = 20_000_000;

pub struct Plan {
    pub seconds: f64,
    pub warmup: f64,
    pub ping_hz: f64,
    /// Session start offsets span this many ms (at least 20).
    pub start_spread_ms: u64,
    /// A process whose CPU is sampled over the same window (the spawned mock).
    pub other_pid: Option<u32>,
    /// The frames' format.
    pub codec: Codec,
    /// Send the audio frames (else only the pings).
    pub audio: bool,
}

#[derive(Default, Debug)]
pub struct TickReport {
    pub chunks_ok: Vec<u64>,
    pub pings_ok: Vec<u64>,
    pub send_errors: u64,
    pub late_chunks: u64,
    /// Lateness of every chunk.
    pub lateness: Histogram,
    pub cpu_window: f64,
    /// CPU of this driver thread alone (the application's share, not the library's).
    pub driver_cpu_window: f64,
    pub other_cpu_window: f64,
    pub window_secs: f64,
    pub rss_steady: u64,
    /// Live heap at the same moment ([`usage::heap_in_use`]).
    pub heap_steady: u64,
    pub threads_steady: u64,
    /// Context switches of the client process during the window.
    pub context_switches: u64,
    /// The same, per thread name.
    pub context_switches_by_thread: std::collections::BTreeMap<String, u64>,
}

/// Runs the schedule on the calling thread.
pub fn run(sessions: &[Session], plan: &Plan) -> TickReport {
    let n = sessions.len() as u64;
    let ticks = (plan.seconds * 1e9 / CHUNK_NS as f64).round() as u64;
    let warm_ticks = (plan.warmup * 1e9 / CHUNK_NS as f64).round() as u64;
    let ping_every = ((1e9 / plan.ping_hz) / CHUNK_NS as f64).round().max(1.0) as u64;
    let pcm = plan.codec.frame();
    let mut r = TickReport {
        chunks_ok: vec![0; sessions.len()],
        pings_ok: vec![0; sessions.len()],
        ..TickReport::default()
    };
    let mut ping_buf = Vec::with_capacity(32);
    let other = plan.other_pid.map(|p| p.to_string());
    let sample = |r: &mut TickReport, start: bool| {
        let cpu = usage::cpu_seconds("self");
        let other_cpu = other.as_deref().map(usage::cpu_seconds).unwrap_or(0.0);
        let driver = usage::cpu_seconds("thread-self");
        let by_thread = usage::context_switches_by_thread();
        let switches = by_thread.values().sum::<u64>();
        if start {
            // Holds the start value until the end sample turns it into the difference.
            r.context_switches = switches;
            r.context_switches_by_thread = by_thread;
            r.cpu_window = -cpu;
            r.other_cpu_window = -other_cpu;
            r.driver_cpu_window = -driver;
        } else {
            r.context_switches = switches.saturating_sub(r.context_switches);
            for (name, n) in by_thread {
                let before = r.context_switches_by_thread.get(&name).copied().unwrap_or(0);
                r.context_switches_by_thread
                    .insert(name, n.saturating_sub(before));
            }
            r.cpu_window += cpu;
            r.other_cpu_window += other_cpu;
            r.driver_cpu_window += driver;
        }
    };
    // Session i: first tick `start[i]`, offset `within[i]` ms inside each 20 ms period.
    let spread = plan.start_spread_ms.max(20);
    let phase_ms: Vec<u64> = (0..n).map(|i| i * spread / n).collect();
    let chunk_ms = CHUNK_NS / 1_000_000;
    let mut order: Vec<usize> = (0..sessions.len()).collect();
    order.sort_by_key(|&i| (phase_ms[i] % chunk_ms, i));
    let last_start = phase_ms.iter().map(|p| p / chunk_ms).max().unwrap_or(0);
    // The CPU window: every session running and past the warm-up.
    let window_first = warm_ticks.max(last_start).min(ticks.saturating_sub(1));
    let t0 = now_ns() + CHUNK_NS;
    let mut window_start = 0;
    for k in 0..ticks + last_start {
        if k == window_first {
            sample(&mut r, true);
            window_start = now_ns();
        }
        if k == ticks {
            sample(&mut r, false);
            r.window_secs = (now_ns() - window_start) as f64 / 1e9;
            r.rss_steady = usage::rss_bytes();
            r.heap_steady = usage::heap_in_use();
            r.threads_steady = usage::threads();
        }
        let tick_start = t0 + k * CHUNK_NS;
        for &i in &order {
            let s = &sessions[i];
            let first = phase_ms[i] / chunk_ms;
            if k < first || k >= first + ticks {
                continue;
            }
            let pings = (k + i as u64) % ping_every == 0;
            if !plan.audio && !pings {
                continue;
            }
            let due = tick_start + (phase_ms[i] % chunk_ms) * 1_000_000;
            sleep_until(due);
            if plan.audio {
                send_chunk(s, &pcm, due, i, &mut r);
            }
            if pings {
                if s.send_ping(&mut ping_buf) == gemini_live_result::Ok {
                    r.pings_ok[i] += 1;
                } else {
                    r.send_errors += 1;
                }
            }
        }
    }
    if last_start == 0 {
        // No start spread beyond one period: the window ends with the loop.
        sample(&mut r, false);
        r.window_secs = (now_ns() - window_start) as f64 / 1e9;
        r.rss_steady = usage::rss_bytes();
        r.heap_steady = usage::heap_in_use();
        r.threads_steady = usage::threads();
    }
    r
}

/// Sends session `i`'s audio frame due at `due` and records how late the call returned.
fn send_chunk(s: &Session, frame: &[u8], due: u64, i: usize, r: &mut TickReport) {
    let res = s.send_audio(frame);
    let late = now_ns().saturating_sub(due);
    r.lateness.record(late);
    if late > LATE_NS {
        r.late_chunks += 1;
    }
    if res == gemini_live_result::Ok {
        r.chunks_ok[i] += 1;
    } else {
        r.send_errors += 1;
    }
}
