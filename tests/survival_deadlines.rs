//! Every socket write and the close handshake have deadlines, checked through the C ABI
//! against a mock that stops reading (`stop_reading`): a big `setup` the server never reads,
//! a close while the socket is stuck, and a session whose writes stall.

mod cabi;

use cabi::*;
use gemini_live::ffi::config::*;
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use gemini_live::ffi::enums::gemini_live_phase;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live_mock::{BlockingMockServer, MockConfig};
use std::time::{Duration, Instant};

fn mock(faults: serde_json::Value) -> BlockingMockServer {
    let config = MockConfig {
        faults: serde_json::from_value(faults).expect("fault specs"),
        ..MockConfig::default()
    };
    BlockingMockServer::start(config).expect("mock starts")
}

/// Enough audio to fill the kernel's buffers on both sides of a loopback socket (they absorb
/// about 4 MiB each way before a writer blocks), in 1 MiB sends.
fn flood(session: &Session) {
    let pcm = vec![0u8; 1 << 20];
    for _ in 0..16 {
        ok(session.send_audio(&pcm));
    }
}

#[test]
fn a_setup_the_server_never_reads_fails_within_the_setup_deadline() {
    let server = mock(serde_json::json!([{"kind": "stop_reading", "connection": 1, "before_setup": true}]));
    let cfg = Config::for_mock(&server.base_url());
    // An 8 MiB system instruction: more than the kernel buffers absorb, so writing the setup
    // itself blocks.
    let instruction = cstr(&"x".repeat(8 << 20));
    ok(gemini_live_config_set_system_instruction(
        cfg.0,
        instruction.as_ptr(),
    ));
    ok(gemini_live_config_set_connect_timeout_ms(cfg.0, 2000));
    ok(gemini_live_config_set_setup_timeout_ms(cfg.0, 1000));
    let started = Instant::now();
    let result = Session::open(&cfg);
    let took = started.elapsed();
    println!("8 MiB setup to a server that never reads: failed after {took:?} (connect 2 s + setup 1 s)");
    let (code, message) = result.err().expect("the session cannot open");
    assert_eq!(code, gemini_live_result::Timeout, "{message}");
    assert!(message.contains("setupComplete"), "{message}");
    // Generous for a loaded machine; before the deadline covered the write it took 40 s.
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[test]
fn close_ends_the_session_when_the_server_stops_reading() {
    let server = mock(serde_json::json!([{"kind": "stop_reading", "connection": 1, "after_messages": 1}]));
    let cfg = Config::for_mock(&server.base_url());
    // Writes alone must not end it here: only the close deadline.
    ok(gemini_live_config_set_write_timeout_ms(cfg.0, 120_000));
    ok(gemini_live_config_set_close_timeout_ms(cfg.0, 1000));
    let session = Session::open(&cfg).expect("session opens");
    flood(&session);
    assert!(server.wait_for(|s| s.reading_stopped == 1, DEADLINE));
    let started = Instant::now();
    ok(session.close());
    let seen = session.until("CLOSED", |e| e.is(K::Closed));
    let closed = seen.last().expect("closed");
    println!(
        "close with a stuck socket: CLOSED {} after {:?}: {}",
        closed.close_code,
        started.elapsed(),
        closed.text
    );
    assert_eq!(closed.close_code, 1006);
    assert!(
        closed.text.contains("close handshake did not finish"),
        "{}",
        closed.text
    );
    assert_eq!(session.phase(), gemini_live_phase::Closed as u32);
}

#[test]
fn a_stalled_write_ends_the_connection_after_the_write_deadline() {
    let server = mock(serde_json::json!([{"kind": "stop_reading", "connection": 1, "after_messages": 1}]));
    let cfg = Config::for_mock(&server.base_url());
    ok(gemini_live_config_set_write_timeout_ms(cfg.0, 1000));
    let session = Session::open(&cfg).expect("session opens");
    let started = Instant::now();
    flood(&session);
    let seen = session.until("CLOSED", |e| e.is(K::Closed));
    let closed = seen.last().expect("closed");
    println!(
        "stalled writes: CLOSED {} after {:?}: {}",
        closed.close_code,
        started.elapsed(),
        closed.text
    );
    assert_eq!(closed.close_code, 1006);
    assert!(
        closed.text.contains("the server is not reading"),
        "{}",
        closed.text
    );
    // Later sends fail at once instead of queueing into a dead session.
    assert_eq!(session.send_text("anyone?"), gemini_live_result::Closed);
}
