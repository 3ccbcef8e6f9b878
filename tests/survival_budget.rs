//! A client must never hammer the service: through the C ABI, a server that moves every
//! connection at once (goAway plus a resumable handle right after `setupComplete`) or drops
//! every connection gets backoff and, after the documented budget, a session that ends with
//! `RETRIES_EXHAUSTED`, not a reconnect storm.

mod cabi;

use cabi::*;
use gemini_live::ffi::enums::{gemini_live_error_kind, gemini_live_event_kind as K};
use gemini_live_mock::{BlockingMockServer, MockConfig};

fn mock(faults: serde_json::Value) -> BlockingMockServer {
    let config = MockConfig {
        faults: serde_json::from_value(faults).expect("fault specs"),
        ..MockConfig::default()
    };
    BlockingMockServer::start(config).expect("mock starts")
}

/// Waits for the end of the session and checks it ended on the budget.
fn ends_on_the_budget(session: &Session) -> Vec<Event> {
    let seen = session.until("CLOSED", |e| e.is(K::Closed));
    let exhausted = seen
        .iter()
        .find(|e| e.is(K::Error) && e.error_kind == gemini_live_error_kind::RetriesExhausted as u32);
    assert!(exhausted.is_some_and(|e| e.fatal), "{seen:#?}");
    seen
}

#[test]
fn a_server_that_moves_every_connection_at_once_gets_backoff_then_an_end() {
    let server = mock(serde_json::json!([{"kind": "go_away", "time_left_ms": 50000}]));
    let config = Config::for_mock(&server.base_url()).resumption(false);
    let session = Session::open(&config).expect("session opens");
    let seen = ends_on_the_budget(&session);
    let reconnects = seen.iter().filter(|e| e.is(K::Reconnecting)).count();
    let accepted = server.stats().connections_accepted;
    println!(
        "goAway on every connection: {reconnects} reconnects, {accepted} connections, then RETRIES_EXHAUSTED"
    );
    // The default budget: 5 consecutive short-lived connections (the first one included)
    // or failed attempts, with backoff between them.
    assert_eq!(accepted, 5, "the client hammered the server");
    assert_eq!(reconnects, 4, "{seen:#?}");
}

#[test]
fn a_server_that_drops_every_connection_after_its_handshake_ends_the_session() {
    let server = mock(serde_json::json!([{"kind": "drop_tcp"}]));
    let config = Config::for_mock(&server.base_url()).resumption(false);
    let session = Session::open(&config).expect("session opens");
    ends_on_the_budget(&session);
    let accepted = server.stats().connections_accepted;
    println!("TCP drop after every handshake: {accepted} connections, then RETRIES_EXHAUSTED");
    assert_eq!(accepted, 5, "the attempt count reset on every handshake");
}
