//! Everything the service may send reaches a C user, and no frame is dropped.
//!
//! Walks every field path of the official SDK's `LiveServerMessage`
//! (`tests/fixtures/sdk-fields/server-message.tsv`). For each path the test builds two frames
//! that carry it with two different values (generated from the path and its type), plays them
//! to a C client (through the C ABI, pull mode) from a scripted loopback server, and compares
//! what the C user sees:
//!
//! - a typed field of an event (kind, text, ids, data, MIME type, counts, flags...) differs:
//!   the path is reachable as a **typed field**;
//! - else a JSON field (`json`, `partial_args`) differs: reachable as a **JSON field**;
//! - else only the frame text differs: reachable through the **raw view** (`raw_json`, the
//!   frame's text, which every event of the frame points at).
//!
//! Every frame must produce at least one event whose `raw_json` is exactly the frame sent
//! (nothing dropped), and the value must be in that raw view. A fence frame after each frame
//! separates their events. The summary is printed and must equal `docs/server-fields.md`
//! (regenerate with `UPDATE_SERVER_FIELDS=1 cargo test --test server_fields`).

mod cabi;

use cabi::*;
use futures_util::{SinkExt, StreamExt};
use gemini_live::ffi::config::gemini_live_config_set_reconnect;
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::event::{gemini_live_event, gemini_live_event_free};
use gemini_live::ffi::session::gemini_live_session_next_event;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::time::Instant;
use tokio_tungstenite::tungstenite::Message;

const TSV: &str = include_str!("fixtures/sdk-fields/server-message.tsv");
const DOC: &str = "docs/server-fields.md";

/// One row of the checklist.
struct Row {
    path: String,
    ty: String,
}

fn rows() -> Vec<Row> {
    TSV.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (path, ty) = l.split_once('\t').expect("path<TAB>type");
            Row {
                path: path.trim_start_matches("LiveServerMessage.").to_owned(),
                ty: ty.to_owned(),
            }
        })
        .collect()
}

/// The value a path carries in variant `v` (0 or 1) of its frame `i`.
fn leaf(path: &str, ty: &str, has_children: bool, i: usize, v: usize) -> Value {
    let tag = ["a", "b"][v];
    let name = path.rsplit('.').next().unwrap_or(path);
    let list = ty.ends_with("[]");
    let base = ty.trim_end_matches("[]");
    let one = match (name, base) {
        // Fields whose strings have a format this library reads.
        ("timeLeft" | "audioOffset", _) => json!(format!("{}.5s", i * 2 + v)),
        _ if has_children => json!({ format!("zz_{tag}{i}"): 1 }),
        (_, "str" | "str|Any") => json!(format!("{tag}_{i}")),
        (_, "int") => json!(1000 + i * 2 + v),
        (_, "float") => json!(i as f64 + 0.25 + v as f64 / 2.0),
        (_, "bool") => json!(v == 0),
        (_, "bytes") => {
            use base64::Engine;
            json!(base64::engine::general_purpose::STANDARD.encode(format!("{tag}{i}")))
        }
        (_, "NULL_VALUE") => Value::Null,
        // Enums and other named types without listed fields.
        _ => json!(format!("{}_{i}", tag.to_uppercase())),
    };
    if list {
        json!([one])
    } else {
        one
    }
}

/// Siblings a field needs to mean anything: inline data's bytes, a thought flag's text.
fn siblings(path: &str) -> Option<(&'static str, Value)> {
    match path.rsplit_once('.')? {
        (parent, "mimeType" | "displayName") if parent.ends_with("parts[].inlineData") => {
            Some(("data", json!("AAEC")))
        }
        (parent, "thought") if parent.ends_with("modelTurn.parts[]") => Some(("text", json!("t"))),
        _ => None,
    }
}

/// A frame holding `value` at `path` (`a.b[].c`: lists hold one entry).
fn frame(path: &str, value: Value) -> Value {
    let mut segments: Vec<&str> = path.split('.').collect();
    let mut inner = value;
    let sibling = siblings(path);
    let mut first = true;
    while let Some(seg) = segments.pop() {
        let (key, list) = match seg.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (seg, false),
        };
        if list {
            inner = json!([inner]);
        }
        let mut m = Map::new();
        m.insert(key.to_owned(), inner);
        if let (true, Some((k, v))) = (first, &sibling) {
            m.insert((*k).to_owned(), v.clone());
        }
        first = false;
        inner = Value::Object(m);
    }
    inner
}

/// Everything a C user can read from one event.
#[derive(Debug, Clone, Default, PartialEq)]
struct Seen {
    typed: Vec<(&'static str, String)>,
    json: Vec<(&'static str, String)>,
    raw: String,
    kind: u32,
    fatal: bool,
}

fn text(p: *const std::ffi::c_char, len: usize) -> Option<String> {
    (!p.is_null()).then(|| {
        let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) };
        String::from_utf8_lossy(bytes).into_owned()
    })
}

fn seen(e: &gemini_live_event) -> Seen {
    let kind = format!("{:?}", e.kind);
    let opt = |s: Option<String>| s.unwrap_or_else(|| "NULL".into());
    let data = if e.data.is_null() {
        String::new()
    } else {
        format!("{:?}", unsafe { std::slice::from_raw_parts(e.data, e.data_len) })
    };
    let typed = vec![
        ("kind", kind),
        ("text", opt(text(e.text, e.text_len))),
        ("id", opt(text(e.id, e.id_len))),
        ("name", opt(text(e.name, e.name_len))),
        ("ids", format!("{}", e.ids_count)),
        ("data", data),
        ("sample_rate", e.sample_rate.to_string()),
        ("mime_type", opt(text(e.mime_type, e.mime_type_len))),
        ("language_code", opt(text(e.language_code, e.language_code_len))),
        ("speaker", opt(text(e.speaker, e.speaker_len))),
        ("finished", e.finished.to_string()),
        ("interim", e.interim.to_string()),
        ("started", e.started.to_string()),
        ("waiting_for_input", e.waiting_for_input.to_string()),
        ("resumable", e.resumable.to_string()),
        ("will_continue", e.will_continue.to_string()),
        ("offset_ms", e.offset_ms.to_string()),
        ("time_left_ms", e.time_left_ms.to_string()),
        ("last_consumed_index", e.last_consumed_index.to_string()),
        ("prompt_token_count", e.prompt_token_count.to_string()),
        (
            "cached_content_token_count",
            e.cached_content_token_count.to_string(),
        ),
        ("response_token_count", e.response_token_count.to_string()),
        (
            "tool_use_prompt_token_count",
            e.tool_use_prompt_token_count.to_string(),
        ),
        ("thoughts_token_count", e.thoughts_token_count.to_string()),
        ("total_token_count", e.total_token_count.to_string()),
    ];
    let json = vec![
        ("json", opt(text(e.json, e.json_len))),
        ("partial_args", opt(text(e.partial_args, e.partial_args_len))),
    ];
    Seen {
        typed,
        json,
        raw: text(e.raw_json, e.raw_json_len).unwrap_or_default(),
        kind: e.kind as u32,
        fatal: e.fatal,
    }
}

/// How a path reaches the user, from the events of its two frames.
fn reach(a: &[Seen], b: &[Seen]) -> String {
    let names = |pick: fn(&Seen) -> &Vec<(&'static str, String)>| -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if a.len() != b.len() {
            out.insert("events".to_owned());
        }
        for (x, y) in a.iter().zip(b) {
            for ((name, vx), (_, vy)) in pick(x).iter().zip(pick(y)) {
                if vx != vy {
                    let kind = &x.typed[0].1;
                    out.insert(if *name == "kind" {
                        format!("kind ({kind} / {})", y.typed[0].1)
                    } else {
                        format!("{kind}.{name}")
                    });
                }
            }
        }
        out
    };
    let typed = names(|s| &s.typed);
    if !typed.is_empty() {
        return format!("typed: {}", typed.into_iter().collect::<Vec<_>>().join(", "));
    }
    let json = names(|s| &s.json);
    if !json.is_empty() {
        return format!("JSON field: {}", json.into_iter().collect::<Vec<_>>().join(", "));
    }
    "raw view".to_owned()
}

#[test]
fn every_server_field_reaches_a_c_user_and_no_frame_is_dropped() {
    let rows = rows();
    assert!(rows.len() > 250, "the checklist is complete");
    let paths: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
    // Frames: for each path, variant a, fence, variant b, fence. goAway last (it starts a
    // move on clients that reconnect; this one does not).
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| rows[i].path.starts_with("goAway"));
    let mut frames: Vec<(usize, usize, String)> = Vec::new();
    for &i in &order {
        let row = &rows[i];
        let prefix = format!("{}.", row.path);
        let has_children = paths.iter().any(|p| p.starts_with(&prefix));
        let path = row.path.trim_end_matches('.');
        for v in 0..2 {
            let f = frame(path, leaf(path, &row.ty, has_children, i, v)).to_string();
            frames.push((i, v, f));
        }
    }
    let script: Vec<String> = frames
        .iter()
        .enumerate()
        .flat_map(|(n, (_, _, f))| [f.clone(), json!({ "fence": n }).to_string()])
        .collect();

    let (url, server) = loopback_server(move |listener| async move {
        let (tcp, _) = listener.accept().await.expect("a client");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        while let Some(Ok(frame)) = ws.next().await {
            if frame.to_text().is_ok_and(|t| t.contains("\"setup\"")) {
                break;
            }
        }
        ws.send(Message::Text(r#"{"setupComplete":{}}"#.into()))
            .await
            .expect("send");
        for f in script {
            ws.send(Message::Text(f.into())).await.expect("send");
        }
        // Stay until the client closes.
        while let Some(Ok(_)) = ws.next().await {}
    });
    let config = Config::for_mock(&url);
    ok(gemini_live_config_set_reconnect(config.0, false, 0));
    let session = Session::open(&config).expect("connected");

    // Events per frame, split at the fences.
    let mut per_frame: Vec<Vec<Seen>> = vec![Vec::new(); frames.len()];
    let mut current = 0usize;
    let deadline = Instant::now() + DEADLINE * 3;
    while current < frames.len() {
        let left = deadline.checked_duration_since(Instant::now()).expect("in time");
        let mut raw: *mut gemini_live_event = std::ptr::null_mut();
        let ms = left.as_millis().min(u128::from(u32::MAX)) as u32;
        let r = gemini_live_session_next_event(session.0, ms, &mut raw);
        assert_eq!(r, gemini_live_result::Ok, "{}", last_error());
        let s = seen(unsafe { &*raw });
        gemini_live_event_free(raw);
        assert_ne!(s.kind, K::Closed as u32, "closed early: {s:?}");
        if s.raw.starts_with(r#"{"setupComplete":{}}"#) || s.raw.is_empty() {
            continue; // the handshake's events and the library's own (phases)
        }
        if s.raw.starts_with(r#"{"fence":"#) {
            assert_eq!(s.raw, json!({ "fence": current }).to_string(), "fences in order");
            current += 1;
            continue;
        }
        per_frame[current].push(s);
    }
    ok(session.close());
    drop(session);
    server.join().expect("server");

    let mut table = String::from("| path | type | how a C user reads it |\n|---|---|---|\n");
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for pair in (0..frames.len()).step_by(2) {
        let (i, _, fa) = &frames[pair];
        let (_, _, fb) = &frames[pair + 1];
        let (a, b) = (&per_frame[pair], &per_frame[pair + 1]);
        let row = &rows[*i];
        for (events, f) in [(a, fa), (b, fb)] {
            assert!(!events.is_empty(), "{}: frame {f} produced no event", row.path);
            for e in events.iter() {
                assert_eq!(&e.raw, f, "{}: the raw view is the frame", row.path);
            }
            assert!(!events.iter().any(|e| e.fatal), "{}: {events:?}", row.path);
        }
        let how = reach(a, b);
        let class = if how.starts_with("typed") {
            "typed field"
        } else if how.starts_with("JSON") {
            "JSON field"
        } else {
            "raw view"
        };
        *counts.entry(class).or_default() += 1;
        table.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            row.path.trim_end_matches('.'),
            row.ty,
            how.replace('|', "\\|")
        ));
    }
    let summary = counts
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect::<Vec<_>>()
        .join(", ");
    let doc = format!(
        "# Server fields and how they reach a C user\n\n\
         Generated by `tests/server_fields.rs` from `tests/fixtures/sdk-fields/server-message.tsv`\n\
         (the official SDK's `LiveServerMessage` field paths); the test fails if this file is\n\
         stale (`UPDATE_SERVER_FIELDS=1 cargo test --test server_fields` rewrites it).\n\n\
         For each path, two frames carrying it with different values were played to a C client.\n\
         **typed** lists the event kinds and `gemini_live_event` fields that changed with the\n\
         value; **JSON field** names the event's JSON text field (`json`, `partial_args`) that\n\
         holds it; **raw view** means it is read from the JSON of the frame itself, which every\n\
         event of a frame points at (`raw_json`/`raw_json_len`). A path whose value is unusable\n\
         (a field of the wrong type) also yields a non-fatal `ERROR` event naming it, and the rest\n\
         of its frame is delivered. Paths under a typed JSON field (`groundingMetadata`, a\n\
         part's `executableCode`...) are inside that field's JSON.\n\n\
         Summary: {summary} (of {} paths).\n\n{table}",
        rows.len()
    );
    println!("{doc}");
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC);
    if std::env::var_os("UPDATE_SERVER_FIELDS").is_some() {
        std::fs::write(&file, &doc).expect("write the doc");
    } else {
        let on_disk = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            on_disk == doc,
            "{DOC} is stale: run UPDATE_SERVER_FIELDS=1 cargo test --test server_fields"
        );
    }
}
