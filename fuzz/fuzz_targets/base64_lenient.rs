//! Differential fuzzing of the library's base64 (SIMD, `base64_simd`) against the `base64`
//! crate it replaced, kept here only to compare against:
//! - decoding accepts exactly the strings that the `base64` crate's standard-then-URL-safe,
//!   padding-indifferent decode accepts, with the same bytes: the input as text, and a near
//!   miss built from it (its base64 with padding dropped or cut, URL-safe symbols, a changed
//!   last symbol, whitespace or a stray symbol), which random bytes would rarely reach;
//! - encoding (an audio message, and a `Blob` through serde) writes what the `base64` crate's
//!   STANDARD writes, and decodes back to the input.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use gemini_live::protocol::lenient::decode_base64;
use gemini_live::protocol::{encode_realtime, Blob, RealtimeInput};
use libfuzzer_sys::fuzz_target;

const INDIFFERENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, INDIFFERENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, INDIFFERENT);

/// What `decode_base64` was before base64_simd: the reference.
fn reference(text: &str) -> Option<Vec<u8>> {
    STANDARD_LENIENT
        .decode(text)
        .or_else(|_| URL_SAFE_LENIENT.decode(text))
        .ok()
}

fn same_decode(text: &str) {
    assert_eq!(decode_base64(text).ok(), reference(text), "decode of {text:?}");
}

/// The input's base64, changed by its first byte's choice, at a place the second byte picks.
fn near_miss(data: &[u8]) -> String {
    let (how, at) = match data {
        [a, b, ..] => (*a, *b as usize),
        [a] => (*a, 0),
        [] => (0, 0),
    };
    let mut text = STANDARD.encode(data);
    let at = if text.is_empty() { 0 } else { at % text.len() };
    match how % 8 {
        0 => {}
        1 => text.truncate(text.trim_end_matches('=').len()),
        2 => {
            text.pop();
        }
        3 => text = text.replace('+', "-").replace('/', "_"),
        4 => {
            // The last symbol before the padding, one up: non-canonical trailing bits, or
            // another symbol, or out of the alphabet ('z' + 1 = '{').
            let end = text.trim_end_matches('=').len();
            if let Some(c) = text[..end].bytes().last() {
                text.replace_range(end - 1..end, &char::from(c + 1).to_string());
            }
        }
        5 => text.insert(at, [' ', '\n', '\r', '\t'][usize::from(how >> 3) % 4]),
        6 => text.insert(at, ['=', '-', '_', '+', '/', 'A'][usize::from(how >> 3) % 6]),
        _ => {
            text.truncate(at);
        }
    }
    text
}

fuzz_target!(|data: &[u8]| {
    same_decode(&String::from_utf8_lossy(data));
    same_decode(&near_miss(data));

    let want = STANDARD.encode(data);
    let message = encode_realtime(&RealtimeInput::Audio {
        pcm: data,
        sample_rate: 16_000,
    })
    .json;
    let sent = message
        .strip_prefix(r#"{"realtimeInput":{"audio":{"data":""#)
        .and_then(|rest| rest.split('"').next())
        .expect("an audio message");
    assert_eq!(sent, want, "audio message base64");
    assert_eq!(decode_base64(sent).as_deref(), Ok(data), "audio round trip");

    let blob = Blob {
        mime_type: "application/octet-stream".into(),
        data: data.to_vec(),
    };
    let json = serde_json::to_string(&blob).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["data"], want.as_str(), "Blob base64");
    assert_eq!(
        serde_json::from_str::<Blob>(&json).unwrap(),
        blob,
        "Blob round trip"
    );
});
