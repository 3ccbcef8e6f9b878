//! The fields a server message may carry, as the application sees them.
//!
//! Types holding numbers decode through their range-checked wire forms ([`super::checked`]):
//! inside a [`super::ServerMessage`] an unusable number is reported as a field issue; decoded
//! on their own, it is simply left absent.

use super::model_turn::ModelTurn;
use crate::protocol::content::FunctionCall;
use crate::protocol::lenient;
use crate::protocol::raw_json::RawJson;
use serde::Deserialize;
use std::time::Duration;

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
    pub model_turn: Option<ModelTurn>,
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
    pub grounding_metadata: Option<RawJson>,
    #[serde(default, alias = "url_context_metadata")]
    pub url_context_metadata: Option<RawJson>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    /// Calls with no id, name or arguments (`{}`) are skipped: there is nothing to answer.
    #[serde(default, alias = "function_calls", deserialize_with = "lenient::skip_empty")]
    pub function_calls: Vec<FunctionCall>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ToolCallCancellation {
    /// Empty ids are skipped: they name no call.
    #[serde(default, deserialize_with = "lenient::skip_empty")]
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoAway {
    /// Absent when not sent or out of range (more than 10,000 years, negative, not a duration).
    pub time_left: Option<Duration>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionResumptionUpdate {
    pub new_handle: Option<String>,
    pub resumable: bool,
    /// Absent when not sent or not an int64.
    pub last_consumed_client_message_index: Option<i64>,
}

/// Token counts per modality.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModalityTokenCount {
    pub modality: String,
    pub token_count: Option<i64>,
}

/// Token usage, in either the Gemini API spelling (`responseTokenCount`) or Vertex's
/// (`candidatesTokenCount`). Counts that are not int64 are absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageMetadata {
    pub prompt_token_count: Option<i64>,
    pub cached_content_token_count: Option<i64>,
    pub response_token_count: Option<i64>,
    pub tool_use_prompt_token_count: Option<i64>,
    pub thoughts_token_count: Option<i64>,
    pub total_token_count: Option<i64>,
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
    pub response_tokens_details: Vec<ModalityTokenCount>,
}

/// A voice activity ack. The wire key is `type`; the SDKs' spelling is accepted too.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceActivity {
    pub activity_type: String,
    /// Absent when not sent or out of range.
    pub audio_offset: Option<Duration>,
}

/// Vertex `explicitVadSignal` events.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoiceActivityDetectionSignal {
    #[serde(default, alias = "vad_signal_type")]
    pub vad_signal_type: String,
}
