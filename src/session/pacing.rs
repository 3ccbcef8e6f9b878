//! Producer-side audio pacing: a token bucket measured in bytes.
//!
//! A producer that pushes audio faster than real time (a file, a bursty capture callback)
//! would otherwise fill the outgoing queue and the server's buffers. The bucket lets a burst of
//! `bucket_capacity` bytes through at once, then admits `refill_rate_bps` bytes per second.

use std::time::Duration;
use tokio::time::Instant;

/// Token bucket settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackpressureConfig {
    /// Burst allowance in bytes.
    pub bucket_capacity: u64,
    /// Sustained rate in bytes per second (32,000 is 16 kHz PCM16 in real time).
    pub refill_rate_bps: u64,
}

impl BackpressureConfig {
    /// Real-time pacing for PCM16 mono at `sample_rate` with `burst_ms` of burst.
    pub fn realtime_pcm16(sample_rate: u32, burst_ms: u32) -> Self {
        let rate = u64::from(sample_rate) * 2;
        BackpressureConfig {
            bucket_capacity: rate * u64::from(burst_ms) / 1000,
            refill_rate_bps: rate,
        }
    }
}

/// The bucket. Tokens may go negative: a send larger than what is available reserves the
/// debt, and the producer waits until it is repaid, so large chunks are never refused.
#[derive(Debug)]
pub struct TokenBucket {
    config: BackpressureConfig,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn new(config: BackpressureConfig) -> Self {
        TokenBucket {
            config,
            tokens: config.bucket_capacity as f64,
            last: Instant::now(),
        }
    }

    /// Takes `bytes` tokens and returns how long the caller must wait before sending.
    pub fn reserve(&mut self, bytes: usize) -> Duration {
        let now = Instant::now();
        let rate = self.config.refill_rate_bps.max(1) as f64;
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(self.config.bucket_capacity as f64);
        self.last = now;
        self.tokens -= bytes as f64;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / rate)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn burst_is_free_then_rate_applies() {
        let mut b = TokenBucket::new(BackpressureConfig {
            bucket_capacity: 1000,
            refill_rate_bps: 1000,
        });
        assert_eq!(b.reserve(1000), Duration::ZERO);
        let wait = b.reserve(500);
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-6, "{wait:?}");
        assert_eq!(
            BackpressureConfig::realtime_pcm16(16000, 100).bucket_capacity,
            3200
        );
    }
}
