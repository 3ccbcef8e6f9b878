//! `gemini_live_config_set_output_audio_format` through the C ABI against the mock: AUDIO events
//! arrive in the application's format (rate, sample format, channels), converted with state kept
//! across events, and equal to converting the 24 kHz reply in one go.

mod cabi;

use cabi::*;
use gemini_live::audio::converter::OutputConverter;
use gemini_live::audio::format::{AudioFormat, SampleFormat};
use gemini_live::ffi::audio::*;
use gemini_live::ffi::config::gemini_live_config_set_response_modality;
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use gemini_live::ffi::enums::gemini_live_modality;
use gemini_live::ffi::enums::*;
use gemini_live::ffi::error::gemini_live_result as R;
use gemini_live::ffi::session::gemini_live_session_send_realtime_text;
use gemini_live_mock::{BlockingMockServer, MockConfig};

/// The reply's AUDIO events of one turn, as (bytes, rate) each.
fn reply(format: Option<gemini_live_audio_format>) -> Vec<(Vec<u8>, u32)> {
    let config: MockConfig = serde_json::from_value(serde_json::json!({"audio_chunk_ms": 40})).unwrap();
    let server = BlockingMockServer::start(config).expect("mock starts");
    let cfg = Config::for_mock(&server.base_url());
    ok(gemini_live_config_set_response_modality(
        cfg.0,
        gemini_live_modality::Audio as u32,
    ));
    if let Some(f) = format {
        ok(gemini_live_config_set_output_audio_format(cfg.0, &f));
    }
    let session = Session::open(&cfg).expect("session opens");
    ok(gemini_live_session_send_realtime_text(
        session.0,
        cstr("one two three four five six").as_ptr(),
    ));
    let events = session.until("turn complete", |e| e.is(K::TurnComplete));
    ok(session.close());
    events
        .into_iter()
        .filter(|e| e.is(K::Audio))
        .map(|e| (e.audio, e.sample_rate))
        .collect()
}

#[test]
fn audio_events_arrive_in_the_configured_format() {
    let original = reply(None);
    assert!(original.iter().all(|(_, rate)| *rate == 24_000));
    let wire: Vec<u8> = original.iter().flat_map(|(b, _)| b.clone()).collect();
    let wire_ms = wire.len() / 48;
    for (sf, c_sf, rate, channels) in [
        (SampleFormat::Mulaw, gemini_live_sample_format::Mulaw, 8_000, 1),
        (
            SampleFormat::Float32,
            gemini_live_sample_format::Float32,
            48_000,
            2,
        ),
        (SampleFormat::Pcm16, gemini_live_sample_format::Pcm16, 16_000, 1),
        (SampleFormat::Pcm16, gemini_live_sample_format::Pcm16, 24_000, 1),
    ] {
        let format = AudioFormat {
            sample_format: sf,
            sample_rate: rate,
            channels,
        };
        let got = reply(Some(gemini_live_audio_format {
            sample_format: c_sf as u32,
            sample_rate: rate,
            channels: channels as u32,
        }));
        assert_eq!(got.len(), original.len(), "one AUDIO event per original event");
        assert!(got.iter().all(|(_, r)| *r == rate));
        let bytes: Vec<u8> = got.iter().flat_map(|(b, _)| b.clone()).collect();
        // Converting event by event equals converting the whole reply at once (state is kept).
        let mut whole = Vec::new();
        OutputConverter::new(format).unwrap().convert(&wire, &mut whole);
        assert_eq!(bytes, whole, "{format:?}");
        let ms = bytes.len() / format.frame_bytes() * 1000 / rate as usize;
        println!("{format:?}: {ms} ms delivered of a {wire_ms} ms reply (the rest held by the filter)");
        assert!(ms <= wire_ms && ms + 20 >= wire_ms, "{ms} of {wire_ms} ms");
    }
}

#[test]
fn output_format_is_checked() {
    let cfg = Config::for_mock("http://127.0.0.1:1");
    let bad = gemini_live_audio_format {
        sample_format: 1,
        sample_rate: 96_000,
        channels: 1,
    };
    assert_eq!(
        gemini_live_config_set_output_audio_format(cfg.0, &bad),
        R::InvalidArgument
    );
    assert_eq!(
        gemini_live_config_set_output_audio_format(std::ptr::null_mut(), &bad),
        R::NullArgument
    );
    ok(gemini_live_config_set_output_audio_format(
        cfg.0,
        std::ptr::null(),
    ));
}
