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
//! the acknowledging pings, which the `Reconnected` event reports. Bounds: `max_bytes` of JSON and `max_age`; over either, the oldest
//! *audio* is dropped and counted, while tool responses and other messages are always kept.

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
        while self.entries.front().is_some_and(|e| (e.index as i64) <= index) {
            self.pop_front();
        }
    }

    /// A resumable handle without an index arrived: releases the entries the server had
    /// certainly read when it issued the handle, i.e. with an index below `read_count` (a pong
    /// receipt) and written no later than `cutoff` (the handle's arrival minus a round trip).
    pub fn release_confirmed(&mut self, read_count: u64, cutoff: Instant) {
        while self
            .entries
            .front()
            .is_some_and(|e| e.index < read_count && e.at <= cutoff)
        {
            self.pop_front();
        }
    }

    /// Forgets everything (tests; a fresh session uses `reset`).
    pub fn release_all(&mut self) {
        self.entries.clear();
        self.bytes = 0;
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
    /// session has no history to complete. Returns what was forgotten (messages, JSON bytes):
    /// those never certainly reached the session the server keeps, so the caller reports them.
    pub fn reset(&mut self) -> (u64, u64) {
        let forgotten = self.backlog();
        self.release_all();
        self.next_index = 0;
        forgotten
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
            }
        }
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
}
