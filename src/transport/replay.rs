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
//! Bounds: `max_bytes` of audio and video JSON and `max_age`. Over either, realtime media is
//! dropped and counted, the oldest *video frame* first (a camera frame is superseded by the
//! next one; speech is not), audio only when no video is left; tool responses, text and
//! control messages are always kept and do not count towards `max_bytes`, so a large tool
//! response or a camera stream never pushes the microphone's audio out. A dropped message is
//! not necessarily lost: a later receipt may show the server had read it. So the buffer
//! remembers the index of each drop until a release covers it; whatever no release covered
//! when the session moves is what the move loses, and `Reconnected` reports it.
//!
//! The entries are kept in three queues by class, each in index order, so that a drop takes
//! the front of a media queue in constant time however many kept messages precede it; the
//! messages to re-send are the three merged by index.

use super::uncovered_drops::UncoveredDrops;
use crate::protocol::MessageKind;
use crate::session::DroppedMedia;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Utf8Bytes;

struct Entry {
    index: u64,
    kind: MessageKind,
    json: Utf8Bytes,
    at: Instant,
}

/// Which queue an entry lives in; also the order in which the bounds drop media.
#[derive(Clone, Copy)]
enum Class {
    Video = 0,
    Audio = 1,
    /// Never dropped.
    Kept = 2,
}

const MEDIA: [Class; 2] = [Class::Video, Class::Audio];

impl Class {
    fn of(kind: MessageKind) -> Class {
        match kind {
            MessageKind::Audio => Class::Audio,
            MessageKind::Video => Class::Video,
            _ => Class::Kept,
        }
    }
}

pub struct ReplayBuffer {
    /// By [`Class`], each in index order.
    queues: [VecDeque<Entry>; 3],
    next_index: u64,
    /// JSON bytes of every entry.
    bytes: usize,
    /// JSON bytes of the audio and video entries (what `max_bytes` bounds).
    media_bytes: usize,
    max_bytes: usize,
    max_age: Duration,
    dropped: Arc<DroppedMedia>,
    /// Drops no release has covered yet.
    uncovered: UncoveredDrops,
    /// How many messages the server says the latest handle's saved state holds (its
    /// `lastConsumedClientMessageIndex` + 1; `transparent` only): the index it gives the
    /// first message re-sent after a resume with that handle.
    server_count: u64,
}

impl ReplayBuffer {
    pub fn new(max_bytes: usize, max_age: Duration, dropped: Arc<DroppedMedia>) -> Self {
        ReplayBuffer {
            queues: Default::default(),
            next_index: 0,
            bytes: 0,
            media_bytes: 0,
            max_bytes,
            max_age,
            dropped,
            uncovered: UncoveredDrops::default(),
            server_count: 0,
        }
    }

    /// Records a message about to be written; returns its index.
    pub fn record(&mut self, kind: MessageKind, json: Utf8Bytes) -> u64 {
        let index = self.next_index;
        self.next_index += 1;
        let class = Class::of(kind);
        self.bytes += json.len();
        if !matches!(class, Class::Kept) {
            self.media_bytes += json.len();
        }
        self.queues[class as usize].push_back(Entry {
            index,
            kind,
            json,
            at: Instant::now(),
        });
        self.enforce_bounds();
        index
    }

    /// The server consumed everything up to and including `index` (the latest handle's
    /// `lastConsumedClientMessageIndex`). A claim beyond what was written is clamped to it and
    /// a negative one means nothing: a false claim (a buggy or hostile server) then skews the
    /// numbering only until a later handle tells the truth, since the count a resume numbers
    /// from is always the latest handle's, never the largest ever claimed.
    pub fn release_through(&mut self, index: i64) {
        let written = i64::try_from(self.next_index).unwrap_or(i64::MAX);
        let index = index.clamp(-1, written - 1);
        self.server_count = (index + 1) as u64;
        self.release_while(|e| i64::try_from(e.index).is_ok_and(|i| i <= index));
        if let Ok(index) = u64::try_from(index) {
            self.uncovered.release_through(index);
        }
    }

    /// A resumable handle without an index arrived: releases the entries the server had
    /// certainly read when it issued the handle, i.e. with an index below `read_count` (a pong
    /// receipt) and written no later than `cutoff` (the handle's arrival minus a round trip).
    pub fn release_confirmed(&mut self, read_count: u64, cutoff: Instant) {
        self.release_while(|e| e.index < read_count && e.at <= cutoff);
        self.uncovered.release_confirmed(read_count, cutoff);
    }

    /// Pops each queue's front while `covered`: a release covers a prefix of the index order
    /// (indexes and write times grow together), so each queue's covered entries are a prefix.
    fn release_while(&mut self, covered: impl Fn(&Entry) -> bool) {
        for class in [Class::Video, Class::Audio, Class::Kept] {
            while self.queues[class as usize].front().is_some_and(&covered) {
                self.pop_front(class);
            }
        }
    }

    /// Forgets everything (tests; a fresh session uses `reset`).
    pub fn release_all(&mut self) {
        self.queues.iter_mut().for_each(VecDeque::clear);
        self.bytes = 0;
        self.media_bytes = 0;
        self.uncovered.clear();
    }

    /// The session was resumed with the latest handle: returns what the move lost, the media
    /// the bounds dropped that no release covered (messages, JSON bytes), and forgets it, so
    /// that each loss is reported once. With `by_server_index` (`transparent`), the messages to
    /// re-send are numbered on from the server's count, as the server numbers what it reads:
    /// lost messages leave no gap in its numbering, so they must leave none in ours, or every
    /// later `lastConsumedClientMessageIndex` would release too little and over-report loss.
    pub fn resumed(&mut self, by_server_index: bool) -> (u64, u64) {
        let lost = self.uncovered.take();
        if by_server_index {
            let mut next = self.server_count;
            for (class, position) in self.in_index_order() {
                self.queues[class as usize][position].index = next;
                next += 1;
            }
            self.next_index = next;
        }
        lost
    }

    /// The messages to re-send after a resume, in order.
    pub fn pending(&self) -> Vec<(MessageKind, Utf8Bytes)> {
        self.in_index_order()
            .into_iter()
            .map(|(class, position)| {
                let e = &self.queues[class as usize][position];
                (e.kind, e.json.clone())
            })
            .collect()
    }

    /// Every entry's place (queue, position in it), in index order: the queues merged.
    fn in_index_order(&self) -> Vec<(Class, usize)> {
        let classes = [Class::Video, Class::Audio, Class::Kept];
        let mut next = [0usize; 3];
        let mut order = Vec::with_capacity(self.queues.iter().map(VecDeque::len).sum());
        loop {
            let smallest = classes
                .iter()
                .filter_map(|&c| {
                    self.queues[c as usize]
                        .get(next[c as usize])
                        .map(|e| (e.index, c))
                })
                .min_by_key(|&(index, _)| index);
            let Some((_, class)) = smallest else {
                return order;
            };
            order.push((class, next[class as usize]));
            next[class as usize] += 1;
        }
    }

    /// How many messages wait for a receipt, and their JSON bytes.
    pub fn backlog(&self) -> (u64, u64) {
        let messages: usize = self.queues.iter().map(VecDeque::len).sum();
        (messages as u64, self.bytes as u64)
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

    fn pop_front(&mut self, class: Class) -> Option<Entry> {
        let e = self.queues[class as usize].pop_front()?;
        self.bytes -= e.json.len();
        if !matches!(class, Class::Kept) {
            self.media_bytes -= e.json.len();
        }
        Some(e)
    }

    /// Drops media older than `max_age`, then the oldest video, then the oldest audio, while
    /// the media exceeds `max_bytes`.
    fn enforce_bounds(&mut self) {
        let now = Instant::now();
        for class in MEDIA {
            while self.queues[class as usize]
                .front()
                .is_some_and(|e| now.duration_since(e.at) > self.max_age)
            {
                self.drop_front(class);
            }
        }
        for class in MEDIA {
            while self.media_bytes > self.max_bytes && self.drop_front(class) {}
        }
    }

    /// Drops the front of a media queue; false when it is empty.
    fn drop_front(&mut self, class: Class) -> bool {
        let Some(e) = self.pop_front(class) else {
            return false;
        };
        let counter = match class {
            Class::Video => &self.dropped.video,
            _ => &self.dropped.audio,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.uncovered.record(e.index, e.json.len(), e.at);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buf(max_bytes: usize) -> (ReplayBuffer, Arc<DroppedMedia>) {
        let dropped = Arc::new(DroppedMedia::default());
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
        let (mut b, dropped) = buf(6);
        b.record(MessageKind::Audio, "aaaa".into());
        b.record(MessageKind::ToolResponse, "tool-resp-1".into());
        b.record(MessageKind::Audio, "bbbb".into());
        let kinds: Vec<MessageKind> = b.pending().into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, vec![MessageKind::ToolResponse, MessageKind::Audio]);
        assert_eq!(dropped.audio.load(Ordering::Relaxed), 1);
        assert_eq!(b.backlog(), (2, 15));
    }

    #[test]
    fn kept_messages_do_not_count_towards_the_media_bound() {
        // A tool response larger than the bound pushes no audio out.
        let (mut b, dropped) = buf(8);
        b.record(MessageKind::ToolResponse, "x".repeat(100).into());
        b.record(MessageKind::Audio, "aaaa".into());
        b.record(MessageKind::Audio, "bbbb".into());
        assert_eq!(b.backlog().0, 3);
        assert_eq!(dropped.audio.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn video_is_dropped_before_audio() {
        let (mut b, dropped) = buf(12);
        b.record(MessageKind::Audio, "a0".into());
        b.record(MessageKind::Video, "vvvv0".into());
        b.record(MessageKind::Audio, "a1".into());
        b.record(MessageKind::Video, "vvvv1".into());
        // 14 bytes of media: the oldest video goes, though audio is older.
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["a0", "a1", "vvvv1"]);
        b.record(MessageKind::Audio, "a2".into());
        b.record(MessageKind::Audio, "a3".into());
        b.record(MessageKind::Audio, "a4".into());
        b.record(MessageKind::Audio, "a5".into());
        // 17 bytes: the last video goes, then the oldest audio.
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["a0", "a1", "a2", "a3", "a4", "a5"]);
        assert_eq!(dropped.video.load(Ordering::Relaxed), 2);
        assert_eq!(dropped.audio.load(Ordering::Relaxed), 0);
        b.record(MessageKind::Audio, "a6".into());
        assert_eq!(dropped.audio.load(Ordering::Relaxed), 1);
        // The dropped video (indexes 1 and 3) and audio (index 0) are lost unless released.
        b.release_through(1);
        assert_eq!(b.resumed(false), (1, 5));
    }

    #[test]
    fn re_sent_messages_keep_their_order_across_classes() {
        let (mut b, _) = buf(1 << 20);
        let kinds = [
            MessageKind::Audio,
            MessageKind::RealtimeText,
            MessageKind::Video,
            MessageKind::Audio,
            MessageKind::ToolResponse,
            MessageKind::Video,
        ];
        for (i, kind) in kinds.into_iter().enumerate() {
            b.record(kind, format!("m{i}").into());
        }
        b.release_through(0);
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["m1", "m2", "m3", "m4", "m5"]);
        // Renumbered from the server's count (1), in the same order.
        assert_eq!(b.resumed(true), (0, 0));
        assert_eq!(b.next_index(), 6);
        b.release_through(3);
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["m4", "m5"]);
    }

    #[test]
    fn a_drop_is_lost_only_if_no_release_covers_it() {
        let (mut b, dropped) = buf(8);
        for i in 0..6 {
            // Each 4-byte message pushes the oldest out once two are held.
            b.record(MessageKind::Audio, format!("a{i:03}").into());
        }
        assert_eq!(dropped.audio.load(Ordering::Relaxed), 4, "indexes 0..=3 dropped");
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
        b.record(MessageKind::Audio, "b".into());
        // Beyond what was written: clamped (both released, the server's count is 2).
        b.release_through(i64::MAX);
        assert_eq!(b.backlog().0, 0);
        b.record(MessageKind::Audio, "c".into());
        assert_eq!(b.resumed(true), (0, 0));
        assert_eq!(b.next_index(), 3);
        // Negative: nothing consumed; the latest claim is the one a resume numbers from.
        b.release_through(-5);
        assert_eq!(b.resumed(true), (0, 0));
        assert_eq!(b.next_index(), 1, "c is re-sent as the server's message 0");
        assert_eq!(b.record(MessageKind::Audio, "d".into()), 1);
    }

    #[test]
    fn a_false_claim_is_forgotten_once_a_later_handle_tells_the_truth() {
        let (mut b, _) = buf(1 << 20);
        for i in 0..4 {
            b.record(MessageKind::Audio, format!("m{i}").into());
        }
        b.release_through(i64::MAX - 1);
        for i in 4..8 {
            b.record(MessageKind::Audio, format!("m{i}").into());
        }
        // The truth: the server's state holds 0..=5.
        b.release_through(5);
        assert_eq!(b.resumed(true), (0, 0));
        let pending: Vec<String> = b.pending().into_iter().map(|(_, j)| j.to_string()).collect();
        assert_eq!(pending, vec!["m6", "m7"]);
        assert_eq!(
            b.next_index(),
            8,
            "numbered on from the truthful count, not the claim"
        );
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
