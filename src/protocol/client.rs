//! Client-to-server messages and their encoding.
//!
//! Each WebSocket message carries exactly one of `setup`, `clientContent`, `realtimeInput`,
//! `toolResponse` or `contextUpdate`. Encoding is canonical camelCase with standard base64.
//! Realtime media, the hot path, is written straight into the output string with no
//! intermediate JSON tree.

use super::content::{Content, FunctionResponse};
use super::setup::content_json;
use serde_json::{json, Map, Value};

/// Which kind of client message a frame holds; the transport uses it for replay policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Setup,
    ClientContent,
    Audio,
    Video,
    RealtimeText,
    ActivityStart,
    ActivityEnd,
    AudioStreamEnd,
    ToolResponse,
    ContextUpdate,
    Raw,
}

/// One item of `realtimeInput`.
#[derive(Debug, Clone, PartialEq)]
pub enum RealtimeInput<'a> {
    /// 16-bit little-endian mono PCM at `sample_rate` Hz.
    Audio {
        pcm: &'a [u8],
        sample_rate: u32,
    },
    /// One image frame (`image/jpeg` or `image/png`).
    Video {
        data: &'a [u8],
        mime_type: &'a str,
    },
    Text(&'a str),
    ActivityStart,
    ActivityEnd,
    AudioStreamEnd,
}

/// An encoded client message, ready to be written as a text frame.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedMessage {
    pub kind: MessageKind,
    pub json: String,
}

impl EncodedMessage {
    fn new(kind: MessageKind, json: String) -> Self {
        EncodedMessage { kind, json }
    }
}

/// `{"setup": ...}` from a setup object built by [`super::SessionConfig::setup_object`].
pub fn encode_setup(setup: Value) -> EncodedMessage {
    EncodedMessage::new(MessageKind::Setup, json!({ "setup": setup }).to_string())
}

/// `realtimeInput` with one field, as the SDKs send it.
pub fn encode_realtime(input: &RealtimeInput<'_>) -> EncodedMessage {
    match input {
        RealtimeInput::Audio { pcm, sample_rate } => {
            let mime = format!("audio/pcm;rate={sample_rate}");
            EncodedMessage::new(MessageKind::Audio, blob_message("audio", pcm, &mime))
        }
        RealtimeInput::Video { data, mime_type } => {
            EncodedMessage::new(MessageKind::Video, blob_message("video", data, mime_type))
        }
        RealtimeInput::Text(text) => EncodedMessage::new(
            MessageKind::RealtimeText,
            json!({"realtimeInput": {"text": text}}).to_string(),
        ),
        RealtimeInput::ActivityStart => EncodedMessage::new(
            MessageKind::ActivityStart,
            r#"{"realtimeInput":{"activityStart":{}}}"#.to_owned(),
        ),
        RealtimeInput::ActivityEnd => EncodedMessage::new(
            MessageKind::ActivityEnd,
            r#"{"realtimeInput":{"activityEnd":{}}}"#.to_owned(),
        ),
        RealtimeInput::AudioStreamEnd => EncodedMessage::new(
            MessageKind::AudioStreamEnd,
            r#"{"realtimeInput":{"audioStreamEnd":true}}"#.to_owned(),
        ),
    }
}

/// Writes `{"realtimeInput":{"<field>":{"data":"<base64>","mimeType":"<mime>"}}}` into one
/// exactly-sized string: one allocation, one pass of base64 over the caller's bytes.
fn blob_message(field: &str, data: &[u8], mime_type: &str) -> String {
    let mime = serde_json::to_string(mime_type).unwrap_or_else(|_| "\"\"".to_owned());
    let b64_len = data.len().div_ceil(3) * 4;
    let mut out = String::with_capacity(48 + field.len() + b64_len + mime.len());
    out.push_str(r#"{"realtimeInput":{""#);
    out.push_str(field);
    out.push_str(r#"":{"data":""#);
    // SIMD where the CPU has it (chosen once at run time); fills the reserved capacity.
    base64_simd::STANDARD.encode_append(data, &mut out);
    out.push_str(r#"","mimeType":"#);
    out.push_str(&mime);
    out.push_str("}}}");
    out
}

/// `clientContent`: ordered turns, appended to the history; `turn_complete` starts generation.
pub fn encode_client_content(turns: &[Content], turn_complete: bool) -> EncodedMessage {
    let turns: Vec<Value> = turns.iter().map(content_json).collect();
    EncodedMessage::new(
        MessageKind::ClientContent,
        json!({"clientContent": {"turns": turns, "turnComplete": turn_complete}}).to_string(),
    )
}

/// `toolResponse` with one or more function responses.
pub fn encode_tool_response(responses: &[FunctionResponse]) -> EncodedMessage {
    EncodedMessage::new(
        MessageKind::ToolResponse,
        json!({"toolResponse": {"functionResponses": responses}}).to_string(),
    )
}

/// `contextUpdate`: replaces the system instruction and/or the tools (`Some(vec![])` clears
/// them; `None` leaves them unchanged).
pub fn encode_context_update(system_instruction: Option<&str>, tools: Option<&[Value]>) -> EncodedMessage {
    let mut update = Map::new();
    if let Some(text) = system_instruction {
        update.insert(
            "systemInstruction".into(),
            content_json(&Content::text("user", text)),
        );
    }
    if let Some(tools) = tools {
        update.insert("tools".into(), json!({ "tools": tools }));
    }
    EncodedMessage::new(
        MessageKind::ContextUpdate,
        json!({ "contextUpdate": update }).to_string(),
    )
}

/// A raw client message the caller built; it must be one JSON object. The kind is read from
/// its top-level key so replay and accounting treat it like the typed equivalent.
pub fn encode_raw(value: &Value) -> Option<EncodedMessage> {
    let obj = value.as_object()?;
    let kind = obj
        .keys()
        .next()
        .map(|k| raw_kind(k, obj))
        .unwrap_or(MessageKind::Raw);
    Some(EncodedMessage::new(kind, value.to_string()))
}

fn raw_kind(key: &str, obj: &Map<String, Value>) -> MessageKind {
    match key {
        "setup" => MessageKind::Setup,
        "clientContent" | "client_content" => MessageKind::ClientContent,
        "toolResponse" | "tool_response" => MessageKind::ToolResponse,
        "contextUpdate" | "context_update" => MessageKind::ContextUpdate,
        "realtimeInput" | "realtime_input" => {
            let inner = obj.get(key).and_then(Value::as_object);
            let has = |a: &str, b: &str| inner.is_some_and(|m| m.contains_key(a) || m.contains_key(b));
            if has("audio", "mediaChunks") || has("media_chunks", "audio") {
                MessageKind::Audio
            } else if has("video", "video") {
                MessageKind::Video
            } else if has("text", "text") {
                MessageKind::RealtimeText
            } else if has("activityStart", "activity_start") {
                MessageKind::ActivityStart
            } else if has("activityEnd", "activity_end") {
                MessageKind::ActivityEnd
            } else if has("audioStreamEnd", "audio_stream_end") {
                MessageKind::AudioStreamEnd
            } else {
                MessageKind::Raw
            }
        }
        _ => MessageKind::Raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::content::Scheduling;

    #[test]
    fn audio_chunk_matches_reference_vector_7() {
        let m = encode_realtime(&RealtimeInput::Audio {
            pcm: &[0x00, 0x01, 0xff, 0xff],
            sample_rate: 16000,
        });
        assert_eq!(
            m.json,
            r#"{"realtimeInput":{"audio":{"data":"AAH//w==","mimeType":"audio/pcm;rate=16000"}}}"#
        );
        assert_eq!(m.kind, MessageKind::Audio);
        let v: Value = serde_json::from_str(&m.json).unwrap();
        assert_eq!(v["realtimeInput"]["audio"]["data"], "AAH//w==");
    }

    #[test]
    fn audio_base64_is_standard_padded_at_every_length() {
        use base64::engine::general_purpose::STANDARD;
        use base64::Engine;
        // Every tail length, around the vector loops' block sizes, and a 20 ms chunk.
        for len in (0..200).chain([640, 641, 642, 4096]) {
            let pcm: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let m = encode_realtime(&RealtimeInput::Audio {
                pcm: &pcm,
                sample_rate: 16000,
            });
            let want = format!(
                r#"{{"realtimeInput":{{"audio":{{"data":"{}","mimeType":"audio/pcm;rate=16000"}}}}}}"#,
                STANDARD.encode(&pcm)
            );
            assert_eq!(m.json, want, "{len} bytes");
        }
    }

    #[test]
    fn realtime_controls_match_reference_vector_8() {
        let enc = |i| encode_realtime(&i).json;
        assert_eq!(
            enc(RealtimeInput::ActivityStart),
            r#"{"realtimeInput":{"activityStart":{}}}"#
        );
        assert_eq!(
            enc(RealtimeInput::ActivityEnd),
            r#"{"realtimeInput":{"activityEnd":{}}}"#
        );
        assert_eq!(
            enc(RealtimeInput::Video {
                data: &[0xff, 0xd8, 0xff, 0xe0],
                mime_type: "image/jpeg"
            }),
            r#"{"realtimeInput":{"video":{"data":"/9j/4A==","mimeType":"image/jpeg"}}}"#
        );
        assert_eq!(
            enc(RealtimeInput::Text("hi")),
            r#"{"realtimeInput":{"text":"hi"}}"#
        );
        assert_eq!(
            enc(RealtimeInput::AudioStreamEnd),
            r#"{"realtimeInput":{"audioStreamEnd":true}}"#
        );
    }

    #[test]
    fn client_content_matches_reference_vectors_5_and_6() {
        let m = encode_client_content(&[Content::text("user", "Hello what should we talk about?")], true);
        let v: Value = serde_json::from_str(&m.json).unwrap();
        let want: Value = serde_json::from_str(r#"{"clientContent":{"turns":[{"parts":[{"text":"Hello what should we talk about?"}],"role":"user"}],"turnComplete":true}}"#).unwrap();
        assert_eq!(v, want);
        let m = encode_client_content(
            &[
                Content::text("user", "What is the capital of France?"),
                Content::text("model", "Paris"),
            ],
            false,
        );
        let v: Value = serde_json::from_str(&m.json).unwrap();
        assert_eq!(v["clientContent"]["turnComplete"], false);
        assert_eq!(v["clientContent"]["turns"][1]["role"], "model");
    }

    #[test]
    fn tool_response_matches_reference_vector_13() {
        let m = encode_tool_response(&[FunctionResponse {
            id: Some("function-call-5831923424298605773".into()),
            name: "get_current_weather".into(),
            response: json!({"output": "sunny, 21C"}),
            scheduling: Some(Scheduling::WhenIdle),
            will_continue: None,
            parts: Vec::new(),
        }]);
        let v: Value = serde_json::from_str(&m.json).unwrap();
        let want: Value = serde_json::from_str(r#"{"toolResponse":{"functionResponses":[{"id":"function-call-5831923424298605773","name":"get_current_weather","response":{"output":"sunny, 21C"},"scheduling":"WHEN_IDLE"}]}}"#).unwrap();
        assert_eq!(v, want);
    }

    #[test]
    fn context_update_matches_reference_vector_17() {
        let m = encode_context_update(Some("Be terse"), Some(&[]));
        let v: Value = serde_json::from_str(&m.json).unwrap();
        let want: Value = serde_json::from_str(r#"{"contextUpdate":{"systemInstruction":{"parts":[{"text":"Be terse"}],"role":"user"},"tools":{"tools":[]}}}"#).unwrap();
        assert_eq!(v, want);
    }

    #[test]
    fn raw_messages_are_classified_by_their_key() {
        let v: Value = serde_json::from_str(
            r#"{"realtime_input":{"audio":{"data":"AAH__w==","mime_type":"audio/pcm;rate=16000"}}}"#,
        )
        .unwrap();
        assert_eq!(encode_raw(&v).unwrap().kind, MessageKind::Audio);
        assert!(encode_raw(&json!([1])).is_none());
    }
}
