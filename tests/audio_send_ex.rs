//! `gemini_live_session_send_audio_ex` through the C ABI against the mock: what reaches the
//! wire is exactly the converter's 16 kHz PCM16 (length and FNV-1a hash per session), chunk
//! by chunk; formats and lengths are checked; the size limit holds after conversion.

mod cabi;

use cabi::*;
use gemini_live::audio::converter::InputConverter;
use gemini_live::audio::format::{AudioFormat, SampleFormat};
use gemini_live::ffi::audio::*;
use gemini_live::ffi::config::gemini_live_config_set_max_message_bytes;
use gemini_live::ffi::enums::*;
use gemini_live::ffi::error::gemini_live_result as R;
use gemini_live::ffi::session::gemini_live_session_send_audio;
use gemini_live_mock::{BlockingMockServer, MockConfig};

fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn c_format(sf: gemini_live_sample_format, rate: u32, channels: u32) -> gemini_live_audio_format {
    gemini_live_audio_format {
        sample_format: sf as u32,
        sample_rate: rate,
        channels,
    }
}

fn server() -> BlockingMockServer {
    let config: MockConfig =
        serde_json::from_value(serde_json::json!({"record_audio_chunks": true})).expect("mock config");
    BlockingMockServer::start(config).expect("mock starts")
}

/// 20 ms frames of a 440 Hz tone (and 1 kHz on the right channel), in `format`.
fn frames(format: AudioFormat, count: usize) -> Vec<Vec<u8>> {
    let per = format.sample_rate as usize / 50;
    (0..count)
        .map(|f| {
            let mut out = Vec::new();
            for i in 0..per {
                let t = (f * per + i) as f64 / format.sample_rate as f64;
                for ch in 0..format.channels {
                    let hz = if ch == 0 { 440.0 } else { 1000.0 };
                    let v = 0.3 * (2.0 * std::f64::consts::PI * hz * t).sin();
                    let s16 = (v * 32767.0) as i16;
                    match format.sample_format {
                        SampleFormat::Pcm16 => out.extend_from_slice(&s16.to_le_bytes()),
                        SampleFormat::Float32 => out.extend_from_slice(&(v as f32).to_le_bytes()),
                        SampleFormat::Mulaw => out.push(gemini_live::audio::g711::linear_to_ulaw(s16)),
                        SampleFormat::Alaw => out.push(gemini_live::audio::g711::linear_to_alaw(s16)),
                    }
                }
            }
            out
        })
        .collect()
}

#[test]
fn converted_audio_reaches_the_wire_exactly() {
    let server = server();
    let cfg = Config::for_mock(&server.base_url());
    let session = Session::open(&cfg).expect("session opens");
    let streams = [
        (
            c_format(gemini_live_sample_format::Float32, 48_000, 2),
            SampleFormat::Float32,
            48_000,
            2,
        ),
        (
            c_format(gemini_live_sample_format::Pcm16, 44_100, 1),
            SampleFormat::Pcm16,
            44_100,
            1,
        ),
        // A new format starts a new converter.
        (
            c_format(gemini_live_sample_format::Mulaw, 8_000, 1),
            SampleFormat::Mulaw,
            8_000,
            1,
        ),
        (
            c_format(gemini_live_sample_format::Alaw, 8_000, 1),
            SampleFormat::Alaw,
            8_000,
            1,
        ),
        (
            c_format(gemini_live_sample_format::Pcm16, 16_000, 1),
            SampleFormat::Pcm16,
            16_000,
            1,
        ),
    ];
    let mut expected: Vec<Vec<u8>> = Vec::new();
    for (cf, sf, rate, channels) in streams {
        let format = AudioFormat {
            sample_format: sf,
            sample_rate: rate,
            channels,
        };
        let mut conv = InputConverter::new(format).unwrap();
        for frame in frames(format, 25) {
            ok(gemini_live_session_send_audio_ex(
                session.0,
                frame.as_ptr(),
                frame.len(),
                &cf,
            ));
            let mut pcm = Vec::new();
            conv.convert(&frame, &mut pcm);
            if !pcm.is_empty() {
                expected.push(pcm);
            }
        }
    }
    // 20 ms in, 20 ms out (640 bytes) for every call, even at 44.1 kHz (882 frames: two
    // 10 ms chunks each), except the first call of each resampled stream, short of what the
    // filter holds back.
    let lens: Vec<usize> = expected.iter().map(Vec::len).collect();
    assert!(
        lens.iter().all(|&l| l <= 640) && lens.iter().filter(|&&l| l != 640).count() <= 4,
        "{lens:?}"
    );
    let total: usize = expected.iter().map(Vec::len).sum();
    let hash = expected.iter().fold(FNV_OFFSET, |h, c| fnv(h, c));
    let arrived = server.wait_for(
        |s| s.sessions.values().any(|x| x.audio_bytes == total as u64),
        DEADLINE,
    );
    let stats = server.stats();
    let got = stats.sessions.values().next().expect("one session");
    assert!(arrived, "{} of {total} bytes arrived", got.audio_bytes);
    assert_eq!(got.audio_fnv1a64, hash);
    let chunks = got.audio_chunks.as_ref().expect("chunks recorded");
    assert_eq!(chunks.len(), expected.len());
    for (c, e) in chunks.iter().zip(&expected) {
        assert_eq!((c.bytes, c.fnv1a64), (e.len() as u64, fnv(FNV_OFFSET, e)));
    }
    ok(session.close());
}

#[test]
fn arguments_and_limits_are_checked() {
    let server = server();
    let cfg = Config::for_mock(&server.base_url());
    ok(gemini_live_config_set_max_message_bytes(cfg.0, 4096));
    let session = Session::open(&cfg).expect("session opens");
    let f32_stereo = c_format(gemini_live_sample_format::Float32, 48_000, 2);
    let data = [0u8; 64];
    let null = std::ptr::null_mut();
    assert_eq!(
        gemini_live_session_send_audio_ex(null, data.as_ptr(), 8, &f32_stereo),
        R::NullArgument
    );
    assert_eq!(
        gemini_live_session_send_audio_ex(session.0, std::ptr::null(), 8, &f32_stereo),
        R::NullArgument
    );
    assert_eq!(
        gemini_live_session_send_audio_ex(session.0, data.as_ptr(), 8, std::ptr::null()),
        R::NullArgument
    );
    for (bad, what) in [
        (
            gemini_live_audio_format {
                sample_format: 9,
                sample_rate: 16_000,
                channels: 1,
            },
            "sample_format",
        ),
        (
            c_format(gemini_live_sample_format::Pcm16, 7_999, 1),
            "sample_rate",
        ),
        (
            c_format(gemini_live_sample_format::Pcm16, 48_001, 1),
            "sample_rate",
        ),
        (c_format(gemini_live_sample_format::Pcm16, 16_000, 0), "channels"),
        (c_format(gemini_live_sample_format::Pcm16, 16_000, 3), "channels"),
    ] {
        assert_eq!(
            gemini_live_session_send_audio_ex(session.0, data.as_ptr(), 8, &bad),
            R::InvalidArgument
        );
        assert!(last_error().contains(what), "{}", last_error());
    }
    // Partial frames and empty buffers.
    for len in [0, 4, 12] {
        assert_eq!(
            gemini_live_session_send_audio_ex(session.0, data.as_ptr(), len, &f32_stereo),
            R::InvalidArgument
        );
    }
    // The limit holds after conversion: 4096-byte messages carry at most 3018 bytes of PCM,
    // 94 ms at 16 kHz; 100 ms of 48 kHz float stereo converts to 3200 bytes.
    let big = vec![0u8; 4800 * 8];
    assert_eq!(
        gemini_live_session_send_audio_ex(session.0, big.as_ptr(), big.len(), &f32_stereo),
        R::TooLarge
    );
    assert!(last_error().contains("nothing was queued"), "{}", last_error());
    // 80 ms fits, as does raw PCM16 of the same size through send_audio.
    let fits = vec![0u8; 3840 * 8];
    ok(gemini_live_session_send_audio_ex(
        session.0,
        fits.as_ptr(),
        fits.len(),
        &f32_stereo,
    ));
    let pcm = vec![0u8; 2560];
    ok(gemini_live_session_send_audio(
        session.0,
        pcm.as_ptr(),
        pcm.len(),
        16_000,
    ));
    // Less than a 10 ms chunk: kept, nothing sent, OK.
    ok(gemini_live_session_send_audio_ex(
        session.0,
        data.as_ptr(),
        8,
        &f32_stereo,
    ));
    ok(session.close());
    // After close: CLOSED.
    assert_eq!(
        gemini_live_session_send_audio_ex(session.0, fits.as_ptr(), fits.len(), &f32_stereo),
        R::Closed
    );
}

#[test]
fn latency_is_reported_per_format() {
    let (mut filter, mut held) = (7u32, 7u32);
    assert_eq!(
        gemini_live_audio_latency(std::ptr::null(), &mut filter, &mut held),
        R::NullArgument
    );
    let fmt = c_format(gemini_live_sample_format::Pcm16, 16_000, 1);
    assert_eq!(
        gemini_live_audio_latency(&fmt, std::ptr::null_mut(), &mut held),
        R::NullArgument
    );
    assert_eq!((filter, held), (7, 7), "out-params untouched on failure");
    println!("added latency per input format (filter + most held):");
    for (sf, rate, channels) in [
        (gemini_live_sample_format::Pcm16, 16_000, 1),
        (gemini_live_sample_format::Float32, 48_000, 2),
        (gemini_live_sample_format::Float32, 44_100, 2),
        (gemini_live_sample_format::Pcm16, 32_000, 1),
        (gemini_live_sample_format::Pcm16, 24_000, 1),
        (gemini_live_sample_format::Pcm16, 22_050, 1),
        (gemini_live_sample_format::Mulaw, 8_000, 1),
        (gemini_live_sample_format::Alaw, 8_000, 1),
    ] {
        ok(gemini_live_audio_latency(
            &c_format(sf, rate, channels),
            &mut filter,
            &mut held,
        ));
        println!("  {sf:?} {rate} Hz {channels} ch: {filter} us + {held} us");
        if rate == 16_000 {
            assert_eq!((filter, held), (0, 0));
        } else {
            assert!(filter > 0 && filter <= 8_000 && held < 10_000);
        }
    }
}
