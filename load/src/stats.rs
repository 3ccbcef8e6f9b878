//! Percentiles over latency samples.

/// Sorted samples (nanoseconds) with nearest-rank percentiles.
pub struct Samples(Vec<u64>);

impl Samples {
    pub fn new(mut v: Vec<u64>) -> Self {
        v.sort_unstable();
        Samples(v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Nearest-rank percentile in milliseconds (NaN when empty).
    pub fn pct_ms(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil().max(1.0) as usize;
        self.0[rank.min(self.0.len()) - 1] as f64 / 1e6
    }

    pub fn max_ms(&self) -> f64 {
        self.0.last().map(|&v| v as f64 / 1e6).unwrap_or(f64::NAN)
    }
}

/// A fixed-size latency histogram (10 µs buckets up to 200 ms, then one overflow bucket), so
/// the schedule's per-chunk lateness costs no memory per chunk.
#[derive(Debug)]
pub struct Histogram {
    buckets: Vec<u32>,
    count: u64,
    max_ns: u64,
}

const BUCKET_NS: u64 = 10_000;
const BUCKETS: usize = 20_000;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; BUCKETS + 1],
            count: 0,
            max_ns: 0,
        }
    }
}

impl Histogram {
    pub fn record(&mut self, ns: u64) {
        let i = ((ns / BUCKET_NS) as usize).min(BUCKETS);
        self.buckets[i] += 1;
        self.count += 1;
        self.max_ns = self.max_ns.max(ns);
    }

    /// Nearest-rank percentile in ms (the upper edge of its bucket; NaN when empty).
    pub fn pct_ms(&self, p: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.count as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.buckets.iter().enumerate() {
            seen += u64::from(c);
            if seen >= rank {
                return if i == BUCKETS {
                    self.max_ms()
                } else {
                    ((i as u64 + 1) * BUCKET_NS) as f64 / 1e6
                };
            }
        }
        self.max_ms()
    }

    pub fn max_ms(&self) -> f64 {
        self.max_ns as f64 / 1e6
    }
}
