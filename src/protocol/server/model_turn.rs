//! `serverContent.modelTurn`, decoded part by part into a compact list.
//!
//! A turn may hold a million parts in one in-limit frame. Each wire part is read into locals
//! and appended as at most a few small [`ServerPart`]s: adjacent text parts of the same kind
//! are merged into one (applications concatenate them anyway), and parts that carry nothing
//! (`{}`, empty text, empty inline data) are dropped, so the list costs a small multiple of the
//! frame whatever its shape.
//!
//! The turn, its parts and their inline data are streamed (audio is decoded straight from the
//! frame); every other member of a part is read from its JSON text like any other field, so a
//! member of the wrong type is a field issue, not a lost frame.

use super::read::{first, members, reject, stream, At, Read, WRONG_TYPE};
use crate::protocol::content::{Blob, FunctionCall};
use crate::protocol::issues::FieldIssues;
use crate::protocol::lenient::{decode_base64, Text};
use crate::protocol::raw_json::{JsonObject, RawJson};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

pub(crate) const TURN: &str = "serverContent.modelTurn";
const PARTS: &str = "serverContent.modelTurn.parts";
const PART: &str = "serverContent.modelTurn.parts[]";
const INLINE: &str = "serverContent.modelTurn.parts[].inlineData";

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
    /// Inline bytes with their MIME type: model audio (`audio/pcm;rate=24000`), images, video.
    InlineData(Blob),
    /// A function call inside the turn (boxed: rare, and larger than the other variants).
    FunctionCall(Box<FunctionCall>),
    /// A part's `thoughtSignature` (base64 text as sent), right after what the part carried.
    ThoughtSignature(String),
    /// `executableCode`: `text` is the code, `label` the language.
    ExecutableCode(Box<DetailPart>),
    /// `codeExecutionResult`: `text` is the output, `label` the outcome.
    CodeExecutionResult(Box<DetailPart>),
    /// `fileData`: `text` is the file URI, `label` the display name.
    FileData(Box<DetailPart>),
    /// A server-side tool call (`toolCall` part), as compact JSON.
    ServerToolCall(String),
    /// A server-side tool result (`toolResponse` part), as compact JSON.
    ServerToolResponse(String),
    /// A part kind this library does not know (or a `functionResponse`), as compact JSON text:
    /// an object holding the part's fields.
    Other(String),
}

/// A structured part's main fields, and the whole member as compact JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DetailPart {
    pub id: Option<String>,
    pub label: Option<String>,
    pub text: Option<String>,
    pub mime_type: Option<String>,
    /// The member's object, compact (`{"language":"PYTHON","code":"..."}`).
    pub json: String,
}

/// Which fields of a structured part go where: (text key, label key).
struct Shape {
    text: &'static str,
    label: &'static str,
}

const CODE: Shape = Shape {
    text: "code",
    label: "language",
};
const RESULT: Shape = Shape {
    text: "output",
    label: "outcome",
};
const FILE: Shape = Shape {
    text: "fileUri",
    label: "displayName",
};

fn detail(json: RawJson, shape: &Shape, key: &str, issues: &mut FieldIssues) -> Option<Box<DetailPart>> {
    let path = format!("{PART}.{key}");
    let at = At {
        parent: &path,
        key: "",
    };
    let (mut id, mut label, mut text, mut mime_type) = (None, None, None, None);
    for (k, v) in members(json.get(), at, issues)?.0 {
        let camel = match k.as_ref() {
            "file_uri" => "fileUri",
            "display_name" => "displayName",
            "mime_type" => "mimeType",
            other => other,
        };
        match camel {
            "id" => first(&mut id, v, &path, "id", issues),
            "mimeType" => first(&mut mime_type, v, &path, "mimeType", issues),
            c if c == shape.text => first(&mut text, v, &path, shape.text, issues),
            c if c == shape.label => first(&mut label, v, &path, shape.label, issues),
            _ => {}
        }
    }
    Some(Box::new(DetailPart {
        id,
        label,
        text,
        mime_type,
        json: json.into_compact_string(),
    }))
}

/// Consumes a map or a list of any depth (`IgnoredAny` skips iteratively).
fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The scalar `visit_*` methods of a streamed container: a value of the wrong type is
/// reported under `$path` and the container is left as it is.
macro_rules! scalars_are_wrong {
    ($path:expr) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
            reject(At::root($path), &v.to_string(), WRONG_TYPE, self.issues);
            Ok(())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
            reject(At::root($path), &v.to_string(), WRONG_TYPE, self.issues);
            Ok(())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
            reject(At::root($path), &v.to_string(), WRONG_TYPE, self.issues);
            Ok(())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
            reject(At::root($path), &v.to_string(), WRONG_TYPE, self.issues);
            Ok(())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
            reject(
                At::root($path),
                &crate::protocol::lenient::quote(v),
                WRONG_TYPE,
                self.issues,
            );
            Ok(())
        }
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }
    };
}

/// Reads a `modelTurn` into `out`, recording issues.
pub(crate) struct TurnSeed<'a> {
    pub out: &'a mut Option<ModelTurn>,
    pub issues: &'a mut FieldIssues,
    pub careful: bool,
}

impl<'de> DeserializeSeed<'de> for TurnSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TurnSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Content object")
    }

    scalars_are_wrong!(TURN);

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        reject(At::root(TURN), "an array", WRONG_TYPE, self.issues);
        skip_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let turn = self.out.get_or_insert_with(ModelTurn::default);
        let mut role_seen = false;
        let mut parts_seen = false;
        while let Some(Text(key)) = map.next_key()? {
            match key.as_ref() {
                "role" if !role_seen => {
                    role_seen = true;
                    let raw = map.next_value::<&RawValue>()?;
                    turn.role = String::read(
                        raw.get(),
                        At {
                            parent: TURN,
                            key: "role",
                        },
                        self.issues,
                    );
                }
                "parts" if !parts_seen => {
                    parts_seen = true;
                    let seed = Parts {
                        parts: &mut turn.parts,
                        issues: &mut *self.issues,
                        careful: self.careful,
                    };
                    stream!(map, self.careful, PARTS, self.issues, seed, next_value);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Appends the parts of a `parts` array (or nothing, for `null`).
struct Parts<'a> {
    parts: &'a mut Vec<ServerPart>,
    issues: &'a mut FieldIssues,
    careful: bool,
}

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

    scalars_are_wrong!(PARTS);

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        reject(At::root(PARTS), "an object", WRONG_TYPE, self.issues);
        skip_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.careful {
            while let Some(raw) = seq.next_element::<&RawValue>()? {
                let seed = OnePart {
                    parts: &mut *self.parts,
                    issues: &mut *self.issues,
                    careful: true,
                };
                stream!(@raw raw, PART, self.issues, seed);
            }
            return Ok(());
        }
        while seq
            .next_element_seed(OnePart {
                parts: &mut *self.parts,
                issues: &mut *self.issues,
                careful: false,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// Reads one part object and appends what it carries.
struct OnePart<'a> {
    parts: &'a mut Vec<ServerPart>,
    issues: &'a mut FieldIssues,
    careful: bool,
}

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

    scalars_are_wrong!(PART);

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        reject(At::root(PART), "an array", WRONG_TYPE, self.issues);
        skip_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let issues = self.issues;
        let mut text: Option<Cow<'de, str>> = None;
        let mut thought: Option<bool> = None;
        let mut signature: Option<String> = None;
        let mut blob: Option<Blob> = None;
        let mut call: Option<FunctionCall> = None;
        let mut code: Option<RawJson> = None;
        let mut result: Option<RawJson> = None;
        let mut file: Option<RawJson> = None;
        let mut tool_call: Option<RawJson> = None;
        let mut tool_response: Option<RawJson> = None;
        // Unknown keys surface only when the part has nothing else (a new part kind), not when
        // they decorate a known one (they stay readable in the frame's raw view).
        let mut unknown = JsonObject::default();
        while let Some(Text(key)) = map.next_key()? {
            match key.as_ref() {
                "inlineData" | "inline_data" if blob.is_none() => {
                    let seed = BlobSeed {
                        out: &mut blob,
                        issues: &mut *issues,
                    };
                    stream!(map, self.careful, INLINE, issues, seed, next_value);
                }
                "inlineData" | "inline_data" => {
                    map.next_value::<IgnoredAny>()?;
                }
                other => {
                    let raw: &'de RawValue = map.next_value()?;
                    match other {
                        "text" => {
                            if text.is_none() {
                                text = match serde_json::from_str::<Option<Text<'de>>>(raw.get()) {
                                    Ok(t) => t.map(|t| t.0),
                                    Err(_) => {
                                        reject(
                                            At {
                                                parent: PART,
                                                key: "text",
                                            },
                                            raw.get(),
                                            WRONG_TYPE,
                                            issues,
                                        );
                                        None
                                    }
                                };
                            }
                        }
                        "thought" => first(&mut thought, raw, PART, "thought", issues),
                        "thoughtSignature" | "thought_signature" => {
                            first(&mut signature, raw, PART, "thoughtSignature", issues)
                        }
                        "functionCall" | "function_call" => {
                            first(&mut call, raw, PART, "functionCall", issues)
                        }
                        "executableCode" | "executable_code" => {
                            first(&mut code, raw, PART, "executableCode", issues)
                        }
                        "codeExecutionResult" | "code_execution_result" => {
                            first(&mut result, raw, PART, "codeExecutionResult", issues)
                        }
                        "fileData" | "file_data" => first(&mut file, raw, PART, "fileData", issues),
                        "toolCall" | "tool_call" => first(&mut tool_call, raw, PART, "toolCall", issues),
                        "toolResponse" | "tool_response" => {
                            first(&mut tool_response, raw, PART, "toolResponse", issues)
                        }
                        other => {
                            let at = At {
                                parent: PART,
                                key: other,
                            };
                            if let Some(value) = RawJson::read(raw.get(), at, issues) {
                                unknown.add_raw(other, value);
                            }
                        }
                    }
                }
            }
        }
        let parts = self.parts;
        let before = parts.len();
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            push_text(parts, text, thought.unwrap_or(false));
        }
        if let Some(blob) = blob.filter(|b| !b.data.is_empty()) {
            parts.push(ServerPart::InlineData(blob));
        }
        if let Some(call) = call.filter(|c| !crate::protocol::lenient::Empty::is_empty(c)) {
            parts.push(ServerPart::FunctionCall(Box::new(call)));
        }
        if let Some(d) = code.and_then(|j| detail(j, &CODE, "executableCode", issues)) {
            parts.push(ServerPart::ExecutableCode(d));
        }
        if let Some(d) = result.and_then(|j| detail(j, &RESULT, "codeExecutionResult", issues)) {
            parts.push(ServerPart::CodeExecutionResult(d));
        }
        if let Some(d) = file.and_then(|j| detail(j, &FILE, "fileData", issues)) {
            parts.push(ServerPart::FileData(d));
        }
        if let Some(j) = tool_call {
            parts.push(ServerPart::ServerToolCall(j.into_compact_string()));
        }
        if let Some(j) = tool_response {
            parts.push(ServerPart::ServerToolResponse(j.into_compact_string()));
        }
        let carried = parts.len() > before;
        if !carried {
            if let Some(unknown) = unknown.finish() {
                parts.push(ServerPart::Other(unknown));
            }
        }
        if let Some(signature) = signature.filter(|s| !s.is_empty()) {
            parts.push(ServerPart::ThoughtSignature(signature));
        }
        Ok(())
    }
}

/// Reads an `inlineData` object, its data decoded straight from the frame.
struct BlobSeed<'a> {
    out: &'a mut Option<Blob>,
    issues: &'a mut FieldIssues,
}

impl<'de> DeserializeSeed<'de> for BlobSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BlobSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Blob object")
    }

    scalars_are_wrong!(INLINE);

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        reject(At::root(INLINE), "an array", WRONG_TYPE, self.issues);
        skip_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut mime_type: Option<String> = None;
        let mut data: Option<Vec<u8>> = None;
        while let Some(Text(key)) = map.next_key()? {
            match key.as_ref() {
                "data" if data.is_none() => {
                    data = Some(map.next_value_seed(Base64 {
                        issues: &mut *self.issues,
                    })?)
                }
                "mimeType" | "mime_type" => {
                    let raw: &RawValue = map.next_value()?;
                    first(&mut mime_type, raw, INLINE, "mimeType", self.issues);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        *self.out = Some(Blob {
            mime_type: mime_type.unwrap_or_default(),
            data: data.unwrap_or_default(),
        });
        Ok(())
    }
}

/// Base64 in either alphabet, decoded from the frame; anything else is an issue (no data).
struct Base64<'a> {
    issues: &'a mut FieldIssues,
}

impl<'de> DeserializeSeed<'de> for Base64<'_> {
    type Value = Vec<u8>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Base64<'_> {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a base64 string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
        decode_base64(v).or_else(|_| {
            let at = At {
                parent: INLINE,
                key: "data",
            };
            reject(
                at,
                &crate::protocol::lenient::quote(v),
                "is not base64",
                self.issues,
            );
            Ok(Vec::new())
        })
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<u8>, E> {
        Ok(Vec::new())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<u8>, E> {
        self.wrong(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<u8>, E> {
        self.wrong(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<u8>, E> {
        self.wrong(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<u8>, E> {
        self.wrong(&v.to_string())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<u8>, A::Error> {
        skip_seq(seq)?;
        self.wrong("an array")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<u8>, A::Error> {
        skip_map(map)?;
        self.wrong("an object")
    }
}

impl Base64<'_> {
    fn wrong<E>(self, shown: &str) -> Result<Vec<u8>, E> {
        reject(
            At {
                parent: INLINE,
                key: "data",
            },
            shown,
            WRONG_TYPE,
            self.issues,
        );
        Ok(Vec::new())
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
