//! After the schedule: wait for the answers still playing, then count what was lost and who
//! lost it.
//!
//! The expectation is deterministic: the mock (load mode) answers every full second of audio it
//! received (50 chunks of 20 ms) with one answer of 1 s of audio ending in `turnComplete`, and
//! every `ping:` with one `pong:`. So per session, owed audio bytes = ⌊chunks accepted by
//! `send_audio` / 50⌋ × the bytes of 1 s of reply audio in the codec's units (48,000 for
//! 24 kHz PCM16, 8,000 for 8 kHz μ-law: see `codec.rs`; the mock's wire counters are converted
//! to those units), owed pongs = pings accepted. With μ-law, the seconds of audio the mock heard
//! are the frames' 20 ms each less what the input converter keeps (its filter's 8 ms
//! look-ahead), and each session that got reply audio keeps the output converter's look-ahead
//! (`held`): accounted as held, not lost (see `codec.rs`).
//!
//! With a spawned mock its counters split any shortfall (owed − received) into four parts that
//! add up exactly:
//! - **skipped by the mock**: answers it did not queue because two were already queued (it fell
//!   behind: a mock-side shortfall, not a client loss);
//! - **never answered**: owed answers the mock neither queued nor skipped, i.e. audio the client
//!   accepted that never reached the mock;
//! - **queued at the mock**: audio of queued answers not yet written to a socket;
//! - **sent, not delivered**: written by the mock, not (yet) delivered by the client callback.
//!
//! The drain first waits `window_s` (the figures at that instant show what a fixed window
//! misses), then on until the run settles: every session complete, or nothing queued at the
//! mock and every byte it sent delivered. If nothing moves for `STALL_S` with nothing queued at
//! the mock, what the mock sent and the client never delivered is lost by the client (the
//! connections are still open). At `bound_s` the rest is reported as unsettled.

use super::clock::now_ns;
use super::codec::Units;
use super::mock_proc::{MockCounters, MockProcess};
use super::sessions::Session;
use std::sync::atomic::Ordering::Relaxed;

/// No progress on either side for this long, with nothing queued at the mock: delivery is over.
const STALL_S: f64 = 5.0;
/// Mock counters are polled this often (each poll serialises its stats, ~200 B per session).
const POLL_NS: u64 = 100_000_000;

/// How the drain ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every session received what it is owed.
    Complete,
    /// Nothing queued at the mock, everything it sent delivered (pongs too), every owed answer
    /// queued or skipped.
    Settled,
    /// Nothing queued at the mock and no progress for `STALL_S`.
    Stalled,
    /// `bound_s` passed first (or, without mock counters, `window_s`).
    Bound,
}

impl End {
    pub fn name(self) -> &'static str {
        match self {
            End::Complete => "complete",
            End::Settled => "settled",
            End::Stalled => "stalled",
            End::Bound => "bound",
        }
    }
}

/// Client and mock figures at one instant.
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot {
    /// Seconds since the end of the schedule.
    pub at_s: f64,
    pub received_audio_bytes: u64,
    /// Reply audio the sessions' output converters keep (their filters' look-ahead).
    pub held_audio_bytes: u64,
    pub turns: u64,
    pub pongs: u64,
    /// The mock's counters, audio converted to the codec's units.
    pub mock: Option<MockCounters>,
    /// Bytes of one answer (1 s of reply audio) in the codec's units.
    pub answer_bytes: u64,
}

/// The shortfall at one instant, split by where the audio is (needs the mock's counters).
#[derive(Debug, Clone, Copy, Default)]
pub struct Split {
    pub shortfall: u64,
    pub skipped_by_mock: u64,
    pub never_answered: u64,
    pub queued_at_mock: u64,
    /// Mock sent minus client received.
    pub sent_not_delivered: u64,
    /// Answers whose `turnComplete` the mock has not sent.
    pub answers_pending_at_mock: u64,
    pub mock_sent: u64,
}

impl Snapshot {
    /// Received plus held: the reply audio the client side has.
    pub fn accounted(&self) -> u64 {
        self.received_audio_bytes + self.held_audio_bytes
    }

    pub fn split(&self, expected_audio_bytes: u64) -> Option<Split> {
        let m = self.mock?;
        let answered = (m.answers_queued + m.answers_skipped) * self.answer_bytes;
        Some(Split {
            shortfall: expected_audio_bytes.saturating_sub(self.accounted()),
            skipped_by_mock: m.answers_skipped * self.answer_bytes,
            never_answered: expected_audio_bytes.saturating_sub(answered),
            queued_at_mock: m.queued_audio_bytes(self.answer_bytes),
            sent_not_delivered: m.output_audio_bytes.saturating_sub(self.accounted()),
            answers_pending_at_mock: m.answers_pending(),
            mock_sent: m.output_audio_bytes,
        })
    }
}

pub struct Loss {
    pub expected_audio_bytes: u64,
    pub expected_turns: u64,
    pub received_audio_bytes: u64,
    /// Held in the output converters (see `Snapshot::held_audio_bytes`).
    pub held_audio_bytes: u64,
    pub lost_pongs: u64,
    pub sessions_short: u64,
    pub errors: u64,
    pub closed: u64,
    /// At the end of the fixed window (or earlier, when everything arrived before it).
    pub window: Snapshot,
    /// When the drain ended.
    pub last: Snapshot,
    pub end: End,
    /// The mock's counters could not be read (external mock, or an error, given here).
    pub mock_error: Option<String>,
}

impl Loss {
    /// Audio lost on the client side: accepted by `send_audio` but never answered, or sent by
    /// the mock on an open connection and never delivered once nothing moved any more.
    pub fn lost_by_client(&self) -> Option<u64> {
        let s = self.last.split(self.expected_audio_bytes)?;
        let undelivered = match self.end {
            End::Stalled => s.sent_not_delivered,
            _ => 0,
        };
        Some(s.never_answered + undelivered)
    }

    /// Shortfall the drain could not attribute: still queued or in flight at the bound (or
    /// everything, without mock counters).
    pub fn unattributed(&self) -> u64 {
        match self.last.split(self.expected_audio_bytes) {
            Some(s) if self.end == End::Bound => s.queued_at_mock + s.sent_not_delivered,
            Some(_) => 0,
            None => self
                .expected_audio_bytes
                .saturating_sub(self.received_audio_bytes + self.held_audio_bytes),
        }
    }

    /// One line for the report.
    pub fn verdict(&self) -> String {
        let short = self
            .expected_audio_bytes
            .saturating_sub(self.received_audio_bytes + self.held_audio_bytes);
        let Some(s) = self.last.split(self.expected_audio_bytes) else {
            return if short == 0 {
                "nothing lost".into()
            } else {
                format!("{short} bytes short; not attributed (no mock counters)")
            };
        };
        let mut parts = Vec::new();
        if s.skipped_by_mock > 0 {
            parts.push(format!(
                "mock fell behind: skipped {} answers ({} bytes)",
                s.skipped_by_mock / self.last.answer_bytes.max(1),
                s.skipped_by_mock
            ));
        }
        if let Some(lost) = self.lost_by_client().filter(|&l| l > 0) {
            parts.push(format!("client lost {lost} bytes"));
        }
        let unattributed = self.unattributed();
        if unattributed > 0 {
            parts.push(format!(
                "{unattributed} bytes still queued or in flight at the bound"
            ));
        }
        if parts.is_empty() {
            "nothing lost".into()
        } else {
            parts.join("; ")
        }
    }
}

/// Answers owed for `chunks` frames of 20 ms, of which the input converter keeps `held_us`.
fn expected_turns(chunks: u64, input_held_us: u64) -> u64 {
    if input_held_us == 0 {
        return chunks / 50;
    }
    (chunks * 20_000).saturating_sub(input_held_us) / 1_000_000
}

/// Waits for the answers still owed (see the module doc), then counts.
pub fn drain(
    sessions: &[Session],
    chunks: &[u64],
    pings: &[u64],
    units: Units,
    mut mock: Option<&mut MockProcess>,
    window_s: f64,
    bound_s: f64,
) -> Loss {
    let Units { codec, tails } = units;
    let expected_turns = |chunks: u64| expected_turns(chunks, tails.input_held_us);
    let held = |s: &Session| {
        if s.counters.audio_events.load(Relaxed) > 0 {
            tails.output_held_bytes
        } else {
            0
        }
    };
    let t0 = now_ns();
    let window_end = t0 + (window_s * 1e9) as u64;
    let bound = t0 + (bound_s.max(window_s) * 1e9) as u64;
    let complete = |i: usize, s: &Session| {
        s.counters.turns.load(Relaxed) >= expected_turns(chunks[i])
            && s.counters.pongs.load(Relaxed) >= pings[i]
    };
    let expected_turns_total: u64 = chunks.iter().map(|&c| expected_turns(c)).sum();
    let pings_total: u64 = pings.iter().sum();
    let mut mock_error = None;
    // The mock is asked before the client counters are read: once it has nothing queued it
    // sends no more audio, so `received == sent` then means nothing is in flight.
    let mut snapshot = |mock: &mut Option<&mut MockProcess>| {
        let counters = match mock.as_deref_mut() {
            Some(m) if mock_error.is_none() => match m.counters() {
                Ok(c) => Some(MockCounters {
                    output_audio_bytes: codec.wire_to_units(c.output_audio_bytes),
                    ..c
                }),
                Err(e) => {
                    mock_error = Some(e);
                    None
                }
            },
            _ => None,
        };
        Snapshot {
            at_s: (now_ns() - t0) as f64 / 1e9,
            received_audio_bytes: sessions
                .iter()
                .map(|s| s.counters.audio_bytes.load(Relaxed))
                .sum(),
            held_audio_bytes: sessions.iter().map(held).sum(),
            turns: sessions.iter().map(|s| s.counters.turns.load(Relaxed)).sum(),
            pongs: sessions.iter().map(|s| s.counters.pongs.load(Relaxed)).sum(),
            mock: counters,
            answer_bytes: codec.answer_bytes(),
        }
    };
    let mut window = None;
    let mut last = snapshot(&mut mock);
    let mut last_progress = now_ns();
    let end = loop {
        let all_complete = sessions.iter().enumerate().all(|(i, s)| complete(i, s));
        let now = now_ns();
        if all_complete {
            last = snapshot(&mut mock);
            break End::Complete;
        }
        if window.is_none() && now >= window_end {
            last = snapshot(&mut mock);
            window = Some(last);
        }
        if last.mock.is_none() && window.is_some() {
            // No counters to wait on: the fixed window is all there is.
            break End::Bound;
        }
        if now >= bound {
            last = snapshot(&mut mock);
            break End::Bound;
        }
        if now.saturating_sub((last.at_s * 1e9) as u64 + t0) >= POLL_NS {
            let next = snapshot(&mut mock);
            let moved = next.received_audio_bytes != last.received_audio_bytes
                || next.pongs != last.pongs
                || next.mock.map(|m| m.output_audio_bytes) != last.mock.map(|m| m.output_audio_bytes);
            if moved {
                last_progress = now_ns();
            }
            last = next;
            if let Some(m) = last.mock {
                let idle = m.queued_audio_bytes(codec.answer_bytes()) == 0 && m.answers_pending() == 0;
                let answered = m.answers_queued + m.answers_skipped >= expected_turns_total;
                let delivered = last.accounted() == m.output_audio_bytes && last.pongs >= pings_total;
                if idle && answered && delivered {
                    break End::Settled;
                }
                if idle && (now_ns() - last_progress) as f64 / 1e9 >= STALL_S {
                    break End::Stalled;
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    // Ended before the window: the window figures are the final ones.
    let window = window.unwrap_or(last);
    let mut loss = Loss {
        expected_audio_bytes: 0,
        expected_turns: expected_turns_total,
        // From the last snapshot, so that the split of the shortfall adds up exactly.
        received_audio_bytes: last.received_audio_bytes,
        held_audio_bytes: last.held_audio_bytes,
        lost_pongs: 0,
        sessions_short: 0,
        errors: 0,
        closed: 0,
        window,
        last,
        end,
        mock_error: if mock.is_some() { mock_error } else { None },
    };
    for (i, s) in sessions.iter().enumerate() {
        let c = &s.counters;
        let expected = expected_turns(chunks[i]) * codec.answer_bytes();
        let received = c.audio_bytes.load(Relaxed) + held(s);
        loss.expected_audio_bytes += expected;
        loss.lost_pongs += pings[i].saturating_sub(c.pongs.load(Relaxed));
        loss.sessions_short += u64::from(!complete(i, s) || received < expected);
        loss.errors += c.errors.load(Relaxed);
        loss.closed += c.closed.load(Relaxed);
    }
    loss
}
