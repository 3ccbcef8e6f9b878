//! Which configured faults apply to a connection, and when they fire. Firing itself is an
//! outbox step ([`Step::Fault`](super::outbox::Step)) executed by the connection.

use super::config::{FaultKind, FaultSpec};
use std::io;
use std::time::Duration;

pub(crate) const DEFAULT_PONG_DELAY: Duration = Duration::from_secs(30);
pub(crate) const DEFAULT_OVERSIZED_BYTES: usize = 16 * 1024 * 1024 + 1;

/// The faults of one connection that have not fired yet.
pub(crate) struct ConnectionFaults {
    armed: Vec<FaultSpec>,
}

impl ConnectionFaults {
    pub(crate) fn new(all: &[FaultSpec], connection: u64) -> Self {
        let armed = all
            .iter()
            .filter(|f| f.connection.is_none_or(|c| u64::from(c) == connection))
            .cloned()
            .collect();
        ConnectionFaults { armed }
    }

    /// At the WebSocket upgrade: `before_setup` faults, each with its delay from now.
    pub(crate) fn take_before_setup(&mut self) -> Vec<(Duration, FaultSpec)> {
        let (early, rest) = self.armed.drain(..).partition(|f: &FaultSpec| f.before_setup);
        self.armed = rest;
        with_delays(early)
    }

    /// At `setupComplete`: faults without a message trigger, each with its delay from now.
    pub(crate) fn take_timed(&mut self) -> Vec<(Duration, FaultSpec)> {
        let (timed, rest) = self
            .armed
            .drain(..)
            .partition(|f: &FaultSpec| f.after_messages.is_none());
        self.armed = rest;
        with_delays(timed)
    }

    /// After the `count`-th client message following `setup` on this connection.
    pub(crate) fn take_after_message(&mut self, count: u64) -> Vec<FaultSpec> {
        let (due, rest) = self
            .armed
            .drain(..)
            .partition(|f: &FaultSpec| f.after_messages == Some(count));
        self.armed = rest;
        due
    }
}

fn with_delays(specs: Vec<FaultSpec>) -> Vec<(Duration, FaultSpec)> {
    specs
        .into_iter()
        .map(|f| (Duration::from_millis(f.after_ms.unwrap_or(0)), f))
        .collect()
}

/// Refuses combinations that could never fire, so a test does not silently run without its fault.
pub(crate) fn validate(all: &[FaultSpec]) -> io::Result<()> {
    match all.iter().find(|f| f.before_setup && f.after_messages.is_some()) {
        Some(f) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "fault {:?}: before_setup cannot be combined with after_messages",
                f.kind
            ),
        )),
        None => Ok(()),
    }
}

/// `timeLeft` of a fault `goAway`.
pub(crate) fn time_left(spec: &FaultSpec, default_ms: u64) -> Duration {
    Duration::from_millis(spec.time_left_ms.unwrap_or(default_ms))
}

pub(crate) fn pong_delay(spec: &FaultSpec) -> Duration {
    spec.delay_ms.map_or(DEFAULT_PONG_DELAY, Duration::from_millis)
}

pub(crate) fn oversized_bytes(spec: &FaultSpec) -> usize {
    debug_assert_eq!(spec.kind, FaultKind::OversizedFrame);
    spec.bytes.unwrap_or(DEFAULT_OVERSIZED_BYTES)
}
