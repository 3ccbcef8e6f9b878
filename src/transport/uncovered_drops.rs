//! Media the replay buffer dropped over its bounds before any release covered it.
//!
//! A dropped message is not necessarily lost: a later release (a handle's
//! `lastConsumedClientMessageIndex`, or a read receipt) may show the server had it. What no
//! release covers when the session resumes is what the move lost. The drops are kept as runs
//! of consecutive indexes with one message size, so a long stream dropped message by message
//! (a server that issues no handle for minutes) costs one run, not one record per message.

use std::collections::VecDeque;
use std::time::Instant;

/// Consecutive dropped messages of one size: indexes `first..first + count`.
struct Run {
    first: u64,
    count: u64,
    message_bytes: u64,
    /// When the last of them was written.
    last_at: Instant,
}

impl Run {
    fn end(&self) -> u64 {
        self.first + self.count
    }

    /// Forgets the first `n` (covered) messages of the run.
    fn skip(&mut self, n: u64) {
        self.first += n;
        self.count -= n;
    }
}

/// How many runs are kept (a run starts after a kept message, such as a tool response, or
/// when the audio message size changes). Past it the oldest run is counted as lost without
/// waiting for a release: the report may then overstate the loss, never understate it.
const MAX_RUNS: usize = 1024;

#[derive(Default)]
pub struct UncoveredDrops {
    runs: VecDeque<Run>,
    /// Runs pushed out past `MAX_RUNS`: (messages, JSON bytes), counted as lost.
    forgotten: (u64, u64),
}

impl UncoveredDrops {
    /// Message `index` (`bytes` of JSON, written at `at`) was dropped. The runs stay in index
    /// order: drops come from the replay buffer's video and audio queues, each in index order,
    /// so an index lands at the back or a few runs before it.
    pub fn record(&mut self, index: u64, bytes: usize, at: Instant) {
        let bytes = bytes as u64;
        let mut pos = self
            .runs
            .iter()
            .rposition(|r| r.first < index)
            .map_or(0, |p| p + 1);
        if pos > 0 {
            let before = &mut self.runs[pos - 1];
            if before.end() == index && before.message_bytes == bytes {
                before.count += 1;
                before.last_at = before.last_at.max(at);
                return;
            }
        }
        if self.runs.len() == MAX_RUNS {
            if pos == 0 {
                // Older than every run kept: it is the one to count as lost.
                self.forgotten.0 += 1;
                self.forgotten.1 += bytes;
                return;
            }
            if let Some(oldest) = self.runs.pop_front() {
                self.forgotten.0 += oldest.count;
                self.forgotten.1 += oldest.count * oldest.message_bytes;
            }
            pos -= 1;
        }
        self.runs.insert(
            pos,
            Run {
                first: index,
                count: 1,
                message_bytes: bytes,
                last_at: at,
            },
        );
    }

    /// The server's state holds every message up to and including `index`.
    pub fn release_through(&mut self, index: u64) {
        self.release_below(index.saturating_add(1));
    }

    /// The server had read every message with an index below `read_count` that was written
    /// no later than `cutoff`. A run written partly after `cutoff` is kept whole: its
    /// messages' own times are not kept, so the report stays an upper bound.
    pub fn release_confirmed(&mut self, read_count: u64, cutoff: Instant) {
        while let Some(run) = self.runs.front() {
            if run.last_at > cutoff {
                return;
            }
            if !self.release_front_below(read_count) {
                return;
            }
        }
    }

    /// What no release covered (messages, JSON bytes); forgets it, so each loss is reported
    /// once.
    pub fn take(&mut self) -> (u64, u64) {
        let (mut messages, mut bytes) = std::mem::take(&mut self.forgotten);
        for run in self.runs.drain(..) {
            messages += run.count;
            bytes += run.count * run.message_bytes;
        }
        (messages, bytes)
    }

    pub fn clear(&mut self) {
        self.runs.clear();
        self.forgotten = (0, 0);
    }

    fn release_below(&mut self, end: u64) {
        while self.release_front_below(end) {}
    }

    /// Releases the front run's messages below index `end`; true if the whole run went.
    fn release_front_below(&mut self, end: u64) -> bool {
        let Some(run) = self.runs.front_mut() else {
            return false;
        };
        if run.end() <= end {
            self.runs.pop_front();
            return true;
        }
        if run.first < end {
            run.skip(end - run.first);
        }
        false
    }

    #[cfg(test)]
    fn runs(&self) -> usize {
        self.runs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_stream_of_drops_is_one_run_and_releases_split_it_exactly() {
        let mut d = UncoveredDrops::default();
        let t = Instant::now();
        for i in 10..1010 {
            d.record(i, 929, t);
        }
        assert_eq!(d.runs(), 1);
        d.release_through(509);
        assert_eq!(d.take(), (500, 500 * 929));
    }

    #[test]
    fn a_kept_message_or_another_size_starts_a_run() {
        let mut d = UncoveredDrops::default();
        let t = Instant::now();
        d.record(0, 10, t);
        d.record(1, 10, t);
        d.record(3, 10, t); // index 2 was a tool response, kept
        d.record(4, 12, t);
        assert_eq!(d.runs(), 3);
        d.release_through(3);
        assert_eq!(d.take(), (1, 12));
    }

    #[test]
    fn a_confirmed_release_needs_the_whole_run_written_before_the_cutoff() {
        let mut d = UncoveredDrops::default();
        let t = Instant::now();
        d.record(0, 10, t);
        d.record(1, 10, t + Duration::from_millis(5));
        d.record(2, 10, t + Duration::from_millis(10));
        // Read through index 1 and the cutoff after index 1's write but before index 2's:
        // the run is kept whole (an upper bound).
        d.release_confirmed(2, t + Duration::from_millis(7));
        assert_eq!(d.runs(), 1);
        // A later cutoff: the read count splits the run exactly.
        d.release_confirmed(2, t + Duration::from_millis(10));
        assert_eq!(d.take(), (1, 10));
    }

    #[test]
    fn runs_past_the_limit_count_as_lost() {
        let mut d = UncoveredDrops::default();
        let t = Instant::now();
        for i in 0..(MAX_RUNS as u64 + 3) {
            d.record(2 * i, 10, t); // every other index: one run each
        }
        assert_eq!(d.runs(), MAX_RUNS);
        d.release_through(u64::MAX);
        assert_eq!(d.take(), (3, 30), "the three forgotten runs stay lost");
    }

    #[test]
    fn drops_out_of_index_order_are_kept_in_order() {
        // Video goes first: frames 1 and 3 are dropped before audio 0 and 2.
        let mut d = UncoveredDrops::default();
        let t = Instant::now();
        d.record(1, 50, t);
        d.record(3, 50, t);
        d.record(0, 10, t);
        d.record(2, 10, t);
        d.record(4, 10, t);
        assert_eq!(d.runs(), 5);
        d.release_through(1);
        assert_eq!(d.take(), (3, 70), "indexes 2, 3 and 4 are lost");
        // Contiguous out-of-order drops of one size still join their run.
        d.record(10, 10, t);
        d.record(12, 50, t);
        d.record(11, 10, t);
        assert_eq!(d.runs(), 2);
        d.release_through(10);
        assert_eq!(d.take(), (2, 60));
    }

    #[test]
    fn a_drop_older_than_every_run_past_the_limit_counts_as_lost() {
        let mut d = UncoveredDrops::default();
        let t = Instant::now();
        for i in 0..MAX_RUNS as u64 {
            d.record(10 + 2 * i, 10, t);
        }
        d.record(1, 50, t);
        assert_eq!(d.runs(), MAX_RUNS);
        d.release_through(u64::MAX);
        assert_eq!(d.take(), (1, 50));
    }
}
