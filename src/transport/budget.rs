//! The reconnect budget: how long to wait before the next connection attempt, and when a
//! session that keeps losing its connections must give up.
//!
//! Two rules keep a client from hammering the service:
//! - **Backoff after short lives.** Every failed attempt and every connection that lived less
//!   than `stable_after` (goAway-driven moves included) counts as a consecutive failure; the
//!   next attempt waits `initial_backoff × 2^(failures-1)` (±25 % jitter, at most
//!   `max_backoff`). Only a connection that stayed up `stable_after` resets the count, so a
//!   server that accepts and then drops every connection still exhausts `max_attempts`.
//! - **A window budget.** At most `max_reconnects_per_window` reconnects in any `window`,
//!   however long each connection lived.

use super::config::ReconnectPolicy;
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;

/// Why the budget refused another attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exhausted {
    /// `max_attempts` consecutive failures (failed attempts or short-lived connections).
    Consecutive(u32),
    /// `max_reconnects_per_window` reconnects within `window`.
    Window(u32, Duration),
}

impl std::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exhausted::Consecutive(n) => write!(f, "{n} consecutive reconnects failed or lived too briefly"),
            Exhausted::Window(n, window) => {
                write!(f, "{n} reconnects within {}s", window.as_secs())
            }
        }
    }
}

pub struct ReconnectBudget {
    policy: ReconnectPolicy,
    /// Consecutive failures: failed attempts plus connections shorter than `stable_after`.
    failures: u32,
    /// Start times of the reconnect attempts inside the current window.
    recent: VecDeque<Instant>,
}

impl ReconnectBudget {
    pub fn new(policy: ReconnectPolicy) -> Self {
        ReconnectBudget {
            policy,
            failures: 0,
            recent: VecDeque::new(),
        }
    }

    /// A connection ended after `lived`: a short life counts as a failure, a long one clears
    /// the count.
    pub fn connection_ended(&mut self, lived: Duration) {
        if lived >= self.policy.stable_after {
            self.failures = 0;
        } else {
            self.failures = self.failures.saturating_add(1);
        }
    }

    /// An attempt failed before a connection was established.
    pub fn attempt_failed(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }

    /// Registers the start of an attempt at `now` and returns how long to wait first, or why
    /// no attempt may start.
    pub fn next_attempt(&mut self, now: Instant) -> Result<Duration, Exhausted> {
        let max_attempts = self.policy.max_attempts.max(1);
        // `failures` counts the attempt that is about to be replaced as well, so the first
        // retry after a long-lived connection has failures == 0 and starts at once.
        if self.failures >= max_attempts {
            return Err(Exhausted::Consecutive(self.failures));
        }
        let window = self.policy.window;
        while self
            .recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            self.recent.pop_front();
        }
        let per_window = self.policy.max_reconnects_per_window.max(1);
        if self.recent.len() as u32 >= per_window {
            return Err(Exhausted::Window(per_window, window));
        }
        self.recent.push_back(now);
        Ok(self.delay())
    }

    /// Consecutive failures so far (the attempt number is this plus one).
    pub fn failures(&self) -> u32 {
        self.failures
    }

    fn delay(&self) -> Duration {
        if self.failures == 0 {
            return Duration::ZERO;
        }
        let doublings = (self.failures - 1).min(16);
        let base = self
            .policy
            .initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.policy.max_backoff);
        base.mul_f64(0.75 + rand::random::<f64>() * 0.5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ReconnectPolicy {
        ReconnectPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            stable_after: Duration::from_secs(10),
            window: Duration::from_secs(60),
            max_reconnects_per_window: 5,
            ..ReconnectPolicy::default()
        }
    }

    #[test]
    fn short_lives_back_off_and_exhaust_even_when_every_handshake_succeeds() {
        let mut b = ReconnectBudget::new(policy());
        let t = Instant::now();
        b.connection_ended(Duration::from_millis(5));
        let first = b.next_attempt(t).unwrap();
        assert!(first >= Duration::from_millis(75), "{first:?}");
        b.connection_ended(Duration::from_millis(5));
        let second = b.next_attempt(t).unwrap();
        assert!(second >= Duration::from_millis(150), "{second:?}");
        b.connection_ended(Duration::from_millis(5));
        assert_eq!(b.next_attempt(t), Err(Exhausted::Consecutive(3)));
    }

    #[test]
    fn a_stable_connection_resets_the_count_and_moves_at_once() {
        let mut b = ReconnectBudget::new(policy());
        let t = Instant::now();
        b.attempt_failed();
        b.attempt_failed();
        b.connection_ended(Duration::from_secs(600));
        assert_eq!(b.next_attempt(t), Ok(Duration::ZERO));
    }

    #[test]
    fn the_window_caps_reconnects_of_long_enough_connections() {
        let mut b = ReconnectBudget::new(policy());
        let mut t = Instant::now();
        for _ in 0..5 {
            b.connection_ended(Duration::from_secs(11));
            assert_eq!(b.next_attempt(t), Ok(Duration::ZERO));
            t += Duration::from_secs(11);
        }
        // 5 attempts in the last 55 s: the sixth is refused...
        b.connection_ended(Duration::from_secs(11));
        assert!(matches!(b.next_attempt(t), Err(Exhausted::Window(5, _))));
        // ...until the oldest leaves the window.
        t += Duration::from_secs(6);
        assert_eq!(b.next_attempt(t), Ok(Duration::ZERO));
    }
}
