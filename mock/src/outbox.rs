//! The per-connection queue of timed server output. Keeping replies as data (not tasks) makes
//! barge-in a matter of dropping queued steps, and keeps 1,000 idle sessions cheap.

use super::config::FaultSpec;
use serde_json::Value;
use std::collections::VecDeque;
use tokio::time::Instant;

#[derive(Debug)]
pub(crate) enum Step {
    /// A JSON server message.
    Send(Value),
    /// A `turnComplete` message; `ends_reply` is false for the one closing an interrupted turn.
    TurnComplete {
        message: Value,
        ends_reply: bool,
    },
    /// An output audio chunk, synthesised when sent (`start_sample` within the reply).
    Audio {
        start_sample: u64,
        samples: usize,
        transcript: Option<String>,
    },
    /// Scenario text sent as is.
    Raw(String),
    Close {
        code: u16,
        reason: String,
    },
    /// Drop the TCP connection without a close frame.
    Drop,
    Oversized(usize),
    /// An injected fault firing.
    Fault(FaultSpec),
    /// The periodic resumption update (`resumption_update_interval_ms`): a fresh resumable
    /// handle if the session is between turns, then the next tick.
    ResumptionTick,
}

struct Timed {
    due: Instant,
    step: Step,
    /// Part of a model reply, so dropped by barge-in.
    reply: bool,
}

#[derive(Default)]
pub(crate) struct Outbox {
    queue: VecDeque<Timed>,
}

impl Outbox {
    /// Inserts after every step due at or before `due`, so equal times keep their order.
    pub(crate) fn push(&mut self, due: Instant, step: Step, reply: bool) {
        let at = self
            .queue
            .iter()
            .position(|t| t.due > due)
            .unwrap_or(self.queue.len());
        self.queue.insert(at, Timed { due, step, reply });
    }

    pub(crate) fn next_due(&self) -> Option<Instant> {
        self.queue.front().map(|t| t.due)
    }

    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<Step> {
        if self.queue.front()?.due <= now {
            self.queue.pop_front().map(|t| t.step)
        } else {
            None
        }
    }

    /// When the last queued reply step is due: a new reply starts after it.
    pub(crate) fn reply_tail(&self) -> Option<Instant> {
        self.queue.iter().filter(|t| t.reply).map(|t| t.due).max()
    }

    pub(crate) fn drop_replies(&mut self) {
        self.queue.retain(|t| !t.reply);
    }

    pub(crate) fn clear(&mut self) {
        self.queue.clear();
    }
}
