//! Server-to-client messages and their lenient decoding.
//!
//! One server message may carry several fields at once (`serverContent` with `voiceActivity`,
//! anything with `usageMetadata`), so every field is decoded independently; nothing is
//! `else if`. Keys are accepted in camelCase and snake_case; unknown top-level fields are kept
//! in [`ServerMessage::unknown`] so the session can surface them raw.

use super::content::{Content, FunctionCall};
use super::lenient;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt;
use std::time::Duration;

/// Why decoding a frame failed.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("server frame is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("server frame is not UTF-8")]
    Utf8,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupComplete {
    #[serde(default, alias = "session_id")]
    pub session_id: Option<String>,
}

/// Speech-to-text of user input or model output.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transcription {
    #[serde(default)]
    pub text: String,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub finished: bool,
    #[serde(default, alias = "language_code")]
    pub language_code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerContent {
    #[serde(default, alias = "model_turn")]
    pub model_turn: Option<Content>,
    #[serde(default, alias = "generation_complete", deserialize_with = "lenient::flag")]
    pub generation_complete: bool,
    #[serde(default, alias = "turn_complete", deserialize_with = "lenient::flag")]
    pub turn_complete: bool,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub interrupted: bool,
    #[serde(default, alias = "input_transcription")]
    pub input_transcription: Option<Transcription>,
    #[serde(default, alias = "interim_input_transcription")]
    pub interim_input_transcription: Option<Transcription>,
    #[serde(default, alias = "output_transcription")]
    pub output_transcription: Option<Transcription>,
    #[serde(default, alias = "turn_complete_reason")]
    pub turn_complete_reason: Option<String>,
    #[serde(default, alias = "waiting_for_input", deserialize_with = "lenient::flag")]
    pub waiting_for_input: bool,
    #[serde(default, alias = "interaction_status")]
    pub interaction_status: Option<String>,
    #[serde(default, alias = "grounding_metadata")]
    pub grounding_metadata: Option<Value>,
    #[serde(default, alias = "url_context_metadata")]
    pub url_context_metadata: Option<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    #[serde(default, alias = "function_calls")]
    pub function_calls: Vec<FunctionCall>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ToolCallCancellation {
    #[serde(default)]
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GoAway {
    #[serde(default, alias = "time_left", deserialize_with = "lenient::opt_duration")]
    pub time_left: Option<Duration>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionResumptionUpdate {
    #[serde(default, alias = "new_handle")]
    pub new_handle: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub resumable: bool,
    #[serde(
        default,
        alias = "last_consumed_client_message_index",
        deserialize_with = "lenient::opt_i64"
    )]
    pub last_consumed_client_message_index: Option<i64>,
}

/// Token counts per modality.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModalityTokenCount {
    #[serde(default)]
    pub modality: String,
    #[serde(default, alias = "token_count", deserialize_with = "lenient::opt_i64")]
    pub token_count: Option<i64>,
}

/// Token usage, in either the Gemini API spelling (`responseTokenCount`) or Vertex's
/// (`candidatesTokenCount`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageMetadata {
    #[serde(default, alias = "prompt_token_count", deserialize_with = "lenient::opt_i64")]
    pub prompt_token_count: Option<i64>,
    #[serde(
        default,
        alias = "cached_content_token_count",
        deserialize_with = "lenient::opt_i64"
    )]
    pub cached_content_token_count: Option<i64>,
    #[serde(
        default,
        alias = "response_token_count",
        alias = "candidatesTokenCount",
        alias = "candidates_token_count",
        deserialize_with = "lenient::opt_i64"
    )]
    pub response_token_count: Option<i64>,
    #[serde(
        default,
        alias = "tool_use_prompt_token_count",
        deserialize_with = "lenient::opt_i64"
    )]
    pub tool_use_prompt_token_count: Option<i64>,
    #[serde(
        default,
        alias = "thoughts_token_count",
        deserialize_with = "lenient::opt_i64"
    )]
    pub thoughts_token_count: Option<i64>,
    #[serde(default, alias = "total_token_count", deserialize_with = "lenient::opt_i64")]
    pub total_token_count: Option<i64>,
    #[serde(default, alias = "prompt_tokens_details")]
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
    #[serde(
        default,
        alias = "response_tokens_details",
        alias = "candidatesTokensDetails",
        alias = "candidates_tokens_details"
    )]
    pub response_tokens_details: Vec<ModalityTokenCount>,
}

/// A voice activity ack. The wire key is `type`; the SDKs' spelling is accepted too.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceActivity {
    #[serde(
        default,
        rename = "type",
        alias = "voiceActivityType",
        alias = "voice_activity_type"
    )]
    pub activity_type: String,
    #[serde(default, alias = "audio_offset", deserialize_with = "lenient::opt_duration")]
    pub audio_offset: Option<Duration>,
}

/// Vertex `explicitVadSignal` events.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceActivityDetectionSignal {
    #[serde(default, alias = "vad_signal_type")]
    pub vad_signal_type: String,
}

/// One decoded server frame. Every field is optional and several may be set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerMessage {
    pub setup_complete: Option<SetupComplete>,
    pub server_content: Option<ServerContent>,
    pub tool_call: Option<ToolCall>,
    pub tool_call_cancellation: Option<ToolCallCancellation>,
    pub go_away: Option<GoAway>,
    pub session_resumption_update: Option<SessionResumptionUpdate>,
    pub usage_metadata: Option<UsageMetadata>,
    pub voice_activity: Option<VoiceActivity>,
    pub voice_activity_detection_signal: Option<VoiceActivityDetectionSignal>,
    /// An in-band `error` object (not seen from the real service; Go's tests use it).
    pub error: Option<Value>,
    /// Top-level fields this library does not know, verbatim.
    pub unknown: Map<String, Value>,
}

impl ServerMessage {
    /// Decodes one frame's payload (text or binary frames carry the same UTF-8 JSON).
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        Ok(serde_json::from_slice(bytes)?)
    }
}

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MessageVisitor)
    }
}

struct MessageVisitor;

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = ServerMessage;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Live server message object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
        let mut m = ServerMessage::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "setupComplete" | "setup_complete" => m.setup_complete = map.next_value()?,
                "serverContent" | "server_content" => m.server_content = map.next_value()?,
                "toolCall" | "tool_call" => m.tool_call = map.next_value()?,
                "toolCallCancellation" | "tool_call_cancellation" => {
                    m.tool_call_cancellation = map.next_value()?
                }
                "goAway" | "go_away" => m.go_away = map.next_value()?,
                "sessionResumptionUpdate" | "session_resumption_update" => {
                    m.session_resumption_update = map.next_value()?
                }
                "usageMetadata" | "usage_metadata" => m.usage_metadata = map.next_value()?,
                "voiceActivity" | "voice_activity" => m.voice_activity = map.next_value()?,
                "voiceActivityDetectionSignal" | "voice_activity_detection_signal" => {
                    m.voice_activity_detection_signal = map.next_value()?
                }
                "error" => m.error = map.next_value()?,
                other => {
                    let value: Value = map.next_value()?;
                    m.unknown.insert(other.to_owned(), value);
                }
            }
        }
        Ok(m)
    }

    fn visit_unit<E: de::Error>(self) -> Result<ServerMessage, E> {
        Ok(ServerMessage::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> ServerMessage {
        ServerMessage::decode(s.as_bytes()).unwrap()
    }

    #[test]
    fn setup_complete_vectors_3_and_4() {
        let m = decode(r#"{"setupComplete":{"sessionId":"f162d11d-434a-4212-8a31-f1a4843cad11"}}"#);
        assert_eq!(
            m.setup_complete.unwrap().session_id.as_deref(),
            Some("f162d11d-434a-4212-8a31-f1a4843cad11")
        );
        let m = decode("{\n  \"setupComplete\": {}\n}");
        assert_eq!(m.setup_complete, Some(SetupComplete::default()));
    }

    #[test]
    fn text_turn_with_usage_vector_5() {
        let m = decode(r#"{"serverContent":{"modelTurn":{"parts":[{"text":"Yes, I'"}]}}}"#);
        assert_eq!(
            m.server_content.unwrap().model_turn.unwrap().parts[0]
                .text
                .as_deref(),
            Some("Yes, I'")
        );
        let m = decode(
            r#"{"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":515,"responseTokenCount":38,"totalTokenCount":553,"promptTokensDetails":[{"modality":"TEXT","tokenCount":515}],"responseTokensDetails":[{"modality":"TEXT","tokenCount":38}]}}"#,
        );
        assert!(m.server_content.unwrap().turn_complete);
        let u = m.usage_metadata.unwrap();
        assert_eq!(
            (u.prompt_token_count, u.response_token_count, u.total_token_count),
            (Some(515), Some(38), Some(553))
        );
        assert_eq!(u.response_tokens_details[0].token_count, Some(38));
    }

    #[test]
    fn vertex_usage_spelling() {
        let m = decode(
            r#"{"usageMetadata":{"candidatesTokenCount":"7","candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":7}],"trafficType":"ON_DEMAND"}}"#,
        );
        let u = m.usage_metadata.unwrap();
        assert_eq!(u.response_token_count, Some(7));
        assert_eq!(u.response_tokens_details[0].modality, "AUDIO");
    }

    #[test]
    fn audio_with_transcription_vector_9() {
        let m = decode(
            r#"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AQD+/w=="}}]},"outputTranscription":{"text":"Hello there"}}}"#,
        );
        let sc = m.server_content.unwrap();
        assert_eq!(
            sc.model_turn.unwrap().parts[0].inline_data.as_ref().unwrap().data,
            vec![1, 0, 0xfe, 0xff]
        );
        assert_eq!(sc.output_transcription.unwrap().text, "Hello there");
    }

    #[test]
    fn transcriptions_vector_10() {
        let m = decode(r#"{"serverContent":{"interimInputTranscription":{"text":"And so"}}}"#);
        assert_eq!(
            m.server_content
                .unwrap()
                .interim_input_transcription
                .unwrap()
                .text,
            "And so"
        );
        let m = decode(
            r#"{"serverContent":{"inputTranscription":{"text":"And so, my fellow Americans","finished":true}}}"#,
        );
        assert!(m.server_content.unwrap().input_transcription.unwrap().finished);
    }

    #[test]
    fn voice_activity_vector_11() {
        let m = decode(
            r#"{"serverContent":{},"voiceActivity":{"type":"ACTIVITY_START","audioOffset":"0.440s"}}"#,
        );
        assert!(m.server_content.is_some());
        let va = m.voice_activity.unwrap();
        assert_eq!(va.activity_type, "ACTIVITY_START");
        assert_eq!(va.audio_offset, Some(Duration::from_millis(440)));
        let m = decode(r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_SOS"}}"#);
        assert_eq!(
            m.voice_activity_detection_signal.unwrap().vad_signal_type,
            "VAD_SIGNAL_TYPE_SOS"
        );
    }

    #[test]
    fn barge_in_and_tool_call_vectors_12_and_13() {
        assert!(
            decode(r#"{"serverContent":{"interrupted":true}}"#)
                .server_content
                .unwrap()
                .interrupted
        );
        let m = decode(r#"{"toolCallCancellation":{"ids":["function-call-5831923424298605773"]}}"#);
        assert_eq!(
            m.tool_call_cancellation.unwrap().ids,
            vec!["function-call-5831923424298605773"]
        );
        let m = decode(
            r#"{"toolCall":{"functionCalls":[{"name":"get_current_weather","args":{"location":"Redmond, WA"},"id":"function-call-5831923424298605773"}]}}"#,
        );
        let call = &m.tool_call.unwrap().function_calls[0];
        assert_eq!(call.name, "get_current_weather");
        assert_eq!(call.args["location"], "Redmond, WA");
    }

    #[test]
    fn code_and_thought_parts_vectors_14_and_15() {
        let m = decode(
            r#"{"serverContent":{"modelTurn":{"parts":[{"executableCode":{"language":"PYTHON","code":"print(1)"}}]}}}"#,
        );
        assert!(m.server_content.unwrap().model_turn.unwrap().parts[0]
            .executable_code
            .is_some());
        let m = decode(
            r#"{"serverContent":{"modelTurn":{"parts":[{"text":"**Planning** the reply","thought":true}]}}}"#,
        );
        assert!(m.server_content.unwrap().model_turn.unwrap().parts[0].thought);
    }

    #[test]
    fn resumption_go_away_and_status_vector_16() {
        let m = decode(r#"{"sessionResumptionUpdate":{"newHandle":"CiQ3ZGE0","resumable":true}}"#);
        let u = m.session_resumption_update.unwrap();
        assert_eq!((u.new_handle.as_deref(), u.resumable), (Some("CiQ3ZGE0"), true));
        let u = decode(r#"{"sessionResumptionUpdate":{}}"#)
            .session_resumption_update
            .unwrap();
        assert!(!u.resumable && u.new_handle.is_none());
        let u = decode(r#"{"sessionResumptionUpdate":{"newHandle":"test_handle","resumable":"true","lastConsumedClientMessageIndex":"123456789"}}"#)
            .session_resumption_update
            .unwrap();
        assert_eq!(u.last_consumed_client_message_index, Some(123456789));
        assert!(u.resumable);
        let g = decode(r#"{"goAway":{"timeLeft":"50s"}}"#).go_away.unwrap();
        assert_eq!(g.time_left, Some(Duration::from_secs(50)));
        let sc = decode(r#"{"serverContent":{"turnComplete":true,"interactionStatus":"IDLE","turnCompleteReason":"NEED_MORE_INPUT","waitingForInput":true}}"#)
            .server_content
            .unwrap();
        assert_eq!(sc.interaction_status.as_deref(), Some("IDLE"));
        assert_eq!(sc.turn_complete_reason.as_deref(), Some("NEED_MORE_INPUT"));
        assert!(sc.waiting_for_input);
    }

    #[test]
    fn snake_case_and_unknown_fields_are_accepted() {
        let m = decode(
            r#"{"server_content":{"model_turn":{"parts":[{"inline_data":{"mime_type":"audio/pcm","data":"AQD-_w"}}]},"turn_complete":true},"brandNewThing":{"x":1}}"#,
        );
        let sc = m.server_content.unwrap();
        assert!(sc.turn_complete);
        assert_eq!(
            sc.model_turn.unwrap().parts[0].inline_data.as_ref().unwrap().data,
            vec![1, 0, 0xfe, 0xff]
        );
        assert_eq!(m.unknown["brandNewThing"]["x"], 1);
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        for bad in [
            "",
            "{",
            "[1,2]",
            "\"x\"",
            r#"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"data":"!!"}}]}}}"#,
        ] {
            assert!(
                ServerMessage::decode(bad.as_bytes()).is_err(),
                "{bad:?} should fail"
            );
        }
    }
}
