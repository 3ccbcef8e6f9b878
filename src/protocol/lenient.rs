//! Lenient decoding helpers for proto3 JSON as Google's servers and SDKs write it.
//!
//! The Live service writes int64 as strings, durations as `"6.680s"`, bytes as base64 in either
//! alphabet (the Python SDK uses URL-safe), and omits default values. These helpers accept every
//! spelling we have seen so that decoding never fails on a legal variation, and numbers that no
//! Rust type can hold become [`Checked::Invalid`] instead of a panic or a failed frame.

use base64_simd::Base64;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

/// The largest proto3 `Duration`: 10,000 years. Anything longer is not a duration the service
/// can mean, and staying below it keeps `Instant + duration` far from overflowing.
pub(crate) const MAX_DURATION_SECS: f64 = 315_576_000_000.0;

/// Decodes base64 in the standard or URL-safe alphabet, padded or not. The standard alphabet
/// is tried first (what the service sends), so the common case is a single pass.
///
/// Accepts exactly what the `base64` crate accepts with `DecodePaddingMode::Indifferent` in
/// either alphabet (the fuzz target `base64_lenient` checks this against it): no whitespace,
/// one alphabet per string, canonical trailing bits, and `=` only as the padding of the last
/// quad, complete (`AA==`, `AAA=`) or short by one (`AA=`). `base64_simd` decodes with AVX2,
/// SSSE3 or NEON when the CPU has them, chosen once at run time.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, NotBase64> {
    let text = text.as_bytes();
    decode_padding_indifferent(&base64_simd::STANDARD, &base64_simd::STANDARD_NO_PAD, text)
        .or_else(|_| decode_padding_indifferent(&base64_simd::URL_SAFE, &base64_simd::URL_SAFE_NO_PAD, text))
        .map_err(|_| NotBase64)
}

/// One alphabet, padded or not. `base64_simd` has no padding-indifferent mode (its
/// "forgiving" one also skips whitespace and ignores trailing bits), so the padding is settled
/// here from the length: a multiple of four may end in `=` or `==` (the padded decoder checks
/// them), three with a final `=` is a two-symbol quad padded by one, anything else has no `=`
/// (the unpadded decoder rejects any, and a length of 4n+1).
fn decode_padding_indifferent(
    padded: &Base64,
    unpadded: &Base64,
    text: &[u8],
) -> Result<Vec<u8>, base64_simd::Error> {
    match (text.len() % 4, text.last()) {
        (0, _) => padded.decode_to_vec(text),
        (3, Some(b'=')) => unpadded.decode_to_vec(&text[..text.len() - 1]),
        _ => unpadded.decode_to_vec(text),
    }
}

/// Text that [`decode_base64`] does not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotBase64;

impl fmt::Display for NotBase64 {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("not base64 (standard or URL-safe alphabet, padding optional)")
    }
}

impl std::error::Error for NotBase64 {}

/// Parses a proto3 JSON duration: `"50s"`, `"6.680s"`, `"0s"`, or a bare number of seconds.
/// `None` for anything that is not a duration from zero to 10,000 years (the proto3 maximum).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().trim_end_matches('s').parse().ok()?;
    duration_from_secs(secs)
}

/// Seconds to a duration, if they are in the proto3 range (never panics, unlike
/// `Duration::from_secs_f64`).
fn duration_from_secs(secs: f64) -> Option<Duration> {
    if !(0.0..=MAX_DURATION_SECS).contains(&secs) {
        return None;
    }
    Duration::try_from_secs_f64(secs).ok()
}

/// Formats a duration the way proto3 JSON does: integer seconds carry no decimals.
pub fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

/// A number from the server, checked against the range of the type that holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Checked<T> {
    /// Absent or `null`.
    #[default]
    Absent,
    Valid(T),
    /// Present but unusable; boxed so that the common variants stay small.
    Invalid(Box<Rejected>),
}

/// A value that did not fit its field: the value as it arrived (shortened) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejected {
    pub value: String,
    pub reason: &'static str,
}

impl<T> Checked<T> {
    fn rejected(value: String, reason: &'static str) -> Self {
        Checked::Invalid(Box::new(Rejected { value, reason }))
    }
}

/// Values quoted in error messages keep at most this many characters: a frame may carry a
/// megabyte of digits, and the message should not.
const QUOTE_CHARS: usize = 40;

/// `text` as a JSON string literal, cut to 40 characters.
pub fn quote(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        None => serde_json::to_string(text).unwrap_or_default(),
        Some((cut, _)) => {
            let mut quoted = serde_json::to_string(&text[..cut]).unwrap_or_default();
            quoted.insert(quoted.len() - 1, '…');
            quoted
        }
    }
}

/// JSON text (a number, `true`) cut like [`quote`].
pub(crate) fn shorten(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

const OUT_OF_RANGE: &str = "is out of range";
const NOT_A_DURATION: &str = "is not a duration";
const NOT_AN_INTEGER: &str = "is not an integer";

/// How [`Checked`] reads one kind of number from the JSON text of a number or a string.
pub trait Range: Sized {
    /// `text` is a JSON number of any magnitude (`1e400` included).
    fn from_number(text: &str) -> Result<Self, &'static str>;
    /// `text` is the content of a JSON string.
    fn from_string(text: &str) -> Result<Self, &'static str>;
    /// The reason given for any other JSON type.
    const WRONG_TYPE: &'static str;
}

impl Range for Duration {
    fn from_number(text: &str) -> Result<Self, &'static str> {
        let secs: f64 = text.parse().map_err(|_| NOT_A_DURATION)?;
        duration_from_secs(secs).ok_or(OUT_OF_RANGE)
    }
    fn from_string(text: &str) -> Result<Self, &'static str> {
        Self::from_number(text.trim().trim_end_matches('s'))
    }
    const WRONG_TYPE: &'static str = NOT_A_DURATION;
}

impl Range for i64 {
    fn from_number(text: &str) -> Result<Self, &'static str> {
        if let Ok(v) = text.parse::<i64>() {
            return Ok(v);
        }
        // 2^63 is exact in f64; every integral f64 in [-2^63, 2^63) fits (`515.0`, `1e3`).
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        match text.parse::<f64>() {
            Ok(v) if v.is_nan() || (v.is_finite() && v.fract() != 0.0) => Err(NOT_AN_INTEGER),
            Ok(v) if (-LIMIT..LIMIT).contains(&v) => Ok(v as i64),
            Ok(_) => Err(OUT_OF_RANGE),
            Err(_) => Err(NOT_AN_INTEGER),
        }
    }
    fn from_string(text: &str) -> Result<Self, &'static str> {
        Self::from_number(text.trim())
    }
    const WRONG_TYPE: &'static str = NOT_AN_INTEGER;
}

impl<'de, T: Range> Deserialize<'de> for Checked<T> {
    /// Reads the value as raw text first: serde_json itself refuses numbers beyond f64
    /// (`1e400`), which would fail the whole frame instead of this one field.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let text = raw.get();
        let checked = |result: Result<T, &'static str>, shown: &dyn Fn() -> String| match result {
            Ok(v) => Checked::Valid(v),
            Err(reason) => Checked::rejected(shown(), reason),
        };
        Ok(match text.as_bytes().first() {
            Some(b'n') => Checked::Absent,
            Some(b'"') => {
                let Text(string) = serde_json::from_str(text).map_err(de::Error::custom)?;
                checked(T::from_string(&string), &|| quote(&string))
            }
            Some(b'-' | b'0'..=b'9') => checked(T::from_number(text), &|| shorten(text)),
            Some(b'{') => Checked::rejected("an object".into(), T::WRONG_TYPE),
            Some(b'[') => Checked::rejected("an array".into(), T::WRONG_TYPE),
            _ => Checked::rejected(shorten(text), T::WRONG_TYPE),
        })
    }
}

/// A string that borrows from the frame when it has no escapes (keys, text parts), so the
/// common case allocates nothing.
pub struct Text<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Something a list entry can be empty of: `{}` or `""`.
pub trait Empty {
    fn is_empty(&self) -> bool;
}

impl Empty for String {
    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }
}

/// A list with its empty entries skipped as they arrive: they carry nothing, and keeping them
/// would let a frame of `{},{},…` allocate tens of times its own size.
pub fn skip_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Empty,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de> + Empty> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<T>()? {
                if !item.is_empty() {
                    out.push(item);
                }
            }
            Ok(out)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V(PhantomData))
}

/// A boolean that may also arrive as the string `"true"`/`"false"` (seen in SDK tests).
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a boolean")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            Ok(v.eq_ignore_ascii_case("true"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_none<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    d.deserialize_any(V)
}

/// [`flag`] as a type, for hand-written visitors.
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        flag(d).map(Flag)
    }
}

/// Bytes from base64 in either alphabet, decoded straight from the input buffer when the
/// JSON string has no escapes (the usual case: no intermediate copy of the text).
pub fn base64_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a base64 string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
            decode_base64(v).map_err(E::custom)
        }
    }
    d.deserialize_str(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_base64_alphabets_decode_to_the_same_bytes() {
        let want = vec![0x00, 0x01, 0xff, 0xfe, 0xfb, 0xfc];
        assert_eq!(decode_base64("AAH//vv8").unwrap(), want);
        assert_eq!(decode_base64("AAH__vv8").unwrap(), want);
        assert_eq!(decode_base64("AAH//w==").unwrap(), vec![0, 1, 0xff, 0xff]);
        assert_eq!(decode_base64("AAH__w").unwrap(), vec![0, 1, 0xff, 0xff]);
    }

    #[test]
    fn base64_padding_trailing_bits_whitespace_and_mixed_alphabets() {
        let ok = |t: &str| decode_base64(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
        let bad = |t: &str| assert_eq!(decode_base64(t), Err(NotBase64), "{t:?}");
        assert_eq!(ok(""), b"");
        // Padded, unpadded, and one `=` short of the padding: all the same bytes.
        for t in ["QQ==", "QQ", "QQ="] {
            assert_eq!(ok(t), b"A", "{t:?}");
        }
        for t in ["QUI=", "QUI"] {
            assert_eq!(ok(t), b"AB", "{t:?}");
        }
        assert_eq!(ok("QUJD"), b"ABC");
        assert_eq!(ok("QUJDRA="), b"ABCD");
        // Wrong amount or place of padding.
        for t in [
            "=", "==", "===", "====", "Q", "Q=", "Q==", "Q===", "QQ===", "QUI==", "QQ==QQ",
        ] {
            bad(t);
        }
        bad("QUJD=");
        bad("QUJD====");
        // Trailing bits that the last byte drops must be zero.
        for t in ["QR==", "QR", "QR=", "QUJ=", "QUJ", "AB//_w=="] {
            bad(t);
        }
        // No whitespace anywhere, no mixing of alphabets, nothing outside them.
        for t in [
            " QQ==", "QQ== ", "QQ\n==", "QUJD\n", "QU JD", "+-==", "+/_-", "QQ\0=", "QUJ!",
        ] {
            bad(t);
        }
        assert_eq!(ok("+/+/"), ok("-_-_"));
        // Long enough for the vector loops, with the odd symbol at every offset.
        let long = "QUJD".repeat(40);
        assert_eq!(ok(&long), b"ABC".repeat(40));
        for i in 0..long.len() {
            for c in ["=", " ", "*", "\u{e9}"] {
                let mut t = long.clone();
                t.replace_range(i..i + 1, c);
                bad(&t);
            }
        }
    }

    /// Every string of up to 5 symbols from a set that covers both alphabets, padding,
    /// whitespace and trailing bits: accepted exactly when the `base64` crate's two
    /// padding-indifferent engines accept it, with the same bytes (the fuzz target
    /// `base64_lenient` does this for any input).
    #[test]
    fn base64_agrees_with_the_base64_crate_on_every_short_string() {
        use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
        use base64::{alphabet, Engine};
        let config = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        let standard = GeneralPurpose::new(&alphabet::STANDARD, config);
        let url_safe = GeneralPurpose::new(&alphabet::URL_SAFE, config);
        let symbols = b"AQB/+-_=\n";
        let mut text = Vec::new();
        let mut tried = 0;
        for len in 0..=5u32 {
            for mut n in 0..symbols.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(symbols[n % symbols.len()]);
                    n /= symbols.len();
                }
                let t = std::str::from_utf8(&text).unwrap();
                let want = standard.decode(t).or_else(|_| url_safe.decode(t)).ok();
                assert_eq!(decode_base64(t).ok(), want, "{t:?}");
                tried += 1;
            }
        }
        assert!(tried > 60_000);
    }

    #[test]
    fn durations_parse_and_format() {
        assert_eq!(parse_duration("50s"), Some(Duration::from_secs(50)));
        assert_eq!(parse_duration("6.680s"), Some(Duration::from_millis(6680)));
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("1e30s"), None);
        assert_eq!(parse_duration("-1s"), None);
        assert_eq!(parse_duration("NaNs"), None);
        assert_eq!(format_duration(Duration::from_secs(50)), "50s");
        assert_eq!(format_duration(Duration::from_millis(440)), "0.440s");
    }

    fn checked<T>(json: &str) -> Checked<T>
    where
        Checked<T>: for<'de> Deserialize<'de>,
    {
        serde_json::from_str(json).unwrap()
    }

    fn rejected<T: fmt::Debug>(c: Checked<T>) -> (String, &'static str) {
        match c {
            Checked::Invalid(r) => (r.value, r.reason),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn durations_outside_the_proto_range_are_rejected_not_panics() {
        assert_eq!(
            checked::<Duration>(r#""50s""#),
            Checked::Valid(Duration::from_secs(50))
        );
        assert_eq!(
            checked::<Duration>("2.5"),
            Checked::Valid(Duration::from_millis(2500))
        );
        assert_eq!(checked::<Duration>("null"), Checked::Absent);
        assert_eq!(
            checked::<Duration>(r#""315576000000s""#),
            Checked::Valid(Duration::from_secs(315_576_000_000))
        );
        assert_eq!(
            rejected(checked::<Duration>(r#""1e30s""#)),
            (r#""1e30s""#.into(), OUT_OF_RANGE)
        );
        assert_eq!(
            rejected(checked::<Duration>("1e300")),
            ("1e300".into(), OUT_OF_RANGE)
        );
        assert_eq!(
            rejected(checked::<Duration>("1e400")),
            ("1e400".into(), OUT_OF_RANGE)
        );
        assert_eq!(
            rejected(checked::<Duration>("18446744073709551615")).1,
            OUT_OF_RANGE
        );
        assert_eq!(rejected(checked::<Duration>("-1")).1, OUT_OF_RANGE);
        assert_eq!(rejected(checked::<Duration>(r#""inf""#)).1, OUT_OF_RANGE);
        assert_eq!(rejected(checked::<Duration>(r#""soon""#)).1, NOT_A_DURATION);
        assert_eq!(rejected(checked::<Duration>("{\"a\":[1]}")).1, NOT_A_DURATION);
    }

    #[test]
    fn integers_keep_every_digit_and_reject_what_i64_cannot_hold() {
        assert_eq!(checked::<i64>(r#""123456789""#), Checked::Valid(123_456_789));
        assert_eq!(checked::<i64>("9223372036854775807"), Checked::Valid(i64::MAX));
        assert_eq!(checked::<i64>("-9223372036854775808"), Checked::Valid(i64::MIN));
        assert_eq!(checked::<i64>("515.0"), Checked::Valid(515));
        assert_eq!(rejected(checked::<i64>("9223372036854775808")).1, OUT_OF_RANGE);
        assert_eq!(checked::<i64>("1e3"), Checked::Valid(1000));
        assert_eq!(rejected(checked::<i64>("1e30")), ("1e30".into(), OUT_OF_RANGE));
        assert_eq!(rejected(checked::<i64>("-1e999")).1, OUT_OF_RANGE);
        assert_eq!(rejected(checked::<i64>(&"9".repeat(500))).1, OUT_OF_RANGE);
        assert_eq!(
            rejected(checked::<i64>(r#""99999999999999999999""#)).1,
            OUT_OF_RANGE
        );
        assert_eq!(rejected(checked::<i64>("1.5")).1, NOT_AN_INTEGER);
        assert_eq!(rejected(checked::<i64>(r#""twelve""#)).1, NOT_AN_INTEGER);
        assert_eq!(rejected(checked::<i64>("true")), ("true".into(), NOT_AN_INTEGER));
        assert_eq!(rejected(checked::<i64>(r#""NaN""#)).1, NOT_AN_INTEGER);
        assert_eq!(
            rejected(checked::<i64>("[1]")),
            ("an array".into(), NOT_AN_INTEGER)
        );
    }

    #[test]
    fn quoted_values_are_cut_short() {
        let long = quote(&"9".repeat(1000));
        assert_eq!(long.chars().count(), QUOTE_CHARS + 3, "{long}");
        assert!(long.ends_with("9…\""));
        assert_eq!(quote("é\"x"), r#""é\"x""#);
        assert_eq!(shorten(&"1".repeat(100)).chars().count(), QUOTE_CHARS + 1);
    }
}
