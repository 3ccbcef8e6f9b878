//! JSON the library passes through without looking inside (function call arguments, grounding
//! metadata, unknown fields), kept as its wire text.
//!
//! A parsed `serde_json::Value` costs 32 bytes per element plus map nodes, so `[0,0,0,…]` would
//! grow to over ten times its size; the text costs exactly its size, and the events carry JSON
//! text anyway.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// One JSON value as text: valid JSON, verbatim from the frame (whitespace included).
#[derive(Clone)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The text as it arrived.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The text without insignificant whitespace (servers may pretty-print frames).
    pub fn compact(&self) -> Cow<'_, str> {
        compact(self.get())
    }

    /// The compact text, reusing the allocation when there was no whitespace to remove.
    pub fn into_compact_string(self) -> String {
        match compact(self.get()) {
            Cow::Owned(text) => text,
            Cow::Borrowed(_) => Box::<str>::from(self.0).into_string(),
        }
    }

    /// Parses the text (subject to serde_json's nesting limit of 128).
    pub fn to_value(&self) -> serde_json::Result<Value> {
        serde_json::from_str(self.get())
    }

    /// A value's compact text.
    pub fn from_value(value: &Value) -> Self {
        RawJson(serde_json::value::to_raw_value(value).expect("a Value always serializes"))
    }
}

/// The deepest nesting accepted: what serde_json still parses into a `Value` (its recursion
/// limit of 128 refuses a 128th level). Applications parse this text, perhaps recursively, and
/// should not meet deeper JSON from this library.
pub(crate) const MAX_DEPTH: usize = 127;

/// Tracks whether a byte of JSON text lies inside a string literal (escapes included), so the
/// one-pass scanners below share one definition of "inside a string".
#[derive(Default)]
struct Strings {
    inside: bool,
    escaped: bool,
}

impl Strings {
    /// Feeds the next byte; true when it belongs to a string literal (its quotes included).
    fn step(&mut self, b: u8) -> bool {
        if self.inside {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.inside = false;
            }
            true
        } else {
            self.inside = b == b'"';
            self.inside
        }
    }
}

/// Whether `text` nests arrays and objects deeper than `limit` (one pass, no recursion).
fn nests_deeper_than(text: &str, limit: usize) -> bool {
    let (mut depth, mut strings) = (0usize, Strings::default());
    for &b in text.as_bytes() {
        if strings.step(b) {
            continue;
        }
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Removes whitespace outside strings, in one pass with no recursion (the text may nest
/// deeper than any parser's limit).
pub fn compact(text: &str) -> Cow<'_, str> {
    let is_space = |b: u8| matches!(b, b' ' | b'\n' | b'\r' | b'\t');
    if !text.bytes().any(is_space) {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len());
    let mut strings = Strings::default();
    for &b in text.as_bytes() {
        if strings.step(b) || !is_space(b) {
            out.push(b);
        }
    }
    // Only ASCII whitespace was removed, never part of a multi-byte character.
    Cow::Owned(String::from_utf8(out).expect("still UTF-8"))
}

/// A JSON object written field by field, for events that carry JSON text.
#[derive(Default)]
pub struct JsonObject(String);

impl JsonObject {
    /// Adds `key` (escaped as needed) with `value`, which must be JSON text.
    pub fn add(&mut self, key: &str, value: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        self.0
            .push_str(&serde_json::to_string(key).expect("a string always serializes"));
        self.0.push(':');
        self.0.push_str(value);
    }

    /// Adds `key` with `value`'s compact text.
    pub fn add_raw(&mut self, key: &str, value: RawJson) {
        self.add(key, &value.compact());
    }

    /// The object's text, or `None` if no field was added.
    pub fn finish(mut self) -> Option<String> {
        if self.0.is_empty() {
            return None;
        }
        self.0.push('}');
        Some(self.0)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    /// Refuses nesting beyond 127 levels, as parsing into a `Value` would.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        if nests_deeper_than(raw.get(), MAX_DEPTH) {
            return Err(de::Error::custom(format_args!(
                "JSON nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(RawJson(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_strings_intact() {
        assert_eq!(compact(r#"{"a":[1,2]}"#), Cow::Borrowed(r#"{"a":[1,2]}"#));
        assert_eq!(
            compact("{ \"a b\" : [ 1 ,\n\t\"x \\\" y\" ] }"),
            r#"{"a b":[1,"x \" y"]}"#
        );
        assert_eq!(compact(r#" "\\" "#), r#""\\""#);
    }

    #[test]
    fn raw_json_keeps_the_wire_text_and_compares_by_it() {
        let raw: RawJson = serde_json::from_str(r#"{"b": 1, "a": [true]}"#).unwrap();
        assert_eq!(raw.get(), r#"{"b": 1, "a": [true]}"#);
        assert_eq!(raw.compact(), r#"{"b":1,"a":[true]}"#);
        assert_eq!(raw.to_value().unwrap()["a"][0], true);
        assert_eq!(raw.clone().into_compact_string(), r#"{"b":1,"a":[true]}"#);
        assert_eq!(serde_json::to_string(&raw).unwrap(), r#"{"b": 1, "a": [true]}"#);
        assert_eq!(
            RawJson::from_value(&serde_json::json!({"x": 1})).get(),
            r#"{"x":1}"#
        );
    }

    #[test]
    fn objects_are_written_with_escaped_keys() {
        let mut o = JsonObject::default();
        o.add("a\"b", "1");
        o.add_raw("c", serde_json::from_str("[ 2 ]").unwrap());
        assert_eq!(o.finish().as_deref(), Some(r#"{"a\"b":1,"c":[2]}"#));
        assert_eq!(JsonObject::default().finish(), None);
    }

    #[test]
    fn nesting_is_limited_like_parsed_values() {
        let nest = |depth| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let ok: RawJson = serde_json::from_str(&nest(MAX_DEPTH)).unwrap();
        assert!(ok.to_value().is_ok(), "serde_json parses what is kept");
        for depth in [MAX_DEPTH + 1, 1_000_000] {
            let err = serde_json::from_str::<RawJson>(&nest(depth)).unwrap_err();
            assert!(err.to_string().contains("nested deeper"), "{err}");
        }
        let objects = format!(
            "{}1{}",
            r#"{"a":"#.repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert!(serde_json::from_str::<RawJson>(&objects).is_err());
    }
}
