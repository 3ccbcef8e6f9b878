//! Server-to-client messages and their lenient decoding.
//!
//! One server message may carry several fields at once (`serverContent` with `voiceActivity`,
//! anything with `usageMetadata`), so every field is decoded independently; nothing is
//! `else if`. Keys are accepted in camelCase and snake_case; unknown top-level fields are kept
//! in [`ServerMessage::unknown`] so the session can surface them raw.
//!
//! Decoding is field by field and total: a field of the wrong type or shape, a number no field
//! can represent, JSON nested too deeply or data that is not base64 leaves that field absent,
//! with the problem in [`ServerMessage::issues`], and the rest of the frame decodes. A key sent
//! twice, or in both of its spellings (`responseTokenCount` and `candidatesTokenCount`), is
//! taken from its first usable value. Only frames that are not JSON objects fail.

mod fields;
mod model_turn;
mod read;
#[cfg(test)]
mod tests;

pub use fields::{
    GoAway, ModalityTokenCount, ServerContent, SessionResumptionUpdate, SetupComplete, ToolCall,
    ToolCallCancellation, Transcription, UsageMetadata, VoiceActivity, VoiceActivityDetectionSignal,
};
pub use model_turn::{DetailPart, ModelTurn, ServerPart};

use super::issues::FieldIssues;
use super::lenient::Text;
use super::raw_json::RawJson;
use model_turn::TurnSeed;
use read::{first, reject, stream, At, Read, WRONG_TYPE};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt;

/// Why decoding a frame failed.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("server frame is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("server frame is not UTF-8")]
    Utf8,
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
    pub error: Option<RawJson>,
    /// Top-level fields this library does not know, verbatim, in wire order (a key sent twice
    /// is kept twice: checking would cost a search per key).
    pub unknown: Vec<(String, RawJson)>,
    /// Fields left absent because their values could not be represented.
    pub issues: FieldIssues,
}

impl ServerMessage {
    /// Decodes one frame's payload (text or binary frames carry the same UTF-8 JSON).
    ///
    /// One pass streams the frame; if that fails on a value serde_json cannot stream (a number
    /// beyond f64 or a lone surrogate inside a streamed container), a second, careful pass
    /// costs only that container. A frame that is not a JSON object fails both.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        match de
            .deserialize_map(MessageVisitor { careful: false })
            .and_then(|m| de.end().map(|()| m))
        {
            Ok(m) => Ok(m),
            Err(first) => {
                let mut de = serde_json::Deserializer::from_slice(bytes);
                de.deserialize_map(MessageVisitor { careful: true })
                    .and_then(|m| de.end().map(|()| m))
                    .map_err(|_| DecodeError::Json(first))
            }
        }
    }
}

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MessageVisitor { careful: false })
    }
}

/// `careful`: take the streamed containers as text first (see [`read::stream`]).
struct MessageVisitor {
    careful: bool,
}

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = ServerMessage;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Live server message object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
        let mut m = ServerMessage::default();
        let issues = &mut m.issues;
        let mut content_seen = false;
        while let Some(Text(key)) = map.next_key()? {
            let key = key.as_ref();
            if matches!(key, "serverContent" | "server_content") {
                if content_seen {
                    map.next_value::<IgnoredAny>()?;
                } else {
                    content_seen = true;
                    let seed = ContentSeed {
                        out: &mut m.server_content,
                        issues: &mut *issues,
                        careful: self.careful,
                    };
                    stream!(map, self.careful, CONTENT, issues, seed, next_value);
                }
                continue;
            }
            let raw: &'de RawValue = map.next_value()?;
            let p = "";
            match key {
                "setupComplete" | "setup_complete" => {
                    first(&mut m.setup_complete, raw, p, "setupComplete", issues)
                }
                "toolCall" | "tool_call" => first(&mut m.tool_call, raw, p, "toolCall", issues),
                "toolCallCancellation" | "tool_call_cancellation" => first(
                    &mut m.tool_call_cancellation,
                    raw,
                    p,
                    "toolCallCancellation",
                    issues,
                ),
                "goAway" | "go_away" => first(&mut m.go_away, raw, p, "goAway", issues),
                "sessionResumptionUpdate" | "session_resumption_update" => first(
                    &mut m.session_resumption_update,
                    raw,
                    p,
                    "sessionResumptionUpdate",
                    issues,
                ),
                "usageMetadata" | "usage_metadata" => {
                    first(&mut m.usage_metadata, raw, p, "usageMetadata", issues)
                }
                "voiceActivity" | "voice_activity" => {
                    first(&mut m.voice_activity, raw, p, "voiceActivity", issues)
                }
                "voiceActivityDetectionSignal" | "voice_activity_detection_signal" => first(
                    &mut m.voice_activity_detection_signal,
                    raw,
                    p,
                    "voiceActivityDetectionSignal",
                    issues,
                ),
                "error" => first(&mut m.error, raw, p, "error", issues),
                other => {
                    if let Some(value) = RawJson::read(raw.get(), At::root(other), issues) {
                        m.unknown.push((other.to_owned(), value));
                    }
                }
            }
        }
        Ok(m)
    }

    fn visit_unit<E: de::Error>(self) -> Result<ServerMessage, E> {
        Ok(ServerMessage::default())
    }
}

const CONTENT: &str = "serverContent";

/// Reads `serverContent` into `out`: the model turn streamed, every other member from its text.
struct ContentSeed<'a> {
    out: &'a mut Option<ServerContent>,
    issues: &'a mut FieldIssues,
    careful: bool,
}

impl<'de> DeserializeSeed<'de> for ContentSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ContentSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a serverContent object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.wrong(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.wrong(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.wrong(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.wrong(&v.to_string())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.wrong(&super::lenient::quote(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.wrong("an array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (issues, careful) = (self.issues, self.careful);
        let sc = self.out.get_or_insert_with(ServerContent::default);
        let (mut generation, mut turn, mut interrupted, mut waiting) = (None, None, None, None);
        let mut turn_seen = false;
        while let Some(Text(key)) = map.next_key()? {
            let key = key.as_ref();
            if matches!(key, "modelTurn" | "model_turn") {
                if turn_seen {
                    map.next_value::<IgnoredAny>()?;
                } else {
                    turn_seen = true;
                    let seed = TurnSeed {
                        out: &mut sc.model_turn,
                        issues: &mut *issues,
                        careful,
                    };
                    stream!(map, careful, model_turn::TURN, issues, seed, next_value);
                }
                continue;
            }
            let raw: &'de RawValue = map.next_value()?;
            let p = CONTENT;
            match key {
                "generationComplete" | "generation_complete" => {
                    first(&mut generation, raw, p, "generationComplete", issues)
                }
                "turnComplete" | "turn_complete" => first(&mut turn, raw, p, "turnComplete", issues),
                "interrupted" => first(&mut interrupted, raw, p, "interrupted", issues),
                "waitingForInput" | "waiting_for_input" => {
                    first(&mut waiting, raw, p, "waitingForInput", issues)
                }
                "inputTranscription" | "input_transcription" => {
                    first(&mut sc.input_transcription, raw, p, "inputTranscription", issues)
                }
                "interimInputTranscription" | "interim_input_transcription" => first(
                    &mut sc.interim_input_transcription,
                    raw,
                    p,
                    "interimInputTranscription",
                    issues,
                ),
                "outputTranscription" | "output_transcription" => first(
                    &mut sc.output_transcription,
                    raw,
                    p,
                    "outputTranscription",
                    issues,
                ),
                "turnCompleteReason" | "turn_complete_reason" => {
                    first(&mut sc.turn_complete_reason, raw, p, "turnCompleteReason", issues)
                }
                "interactionStatus" | "interaction_status" => {
                    first(&mut sc.interaction_status, raw, p, "interactionStatus", issues)
                }
                "groundingMetadata" | "grounding_metadata" => {
                    first(&mut sc.grounding_metadata, raw, p, "groundingMetadata", issues)
                }
                "urlContextMetadata" | "url_context_metadata" => {
                    first(&mut sc.url_context_metadata, raw, p, "urlContextMetadata", issues)
                }
                other => {
                    let at = At {
                        parent: CONTENT,
                        key: other,
                    };
                    if let Some(value) = RawJson::read(raw.get(), at, issues) {
                        sc.unknown.push((other.to_owned(), value));
                    }
                }
            }
        }
        sc.generation_complete = generation.unwrap_or(false);
        sc.turn_complete = turn.unwrap_or(false);
        sc.interrupted = interrupted.unwrap_or(false);
        sc.waiting_for_input = waiting.unwrap_or(false);
        Ok(())
    }
}

impl ContentSeed<'_> {
    fn wrong<E>(self, shown: &str) -> Result<(), E> {
        reject(At::root(CONTENT), shown, WRONG_TYPE, self.issues);
        Ok(())
    }
}

impl<'de> Deserialize<'de> for ServerContent {
    /// On its own (not inside a frame): issues are dropped.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut out = None;
        ContentSeed {
            out: &mut out,
            issues: &mut FieldIssues::default(),
            careful: false,
        }
        .deserialize(d)?;
        Ok(out.unwrap_or_default())
    }
}
