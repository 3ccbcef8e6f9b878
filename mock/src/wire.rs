//! Server message builders and the wire-format details shared by the mock's modules:
//! proto3 Duration strings, close reasons (RFC 6455: at most 123 bytes), frame encoding.

use super::audio;
use bytes::Bytes;
use once_cell::sync::Lazy;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

pub(crate) const INVALID_ARGUMENT: &str = "Request contains an invalid argument.";
pub(crate) const PRECONDITION_FAILED: &str = "Precondition check failed.";
pub(crate) const INTERNAL_ERROR: &str = "Internal error occurred.";
pub(crate) const BAD_API_KEY: &str = "API key not valid. Please pass a valid API key.";
pub(crate) const TOKEN_USED: &str =
    "The auth token has already been used or has expired. Please create a new token.";
pub(crate) const TOKEN_EXPIRED: &str = "The auth token has expired. Please create a new token.";
pub(crate) const TOKEN_NEW_SESSION_EXPIRED: &str =
    "The auth token can no longer open new sessions. Please create a new token.";
pub(crate) const BAD_BEARER: &str = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.";
pub(crate) const MISSING_CREDENTIALS: &str = "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
pub(crate) const SESSION_NOT_FOUND: &str = "BidiGenerateContent session not found";
pub(crate) const GO_AWAY_EXPIRED: &str = "Connection aborted because the client failed to close the connection after receiving a GoAway signal once the session duration limit was reached.";
pub(crate) const SHUTTING_DOWN: &str = "The service is shutting down.";

/// A reason for closing a connection: code plus (untruncated) reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fatal {
    pub code: u16,
    pub reason: String,
}

impl Fatal {
    pub(crate) fn new(code: u16, reason: impl Into<String>) -> Self {
        Fatal {
            code,
            reason: reason.into(),
        }
    }
    pub(crate) fn invalid_argument() -> Self {
        Fatal::new(1007, INVALID_ARGUMENT)
    }
}

/// Truncates a close reason to 123 bytes on a UTF-8 boundary, as the real service does.
pub(crate) fn truncate_reason(reason: &str) -> String {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_string()
}

/// proto3 JSON Duration: `"50s"` for whole seconds, otherwise three decimals (`"0.440s"`).
pub(crate) fn duration_string(micros: u64) -> String {
    let millis = micros / 1000;
    if millis % 1000 == 0 {
        format!("{}s", millis / 1000)
    } else {
        format!("{}.{:03}s", millis / 1000, millis % 1000)
    }
}

/// Every server frame is binary UTF-8 JSON, like the real service's.
pub(crate) fn encode(value: &Value, pretty: bool) -> Message {
    Message::Binary(encode_bytes(value, pretty))
}

fn encode_bytes(value: &Value, pretty: bool) -> Bytes {
    let text = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    Bytes::from(text.expect("serde_json::Value always serialises"))
}

/// Encoded frames of untranscribed tone chunks by (samples, vertex, pretty). They are identical
/// across sessions, so load mode sends shared `Bytes` instead of re-serialising ~15 KB each time.
static TONE_FRAMES: Lazy<Mutex<HashMap<ToneFrameKey, Bytes>>> = Lazy::new(Default::default);

/// (samples, vertex, pretty)
type ToneFrameKey = (usize, bool, bool);

/// A `modelTurn` message with one output audio chunk and, optionally, its transcription.
pub(crate) fn audio_chunk(
    start_sample: u64,
    samples: usize,
    transcript: Option<String>,
    vertex: bool,
    pretty: bool,
) -> Message {
    let cacheable = transcript.is_none() && audio::starts_on_period(start_sample);
    let build = || {
        let data = audio::tone_base64(start_sample, samples);
        let part = json!([{"inlineData": {"mimeType": audio::OUTPUT_MIME, "data": data}}]);
        let mut message = model_turn(part, vertex);
        if let Some(text) = &transcript {
            message["serverContent"]["outputTranscription"] = json!({"text": text});
        }
        encode_bytes(&message, pretty)
    };
    if !cacheable {
        return Message::Binary(build());
    }
    let mut frames = TONE_FRAMES.lock().unwrap_or_else(|e| e.into_inner());
    // Chunk sizes come from the config, so this stays tiny; the bound is a safety net.
    if frames.len() > 64 {
        frames.clear();
    }
    Message::Binary(
        frames
            .entry((samples, vertex, pretty))
            .or_insert_with(build)
            .clone(),
    )
}

pub(crate) fn setup_complete(session_id: Option<&str>) -> Value {
    match session_id {
        Some(id) => json!({"setupComplete": {"sessionId": id}}),
        None => json!({"setupComplete": {}}),
    }
}

/// `serverContent.modelTurn` with the given parts; Vertex adds `role:"model"`.
pub(crate) fn model_turn(parts: Value, vertex: bool) -> Value {
    let mut turn = json!({"parts": parts});
    if vertex {
        turn["role"] = json!("model");
    }
    json!({"serverContent": {"modelTurn": turn}})
}

pub(crate) fn server_content(field: &str, value: Value) -> Value {
    json!({"serverContent": {field: value}})
}

pub(crate) fn turn_complete(usage: Option<Value>) -> Value {
    let mut msg = server_content("turnComplete", json!(true));
    if let Some(usage) = usage {
        msg["usageMetadata"] = usage;
    }
    msg
}

pub(crate) fn voice_activity(kind: &str, offset_us: u64) -> Value {
    json!({"serverContent": {}, "voiceActivity": {"type": kind, "audioOffset": duration_string(offset_us)}})
}

pub(crate) fn go_away(time_left_ms: u64) -> Value {
    json!({"goAway": {"timeLeft": duration_string(time_left_ms * 1000)}})
}

/// `sessionResumptionUpdate`; `None` is the non-resumable update (proto3 omits every field).
pub(crate) fn resumption_update(handle: Option<(&str, Option<i64>)>) -> Value {
    match handle {
        None => json!({"sessionResumptionUpdate": {}}),
        Some((handle, index)) => {
            let mut update = json!({"newHandle": handle, "resumable": true});
            if let Some(index) = index {
                // int64 travels as a JSON string.
                update["lastConsumedClientMessageIndex"] = json!(index.to_string());
            }
            json!({"sessionResumptionUpdate": update})
        }
    }
}

/// `usageMetadata` in Gemini API naming, or Vertex (generateContent) naming.
pub(crate) fn usage(
    prompt: u64,
    response: u64,
    prompt_modality: &str,
    response_modality: &str,
    vertex: bool,
) -> Value {
    let (count, details) = if vertex {
        ("candidatesTokenCount", "candidatesTokensDetails")
    } else {
        ("responseTokenCount", "responseTokensDetails")
    };
    let mut usage = json!({
        "promptTokenCount": prompt,
        count: response,
        "totalTokenCount": prompt + response,
        "promptTokensDetails": [{"modality": prompt_modality, "tokenCount": prompt}],
        details: [{"modality": response_modality, "tokenCount": response}],
    });
    if vertex {
        usage["trafficType"] = json!("ON_DEMAND");
    }
    usage
}

/// A frame of exactly `size` bytes: a valid text message padded with `x` when `size` allows.
pub(crate) fn oversized_frame(size: usize) -> Message {
    const HEAD: &str = r#"{"serverContent":{"modelTurn":{"parts":[{"text":""#;
    const TAIL: &str = r#""}]}}}"#;
    let mut data = Vec::with_capacity(size);
    if size >= HEAD.len() + TAIL.len() {
        data.extend_from_slice(HEAD.as_bytes());
        data.resize(size - TAIL.len(), b'x');
        data.extend_from_slice(TAIL.as_bytes());
    } else {
        data.resize(size, b'x');
    }
    Message::Binary(Bytes::from(data))
}

/// Truncated JSON, as a broken server or proxy could deliver.
pub(crate) fn malformed_frame() -> Message {
    Message::Binary(Bytes::from_static(
        br#"{"serverContent": {"modelTurn": {"parts": [{"te"#,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_and_durations() {
        assert_eq!(truncate_reason(GO_AWAY_EXPIRED).len(), 123);
        assert!(truncate_reason(GO_AWAY_EXPIRED).ends_with("session durat"));
        assert!(truncate_reason(MISSING_CREDENTIALS).ends_with("or other form of API c"));
        assert_eq!(truncate_reason(&"é".repeat(100)).len(), 122);
        assert_eq!(duration_string(50_000_000), "50s");
        assert_eq!(duration_string(500_000), "0.500s");
        assert_eq!(duration_string(6_680_000), "6.680s");
        assert_eq!(duration_string(0), "0s");
    }
}
