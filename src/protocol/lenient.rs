//! Lenient decoding helpers for proto3 JSON as Google's servers and SDKs write it.
//!
//! The Live service writes int64 as strings, durations as `"6.680s"`, bytes as base64 in either
//! alphabet (the Python SDK uses URL-safe), and omits default values. These helpers accept every
//! spelling we have seen so that decoding never fails on a legal variation.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::time::Duration;

/// Standard alphabet, padding optional.
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
/// URL-safe alphabet (the Python SDK's), padding optional.
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64 in the standard or URL-safe alphabet, padded or not. The standard alphabet
/// is tried first (what the service sends), so the common case is a single pass.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD_LENIENT
        .decode(text)
        .or_else(|e| URL_SAFE_LENIENT.decode(text).map_err(|_| e))
}

/// Parses a proto3 JSON duration: `"50s"`, `"6.680s"`, `"0s"`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().trim_end_matches('s').parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// Formats a duration the way proto3 JSON does: integer seconds carry no decimals.
pub fn format_duration(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

/// `Option<i64>` from a JSON number or a string holding one (int64 is a string on the wire).
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an integer or a string holding one")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(i64::try_from(v).unwrap_or(i64::MAX)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v as i64))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::custom(format!("not an integer: {v:?}")))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
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

/// `Option<Duration>` from `"50s"` or a number of seconds.
pub fn opt_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(match value {
        serde_json::Value::String(s) => parse_duration(&s),
        serde_json::Value::Number(n) => n.as_f64().filter(|s| *s >= 0.0).map(Duration::from_secs_f64),
        _ => None,
    })
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
    fn durations_parse_and_format() {
        assert_eq!(parse_duration("50s"), Some(Duration::from_secs(50)));
        assert_eq!(parse_duration("6.680s"), Some(Duration::from_millis(6680)));
        assert_eq!(parse_duration("0s"), Some(Duration::ZERO));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(format_duration(Duration::from_secs(50)), "50s");
        assert_eq!(format_duration(Duration::from_millis(440)), "0.440s");
    }
}
