//! `serverContent.modelTurn`, decoded part by part into a compact list.
//!
//! A turn may hold a million parts in one in-limit frame. Each wire part is read into locals
//! and appended as at most a few small [`ServerPart`]s: adjacent text parts of the same kind
//! are merged into one (applications concatenate them anyway), and parts that carry nothing
//! (`{}`, empty text, empty audio, a bare `thoughtSignature`) are dropped, so the list costs
//! a small multiple of the frame whatever its shape.

use crate::protocol::content::{Blob, FunctionCall};
use crate::protocol::lenient::{Empty, Flag, Text};
use crate::protocol::raw_json::JsonObject;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// The model's output in one message. Vertex adds `role: "model"`; the Gemini API omits it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelTurn {
    pub role: Option<String>,
    pub parts: Vec<ServerPart>,
}

/// One piece of model output, in wire order.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerPart {
    /// Text; adjacent text parts arrive merged.
    Text(String),
    /// A thought summary (`includeThoughts`); adjacent ones arrive merged.
    Thought(String),
    /// Inline bytes: model audio (`audio/pcm;rate=24000`) or other media.
    InlineData(Blob),
    /// A function call inside the turn (boxed: rare, and larger than the other variants).
    FunctionCall(Box<FunctionCall>),
    /// `executableCode`, `codeExecutionResult`, `fileData`, or a part kind this library does
    /// not know, as compact JSON text: an object holding those fields of the part.
    Other(String),
}

impl<'de> Deserialize<'de> for ModelTurn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TurnVisitor)
    }
}

struct TurnVisitor;

impl<'de> Visitor<'de> for TurnVisitor {
    type Value = ModelTurn;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Content object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ModelTurn, A::Error> {
        let mut turn = ModelTurn::default();
        while let Some(Text(key)) = map.next_key()? {
            match key.as_ref() {
                "role" => turn.role = map.next_value()?,
                "parts" => map.next_value_seed(Parts(&mut turn.parts))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(turn)
    }
}

/// Appends the parts of a `parts` array (or nothing, for `null`).
struct Parts<'a>(&'a mut Vec<ServerPart>);

impl<'de> DeserializeSeed<'de> for Parts<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Parts<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of parts")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(OnePart(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Reads one part object and appends what it carries.
struct OnePart<'a>(&'a mut Vec<ServerPart>);

impl<'de> DeserializeSeed<'de> for OnePart<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for OnePart<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Part object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut text: Option<Cow<'de, str>> = None;
        let mut thought = false;
        let mut blob: Option<Blob> = None;
        let mut call: Option<FunctionCall> = None;
        // Code parts are always surfaced; unknown keys only when the part has nothing else
        // (a new part kind), not when they decorate a known one.
        let mut code = JsonObject::default();
        let mut unknown = JsonObject::default();
        while let Some(Text(key)) = map.next_key()? {
            match key.as_ref() {
                "text" => text = map.next_value::<Option<Text>>()?.map(|t| t.0),
                "thought" => thought = map.next_value::<Flag>()?.0,
                "thoughtSignature" | "thought_signature" => {
                    map.next_value::<IgnoredAny>()?;
                }
                "inlineData" | "inline_data" => blob = map.next_value()?,
                "functionCall" | "function_call" => call = map.next_value()?,
                "executableCode" | "executable_code" => code.add_raw("executableCode", map.next_value()?),
                "codeExecutionResult" | "code_execution_result" => {
                    code.add_raw("codeExecutionResult", map.next_value()?)
                }
                "fileData" | "file_data" => code.add_raw("fileData", map.next_value()?),
                other => unknown.add_raw(other, map.next_value()?),
            }
        }
        let parts = self.0;
        let mut carried = false;
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            push_text(parts, text, thought);
            carried = true;
        }
        if let Some(blob) = blob.filter(|b| !b.data.is_empty()) {
            parts.push(ServerPart::InlineData(blob));
            carried = true;
        }
        if let Some(call) = call.filter(|c| !c.is_empty()) {
            parts.push(ServerPart::FunctionCall(Box::new(call)));
            carried = true;
        }
        if let Some(code) = code.finish() {
            parts.push(ServerPart::Other(code));
        } else if !carried {
            if let Some(unknown) = unknown.finish() {
                parts.push(ServerPart::Other(unknown));
            }
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Appends text, merged into the previous part when that is text of the same kind.
fn push_text(parts: &mut Vec<ServerPart>, text: Cow<'_, str>, thought: bool) {
    match (parts.last_mut(), thought) {
        (Some(ServerPart::Text(previous)), false) | (Some(ServerPart::Thought(previous)), true) => {
            previous.push_str(&text)
        }
        (_, false) => parts.push(ServerPart::Text(text.into_owned())),
        (_, true) => parts.push(ServerPart::Thought(text.into_owned())),
    }
}
