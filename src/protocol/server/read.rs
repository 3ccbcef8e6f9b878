//! Reading one field from its JSON text without ever failing the frame.
//!
//! Every field outside the audio path (`serverContent.modelTurn.parts[].inlineData`, which is
//! streamed) is taken from the frame as its borrowed JSON text and read here: a value of the
//! wrong type, a number out of range or JSON nested too deeply leaves that one field absent and
//! records a [`FieldIssue`](crate::protocol::FieldIssue) under its path; the rest of the frame
//! is delivered. Objects are read key by key: a key given twice, or in both of its spellings
//! (`languageCode`/`language_code`, `responseTokenCount`/`candidatesTokenCount`), is taken from
//! its first usable value and later ones are ignored.

use crate::protocol::issues::FieldIssues;
use crate::protocol::lenient::{self, Checked, Flag, Text};
use crate::protocol::raw_json::RawJson;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// Where a field is: its parent's path and its own key (joined only when an issue is recorded).
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub parent: &'a str,
    pub key: &'a str,
}

impl<'a> At<'a> {
    pub fn root(key: &'a str) -> Self {
        At { parent: "", key }
    }

    pub fn path(&self) -> String {
        match (self.parent.is_empty(), self.key.is_empty()) {
            (true, _) => self.key.to_owned(),
            (false, true) => self.parent.to_owned(),
            (false, false) => format!("{}.{}", self.parent, self.key),
        }
    }
}

pub(crate) const WRONG_TYPE: &str = "has the wrong type";

/// Records that the value at `at` could not be used.
pub(crate) fn reject(at: At, raw: &str, reason: &'static str, issues: &mut FieldIssues) {
    issues.push(crate::protocol::FieldIssue {
        field: at.path(),
        value: lenient::shorten(raw),
        reason,
    });
}

/// A value read from its JSON text; `None` when it is `null` or unusable (recorded).
pub(crate) trait Read: Sized {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self>;
}

fn is_null(raw: &str) -> bool {
    raw.trim_start().starts_with('n')
}

/// Reads through serde; a failure is a wrong type.
fn via_serde<'a, T: Deserialize<'a>>(raw: &'a str, at: At, issues: &mut FieldIssues) -> Option<T> {
    if is_null(raw) {
        return None;
    }
    match serde_json::from_str(raw) {
        Ok(v) => Some(v),
        Err(_) => {
            reject(at, raw, WRONG_TYPE, issues);
            None
        }
    }
}

impl Read for String {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        via_serde::<Text>(raw, at, issues).map(|t| t.0.into_owned())
    }
}

impl Read for bool {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        via_serde::<Flag>(raw, at, issues).map(|f| f.0)
    }
}

impl Read for RawJson {
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        if is_null(raw) {
            return None;
        }
        match serde_json::from_str(raw) {
            Ok(v) => Some(v),
            Err(_) => {
                reject(at, raw, "is nested too deeply", issues);
                None
            }
        }
    }
}

macro_rules! read_checked {
    ($($t:ty),*) => {$(
        impl Read for $t {
            fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
                // `Checked` reads any JSON value; it fails only on text that is not JSON.
                let checked: Checked<$t> = serde_json::from_str(raw).unwrap_or(Checked::Absent);
                if let Checked::Invalid(rejected) = checked {
                    issues.push(crate::protocol::FieldIssue {
                        field: at.path(),
                        value: rejected.value,
                        reason: rejected.reason,
                    });
                    return None;
                }
                match checked {
                    Checked::Valid(v) => Some(v),
                    _ => None,
                }
            }
        }
    )*};
}
read_checked!(i64, Duration);

/// Something a list entry can be empty of (`{}`, `""`): empty entries are skipped.
pub(crate) trait Entry: Read {
    fn is_empty(&self) -> bool;
}

impl Entry for String {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}

impl<T: Entry> Read for Vec<T> {
    /// Entries are read as they are met (a list of a million small entries is never held as a
    /// list of their texts); empty ones are skipped.
    fn read(raw: &str, at: At, issues: &mut FieldIssues) -> Option<Self> {
        if is_null(raw) {
            return None;
        }
        let path = format!("{}[]", at.path());
        let mut out = Vec::new();
        let mut list = ListSeed::<T> {
            out: &mut out,
            at: At {
                parent: &path,
                key: "",
            },
            issues: &mut *issues,
        };
        let mut de = serde_json::Deserializer::from_str(raw);
        if de.deserialize_seq(&mut list).is_err() {
            reject(at, raw, WRONG_TYPE, issues);
            return None;
        }
        Some(out)
    }
}

struct ListSeed<'a, T> {
    out: &'a mut Vec<T>,
    at: At<'a>,
    issues: &'a mut FieldIssues,
}

impl<'de, T: Entry> Visitor<'de> for &mut ListSeed<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<&RawValue>()? {
            if let Some(v) = T::read(item.get(), self.at, self.issues) {
                if !v.is_empty() {
                    self.out.push(v);
                }
            }
        }
        Ok(())
    }
}

/// The members of an object, in wire order (duplicates included), borrowed from its text.
pub(crate) struct Members<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'a> Deserialize<'a> for Members<'a> {
    fn deserialize<D: Deserializer<'a>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'a> Visitor<'a> for V {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Members<'a>, A::Error> {
                let mut members = Vec::new();
                while let Some(Text(key)) = map.next_key()? {
                    members.push((key, map.next_value::<&RawValue>()?));
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

/// The members of the object at `at`; `None` for `null` or a value that is not an object.
pub(crate) fn members<'a>(raw: &'a str, at: At, issues: &mut FieldIssues) -> Option<Members<'a>> {
    if is_null(raw) {
        return None;
    }
    match serde_json::from_str::<Members>(raw) {
        Ok(m) => Some(m),
        Err(_) => {
            reject(at, raw, "is not an object", issues);
            None
        }
    }
}

/// Sets `slot` from `raw` unless an earlier spelling or duplicate already set it.
pub(crate) fn first<T: Read>(
    slot: &mut Option<T>,
    raw: &RawValue,
    parent: &str,
    key: &str,
    issues: &mut FieldIssues,
) {
    if slot.is_none() {
        *slot = T::read(raw.get(), At { parent, key }, issues);
    }
}

/// Streams a container (`serverContent`, the model turn, its parts, inline data) into `$seed`,
/// the careful way used when a frame failed to decode in one pass: the value is taken as its
/// JSON text first, so what serde_json cannot stream (a number beyond f64 such as `1e400`, a
/// lone UTF-16 surrogate in a string) costs that container, reported under `$path`, and not
/// the frame. In the one-pass decoding (`$careful` false) the value is streamed directly.
macro_rules! stream {
    ($access:expr, $careful:expr, $path:expr, $issues:expr, $seed:expr, next_value) => {{
        if $careful {
            let raw: &RawValue = $access.next_value()?;
            stream!(@raw raw, $path, $issues, $seed);
        } else {
            $access.next_value_seed($seed)?;
        }
    }};
    (@raw $raw:expr, $path:expr, $issues:expr, $seed:expr) => {{
        let text = $raw.get();
        match text.trim_start().as_bytes().first() {
            Some(b'n') => {}
            Some(b'{' | b'[') => {
                let mut de = serde_json::Deserializer::from_str(text);
                let result = serde::de::DeserializeSeed::deserialize($seed, &mut de);
                if result.is_err() {
                    $crate::protocol::server::read::reject(
                        $crate::protocol::server::read::At::root($path),
                        text,
                        "could not be decoded",
                        $issues,
                    );
                }
            }
            _ => $crate::protocol::server::read::reject(
                $crate::protocol::server::read::At::root($path),
                text,
                $crate::protocol::server::read::WRONG_TYPE,
                $issues,
            ),
        }
    }};
}
pub(crate) use stream;
