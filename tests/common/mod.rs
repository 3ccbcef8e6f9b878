//! Shared helpers for the Rust end-to-end tests: a mock server on a loopback port of its own,
//! a client config pointed at it, and waiting on events with deadlines (never sleeps).
#![allow(dead_code)]

use gemini_live::protocol::{Modality, SessionConfig};
use gemini_live::session::{EventStream, SessionEvent, SessionHandle};
use gemini_live::transport::{connect, ConnectConfig, Endpoint};
use gemini_live_mock::{MockConfig, MockServer};
use std::time::Duration;

pub const DEADLINE: Duration = Duration::from_secs(10);

pub async fn mock(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock server starts")
}

pub fn text_session() -> SessionConfig {
    let mut s = SessionConfig::new("gemini-live-2.5-flash-preview");
    s.response_modality = Some(Modality::Text);
    s
}

pub fn client_config(mock: &MockServer, session: SessionConfig) -> ConnectConfig {
    let mut endpoint = Endpoint::gemini("test-key");
    endpoint.base_url = Some(mock.base_url());
    ConnectConfig::new(session, endpoint)
}

pub async fn open(mock: &MockServer, session: SessionConfig) -> (SessionHandle, EventStream) {
    connect(client_config(mock, session))
        .await
        .expect("session connects")
}

/// Receives events until one matches, returning it and everything before it.
pub async fn until(
    rx: &mut EventStream,
    what: &str,
    pred: impl Fn(&SessionEvent) -> bool,
) -> Vec<SessionEvent> {
    let mut seen = Vec::new();
    let result = tokio::time::timeout(DEADLINE, async {
        loop {
            match rx.recv().await {
                Some(event) => {
                    let done = pred(&event);
                    seen.push(event);
                    if done {
                        return;
                    }
                }
                None => return,
            }
        }
    })
    .await;
    assert!(result.is_ok(), "timed out waiting for {what}; saw {seen:#?}");
    assert!(
        seen.last().is_some_and(&pred),
        "event stream ended before {what}; saw {seen:#?}"
    );
    seen
}

/// 16 kHz PCM16 tone loud enough for the mock's VAD.
pub fn speech(ms: usize) -> Vec<u8> {
    let samples = 16 * ms;
    let mut out = Vec::with_capacity(samples * 2);
    for i in 0..samples {
        let v = (8000.0 * (i as f64 * 2.0 * std::f64::consts::PI * 220.0 / 16_000.0).sin()) as i16;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

pub fn silence(ms: usize) -> Vec<u8> {
    vec![0; 32 * ms]
}

/// FNV-1a 64, the hash the mock keeps over received audio.
pub fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The model text of a run of events, concatenated.
pub fn model_text(events: &[SessionEvent]) -> String {
    events
        .iter()
        .filter_map(|e| {
            if let SessionEvent::Text(t) = e {
                Some(t.as_str())
            } else {
                None
            }
        })
        .collect()
}
