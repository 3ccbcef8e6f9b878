//! A playout buffer with barge-in: the application (or a session bound to it) pushes reply
//! audio, the audio device's thread pulls frames of any size. Lock-free single-producer /
//! single-consumer ring of PCM16 mono samples: `pull` takes no lock, allocates nothing and never
//! blocks (it fills with silence when the buffer runs dry).
//!
//! Positions are absolute sample counts. Turns: the first push after a turn ended opens a new
//! turn (ids 1, 2, ...); `end_turn` closes it; `flush` (barge-in) drops everything pushed so
//! far that was not yet played and closes the turn. The consumer credits every sample it plays
//! to the turn it belongs to, so `turn_played_ms` tells how much of each turn was actually
//! heard: all of a turn that played out, the part before the barge-in of an interrupted one.

use std::sync::atomic::{AtomicBool, AtomicI16, AtomicU64, Ordering::*};

/// Turns remembered for `turn_played_ms` (older ones are forgotten).
pub const TURNS_KEPT: usize = 16;

const OPEN: u64 = u64::MAX;

#[derive(Default)]
struct Turn {
    id: AtomicU64,
    start: AtomicU64,
    /// `OPEN` while the turn is still being pushed.
    end: AtomicU64,
    played: AtomicU64,
}

/// See the module documentation. Share it (`Arc`) between one producer and one consumer.
pub struct Playout {
    rate: u32,
    buf: Box<[AtomicI16]>,
    /// Samples pushed so far (written by the producer only).
    write: AtomicU64,
    /// Samples played or skipped so far (written by the consumer only).
    read: AtomicU64,
    /// The consumer skips to this position at its next pull (set by `flush`).
    flush_to: AtomicU64,
    turns: [Turn; TURNS_KEPT],
    /// The id of the latest turn (0: none yet); `turn_open` while it takes pushes.
    turn_id: AtomicU64,
    turn_open: AtomicBool,
    /// Samples dropped because the buffer was full.
    overflowed: AtomicU64,
}

impl std::fmt::Debug for Playout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Playout")
            .field("rate", &self.rate)
            .field("capacity", &self.buf.len())
            .field("buffered", &self.buffered())
            .finish()
    }
}

impl Playout {
    /// A buffer holding up to `capacity_ms` of audio at `sample_rate` Hz.
    pub fn new(sample_rate: u32, capacity_ms: u32) -> Result<Playout, String> {
        if !(8_000..=48_000).contains(&sample_rate) {
            return Err(format!("`sample_rate` {sample_rate} is outside 8000..=48000"));
        }
        if !(10..=600_000).contains(&capacity_ms) {
            return Err(format!("`capacity_ms` {capacity_ms} is outside 10..=600000"));
        }
        let cap = (sample_rate as u64 * capacity_ms as u64 / 1000) as usize;
        Ok(Playout {
            rate: sample_rate,
            buf: (0..cap).map(|_| AtomicI16::new(0)).collect(),
            write: AtomicU64::new(0),
            read: AtomicU64::new(0),
            flush_to: AtomicU64::new(0),
            turns: Default::default(),
            turn_id: AtomicU64::new(0),
            turn_open: AtomicBool::new(false),
            overflowed: AtomicU64::new(0),
        })
    }

    pub fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn ms(&self, samples: u64) -> u64 {
        samples * 1000 / self.rate as u64
    }

    /// Producer: appends samples; returns how many fit (the rest is dropped and counted).
    /// Opens a new turn if none is open.
    pub fn push(&self, samples: &[i16]) -> usize {
        let w = self.write.load(Relaxed);
        if !self.turn_open.load(Relaxed) {
            let id = self.turn_id.load(Relaxed) + 1;
            let t = &self.turns[id as usize % TURNS_KEPT];
            t.id.store(0, Release); // invalid while it is being set up
            t.start.store(w, Relaxed);
            t.end.store(OPEN, Relaxed);
            t.played.store(0, Relaxed);
            t.id.store(id, Release);
            self.turn_id.store(id, Release);
            self.turn_open.store(true, Relaxed);
        }
        // Only what the consumer has moved past is free: samples a flush dropped are released
        // at its next pull, so a pull in progress never sees its samples overwritten.
        let r = self.read.load(Acquire);
        let free = self.buf.len() - (w - r.min(w)) as usize;
        let n = samples.len().min(free);
        for (i, &s) in samples[..n].iter().enumerate() {
            self.buf[((w + i as u64) % self.buf.len() as u64) as usize].store(s, Relaxed);
        }
        self.write.store(w + n as u64, Release);
        if n < samples.len() {
            self.overflowed.fetch_add((samples.len() - n) as u64, Relaxed);
        }
        n
    }

    /// Producer: the current turn is complete (the next push opens a new one).
    pub fn end_turn(&self) {
        if self.turn_open.swap(false, Relaxed) {
            let id = self.turn_id.load(Relaxed);
            self.turns[id as usize % TURNS_KEPT]
                .end
                .store(self.write.load(Relaxed), Release);
        }
    }

    /// Producer: barge-in. Everything pushed and not yet played is dropped at the consumer's
    /// next pull, and the current turn ends. Returns the id of the turn it ended (0: none).
    pub fn flush(&self) -> u64 {
        let id = if self.turn_open.load(Relaxed) {
            self.turn_id.load(Relaxed)
        } else {
            0
        };
        self.end_turn();
        self.flush_to.fetch_max(self.write.load(Relaxed), AcqRel);
        id
    }

    /// Consumer: fills `out` with the next samples, then silence if the buffer runs dry.
    /// Returns how many samples of audio (not silence) it wrote. No lock, no allocation, never
    /// blocks.
    pub fn pull(&self, out: &mut [i16]) -> usize {
        let mut r = self.read.load(Relaxed);
        let f = self.flush_to.load(Acquire);
        if f > r {
            r = f;
        }
        let w = self.write.load(Acquire);
        let n = ((w - r.min(w)) as usize).min(out.len());
        for (i, o) in out[..n].iter_mut().enumerate() {
            *o = self.buf[((r + i as u64) % self.buf.len() as u64) as usize].load(Relaxed);
        }
        out[n..].fill(0);
        if n > 0 {
            self.credit(r, r + n as u64);
        }
        self.read.store(r + n as u64, Release);
        n
    }

    /// Credits the played range [from, to) to the turns it overlaps.
    fn credit(&self, from: u64, to: u64) {
        for t in &self.turns {
            if t.id.load(Acquire) == 0 {
                continue;
            }
            let start = t.start.load(Relaxed);
            let end = t.end.load(Acquire);
            let (a, b) = (from.max(start), to.min(end));
            if b > a {
                t.played.fetch_add(b - a, Relaxed);
            }
        }
    }

    /// Milliseconds of audio waiting to be pulled.
    pub fn buffered_ms(&self) -> u64 {
        self.ms(self.buffered())
    }

    fn buffered(&self) -> u64 {
        let w = self.write.load(Acquire);
        let r = self.read.load(Acquire).max(self.flush_to.load(Acquire));
        w - r.min(w)
    }

    /// The id of the latest turn (0 before the first push).
    pub fn current_turn(&self) -> u64 {
        self.turn_id.load(Acquire)
    }

    /// Milliseconds of turn `id` played so far, and whether the turn is over (ended or
    /// flushed) with nothing of it left to play; `None` for an unknown or forgotten turn (only
    /// the last `TURNS_KEPT` are kept).
    pub fn turn_played_ms(&self, id: u64) -> Option<(u64, bool)> {
        let t = &self.turns[id as usize % TURNS_KEPT];
        if id == 0 || t.id.load(Acquire) != id {
            return None;
        }
        let played = t.played.load(Relaxed);
        let end = t.end.load(Acquire);
        let done = end != OPEN && {
            let r = self.read.load(Acquire).max(self.flush_to.load(Acquire));
            r >= end
        };
        (t.id.load(Acquire) == id).then_some((self.ms(played), done))
    }

    /// Samples dropped because the buffer was full.
    pub fn overflowed(&self) -> u64 {
        self.overflowed.load(Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_of_any_size_silence_when_dry_and_turn_accounting() {
        let p = Playout::new(16_000, 100).unwrap(); // 1600 samples
        let tone: Vec<i16> = (1..=480).collect(); // 30 ms
        assert_eq!(p.push(&tone), 480);
        assert_eq!(p.current_turn(), 1);
        let mut frame = [7i16; 100];
        assert_eq!(p.pull(&mut frame), 100);
        assert_eq!(frame[0], 1);
        assert_eq!(frame[99], 100);
        let mut big = [7i16; 500];
        assert_eq!(p.pull(&mut big), 380);
        assert_eq!(big[379], 480);
        assert!(big[380..].iter().all(|&s| s == 0));
        assert_eq!(p.turn_played_ms(1), Some((30, false)), "open turn");
        p.end_turn();
        assert_eq!(p.turn_played_ms(1), Some((30, true)));
        // Turn 2 is interrupted after 10 ms played; turn 3's audio pushed after the flush stays.
        assert_eq!(p.push(&[1; 800]), 800);
        assert_eq!(p.current_turn(), 2);
        assert_eq!(p.pull(&mut [0; 160]), 160);
        assert_eq!(p.flush(), 2);
        assert_eq!(p.push(&[3; 320]), 320);
        let mut out = [0i16; 400];
        assert_eq!(p.pull(&mut out), 320);
        assert!(out[..320].iter().all(|&s| s == 3));
        assert_eq!(p.turn_played_ms(2), Some((10, true)));
        assert_eq!(p.turn_played_ms(3), Some((20, false)));
        assert_eq!(p.turn_played_ms(4), None);
        // Full: the excess is dropped and counted.
        assert_eq!(p.push(&[5; 2000]), 1600);
        assert_eq!(p.overflowed(), 400);
        assert_eq!(p.buffered_ms(), 100);
    }

    #[test]
    fn one_producer_one_consumer_threads() {
        use std::sync::Arc;
        let p = Arc::new(Playout::new(16_000, 50).unwrap());
        let total = 200_000usize;
        let producer = {
            let p = p.clone();
            std::thread::spawn(move || {
                let mut next = 0usize;
                while next < total {
                    let chunk: Vec<i16> = (next..(next + 333).min(total))
                        .map(|i| (i % 30_000) as i16)
                        .collect();
                    next += p.push(&chunk);
                    std::thread::yield_now();
                }
                p.end_turn();
            })
        };
        let mut got = 0usize;
        let mut frame = [0i16; 97];
        while got < total {
            let n = p.pull(&mut frame);
            for (i, &s) in frame[..n].iter().enumerate() {
                assert_eq!(s, ((got + i) % 30_000) as i16);
            }
            got += n;
            if n == 0 {
                std::thread::yield_now();
            }
        }
        producer.join().unwrap();
        assert_eq!(p.turn_played_ms(1), Some(((total * 1000 / 16_000) as u64, true)));
    }
}
