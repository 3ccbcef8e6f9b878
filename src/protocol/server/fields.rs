//! The fields a server message may carry, as the application sees them, and how each is read
//! from its JSON text (see [`super::read`]: first usable value wins, nothing fails the frame).

use super::model_turn::ModelTurn;
use super::read::{first, members, At, Entry, Read};
use crate::protocol::content::FunctionCall;
use crate::protocol::issues::FieldIssues;
use crate::protocol::raw_json::RawJson;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::time::Duration;

/// `setupComplete`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetupComplete {
    /// The server's session id (Vertex).
    pub session_id: Option<String>,
    /// `voiceConsentSignature.signature`: returned after replicated-voice consent verification.
    pub voice_consent_signature: Option<String>,
}

/// Speech-to-text of user input or model output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Transcription {
    pub text: String,
    pub finished: bool,
    pub language_code: Option<String>,
    pub speaker_label: Option<String>,
    /// `words` as sent: an array of `{word, startOffset, endOffset}`.
    pub words: Option<RawJson>,
}

/// `serverContent`. Decoded with its frame (its model turn is streamed); the other members are
/// read like every other field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerContent {
    pub model_turn: Option<ModelTurn>,
    pub generation_complete: bool,
    pub turn_complete: bool,
    pub interrupted: bool,
    pub input_transcription: Option<Transcription>,
    pub interim_input_transcription: Option<Transcription>,
    pub output_transcription: Option<Transcription>,
    pub turn_complete_reason: Option<String>,
    pub waiting_for_input: bool,
    pub interaction_status: Option<String>,
    pub grounding_metadata: Option<RawJson>,
    pub url_context_metadata: Option<RawJson>,
    /// Members this library does not know, verbatim, in wire order.
    pub unknown: Vec<(String, RawJson)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolCall {
    /// Calls with no id, name or arguments (`{}`) are skipped: there is nothing to answer.
    pub function_calls: Vec<FunctionCall>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolCallCancellation {
    /// Empty ids are skipped: they name no call.
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
/// (`candidatesTokenCount`): when both are sent the first usable one is kept. Counts that are
/// not int64 are absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageMetadata {
    pub prompt_token_count: Option<i64>,
    pub cached_content_token_count: Option<i64>,
    pub response_token_count: Option<i64>,
    pub tool_use_prompt_token_count: Option<i64>,
    pub thoughts_token_count: Option<i64>,
    pub total_token_count: Option<i64>,
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
    pub cache_tokens_details: Vec<ModalityTokenCount>,
    pub response_tokens_details: Vec<ModalityTokenCount>,
    pub tool_use_prompt_tokens_details: Vec<ModalityTokenCount>,
    /// `trafficType` (Vertex): `ON_DEMAND`, `PROVISIONED_THROUGHPUT`, ...
    pub traffic_type: Option<String>,
    /// `serviceTier`.
    pub service_tier: Option<String>,
}

/// A voice activity ack. The wire key is `type`; the SDKs' spelling is accepted too.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceActivity {
    pub activity_type: String,
    /// Absent when not sent or out of range.
    pub audio_offset: Option<Duration>,
}

/// Vertex `explicitVadSignal` events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VoiceActivityDetectionSignal {
    pub vad_signal_type: String,
}

/// The path of a nested object, for its members' issues.
fn nested(at: At) -> String {
    at.path()
}

/// Reads the members of the object at `$at` into `$out`: `"key" | "alias" => field`.
macro_rules! read_object {
    (@first $first:literal $($rest:literal)*) => { $first };
    ($raw:expr, $at:expr, $issues:expr, $_out:ident { $($($key:literal)|+ => $field:ident),* $(,)? }) => {{
        let members = members($raw, $at, $issues)?;
        let path = nested($at);
        $(let mut $field = None;)*
        for (key, value) in members.0 {
            match key.as_ref() {
                $($($key)|+ => first(&mut $field, value, &path, read_object!(@first $($key)+), $issues),)*
                _ => {}
            }
        }
        ($($field,)*)
    }};
}

impl Read for SetupComplete {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (session_id, consent): (_, Option<ConsentSignature>) = read_object!(raw, at, issues, s {
            "sessionId" | "session_id" => session_id,
            "voiceConsentSignature" | "voice_consent_signature" => consent,
        });
        Some(SetupComplete {
            session_id,
            voice_consent_signature: consent.and_then(|c| c.0),
        })
    }
}

#[derive(Default)]
struct ConsentSignature(Option<String>);

impl Read for ConsentSignature {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (signature,) = read_object!(raw, at, issues, s { "signature" => signature });
        Some(ConsentSignature(signature))
    }
}

impl Read for Transcription {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (text, finished, language_code, speaker_label, words) = read_object!(raw, at, issues, t {
            "text" => text,
            "finished" => finished,
            "languageCode" | "language_code" => language_code,
            "speakerLabel" | "speaker_label" => speaker_label,
            "words" => words,
        });
        Some(Transcription {
            text: text.unwrap_or_default(),
            finished: finished.unwrap_or(false),
            language_code,
            speaker_label,
            words,
        })
    }
}

impl Read for FunctionCall {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (id, name, args, will_continue, partial_args) = read_object!(raw, at, issues, c {
            "id" => id,
            "name" => name,
            "args" => args,
            "willContinue" | "will_continue" => will_continue,
            "partialArgs" | "partial_args" => partial_args,
        });
        Some(FunctionCall {
            id: id.unwrap_or_default(),
            name: name.unwrap_or_default(),
            args,
            streamed: (will_continue.is_some() || partial_args.is_some()).then(|| {
                Box::new(crate::protocol::content::StreamedArgs {
                    will_continue: will_continue.unwrap_or(false),
                    partial_args,
                })
            }),
        })
    }
}

impl Entry for FunctionCall {
    fn is_empty(&self) -> bool {
        crate::protocol::lenient::Empty::is_empty(self)
    }
}

impl Read for ToolCall {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (function_calls,) = read_object!(raw, at, issues, t {
            "functionCalls" | "function_calls" => function_calls,
        });
        Some(ToolCall {
            function_calls: function_calls.unwrap_or_default(),
        })
    }
}

impl Read for ToolCallCancellation {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (ids,) = read_object!(raw, at, issues, t { "ids" => ids });
        Some(ToolCallCancellation {
            ids: ids.unwrap_or_default(),
        })
    }
}

impl Read for GoAway {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (time_left,) = read_object!(raw, at, issues, g { "timeLeft" | "time_left" => time_left });
        Some(GoAway { time_left })
    }
}

impl Read for SessionResumptionUpdate {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (new_handle, resumable, index) = read_object!(raw, at, issues, u {
            "newHandle" | "new_handle" => new_handle,
            "resumable" => resumable,
            "lastConsumedClientMessageIndex" | "last_consumed_client_message_index" => index,
        });
        Some(SessionResumptionUpdate {
            new_handle,
            resumable: resumable.unwrap_or(false),
            last_consumed_client_message_index: index,
        })
    }
}

impl Read for ModalityTokenCount {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (modality, token_count) = read_object!(raw, at, issues, m {
            "modality" => modality,
            "tokenCount" | "token_count" => token_count,
        });
        Some(ModalityTokenCount {
            modality: modality.unwrap_or_default(),
            token_count,
        })
    }
}

impl Entry for ModalityTokenCount {
    fn is_empty(&self) -> bool {
        self.modality.is_empty() && self.token_count.is_none()
    }
}

impl Read for UsageMetadata {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (prompt, cached, response, tool_use, thoughts, total, pd, cd, rd, td, traffic, tier) = read_object!(raw, at, issues, u {
            "promptTokenCount" | "prompt_token_count" => prompt,
            "cachedContentTokenCount" | "cached_content_token_count" => cached,
            "responseTokenCount" | "response_token_count" | "candidatesTokenCount"
                | "candidates_token_count" => response,
            "toolUsePromptTokenCount" | "tool_use_prompt_token_count" => tool_use,
            "thoughtsTokenCount" | "thoughts_token_count" => thoughts,
            "totalTokenCount" | "total_token_count" => total,
            "promptTokensDetails" | "prompt_tokens_details" => pd,
            "cacheTokensDetails" | "cache_tokens_details" => cd,
            "responseTokensDetails" | "response_tokens_details" | "candidatesTokensDetails"
                | "candidates_tokens_details" => rd,
            "toolUsePromptTokensDetails" | "tool_use_prompt_tokens_details" => td,
            "trafficType" | "traffic_type" => traffic,
            "serviceTier" | "service_tier" => tier,
        });
        Some(UsageMetadata {
            prompt_token_count: prompt,
            cached_content_token_count: cached,
            response_token_count: response,
            tool_use_prompt_token_count: tool_use,
            thoughts_token_count: thoughts,
            total_token_count: total,
            prompt_tokens_details: pd.unwrap_or_default(),
            cache_tokens_details: cd.unwrap_or_default(),
            response_tokens_details: rd.unwrap_or_default(),
            tool_use_prompt_tokens_details: td.unwrap_or_default(),
            traffic_type: traffic,
            service_tier: tier,
        })
    }
}

impl Read for VoiceActivity {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (activity_type, audio_offset) = read_object!(raw, at, issues, v {
            "type" | "voiceActivityType" | "voice_activity_type" => activity_type,
            "audioOffset" | "audio_offset" => audio_offset,
        });
        Some(VoiceActivity {
            activity_type: activity_type.unwrap_or_default(),
            audio_offset,
        })
    }
}

impl Read for VoiceActivityDetectionSignal {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        let (vad_signal_type,) = read_object!(raw, at, issues, v {
            "vadSignalType" | "vad_signal_type" => vad_signal_type,
        });
        Some(VoiceActivityDetectionSignal {
            vad_signal_type: vad_signal_type.unwrap_or_default(),
        })
    }
}

/// `Deserialize` for the field types decoded on their own (not inside a frame): issues are
/// dropped and an unusable value is the type's default.
macro_rules! deserialize_discarding_issues {
    ($($name:ident),*) => {$(
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = Box::<RawValue>::deserialize(d)?;
                let mut issues = FieldIssues::default();
                Ok(<$name as Read>::read(raw.get(), At::root(""), &mut issues).unwrap_or_default())
            }
        }
    )*};
}

deserialize_discarding_issues!(
    SetupComplete,
    Transcription,
    ToolCall,
    ToolCallCancellation,
    GoAway,
    SessionResumptionUpdate,
    ModalityTokenCount,
    UsageMetadata,
    VoiceActivity,
    VoiceActivityDetectionSignal
);
