//! After the schedule: wait for the answers still playing, then count what was lost.
//!
//! The expectation is deterministic: the mock (load mode) answers every full second of audio it
//! received (50 chunks of 20 ms) with exactly one answer of `ANSWER_BYTES` audio bytes ending in
//! `turnComplete`, and every `ping:` with one `pong:`. So per session, expected audio bytes =
//! ⌊chunks accepted by `send_audio` / 50⌋ × 48,000, expected pongs = pings accepted. Anything
//! short of that is lost (the mock skips answers only when more than two are queued, which would
//! itself mean the load was not sustained).

use super::clock::now_ns;
use super::mock_proc::ANSWER_BYTES;
use super::sessions::Session;
use std::sync::atomic::Ordering::Relaxed;

pub struct Loss {
    pub expected_audio_bytes: u64,
    pub received_audio_bytes: u64,
    pub lost_audio_bytes: u64,
    pub lost_pongs: u64,
    pub sessions_short: u64,
    pub errors: u64,
    pub closed: u64,
}

fn expected_turns(chunks: u64) -> u64 {
    chunks / 50
}

/// Waits up to `timeout_s` for every session to receive what it is owed, then counts.
pub fn drain(sessions: &[Session], chunks: &[u64], pings: &[u64], timeout_s: f64) -> Loss {
    let deadline = now_ns() + (timeout_s * 1e9) as u64;
    let complete = |i: usize, s: &Session| {
        s.counters.turns.load(Relaxed) >= expected_turns(chunks[i])
            && s.counters.pongs.load(Relaxed) >= pings[i]
    };
    while now_ns() < deadline && !sessions.iter().enumerate().all(|(i, s)| complete(i, s)) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut loss = Loss {
        expected_audio_bytes: 0,
        received_audio_bytes: 0,
        lost_audio_bytes: 0,
        lost_pongs: 0,
        sessions_short: 0,
        errors: 0,
        closed: 0,
    };
    for (i, s) in sessions.iter().enumerate() {
        let c = &s.counters;
        let expected = expected_turns(chunks[i]) * ANSWER_BYTES;
        let received = c.audio_bytes.load(Relaxed);
        loss.expected_audio_bytes += expected;
        loss.received_audio_bytes += received;
        loss.lost_audio_bytes += expected.saturating_sub(received);
        loss.lost_pongs += pings[i].saturating_sub(c.pongs.load(Relaxed));
        loss.sessions_short += u64::from(!complete(i, s) || received < expected);
        loss.errors += c.errors.load(Relaxed);
        loss.closed += c.closed.load(Relaxed);
    }
    loss
}
