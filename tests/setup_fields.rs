//! Every `LiveClientMessage.setup.*` path of the official SDK (and the tool-response paths) is
//! produced either by a typed C setter or by the raw merge, and actually reaches the server:
//! each typed setter is called through the C ABI on a session of its own and its paths are
//! looked up in the `setup` frame the strict mock received; the merge-only paths are merged
//! in one JSON patch and looked up in the frame a loopback peer received. The same table is
//! `docs/setup-fields.md` (checked here; `GEMINI_LIVE_UPDATE_DOCS=1` rewrites it).

mod cabi;

use cabi::*;
use futures_util::{SinkExt, StreamExt};
use gemini_live::ffi::config::*;
use gemini_live::ffi::enums::*;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::session::*;
use gemini_live_mock::{BlockingMockServer, MockConfig};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::ffi::c_char;
use std::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

const TSV: &str = include_str!("fixtures/sdk-fields/client-message.tsv");
const DOC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/setup-fields.md");

/// One typed setter (or a few that belong together), applied to a config, and the TSV paths
/// (without `LiveClientMessage.`) it produces. `vertex`: the fields only Vertex AI accepts, so
/// the session uses Vertex express mode.
struct Typed {
    setters: &'static str,
    vertex: bool,
    apply: fn(&Config),
    paths: &'static [&'static str],
}

fn c(s: &str) -> std::ffi::CString {
    cstr(s)
}

fn typed() -> Vec<Typed> {
    vec![
        Typed {
            setters: "gemini_live_config_set_model",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_model(k.0, c("gemini-live-2.5-flash-preview").as_ptr())),
            paths: &["setup", "setup.model"],
        },
        Typed {
            setters: "gemini_live_config_set_response_modality, gemini_live_config_set_response_modalities",
            vertex: false,
            apply: |k| {
                let list = [gemini_live_modality::Text as u32];
                ok(gemini_live_config_set_response_modalities(k.0, list.as_ptr(), 1));
            },
            paths: &["setup.generationConfig", "setup.generationConfig.responseModalities"],
        },
        Typed {
            setters: "gemini_live_config_set_temperature",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_temperature(k.0, 0.7)),
            paths: &["setup.generationConfig.temperature"],
        },
        Typed {
            setters: "gemini_live_config_set_top_p",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_top_p(k.0, 0.95)),
            paths: &["setup.generationConfig.topP"],
        },
        Typed {
            setters: "gemini_live_config_set_top_k",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_top_k(k.0, 40)),
            paths: &["setup.generationConfig.topK"],
        },
        Typed {
            setters: "gemini_live_config_set_max_output_tokens",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_max_output_tokens(k.0, 1024)),
            paths: &["setup.generationConfig.maxOutputTokens"],
        },
        Typed {
            setters: "gemini_live_config_set_seed",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_seed(k.0, -42)),
            paths: &["setup.generationConfig.seed"],
        },
        Typed {
            setters: "gemini_live_config_set_presence_penalty",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_presence_penalty(k.0, 0.3)),
            paths: &["setup.generationConfig.presencePenalty"],
        },
        Typed {
            setters: "gemini_live_config_set_frequency_penalty",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_frequency_penalty(k.0, -0.3)),
            paths: &["setup.generationConfig.frequencyPenalty"],
        },
        Typed {
            setters: "gemini_live_config_set_media_resolution",
            vertex: false,
            apply: |k| {
                ok(gemini_live_config_set_media_resolution(
                    k.0,
                    gemini_live_media_resolution::Low as u32,
                ))
            },
            paths: &["setup.generationConfig.mediaResolution"],
        },
        Typed {
            setters: "gemini_live_config_set_thinking_budget, gemini_live_config_set_thinking_level, gemini_live_config_set_include_thoughts",
            vertex: false,
            apply: |k| {
                ok(gemini_live_config_set_thinking_budget(k.0, 0));
                ok(gemini_live_config_set_thinking_level(k.0, gemini_live_thinking_level::Low as u32));
                ok(gemini_live_config_set_include_thoughts(k.0, true));
            },
            paths: &[
                "setup.generationConfig.thinkingConfig",
                "setup.generationConfig.thinkingConfig.includeThoughts",
                "setup.generationConfig.thinkingConfig.thinkingBudget",
                "setup.generationConfig.thinkingConfig.thinkingLevel",
            ],
        },
        Typed {
            setters: "gemini_live_config_set_affective_dialog",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_affective_dialog(k.0, true)),
            paths: &["setup.generationConfig.enableAffectiveDialog"],
        },
        Typed {
            setters: "gemini_live_config_set_voice",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_voice(k.0, c("Kore").as_ptr())),
            paths: &[
                "setup.generationConfig.speechConfig",
                "setup.generationConfig.speechConfig.voiceConfig",
                "setup.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig",
                "setup.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName",
            ],
        },
        Typed {
            setters: "gemini_live_config_set_language",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_language(k.0, c("de-DE").as_ptr())),
            paths: &["setup.generationConfig.speechConfig.languageCode"],
        },
        Typed {
            setters: "gemini_live_config_set_translation",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_translation(k.0, c("fr-FR").as_ptr(), true)),
            paths: &[
                "setup.generationConfig.translationConfig",
                "setup.generationConfig.translationConfig.echoTargetLanguage",
                "setup.generationConfig.translationConfig.targetLanguageCode",
            ],
        },
        Typed {
            setters: "gemini_live_config_set_system_instruction, gemini_live_config_add_system_instruction_part",
            vertex: false,
            apply: |k| {
                ok(gemini_live_config_set_system_instruction(k.0, c("Be brief.").as_ptr()));
                ok(gemini_live_config_add_system_instruction_part(k.0, c("Be kind.").as_ptr()));
            },
            paths: &["setup.systemInstruction", "setup.systemInstruction[].text"],
        },
        Typed {
            setters: "gemini_live_config_set_tools_json",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_tools_json(k.0, c(r#"[{"googleSearch":{}}]"#).as_ptr())),
            paths: &["setup.tools"],
        },
        Typed {
            setters: "gemini_live_config_set_session_resumption",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_session_resumption(k.0, true, std::ptr::null(), false)),
            paths: &["setup.sessionResumption"],
        },
        Typed {
            setters: "gemini_live_config_set_session_resumption (transparent; Vertex AI only)",
            vertex: true,
            apply: |k| ok(gemini_live_config_set_session_resumption(k.0, true, std::ptr::null(), true)),
            paths: &["setup.sessionResumption.transparent"],
        },
        Typed {
            setters: "gemini_live_config_set_context_window_compression",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_context_window_compression(k.0, true, 25_600, 12_800)),
            paths: &[
                "setup.contextWindowCompression",
                "setup.contextWindowCompression.triggerTokens",
                "setup.contextWindowCompression.slidingWindow",
                "setup.contextWindowCompression.slidingWindow.targetTokens",
            ],
        },
        Typed {
            setters: "gemini_live_config_set_input_transcription, gemini_live_config_set_transcription_languages",
            vertex: false,
            apply: |k| {
                ok(gemini_live_config_set_input_transcription(k.0, true));
                let codes = [c("en-US"), c("de-DE")];
                let ptrs: Vec<*const c_char> = codes.iter().map(|s| s.as_ptr()).collect();
                ok(gemini_live_config_set_transcription_languages(
                    k.0,
                    gemini_live_transcription::Input as u32,
                    ptrs.as_ptr(),
                    ptrs.len(),
                ));
            },
            paths: &["setup.inputAudioTranscription", "setup.inputAudioTranscription.languageCodes"],
        },
        Typed {
            setters: "gemini_live_config_set_output_transcription, gemini_live_config_set_transcription_languages",
            vertex: false,
            apply: |k| {
                ok(gemini_live_config_set_output_transcription(k.0, true));
                let codes = [c("en-US")];
                let ptrs: Vec<*const c_char> = codes.iter().map(|s| s.as_ptr()).collect();
                ok(gemini_live_config_set_transcription_languages(
                    k.0,
                    gemini_live_transcription::Output as u32,
                    ptrs.as_ptr(),
                    ptrs.len(),
                ));
            },
            paths: &["setup.outputAudioTranscription", "setup.outputAudioTranscription.languageCodes"],
        },
        Typed {
            setters: "gemini_live_config_set_proactivity",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_proactivity(k.0, true, true)),
            paths: &[
                "setup.proactivity",
                "setup.proactivity.proactiveAudio",
                "setup.proactivity.proactiveVideo",
            ],
        },
        Typed {
            setters: "gemini_live_config_set_explicit_vad_signal (Vertex AI only)",
            vertex: true,
            apply: |k| ok(gemini_live_config_set_explicit_vad_signal(k.0, true)),
            paths: &["setup.explicitVadSignal"],
        },
        Typed {
            setters: "gemini_live_config_set_initial_history_in_client_content",
            vertex: false,
            apply: |k| ok(gemini_live_config_set_initial_history_in_client_content(k.0, true)),
            paths: &["setup.historyConfig", "setup.historyConfig.initialHistoryInClientContent"],
        },
        Typed {
            setters: "gemini_live_config_add_safety_setting",
            vertex: false,
            apply: |k| {
                ok(gemini_live_config_add_safety_setting(
                    k.0,
                    gemini_live_harm_category::Harassment as u32,
                    gemini_live_harm_threshold::BlockOnlyHigh as u32,
                ))
            },
            paths: &[
                "setup.safetySettings",
                "setup.safetySettings[].category",
                "setup.safetySettings[].threshold",
            ],
        },
        Typed {
            setters: "gemini_live_config_add_label",
            vertex: false,
            apply: |k| ok(gemini_live_config_add_label(k.0, c("team").as_ptr(), c("voice").as_ptr())),
            paths: &["setup.labels"],
        },
    ]
}

/// The tool-response paths the typed multi-response send produces; the rest go through
/// `gemini_live_session_send_raw_json`.
const TOOL_RESPONSE_TYPED: &str = "gemini_live_session_send_tool_responses";
const TOOL_RESPONSE_RAW: &[&str] = &["toolResponse.functionResponses[].parts[].mediaProcessing"];

/// `(path without "LiveClientMessage.", type)` for every line under `prefix`.
fn tsv_paths(prefix: &str) -> Vec<(String, String)> {
    TSV.lines()
        .filter_map(|line| {
            let (path, ty) = line.split_once('\t')?;
            let path = path.strip_prefix("LiveClientMessage.")?;
            (path == prefix || path.starts_with(&format!("{prefix}.")))
                .then(|| (path.to_owned(), ty.to_owned()))
        })
        .collect()
}

/// Wire segments of a TSV path: `(key, is_array)`. The SDK flattens the system instruction's
/// `Content` to its parts: `systemInstruction[]` is `systemInstruction.parts[]` on the wire.
fn wire_segments(path: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for seg in path.split('.') {
        if seg == "systemInstruction[]" {
            out.push(("systemInstruction".to_owned(), false));
            out.push(("parts".to_owned(), true));
        } else if let Some(key) = seg.strip_suffix("[]") {
            out.push((key.to_owned(), true));
        } else {
            out.push((seg.to_owned(), false));
        }
    }
    out
}

/// Whether `path` is present (non-null) in `frame` (a whole client message).
fn present(frame: &Value, path: &str) -> bool {
    fn walk(v: &Value, segs: &[(String, bool)]) -> bool {
        let Some(((key, array), rest)) = segs.split_first() else {
            return !v.is_null();
        };
        let Some(child) = v.get(key) else { return false };
        if *array {
            child.as_array().is_some_and(|items| {
                if rest.is_empty() {
                    !items.is_empty()
                } else {
                    items.iter().any(|i| walk(i, rest))
                }
            })
        } else {
            walk(child, rest)
        }
    }
    walk(frame, &wire_segments(path))
}

/// A placeholder value for a leaf of SDK type `ty` (never null: a merged null removes a key).
fn placeholder(ty: &str, has_children: bool) -> Value {
    if has_children {
        return json!({});
    }
    let scalar = |t: &str| match t {
        "bool" => json!(true),
        "int" => json!(1),
        "float" => json!(0.5),
        "str" => json!("x"),
        "bytes" => json!("AAE="),
        "str|Any" | "Any" => json!({"a": 1}),
        "str|str" => json!({"k": "v"}),
        other => json!(other.split('|').next().unwrap_or("X")),
    };
    match ty.strip_suffix("[]") {
        Some(inner) if inner.starts_with(|ch: char| ch.is_ascii_uppercase()) => json!([{}]),
        Some(inner) => json!([scalar(inner)]),
        None => scalar(ty),
    }
}

/// Sets `path` in `root` to `value` (array segments hold one element), keeping what is there.
fn insert(root: &mut Value, path: &str, value: Value) {
    let segs = wire_segments(path);
    let mut node = root;
    for (i, (key, array)) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let obj = node.as_object_mut().expect("an object on the way");
        if last && !obj.contains_key(key) {
            let v = if *array && !value.is_array() {
                json!([value])
            } else {
                value
            };
            obj.insert(key.clone(), v);
            return;
        }
        if last {
            return;
        }
        let child = obj
            .entry(key.clone())
            .or_insert_with(|| if *array { json!([{}]) } else { json!({}) });
        if *array {
            if !child.is_array() || child.as_array().is_some_and(Vec::is_empty) {
                *child = json!([{}]);
            }
            node = &mut child.as_array_mut().expect("array")[0];
            if !node.is_object() {
                *node = json!({});
            }
        } else {
            if !child.is_object() {
                *child = json!({});
            }
            node = child;
        }
    }
}

/// A loopback peer that completes setup and forwards every text or binary frame it receives.
fn capture_peer() -> (String, mpsc::Receiver<Value>, std::thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel();
    let (url, thread) = loopback_server(move |listener| async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
            return;
        };
        let mut first = true;
        while let Some(Ok(msg)) = ws.next().await {
            let text = match msg {
                Message::Text(t) => t.to_string(),
                Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
                Message::Close(_) => break,
                _ => continue,
            };
            let Ok(value) = serde_json::from_str::<Value>(&text) else {
                break;
            };
            if tx.send(value).is_err() {
                break;
            }
            if first {
                first = false;
                if ws.send(Message::text(r#"{"setupComplete":{}}"#)).await.is_err() {
                    break;
                }
            }
        }
    });
    (url, rx, thread)
}

fn connected(session: &Session) {
    session.until("connected", |e| e.is(gemini_live_event_kind::Connected));
}

/// Runs one typed setter group against the strict mock and returns the `setup` it received.
fn setup_via_mock(mock: &BlockingMockServer, t: &Typed) -> Value {
    let config = Config::for_mock(&mock.base_url());
    if t.vertex {
        ok(gemini_live_config_set_vertex_api_key(
            config.0,
            c("test-key").as_ptr(),
        ));
    }
    (t.apply)(&config);
    let session = Session::open(&config).unwrap_or_else(|e| panic!("{}: {e:?}", t.setters));
    connected(&session);
    let setup = mock.stats().last_setup.expect("the mock saw a setup");
    ok(session.close());
    session.until("closed", |e| e.is(gemini_live_event_kind::Closed));
    setup
}

fn strict_mock() -> BlockingMockServer {
    BlockingMockServer::start(MockConfig {
        strict: true,
        ..MockConfig::default()
    })
    .expect("mock starts")
}

/// `setup` paths produced by each typed setter, checked on the wire.
fn typed_paths_checked() -> BTreeMap<String, &'static str> {
    let mock = strict_mock();
    let mut by_path = BTreeMap::new();
    for t in typed() {
        let setup = setup_via_mock(&mock, &t);
        let frame = json!({ "setup": setup });
        for path in t.paths {
            assert!(
                present(&frame, path),
                "{} did not produce {path}: {frame}",
                t.setters
            );
            by_path.insert((*path).to_owned(), t.setters);
        }
    }
    mock.shutdown();
    by_path
}

#[test]
fn every_sdk_setup_path_is_typed_or_merged_and_reaches_the_server() {
    let typed = typed_paths_checked();
    let setup = tsv_paths("setup");
    assert!(setup.len() > 200, "the fixture lists the SDK's setup paths");
    for path in typed.keys() {
        assert!(
            setup.iter().any(|(p, _)| p == path),
            "{path} is not in the fixture"
        );
    }

    // The merge-only paths, all in one patch, through the C ABI, to a loopback peer.
    let merge_only: Vec<&(String, String)> = setup.iter().filter(|(p, _)| !typed.contains_key(p)).collect();
    let mut patch = json!({});
    for (path, ty) in &merge_only {
        let has_children = setup
            .iter()
            .any(|(p, _)| p.starts_with(&format!("{path}.")) || p.starts_with(&format!("{path}[].")));
        let rel = path.strip_prefix("setup.").expect("under setup");
        insert(&mut patch, rel, placeholder(ty, has_children));
    }
    let (url, rx, peer) = capture_peer();
    let config = Config::for_mock(&url);
    ok(gemini_live_config_merge_setup_json(
        config.0,
        c(&patch.to_string()).as_ptr(),
    ));
    let session = Session::open(&config).expect("session");
    connected(&session);
    let frame = rx.recv_timeout(DEADLINE).expect("the peer saw the setup");
    for (path, _) in &merge_only {
        assert!(present(&frame, path), "the merge did not produce {path}");
    }
    ok(session.close());
    session.until("closed", |e| e.is(gemini_live_event_kind::Closed));
    drop(session);
    peer.join().expect("peer");

    // The documentation table.
    let mut rows = Vec::new();
    for (path, ty) in &setup {
        let by = match typed.get(path) {
            Some(setters) => setters.to_string(),
            None => "gemini_live_config_merge_setup_json".to_owned(),
        };
        rows.push((path.clone(), ty.clone(), by));
    }
    for (path, ty) in tsv_paths("toolResponse") {
        let by = if TOOL_RESPONSE_RAW.contains(&path.as_str()) {
            "gemini_live_session_send_raw_json".to_owned()
        } else {
            TOOL_RESPONSE_TYPED.to_owned()
        };
        rows.push((path, ty, by));
    }
    check_doc(&rows);
}

fn snake(path: &str) -> String {
    let mut out = String::new();
    for ch in path.chars() {
        if ch.is_ascii_uppercase() {
            out.push('_');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

fn check_doc(rows: &[(String, String, String)]) {
    let mut doc = String::from(
        "# Setup fields: typed setter or merged JSON\n\n\
         Every field path of the official SDK's `LiveClientMessage.setup` (and of `toolResponse`),\n\
         the official Python SDK's snake_case name for it, and the C function that produces it. A\n\
         path produced by `gemini_live_config_merge_setup_json` has no typed setter: merge it as\n\
         camelCase JSON under `setup` (e.g. `{\"generationConfig\":{\"candidateCount\":1}}`). The SDK\n\
         flattens the system instruction to its parts: `systemInstruction[]` is\n\
         `systemInstruction.parts[]` on the wire.\n\n\
         Generated and checked by `tests/setup_fields.rs`, which calls each setter through the C ABI and\n\
         finds its paths in the frame the server receives (regenerate with\n\
         `GEMINI_LIVE_UPDATE_DOCS=1 cargo test --test setup_fields`). The Go and C++ bindings wrap\n\
         the same functions (see `docs/bindings.md`).\n\n\
         | wire path | Python SDK name | type | produced by |\n\
         |---|---|---|---|\n",
    );
    for (path, ty, by) in rows {
        let ty = ty.split(['(', '=']).next().unwrap_or(ty).replace('|', "\\|");
        let by: Vec<String> = by
            .split(", ")
            .map(|f| match f.split_once(" (") {
                Some((name, note)) => format!("`{name}` ({note}"),
                None => format!("`{f}`"),
            })
            .collect();
        doc.push_str(&format!(
            "| `{path}` | `{}` | {ty} | {} |\n",
            snake(path),
            by.join(", ")
        ));
    }
    if std::env::var_os("GEMINI_LIVE_UPDATE_DOCS").is_some() {
        std::fs::write(DOC_PATH, &doc).expect("write docs/setup-fields.md");
    }
    let committed = std::fs::read_to_string(DOC_PATH).unwrap_or_default();
    assert!(
        committed == doc,
        "docs/setup-fields.md is stale: run GEMINI_LIVE_UPDATE_DOCS=1 cargo test --test setup_fields"
    );
}

#[test]
fn floats_from_c_go_out_as_written_on_the_setup_frame() {
    let (url, rx, peer) = capture_peer();
    let config = Config::for_mock(&url);
    ok(gemini_live_config_set_temperature(config.0, 0.7));
    ok(gemini_live_config_set_top_p(config.0, 0.95));
    ok(gemini_live_config_set_presence_penalty(config.0, 0.1));
    ok(gemini_live_config_set_frequency_penalty(config.0, -1.3));
    // The single-modality setter replaces an earlier list.
    let list = [
        gemini_live_modality::Audio as u32,
        gemini_live_modality::Video as u32,
    ];
    ok(gemini_live_config_set_response_modalities(
        config.0,
        list.as_ptr(),
        2,
    ));
    ok(gemini_live_config_set_response_modality(
        config.0,
        gemini_live_modality::Text as u32,
    ));
    // Not in the SDK's path list (its realtime input config is not typed there): checked here.
    ok(gemini_live_config_set_turn_coverage(
        config.0,
        gemini_live_turn_coverage::AllInput as u32,
    ));
    let session = Session::open(&config).expect("session");
    connected(&session);
    let frame = rx.recv_timeout(DEADLINE).expect("setup");
    let g = &frame["setup"]["generationConfig"];
    // The text as a JSON reader sees it: serde_json parses 0.7 back to the f64 nearest 0.7.
    assert_eq!(g["temperature"].to_string(), "0.7", "{g}");
    assert_eq!(g["topP"].to_string(), "0.95", "{g}");
    assert_eq!(g["presencePenalty"].to_string(), "0.1", "{g}");
    assert_eq!(g["frequencyPenalty"].to_string(), "-1.3", "{g}");
    assert_eq!(g["responseModalities"], json!(["TEXT"]));
    assert_eq!(
        frame["setup"]["realtimeInputConfig"]["turnCoverage"],
        "TURN_INCLUDES_ALL_INPUT"
    );
    ok(session.close());
    session.until("closed", |e| e.is(gemini_live_event_kind::Closed));
    drop(session);
    peer.join().expect("peer");
}

#[test]
fn setters_refuse_out_of_range_values_and_leave_the_config_unchanged() {
    let config = Config::for_mock("ws://127.0.0.1:9");
    let invalid = gemini_live_result::InvalidArgument;
    for (what, got) in [
        (
            "temperature 2.5",
            gemini_live_config_set_temperature(config.0, 2.5),
        ),
        (
            "temperature NaN",
            gemini_live_config_set_temperature(config.0, f32::NAN),
        ),
        ("top_p 1.01", gemini_live_config_set_top_p(config.0, 1.01)),
        ("top_p -0", gemini_live_config_set_top_p(config.0, -0.1)),
        ("top_p inf", gemini_live_config_set_top_p(config.0, f32::INFINITY)),
        ("top_k 0", gemini_live_config_set_top_k(config.0, 0)),
        (
            "max_output_tokens 0",
            gemini_live_config_set_max_output_tokens(config.0, 0),
        ),
        (
            "presence 2.5",
            gemini_live_config_set_presence_penalty(config.0, 2.5),
        ),
        (
            "frequency -2.5",
            gemini_live_config_set_frequency_penalty(config.0, -2.5),
        ),
        ("budget -2", gemini_live_config_set_thinking_budget(config.0, -2)),
        (
            "budget 40000",
            gemini_live_config_set_thinking_budget(config.0, 40_000),
        ),
        ("level 5", gemini_live_config_set_thinking_level(config.0, 5)),
        (
            "resolution 4",
            gemini_live_config_set_media_resolution(config.0, 4),
        ),
        ("coverage 4", gemini_live_config_set_turn_coverage(config.0, 4)),
        (
            "video without audio",
            gemini_live_config_set_proactivity(config.0, false, true),
        ),
        (
            "category 0",
            gemini_live_config_add_safety_setting(config.0, 0, 1),
        ),
        (
            "threshold 6",
            gemini_live_config_add_safety_setting(config.0, 1, 6),
        ),
        (
            "which 3",
            gemini_live_config_set_transcription_languages(config.0, 3, std::ptr::null(), 0),
        ),
        (
            "translation",
            gemini_live_config_set_translation(config.0, c("not a code").as_ptr(), false),
        ),
        (
            "label key",
            gemini_live_config_add_label(config.0, c("Team").as_ptr(), c("v").as_ptr()),
        ),
        (
            "label value",
            gemini_live_config_add_label(config.0, c("team").as_ptr(), c("a b").as_ptr()),
        ),
        (
            "empty part",
            gemini_live_config_add_system_instruction_part(config.0, c("").as_ptr()),
        ),
        (
            "header auth",
            gemini_live_config_add_header(config.0, c("Authorization").as_ptr(), c("Bearer x").as_ptr()),
        ),
        (
            "header key",
            gemini_live_config_add_header(config.0, c("X-Goog-Api-Key").as_ptr(), c("k").as_ptr()),
        ),
        (
            "header ws",
            gemini_live_config_add_header(config.0, c("sec-websocket-protocol").as_ptr(), c("x").as_ptr()),
        ),
        (
            "header host",
            gemini_live_config_add_header(config.0, c("Host").as_ptr(), c("evil").as_ptr()),
        ),
        (
            "header name",
            gemini_live_config_add_header(config.0, c("bad name").as_ptr(), c("v").as_ptr()),
        ),
        (
            "header crlf",
            gemini_live_config_add_header(config.0, c("x-a").as_ptr(), c("v\r\nInjected: 1").as_ptr()),
        ),
        (
            "header utf8",
            gemini_live_config_add_header(config.0, c("x-a").as_ptr(), c("caf\u{e9}").as_ptr()),
        ),
        (
            "vertex key",
            gemini_live_config_set_vertex_api_key(config.0, c("k\n").as_ptr()),
        ),
    ] {
        assert_eq!(got, invalid, "{what}: {}", last_error());
    }
    let modalities = [1u32, 1];
    assert_eq!(
        gemini_live_config_set_response_modalities(config.0, modalities.as_ptr(), 2),
        invalid
    );
    let modalities = [5u32];
    assert_eq!(
        gemini_live_config_set_response_modalities(config.0, modalities.as_ptr(), 1),
        invalid
    );
    let null = gemini_live_result::NullArgument;
    assert_eq!(
        gemini_live_config_set_response_modalities(config.0, std::ptr::null(), 1),
        null
    );
    assert_eq!(gemini_live_config_set_top_p(std::ptr::null_mut(), 0.5), null);
    assert_eq!(
        gemini_live_config_add_header(config.0, std::ptr::null(), c("v").as_ptr()),
        null
    );
    assert_eq!(
        gemini_live_config_set_vertex_api_key(config.0, std::ptr::null()),
        null
    );
    assert_eq!(
        gemini_live_config_set_transcription_languages(config.0, 1, std::ptr::null(), 2),
        null
    );
    let bad_utf8 = [0xffu8, 0];
    assert_eq!(
        gemini_live_config_add_header(config.0, c("x-a").as_ptr(), bad_utf8.as_ptr().cast()),
        gemini_live_result::InvalidUtf8
    );
    let codes = [bad_utf8.as_ptr().cast::<c_char>()];
    assert_eq!(
        gemini_live_config_set_transcription_languages(config.0, 1, codes.as_ptr(), 1),
        gemini_live_result::InvalidUtf8
    );
    // Edges are accepted.
    ok(gemini_live_config_set_top_p(config.0, 0.0));
    ok(gemini_live_config_set_top_p(config.0, 1.0));
    ok(gemini_live_config_set_thinking_budget(config.0, -1));
    ok(gemini_live_config_set_thinking_budget(config.0, 32_768));
    ok(gemini_live_config_set_presence_penalty(config.0, -2.0));
    ok(gemini_live_config_set_response_modalities(
        config.0,
        std::ptr::null(),
        0,
    ));
}

#[test]
fn custom_headers_and_vertex_express_reach_the_server() {
    let (tx, rx) = mpsc::channel();
    let (url, peer) = loopback_server(move |listener| async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        #[allow(clippy::result_large_err)]
        let callback =
            |req: &tokio_tungstenite::tungstenite::handshake::server::Request,
             resp: tokio_tungstenite::tungstenite::handshake::server::Response| {
                let mut headers = Map::new();
                for (k, v) in req.headers() {
                    headers.insert(k.as_str().to_owned(), json!(v.to_str().unwrap_or("")));
                }
                let _ = tx.send(json!({"path": req.uri().path(), "headers": headers}));
                Ok(resp)
            };
        let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
            return;
        };
        let mut first = true;
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Text(t) = &msg {
                if first {
                    first = false;
                    let _ = tx.send(serde_json::from_str(t).unwrap_or(Value::Null));
                    let _ = ws.send(Message::text(r#"{"setupComplete":{}}"#)).await;
                }
            }
            if msg.is_close() {
                break;
            }
        }
    });
    let config = Config::for_mock(&url);
    ok(gemini_live_config_set_vertex_api_key(
        config.0,
        c("express-key").as_ptr(),
    ));
    ok(gemini_live_config_add_header(
        config.0,
        c("X-Goog-User-Project").as_ptr(),
        c("old").as_ptr(),
    ));
    ok(gemini_live_config_add_header(
        config.0,
        c("x-goog-user-project").as_ptr(),
        c("quota-1").as_ptr(),
    ));
    ok(gemini_live_config_add_header(
        config.0,
        c("User-Agent").as_ptr(),
        c("my-app/2").as_ptr(),
    ));
    let session = Session::open(&config).expect("session");
    connected(&session);
    let request = rx.recv_timeout(DEADLINE).expect("upgrade request");
    let setup = rx.recv_timeout(DEADLINE).expect("setup");
    let h = &request["headers"];
    assert_eq!(h["x-goog-user-project"], "quota-1", "{request}");
    assert_eq!(h["user-agent"], "my-app/2", "{request}");
    assert_eq!(h["x-goog-api-key"], "express-key", "{request}");
    assert!(h.get("authorization").is_none(), "{request}");
    assert_eq!(
        request["path"],
        "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    assert_eq!(
        setup["setup"]["model"],
        "publishers/google/models/gemini-2.5-flash-native-audio-preview-12-2025"
    );
    ok(session.close());
    session.until("closed", |e| e.is(gemini_live_event_kind::Closed));
    drop(session);
    peer.join().expect("peer");
}

#[test]
fn several_function_responses_with_parts_in_one_message() {
    let (url, rx, peer) = capture_peer();
    let config = Config::for_mock(&url);
    let session = Session::open(&config).expect("session");
    connected(&session);
    rx.recv_timeout(DEADLINE).expect("setup");
    let png = [0u8, 1, 2, 0xff];
    let (mime, display, uri, pdf) = (
        c("image/png"),
        c("chart"),
        c("gs://bucket/report.pdf"),
        c("application/pdf"),
    );
    let report = c("report");
    let parts = [
        gemini_live_function_response_part {
            mime_type: mime.as_ptr(),
            data: png.as_ptr(),
            data_len: png.len(),
            file_uri: std::ptr::null(),
            display_name: display.as_ptr(),
        },
        gemini_live_function_response_part {
            mime_type: pdf.as_ptr(),
            data: std::ptr::null(),
            data_len: 0,
            file_uri: uri.as_ptr(),
            display_name: report.as_ptr(),
        },
    ];
    let (id1, n1, r1) = (c("fc-1"), c("get_weather"), c(r#"{"output":"sunny"}"#));
    let (id2, n2, r2) = (c("fc-2"), c("make_chart"), c(r#"{"output":"done"}"#));
    let responses = [
        gemini_live_function_response {
            id: id1.as_ptr(),
            name: n1.as_ptr(),
            response_json: r1.as_ptr(),
            scheduling: gemini_live_scheduling::Interrupt as u32,
            will_continue: 1,
            parts: std::ptr::null(),
            parts_count: 0,
        },
        gemini_live_function_response {
            id: id2.as_ptr(),
            name: n2.as_ptr(),
            response_json: r2.as_ptr(),
            scheduling: gemini_live_scheduling::None as u32,
            will_continue: -1,
            parts: parts.as_ptr(),
            parts_count: parts.len(),
        },
    ];
    ok(gemini_live_session_send_tool_responses(
        session.0,
        responses.as_ptr(),
        responses.len(),
    ));
    let frame = rx.recv_timeout(DEADLINE).expect("tool response");
    assert_eq!(
        frame,
        json!({"toolResponse": {"functionResponses": [
            {"id": "fc-1", "name": "get_weather", "response": {"output": "sunny"}, "scheduling": "INTERRUPT", "willContinue": true},
            {"id": "fc-2", "name": "make_chart", "response": {"output": "done"}, "parts": [
                {"inlineData": {"mimeType": "image/png", "data": "AAEC/w==", "displayName": "chart"}},
                {"fileData": {"fileUri": "gs://bucket/report.pdf", "mimeType": "application/pdf", "displayName": "report"}}
            ]}
        ]}})
    );
    for (path, _) in tsv_paths("toolResponse") {
        if !TOOL_RESPONSE_RAW.contains(&path.as_str()) {
            assert!(
                present(&frame, &path),
                "{TOOL_RESPONSE_TYPED} did not produce {path}"
            );
        }
    }

    // The one path without a typed form goes through the raw send.
    let raw = json!({"toolResponse": {"functionResponses": [{"id": "fc-3", "name": "n", "response": {},
        "parts": [{"fileData": {"fileUri": "gs://b/o"}, "mediaProcessing": "X"}]}]}});
    ok(gemini_live_session_send_raw_json(
        session.0,
        c(&raw.to_string()).as_ptr(),
    ));
    let frame = rx.recv_timeout(DEADLINE).expect("raw tool response");
    for path in TOOL_RESPONSE_RAW {
        assert!(
            present(&frame, path),
            "gemini_live_session_send_raw_json did not produce {path}"
        );
    }

    // Refusals name the entry and send nothing.
    let mut bad = [
        gemini_live_function_response { ..responses[0] },
        gemini_live_function_response { ..responses[1] },
    ];
    let both = [gemini_live_function_response_part {
        file_uri: uri.as_ptr(),
        ..parts[0]
    }];
    bad[1].parts = both.as_ptr();
    bad[1].parts_count = 1;
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, bad.as_ptr(), 2),
        gemini_live_result::InvalidArgument
    );
    assert!(last_error().contains("responses[1].parts[0]"), "{}", last_error());
    let no_mime = [gemini_live_function_response_part {
        mime_type: std::ptr::null(),
        ..parts[0]
    }];
    bad[1].parts = no_mime.as_ptr();
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, bad.as_ptr(), 2),
        gemini_live_result::InvalidArgument
    );
    bad[1].parts = std::ptr::null();
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, bad.as_ptr(), 2),
        gemini_live_result::NullArgument
    );
    bad[1].parts_count = 0;
    bad[1].name = std::ptr::null();
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, bad.as_ptr(), 2),
        gemini_live_result::NullArgument
    );
    let not_object = c("[1]");
    bad[1].name = n2.as_ptr();
    bad[1].response_json = not_object.as_ptr();
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, bad.as_ptr(), 2),
        gemini_live_result::InvalidJson
    );
    bad[1].response_json = r2.as_ptr();
    bad[1].will_continue = 2;
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, bad.as_ptr(), 2),
        gemini_live_result::InvalidArgument
    );
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, responses.as_ptr(), 0),
        gemini_live_result::InvalidArgument
    );
    assert_eq!(
        gemini_live_session_send_tool_responses(session.0, std::ptr::null(), 1),
        gemini_live_result::NullArgument
    );
    assert_eq!(
        gemini_live_session_send_tool_responses(std::ptr::null_mut(), responses.as_ptr(), 1),
        gemini_live_result::NullArgument
    );
    // The next frame is the close, not a half-sent response.
    ok(session.close());
    session.until("closed", |e| e.is(gemini_live_event_kind::Closed));
    assert!(rx.recv_timeout(DEADLINE).is_err(), "nothing else was sent");
    drop(session);
    peer.join().expect("peer");
}

#[test]
fn several_function_responses_reach_the_strict_mock() {
    let mock = strict_mock();
    let config = Config::for_mock(&mock.base_url());
    let session = Session::open(&config).expect("session");
    connected(&session);
    let data = [7u8; 3];
    let mime = c("image/jpeg");
    let parts = [gemini_live_function_response_part {
        mime_type: mime.as_ptr(),
        data: data.as_ptr(),
        data_len: data.len(),
        file_uri: std::ptr::null(),
        display_name: std::ptr::null(),
    }];
    let (a, b, r) = (c("a"), c("b"), c(r#"{"output":1}"#));
    let one = |name: &std::ffi::CString, parts: &[gemini_live_function_response_part]| {
        gemini_live_function_response {
            id: name.as_ptr(),
            name: name.as_ptr(),
            response_json: r.as_ptr(),
            scheduling: 0,
            will_continue: -1,
            parts: if parts.is_empty() {
                std::ptr::null()
            } else {
                parts.as_ptr()
            },
            parts_count: parts.len(),
        }
    };
    let responses = [one(&a, &[]), one(&b, &parts)];
    ok(gemini_live_session_send_tool_responses(
        session.0,
        responses.as_ptr(),
        2,
    ));
    assert!(
        mock.wait_for(|s| s.tool_responses.len() == 2, DEADLINE),
        "{:?}",
        mock.stats().closes_sent
    );
    let stats = mock.stats();
    let got: Vec<(&str, usize)> = stats
        .tool_responses
        .iter()
        .map(|t| (t.name.as_str(), t.parts.len()))
        .collect();
    assert_eq!(got, vec![("a", 0), ("b", 1)]);
    assert_eq!(stats.tool_responses[1].parts[0]["inlineData"]["data"], "BwcH");
    ok(session.close());
    session.until("closed", |e| e.is(gemini_live_event_kind::Closed));
    drop(session);
    mock.shutdown();
}
