//! `docs/mock.md` checked against the mock, as the README's C example is checked against
//! `examples/c/readme_example.c`: its machine-readable tables are parsed and every row is
//! verified, so the document fails this test as soon as it and the code drift apart.
//!
//! - `options`: every `MockConfig` key with its default, compared with the serialized
//!   `MockConfig::default()` (and no key missing or extra).
//! - `faults`: every fault kind, compared with the kinds the config parser accepts.
//! - `replies`: a setup, what the client sends, and the frames the built-in model answers with,
//!   run against a mock on loopback. After the documented frames a `ping:` marker is sent and
//!   its `pong:` must come next, so nothing undocumented slipped in between.

use futures_util::StreamExt;
use gemini_live_mock::{MockConfig, MockServer};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

mod rawws;
use rawws::{send, Ws, GEMINI};

const DEADLINE: Duration = Duration::from_secs(5);

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/mock.md");
    std::fs::read_to_string(path).expect("docs/mock.md exists")
}

/// The rows of the table after `<!-- docs_mock: NAME -->`: cells trimmed, header and rule
/// skipped.
fn table(doc: &str, name: &str) -> Vec<Vec<String>> {
    let marker = format!("<!-- docs_mock: {name} -->");
    let start = doc
        .find(&marker)
        .unwrap_or_else(|| panic!("docs/mock.md has no `{marker}`"));
    let rows: Vec<Vec<String>> = doc[start + marker.len()..]
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            let l = l.trim().trim_start_matches('|').trim_end_matches('|');
            l.split(" | ").map(|c| c.trim().to_string()).collect()
        })
        .skip(2)
        .collect();
    assert!(!rows.is_empty(), "the `{name}` table of docs/mock.md is empty");
    rows
}

/// The backtick spans of a cell, in order.
fn spans(cell: &str) -> Vec<String> {
    cell.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn one_span(cell: &str) -> String {
    let s = spans(cell);
    assert_eq!(s.len(), 1, "expected one `code` span in {cell:?}");
    s.into_iter().next().unwrap()
}

#[test]
fn options_table_matches_mock_config_defaults() {
    let defaults = serde_json::to_value(MockConfig::default()).unwrap();
    let defaults = defaults.as_object().unwrap();
    let mut documented = BTreeSet::new();
    for row in table(&doc(), "options") {
        let key = one_span(&row[0]);
        let default: Value = serde_json::from_str(&one_span(&row[1]))
            .unwrap_or_else(|e| panic!("option `{key}`: the default is not JSON: {e}"));
        let actual = defaults
            .get(&key)
            .unwrap_or_else(|| panic!("docs/mock.md documents `{key}`, which MockConfig does not have"));
        assert_eq!(&default, actual, "docs/mock.md: default of `{key}`");
        documented.insert(key);
    }
    let actual: BTreeSet<String> = defaults.keys().cloned().collect();
    let missing: Vec<_> = actual.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "MockConfig options missing from docs/mock.md: {missing:?}"
    );
}

#[test]
fn faults_table_lists_every_fault_kind() {
    let mut documented = BTreeSet::new();
    for row in table(&doc(), "faults") {
        let kind = one_span(&row[0]);
        let config = json!({"faults": [{"kind": kind}]});
        serde_json::from_value::<MockConfig>(config)
            .unwrap_or_else(|e| panic!("docs/mock.md: fault kind `{kind}` is not accepted: {e}"));
        documented.insert(kind);
    }
    // serde names every accepted kind when it refuses an unknown one.
    let err = serde_json::from_value::<MockConfig>(json!({"faults": [{"kind": "no_such_kind"}]}))
        .unwrap_err()
        .to_string();
    let list = err
        .split("expected one of ")
        .nth(1)
        .unwrap_or_else(|| panic!("unexpected parse error: {err}"));
    let accepted: BTreeSet<String> = list.split('`').skip(1).step_by(2).map(str::to_string).collect();
    // Aliases are accepted but need not be documented.
    let undocumented: Vec<_> = accepted
        .iter()
        .filter(|k| {
            !documented.contains(*k)
                && !["internal_error", "pong_delay_ms", "go_away_then_stall"].contains(&k.as_str())
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "fault kinds missing from docs/mock.md: {undocumented:?}"
    );
}

/// One server frame, as the `replies` table names it.
fn kind(frame: &Frame) -> String {
    let m = match frame {
        Frame::Close(code, reason) => return format!("close {code} {reason:?}"),
        Frame::Gone => return "gone".into(),
        Frame::Json(m) => m,
    };
    let sc = |p: &str| m.pointer(&format!("/serverContent/{p}")).is_some();
    if let Some(call) = m
        .pointer("/toolCall/functionCalls/0/name")
        .and_then(Value::as_str)
    {
        format!("toolCall {call}")
    } else if m.get("toolCallCancellation").is_some() {
        "toolCallCancellation".into()
    } else if let Some(u) = m.get("sessionResumptionUpdate") {
        if u.get("resumable") == Some(&json!(true)) && u.get("newHandle").is_some() {
            "handle".into()
        } else {
            "resumptionUpdate".into()
        }
    } else if let Some(t) = m.pointer("/voiceActivity/type").and_then(Value::as_str) {
        format!("voiceActivity {t}")
    } else if let Some(t) = m
        .pointer("/voiceActivityDetectionSignal/vadSignalType")
        .and_then(Value::as_str)
    {
        format!("vadSignal {t}")
    } else if m.get("goAway").is_some() {
        "goAway".into()
    } else if sc("interrupted") {
        "interrupted".into()
    } else if sc("interimInputTranscription") {
        "interimInputTranscription".into()
    } else if sc("inputTranscription") {
        "inputTranscription".into()
    } else if m.pointer("/serverContent/modelTurn/parts/0/inlineData").is_some() {
        "audio".into()
    } else if m.pointer("/serverContent/modelTurn/parts/0/text").is_some() {
        "text".into()
    } else if sc("generationComplete") {
        "generationComplete".into()
    } else if sc("turnComplete") {
        "turnComplete".into()
    } else {
        format!("other {m}")
    }
}

#[derive(Debug)]
enum Frame {
    Json(Value),
    Close(u16, String),
    Gone,
}

async fn next(ws: &mut Ws, label: &str) -> Frame {
    loop {
        match tokio::time::timeout(DEADLINE, ws.next())
            .await
            .unwrap_or_else(|_| panic!("{label}: no further frame within {DEADLINE:?}"))
        {
            Some(Ok(Message::Binary(data))) => {
                return Frame::Json(serde_json::from_slice(&data).expect("server JSON"))
            }
            Some(Ok(Message::Text(t))) => return Frame::Json(serde_json::from_str(&t).expect("server JSON")),
            Some(Ok(Message::Close(Some(f)))) => return Frame::Close(f.code.into(), f.reason.to_string()),
            Some(Ok(Message::Close(None))) => return Frame::Close(1005, String::new()),
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return Frame::Gone,
        }
    }
}

/// How far `seen` matches `expected` (`kind+` matches one or more frames of that kind):
/// `Ok(true)` complete, `Ok(false)` a proper prefix, `Err` a mismatch.
fn progress(expected: &[String], seen: &[String]) -> Result<bool, ()> {
    let (mut i, mut j) = (0, 0);
    while j < seen.len() {
        let Some(token) = expected.get(i) else {
            return Err(());
        };
        let (want, many) = match token.strip_suffix('+') {
            Some(t) => (t, true),
            None => (token.as_str(), false),
        };
        if seen[j] != want {
            return Err(());
        }
        j += 1;
        if many {
            while j < seen.len() && seen[j] == want {
                j += 1;
            }
        }
        i += 1;
    }
    Ok(i == expected.len())
}

/// 16 kHz PCM16: a loud tone (RMS far above the VAD threshold) or silence.
fn pcm(step: &str) -> Option<Vec<u8>> {
    let (what, ms) = step.split_once(' ')?;
    let ms: u32 = ms.strip_suffix("ms")?.parse().ok()?;
    let n = 16 * ms;
    Some(match what {
        "tone" => (0..n)
            .flat_map(|i| ((8000.0 * (f64::from(i) * 0.3).sin()) as i16).to_le_bytes())
            .collect(),
        "silence" => vec![0; n as usize * 2],
        _ => return None,
    })
}

async fn send_step(ws: &mut Ws, step: &str) {
    if let Some(pcm) = pcm(step) {
        use base64::Engine;
        for chunk in pcm.chunks(640) {
            let data = base64::engine::general_purpose::STANDARD.encode(chunk);
            send(
                ws,
                json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": data}}}),
            )
            .await;
        }
    } else {
        let message: Value = serde_json::from_str(step)
            .unwrap_or_else(|e| panic!("a client step is neither JSON nor tone/silence: {step}: {e}"));
        send(ws, message).await;
    }
}

fn texts(frame: &Frame) -> String {
    let Frame::Json(m) = frame else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(parts) = m
        .pointer("/serverContent/modelTurn/parts")
        .and_then(Value::as_array)
    {
        out.extend(parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)));
    }
    if let Some(t) = m
        .pointer("/serverContent/outputTranscription/text")
        .and_then(Value::as_str)
    {
        out.push_str(t);
    }
    out
}

#[tokio::test]
async fn replies_table_matches_the_running_mock() {
    let doc = doc();
    let rows = table(&doc, "replies");
    let server = MockServer::start(MockConfig::default())
        .await
        .expect("mock starts");
    for row in rows {
        let label = row.join(" | ");
        let mut setup = json!({"model": "models/m"});
        for (k, v) in serde_json::from_str::<Value>(&one_span(&row[0]))
            .unwrap_or_else(|e| panic!("{label}: setup is not JSON: {e}"))
            .as_object()
            .expect("setup is an object")
        {
            setup[k] = v.clone();
        }
        let expected: Vec<String> = match spans(&row[2]).first() {
            Some(s) => s.split(", ").map(str::to_string).collect(),
            None => Vec::new(),
        };
        assert!(
            expected.last().is_none_or(|t| !t.ends_with('+')),
            "{label}: the last expected frame must be a single one"
        );

        let mut ws = rawws::connect(&server, &format!("{GEMINI}?key=k"), &[], DEADLINE).await;
        send(&mut ws, json!({ "setup": setup })).await;
        match next(&mut ws, &label).await {
            Frame::Json(m) if m.get("setupComplete").is_some() => {}
            other => panic!("{label}: expected setupComplete, got {other:?}"),
        }
        for step in spans(&row[1]) {
            send_step(&mut ws, &step).await;
        }
        let mut seen = Vec::new();
        let mut text = String::new();
        let mut closed = false;
        while !progress(&expected, &seen).unwrap_or_else(|_| panic!("{label}: the mock sent {seen:?}")) {
            let frame = next(&mut ws, &format!("{label}: after {seen:?}")).await;
            text.push_str(&texts(&frame));
            closed = matches!(frame, Frame::Close(..) | Frame::Gone);
            seen.push(kind(&frame));
            if closed {
                progress(&expected, &seen).unwrap_or_else(|_| panic!("{label}: the mock sent {seen:?}"));
                break;
            }
        }
        assert_eq!(
            progress(&expected, &seen),
            Ok(true),
            "{label}: the mock sent {seen:?}"
        );
        if !closed {
            // Nothing undocumented follows: the next frame answers the marker.
            send(&mut ws, json!({"realtimeInput": {"text": "ping:fence"}})).await;
            let frame = next(&mut ws, &label).await;
            assert_eq!(
                texts(&frame),
                "pong:fence",
                "{label}: after {seen:?} the mock also sent {frame:?}"
            );
        }
        if let Some(want) = spans(&row[3]).first() {
            assert_eq!(&text, want, "{label}: model text");
        }
    }
}
