//! Scripted server behaviour: JSON-lines scenario files (format documented on
//! [`ScenarioLine`](super::config::ScenarioLine)).

use super::config::{MockConfig, ScenarioLine};
use super::outbox::{Outbox, Step};
use super::parse::MessageKind;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// What happened, matched against the lines' `on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    Setup,
    Turn,
    Kind(MessageKind),
    /// The N-th client message after `setup` on this connection (1-based).
    Message(u64),
}

#[derive(Debug, PartialEq, Eq)]
enum Trigger {
    Setup,
    Turn,
    Kind(MessageKind),
    Message(u64),
}

impl Trigger {
    fn parse(on: &str) -> Option<Trigger> {
        match on {
            "setup" => Some(Trigger::Setup),
            "turn" => Some(Trigger::Turn),
            _ => match on.strip_prefix("message:") {
                Some(n) => n.trim().parse().ok().map(Trigger::Message),
                None => MessageKind::ALL
                    .into_iter()
                    .find(|k| k.trigger() == on)
                    .map(Trigger::Kind),
            },
        }
    }

    fn matches(&self, event: &Event) -> bool {
        match (self, event) {
            (Trigger::Setup, Event::Setup) | (Trigger::Turn, Event::Turn) => true,
            (Trigger::Kind(k), Event::Kind(e)) => k == e,
            (Trigger::Message(n), Event::Message(m)) => n == m,
            _ => false,
        }
    }
}

/// The validated scenario of a server.
#[derive(Default)]
pub(crate) struct Scenario {
    lines: Vec<(Trigger, ScenarioLine)>,
}

impl Scenario {
    /// Inline lines first, then the file's (blank lines and `#` comments are skipped).
    pub(crate) fn load(cfg: &MockConfig) -> io::Result<Scenario> {
        let invalid = |msg: String| io::Error::new(io::ErrorKind::InvalidInput, msg);
        let mut lines = cfg.scenario.clone();
        if let Some(path) = &cfg.scenario_file {
            let text = std::fs::read_to_string(path)?;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let parsed = serde_json::from_str(line)
                    .map_err(|e| invalid(format!("{}:{}: {e}", path.display(), n + 1)))?;
                lines.push(parsed);
            }
        }
        let mut scenario = Scenario::default();
        for line in lines {
            let trigger = Trigger::parse(&line.on)
                .ok_or_else(|| invalid(format!("unknown scenario trigger {:?}", line.on)))?;
            let actions = usize::from(line.send.is_some())
                + usize::from(line.raw.is_some())
                + usize::from(line.close.is_some())
                + usize::from(line.drop)
                + usize::from(line.oversized_bytes.is_some());
            if actions != 1 {
                return Err(invalid(format!(
                    "scenario line on {:?} needs exactly one action",
                    line.on
                )));
            }
            scenario.lines.push((trigger, line));
        }
        Ok(scenario)
    }
}

/// A connection's view of the scenario (which `once` lines already fired).
pub(crate) struct ScenarioCursor {
    scenario: Arc<Scenario>,
    connection: u64,
    fired: Vec<bool>,
}

impl ScenarioCursor {
    pub(crate) fn new(scenario: Arc<Scenario>, connection: u64) -> Self {
        let fired = vec![false; scenario.lines.len()];
        ScenarioCursor {
            scenario,
            connection,
            fired,
        }
    }

    /// Queues the actions of every line matching one of `events`; true if any matched.
    pub(crate) fn fire(&mut self, events: &[Event], now: Instant, out: &mut Outbox) -> bool {
        let mut matched = false;
        for (i, (trigger, line)) in self.scenario.lines.iter().enumerate() {
            let this_connection = line.connection.is_none_or(|c| u64::from(c) == self.connection);
            if !this_connection || (line.once && self.fired[i]) || !events.iter().any(|e| trigger.matches(e))
            {
                continue;
            }
            self.fired[i] = true;
            matched = true;
            let step = if let Some(message) = &line.send {
                Step::Send(message.clone())
            } else if let Some(raw) = &line.raw {
                Step::Raw(raw.clone())
            } else if let Some(close) = &line.close {
                Step::Close {
                    code: close.code,
                    reason: close.reason.clone(),
                }
            } else if line.drop {
                Step::Drop
            } else {
                Step::Oversized(line.oversized_bytes.unwrap_or_default())
            };
            out.push(now + Duration::from_millis(line.delay_ms), step, false);
        }
        matched
    }
}
