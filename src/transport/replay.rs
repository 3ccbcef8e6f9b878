//! The replay buffer: client messages the server may not have consumed yet, re-sent in order
//! after a resumed reconnect so that nothing is lost and nothing is sent twice.
//!
//! Every message written after `setup` gets the next index (0-based, counted over the whole
//! session). When the server reports `lastConsumedClientMessageIndex` (Vertex `transparent`),
//! entries up to it are released. When it issues a resumable handle without one (the Gemini
//! API), only entries the server has certainly read before issuing it are released: those
//! acknowledged by a pong that arrived before the handle (see `acks`) *and* written at least
//! one measured round trip before the handle arrived. Everything else is re-sent after a
//! resume, so a drop loses nothing; the price is a possible overlap, bounded by the spacing of
//! the acknowledging pings, which the `Reconnected` event reports.
//!
//! Bounds: `max_bytes` of JSON and `max_age`; over either, the oldest *audio* is dropped and
//! counted, while tool responses and other messages are always kept. A dropped message is not
//! necessarily lost: a later receipt may show the server had read it. So the buffer remembers
//! the index of each drop until a release covers it; whatever no release covered when the
//! session moves is what the move loses, and `Reconnected` reports it.

use super::uncovered_drops::UncoveredDrops;
use crate::protocol::MessageKind;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Utf8Bytes;

struct Entry {
    index: u64,
    kind: MessageKind,
    json: Utf8Bytes,
    at: Instant,
}

pub struct ReplayBuffer {
    entries: VecDeque<Entry>,
    next_index: u64,
    bytes: usize,
    max_bytes: usize,
    max_age: Duration,
    /// Audio messages dropped because of the bounds, shared with the session for reporting.
    dropped_audio: Arc<AtomicU64>,
    /// Drops no release has covered yet.
    uncovered: UncoveredDrops,
    /// How many messages the server says its saved state holds (its latest
    /// `lastConsumedClientMessageIndex` + 1; `transparent` only): the index it gives the
    /// first message re-sent after a resume.
    server_count: u64,
}

impl ReplayBuffer {
    pub fn new(max_bytes: usize, max_age: Duration, dropped_audio: Arc<AtomicU64>) -> Self {
        ReplayBuffer {
            entries: VecDeque::new(),
            next_index: 0,
            bytes: 0,
            max_bytes,
            max_age,
            dropped_audio,
            uncovered: UncoveredDrops::default(),
            server_count: 0,
        }
    }

    /// Records a message about to be written; returns its index.
    pub fn record(&mut self, kind: MessageKind, json: Utf8Bytes) -> u64 {
        let index = self.next_index;
        self.next_index += 1;
        self.bytes += json.len();
        self.entries.push_back(Entry {
            index,
            kind,
            json,
            at: Instant::now(),
        });
        self.enforce_bounds();
        index
    }

    /// The server consumed everything up to and including `index`.
    pub fn release_through(&mut self, index: i64) {
        if let Ok(consumed) = u64::try_from(index) {
            self.server_count = self.server_count.max(consumed.saturating_add(1));
        }
        let covered = |i: u64| i64::try_from(i).is_ok_and(|i| i <= index);
        while self.entries.front().is_some_and(|e| covered(e.index)) {
            self.pop_front();
        }
        if let Ok(index) = u64::try_from(index) {
            self.uncovered.release_through(index);
        }
    }

    /// A resumable handle without an index arrived: releases the entries the server had
    /// certainly read when it issued the handle, i.e. with an index below `read_count` (a pong
    /// receipt) and written no later than `cutoff` (the handle's arrival minus a round trip).
    pub fn release_confirmed(&mut self, read_count: u64, cutoff: Instant) {
        let covered = |index: u64, at: Instant| index < read_count && at <= cutoff;
        while self.entries.front().is_some_and(|e| covered(e.index, e.at)) {
            self.pop_front();
        }
        self.uncovered.release_confirmed(read_count, cutoff);
    }

    /// Forgets everything (tests; a fresh session uses `reset`).
    pub fn release_all(&mut self) {
        self.entries.clear();
        self.bytes = 0;
        self.uncovered.clear();
    }

    /// The session was resumed with the latest handle: returns what the move lost, the audio
    /// the bounds dropped that no release covered (messages, JSON bytes), and forgets it, so
    /// that each loss is reported once. With `by_server_index` (`transparent`), the messages to re-send are
    /// numbered on from the server's count, as the server numbers what it reads: lost
    /// messages leave no gap in its numbering, so they must leave none in ours, or every
    /// later `lastConsumedClientMessageIndex` would release too little and over-report loss.
    pub fn resumed(&mut self, by_server_index: bool) -> (u64, u64) {
        let lost = self.uncovered.take();
        if by_server_index {
            let base = self.server_count;
            for (k, e) in self.entries.iter_mut().enumerate() {
                e.index = base + k as u64;
            }
            self.next_index = base + self.entries.len() as u64;
        }
        lost
    }

    /// The messages to re-send after a resume, in order.
    pub fn pending(&self) -> Vec<(MessageKind, Utf8Bytes)> {
        self.entries.iter().map(|e| (e.kind, e.json.clone())).collect()
    }

    /// How many messages wait for a receipt, and their JSON bytes.
    pub fn backlog(&self) -> (u64, u64) {
        (self.entries.len() as u64, self.bytes as u64)
    }

    /// The index the next recorded message gets (= messages written so far).
    pub fn next_index(&self) -> u64 {
        self.next_index
    }

    /// Forgets the messages to re-send and restarts the numbering: a fresh (not resumed)
    /// session has no history to complete. Returns what was forgotten (messages, JSON bytes),
    /// uncovered drops included: those never certainly reached the session the server keeps,
    /// so the caller reports them.
    pub fn reset(&mut self) -> (u64, u64) {
        let (messages, bytes) = self.backlog();
        let (lost_messages, lost_bytes) = self.uncovered.take();
        self.release_all();
        self.next_index = 0;
        self.server_count = 0;
        (messages + lost_messages, bytes + lost_bytes)
    }

    fn pop_front(&mut self) -> Option<Entry> {
        let e = self.entries.pop_front()?;
        self.bytes -= e.json.len();
        Some(e)
    }

    fn enforce_bounds(&mut self) {
        let now = Instant::now();
        while let Some(pos) = self.entries.iter().position(|e| e.kind == MessageKind::Audio) {
            let too_old = now.duration_since(self.entries[pos].at) > self.max_age;
            if self.bytes <= self.max_bytes && !too_old {
                break;
            }
            if let Some(e) = self.entries.remove(pos) {
                self.bytes -= e.json.len();
                self.dropped_audio.fetch_add(1, Ordering::Relaxed);
                self.remember_drop(e);
            }
        }
    }

    fn remember_drop(&mut self, e: Entry) {
        self.uncovered.record(e.index, e.json.len(), e.at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(max_bytes: usize) -> (ReplayBuffer, Arc<AtomicU64>) {
        let dropped = Arc::new(AtomicU64::new(0));
        (
            ReplayBuffer::new(max_bytes, Duration::from_secs(60), dropped.clone()),
            dropped,
        )
    }

    #[test]
    fn releases_by_index_and_keeps_order() {
        let (mut b, _) = buf(1 << 20);
        for i in 0..5 {
            assert_eq!(b.record(MessageKind::Audio, format!("m{i}").into()), i);
        }
        b.release_through(2);
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["m3", "m4"]);
        b.release_all();
        assert!(b.pending().is_empty());
        assert_eq!(b.record(MessageKind::Audio, "m5".into()), 5);
    }

    #[test]
    fn confirmed_release_needs_both_a_receipt_and_a_round_trip() {
        let (mut b, _) = buf(1 << 20);
        for i in 0..4 {
            b.record(MessageKind::Audio, format!("m{i}").into());
        }
        let now = Instant::now();
        // A receipt for 3 messages, but the round trip says nothing is old enough yet.
        b.release_confirmed(3, now - Duration::from_secs(1));
        assert_eq!(b.backlog().0, 4);
        // Old enough, but only 3 were read: the 4th stays for replay.
        b.release_confirmed(3, now + Duration::from_secs(1));
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["m3"]);
        assert_eq!(b.reset(), (1, 2));
        assert_eq!(b.next_index(), 0);
    }

    #[test]
    fn bounds_drop_audio_but_never_tool_responses() {
        let (mut b, dropped) = buf(10);
        b.record(MessageKind::ToolResponse, "tool-resp-1".into());
        b.record(MessageKind::Audio, "aaaa".into());
        b.record(MessageKind::Audio, "bbbb".into());
        let kinds: Vec<MessageKind> = b.pending().into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, vec![MessageKind::ToolResponse]);
        assert_eq!(dropped.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_drop_is_lost_only_if_no_release_covers_it() {
        let (mut b, dropped) = buf(8);
        for i in 0..6 {
            // Each 4-byte message pushes the oldest out once two are held.
            b.record(MessageKind::Audio, format!("a{i:03}").into());
        }
        assert_eq!(dropped.load(Ordering::Relaxed), 4, "indexes 0..=3 dropped");
        // The server consumed through index 1: drops 0 and 1 reached it.
        b.release_through(1);
        assert_eq!(b.resumed(false), (2, 8), "drops 2 and 3 are lost");
        assert_eq!(b.resumed(false), (0, 0), "each loss is reported once");
    }

    #[test]
    fn a_resume_by_server_index_numbers_the_re_sent_messages_on_from_the_server_count() {
        let (mut b, _) = buf(8);
        for i in 0..6 {
            b.record(MessageKind::Audio, format!("a{i:03}").into());
        }
        // Held: 4 and 5; the server's state holds 0 and 1, so 2 and 3 are lost.
        b.release_through(1);
        assert_eq!(b.resumed(true), (2, 8));
        // The server numbers the re-sent a004 and a005 as 2 and 3, and the next message 4.
        assert_eq!(b.record(MessageKind::ToolResponse, "t".into()), 4);
        b.release_through(3);
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["t"], "index 3 is a005 now");
        assert_eq!(b.resumed(true), (0, 0));
    }

    #[test]
    fn a_hostile_consumed_index_cannot_overflow_the_numbering() {
        let (mut b, _) = buf(1 << 20);
        b.record(MessageKind::Audio, "a".into());
        b.release_through(i64::MAX);
        b.release_through(-5);
        assert_eq!(b.resumed(true), (0, 0));
        assert_eq!(b.next_index(), 1 << 63);
        assert_eq!(b.record(MessageKind::Audio, "b".into()), 1 << 63);
    }

    #[test]
    fn a_confirmed_release_covers_drops_by_receipt_and_round_trip() {
        let (mut b, _) = buf(8);
        let before = Instant::now();
        for i in 0..6 {
            b.record(MessageKind::Audio, format!("a{i:03}").into());
        }
        // A receipt for 3 messages, but too recent to cover anything.
        b.release_confirmed(3, before - Duration::from_secs(1));
        assert_eq!(b.resumed(false), (4, 16));
        for i in 6..10 {
            b.record(MessageKind::Audio, format!("a{i:03}").into());
        }
        // Indexes 4..=7 were dropped now; a receipt for 7 covers 4, 5 and 6.
        b.release_confirmed(7, Instant::now() + Duration::from_secs(1));
        assert_eq!(b.resumed(false), (1, 4));
    }

    #[test]
    fn a_fresh_session_reports_uncovered_drops_with_the_backlog() {
        let (mut b, _) = buf(8);
        for i in 0..5 {
            b.record(MessageKind::Audio, format!("a{i:03}").into());
        }
        b.record(MessageKind::ToolResponse, "tool".into());
        // Held: a004 and the tool response (8 bytes); dropped: indexes 0..=3.
        assert_eq!(b.reset(), (6, 24));
        assert_eq!(b.resumed(false), (0, 0));
    }
}
