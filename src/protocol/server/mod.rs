//! Server-to-client messages and their lenient decoding.
//!
//! One server message may carry several fields at once (`serverContent` with `voiceActivity`,
//! anything with `usageMetadata`), so every field is decoded independently; nothing is
//! `else if`. Keys are accepted in camelCase and snake_case; unknown top-level fields are kept
//! in [`ServerMessage::unknown`] so the session can surface them raw.
//!
//! Decoding is total: a frame that is JSON but holds a number no field can represent still
//! decodes, with that field absent and the problem in [`ServerMessage::issues`]. Only frames
//! that are not JSON objects, or whose fields have the wrong JSON types, fail.

mod checked;
mod fields;
mod model_turn;
#[cfg(test)]
mod tests;

pub use fields::{
    GoAway, ModalityTokenCount, ServerContent, SessionResumptionUpdate, SetupComplete, ToolCall,
    ToolCallCancellation, Transcription, UsageMetadata, VoiceActivity, VoiceActivityDetectionSignal,
};
pub use model_turn::{ModelTurn, ServerPart};

use super::issues::FieldIssues;
use super::lenient::Text;
use super::raw_json::RawJson;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
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
    /// Top-level fields this library does not know, verbatim, in wire order.
    pub unknown: Vec<(String, RawJson)>,
    /// Fields left absent because their values could not be represented.
    pub issues: FieldIssues,
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
        let issues = &mut m.issues;
        while let Some(Text(key)) = map.next_key()? {
            match key.as_ref() {
                "setupComplete" | "setup_complete" => m.setup_complete = map.next_value()?,
                "serverContent" | "server_content" => m.server_content = map.next_value()?,
                "toolCall" | "tool_call" => m.tool_call = map.next_value()?,
                "toolCallCancellation" | "tool_call_cancellation" => {
                    m.tool_call_cancellation = map.next_value()?
                }
                "goAway" | "go_away" => {
                    m.go_away = map
                        .next_value::<Option<checked::GoAway>>()?
                        .map(|w| w.check(issues))
                }
                "sessionResumptionUpdate" | "session_resumption_update" => {
                    m.session_resumption_update = map
                        .next_value::<Option<checked::SessionResumptionUpdate>>()?
                        .map(|w| w.check(issues))
                }
                "usageMetadata" | "usage_metadata" => {
                    m.usage_metadata = map
                        .next_value::<Option<checked::UsageMetadata>>()?
                        .map(|w| w.check(issues))
                }
                "voiceActivity" | "voice_activity" => {
                    m.voice_activity = map
                        .next_value::<Option<checked::VoiceActivity>>()?
                        .map(|w| w.check(issues))
                }
                "voiceActivityDetectionSignal" | "voice_activity_detection_signal" => {
                    m.voice_activity_detection_signal = map.next_value()?
                }
                "error" => m.error = map.next_value()?,
                other => {
                    let value: RawJson = map.next_value()?;
                    m.unknown.push((other.to_owned(), value));
                }
            }
        }
        Ok(m)
    }

    fn visit_unit<E: de::Error>(self) -> Result<ServerMessage, E> {
        Ok(ServerMessage::default())
    }
}
