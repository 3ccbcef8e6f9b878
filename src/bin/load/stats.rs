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
