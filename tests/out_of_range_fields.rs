//! No server input can take a session down: through the C ABI, a frame whose `goAway.timeLeft`
//! or `voiceActivity.audioOffset` no duration can hold (`"1e30s"`, `"1e300s"`) delivers a
//! non-fatal ERROR naming the field, then the rest of the frame, and the session goes on —
//! whether the frame comes mid-session or is the answer to `setup` itself.

mod cabi;

use cabi::*;
use gemini_live::ffi::enums::gemini_live_phase;
use gemini_live::ffi::enums::{gemini_live_error_kind, gemini_live_event_kind as K};
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::event::{gemini_live_event, gemini_live_event_free};
use gemini_live::ffi::session::gemini_live_session_next_event;
use gemini_live_mock::{BlockingMockServer, MockConfig};
use std::time::Instant;

const GO_AWAY_ISSUE: &str = r#"goAway.timeLeft: "1e30s" is out of range"#;
const AUDIO_OFFSET_ISSUE: &str = r#"voiceActivity.audioOffset: "1e300s" is out of range"#;

/// The event fields these tests look at (the shared `cabi::Event` lacks the durations).
#[derive(Debug)]
struct Seen {
    kind: K,
    text: String,
    fatal: bool,
    error_kind: u32,
    time_left_ms: i64,
    offset_ms: i64,
}

/// Events until one matches `pred` (inclusive), within `DEADLINE`; panics otherwise.
fn until(session: &Session, what: &str, pred: impl Fn(&Seen) -> bool) -> Vec<Seen> {
    let deadline = Instant::now() + DEADLINE;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let mut raw: *mut gemini_live_event = std::ptr::null_mut();
        let ms = left.as_millis().min(u128::from(u32::MAX)) as u32;
        if gemini_live_session_next_event(session.0, ms, &mut raw) != gemini_live_result::Ok {
            break;
        }
        // SAFETY: a successful pull yields a valid event until it is freed, just below.
        let e = unsafe { &*raw };
        let text = if e.text.is_null() {
            String::new()
        } else {
            let bytes = unsafe { std::slice::from_raw_parts(e.text.cast::<u8>(), e.text_len) };
            String::from_utf8_lossy(bytes).into_owned()
        };
        let event = Seen {
            kind: e.kind,
            text,
            fatal: e.fatal,
            error_kind: e.error_kind as u32,
            time_left_ms: e.time_left_ms,
            offset_ms: e.offset_ms,
        };
        gemini_live_event_free(raw);
        let (done, closed) = (pred(&event), event.kind == K::Closed);
        seen.push(event);
        if done {
            return seen;
        }
        if closed {
            break;
        }
    }
    panic!("no {what} within {DEADLINE:?}; saw {seen:#?}");
}

/// Checks that `seen` holds a non-fatal MALFORMED_FRAME error with exactly `message`, and
/// returns its position.
#[track_caller]
fn field_error(seen: &[Seen], message: &str) -> usize {
    let at = seen
        .iter()
        .position(|e| e.kind == K::Error && e.text == message)
        .unwrap_or_else(|| panic!("no ERROR {message:?}; saw {seen:#?}"));
    assert!(!seen[at].fatal, "{:#?}", seen[at]);
    assert_eq!(seen[at].error_kind, gemini_live_error_kind::MalformedFrame as u32);
    at
}

#[track_caller]
fn position(seen: &[Seen], kind: K) -> usize {
    seen.iter()
        .position(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?}; saw {seen:#?}"))
}

fn is_alive(session: &Session) -> bool {
    let phase = session.phase();
    phase == gemini_live_phase::Active as u32 || phase == gemini_live_phase::GoingAway as u32
}

#[test]
fn mid_session_out_of_range_durations_are_field_errors_and_the_session_goes_on() {
    // Frame 1 right after setupComplete; frame 2 in answer to the second client message.
    let scenario = serde_json::json!([
        {"on": "setup", "send":
            {"serverContent": {}, "voiceActivity": {"type": "ACTIVITY_START", "audioOffset": "1e300s"}}},
        {"on": "message:2", "send": {
            "serverContent": {"modelTurn": {"parts": [{"text": "still here"}]}},
            "goAway": {"timeLeft": "1e30s"}}}
    ]);
    let server = BlockingMockServer::start(MockConfig {
        scenario: serde_json::from_value(scenario).expect("scenario lines"),
        ..MockConfig::default()
    })
    .expect("mock starts");
    let config = Config::for_mock(&server.base_url());
    let session = Session::open(&config).expect("session opens");

    let seen = until(&session, "VOICE_ACTIVITY", |e| e.kind == K::VoiceActivity);
    let error = field_error(&seen, AUDIO_OFFSET_ISSUE);
    let activity = seen.last().expect("the event waited for");
    assert!(
        error < seen.len() - 1,
        "the field error comes before the frame's events"
    );
    assert_eq!(activity.offset_ms, -1, "the out-of-range offset is absent");

    // Still alive: the built-in model answers the first message.
    ok(session.send_text("hi"));
    until(&session, "the reply", |e| {
        e.kind == K::Text && e.text.contains("hi")
    });
    until(&session, "TURN_COMPLETE", |e| e.kind == K::TurnComplete);
    assert!(is_alive(&session));

    // The second message brings the goAway frame.
    ok(session.send_text("again"));
    let seen = until(&session, "GO_AWAY", |e| e.kind == K::GoAway);
    let error = field_error(&seen, GO_AWAY_ISSUE);
    let text = position(&seen, K::Text);
    assert!(
        error < text,
        "the field error comes before the frame's events: {seen:#?}"
    );
    assert_eq!(seen[text].text, "still here");
    assert_eq!(seen.last().expect("GO_AWAY").time_left_ms, -1);
    assert!(seen.iter().all(|e| e.kind != K::Closed));
    assert!(is_alive(&session), "phase {}", session.phase());
    ok(session.close());
    until(&session, "CLOSED", |e| e.kind == K::Closed);
}

/// A WebSocket server on loopback that answers `setup` with `first_frame`, then answers each
/// `realtimeInput` text with a text turn `echo: <text>`, until the client leaves.
fn raw_server(first_frame: &'static str) -> (String, std::thread::JoinHandle<()>) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    loopback_server(move |listener| async move {
        let (tcp, _) = listener.accept().await.expect("a client");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let mut answered_setup = false;
        while let Some(Ok(frame)) = ws.next().await {
            let Ok(text) = frame.to_text() else { continue };
            let Ok(message) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            let reply = if !answered_setup && message.get("setup").is_some() {
                answered_setup = true;
                first_frame.to_owned()
            } else if let Some(said) = message["realtimeInput"]["text"].as_str() {
                serde_json::json!({"serverContent": {
                        "modelTurn": {"parts": [{"text": format!("echo: {said}")}]},
                        "turnComplete": true}})
                .to_string()
            } else {
                continue;
            };
            if ws.send(Message::Text(reply.into())).await.is_err() {
                break;
            }
        }
    })
}

#[test]
fn out_of_range_durations_in_the_answer_to_setup_do_not_fail_the_handshake() {
    let (url, server) = raw_server(
        r#"{"setupComplete":{},"goAway":{"timeLeft":"1e30s"},"serverContent":{"modelTurn":{"parts":[{"text":"first"}]}},"voiceActivity":{"type":"ACTIVITY_START","audioOffset":"1e300s"}}"#,
    );
    let config = Config::for_mock(&url);
    let session = Session::open(&config).expect("the handshake succeeds");
    let seen = until(&session, "GO_AWAY", |e| e.kind == K::GoAway);
    let first_error = field_error(&seen, GO_AWAY_ISSUE).min(field_error(&seen, AUDIO_OFFSET_ISSUE));
    assert!(first_error < position(&seen, K::Connected), "{seen:#?}");
    assert_eq!(seen[position(&seen, K::VoiceActivity)].offset_ms, -1);
    assert_eq!(seen[position(&seen, K::Text)].text, "first");
    assert_eq!(seen.last().expect("GO_AWAY").time_left_ms, -1);

    // Still alive: the server answers a message on the same connection.
    ok(session.send_text("ping"));
    let seen = until(&session, "the echo", |e| {
        e.kind == K::Text && e.text == "echo: ping"
    });
    assert!(seen
        .iter()
        .all(|e| e.kind != K::Closed && e.kind != K::Reconnecting));
    assert!(is_alive(&session), "phase {}", session.phase());
    ok(session.close());
    until(&session, "CLOSED", |e| e.kind == K::Closed);
    drop(session);
    server.join().expect("the server thread ends with the connection");
}
