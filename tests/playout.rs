//! `gemini_live_playout` through the C ABI, bound to a session against the mock: reply audio
//! lands in the buffer, a turn that plays out counts whole, and a barge-in (`INTERRUPTED`)
//! flushes what was not played and leaves the played part as the turn's figure.

mod cabi;

use cabi::*;
use gemini_live::ffi::audio::{gemini_live_audio_format, gemini_live_config_set_output_audio_format};
use gemini_live::ffi::config::gemini_live_config_set_response_modality;
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use gemini_live::ffi::enums::gemini_live_modality;
use gemini_live::ffi::enums::gemini_live_sample_format;
use gemini_live::ffi::error::gemini_live_result as R;
use gemini_live::ffi::playout::*;
use gemini_live::ffi::session::gemini_live_session_send_realtime_text;
use gemini_live_mock::{BlockingMockServer, MockConfig};

struct Playout(*mut gemini_live_playout);

impl Drop for Playout {
    fn drop(&mut self) {
        gemini_live_playout_free(self.0);
    }
}

fn new_playout(rate: u32, ms: u32) -> Playout {
    let mut p = std::ptr::null_mut();
    ok(gemini_live_playout_new(rate, ms, &mut p));
    Playout(p)
}

fn played(p: &Playout, turn: u64) -> (u64, bool) {
    let (mut ms, mut done) = (0u64, false);
    ok(gemini_live_playout_turn_played_ms(p.0, turn, &mut ms, &mut done));
    (ms, done)
}

/// Pulls `ms` of 20 ms device frames; returns the samples of audio among them.
fn pull_ms(p: &Playout, ms: usize) -> usize {
    let mut frame = [0i16; 480];
    (0..ms / 20)
        .map(|_| gemini_live_playout_pull(p.0, frame.as_mut_ptr(), frame.len()))
        .sum()
}

/// A mock that speaks its replies in real time, 40 ms per chunk, and a config for audio replies.
fn audio_reply_mock() -> (BlockingMockServer, Config) {
    let config: MockConfig =
        serde_json::from_value(serde_json::json!({"realtime_output": true, "audio_chunk_ms": 40}))
            .expect("mock config");
    let server = BlockingMockServer::start(config).expect("mock starts");
    let cfg = Config::for_mock(&server.base_url());
    ok(gemini_live_config_set_response_modality(
        cfg.0,
        gemini_live_modality::Audio as u32,
    ));
    (server, cfg)
}

#[test]
fn bound_playout_plays_turns_and_flushes_on_barge_in() {
    let (_server, cfg) = audio_reply_mock();
    let session = Session::open(&cfg).expect("session opens");
    let p = new_playout(24_000, 60_000);
    ok(gemini_live_session_set_playout(session.0, p.0));

    // Turn 1 plays out: everything pulled before TURN_COMPLETE is in the buffer.
    ok(gemini_live_session_send_realtime_text(
        session.0,
        cstr("hello there").as_ptr(),
    ));
    session.until("turn 1 complete", |e| e.is(K::TurnComplete));
    let length_ms = gemini_live_playout_buffered_ms(p.0);
    assert!(length_ms >= 200, "a reply of {length_ms} ms");
    assert_eq!(gemini_live_playout_current_turn(p.0), 1);
    assert_eq!(played(&p, 1), (0, false));
    let samples = pull_ms(&p, length_ms as usize + 100);
    assert_eq!(samples as u64, length_ms * 24);
    assert_eq!(played(&p, 1), (length_ms, true));
    println!("turn 1: {length_ms} ms of reply, all played");

    // Turn 2 is interrupted after its first 40 ms chunk was played. The mock speaks 60 ms per
    // word of its reply, paced in real time: 50 words leave seconds for the barge-in to land.
    let long = vec!["word"; 50].join(" ");
    ok(gemini_live_session_send_realtime_text(
        session.0,
        cstr(&long).as_ptr(),
    ));
    session.until("turn 2 audio", |e| e.is(K::Audio));
    assert_eq!(gemini_live_playout_current_turn(p.0), 2);
    let audio = pull_ms(&p, 40); // the first chunk is 40 ms
    assert_eq!(audio, 960);
    ok(gemini_live_session_send_realtime_text(
        session.0,
        cstr("stop").as_ptr(),
    ));
    session.until("interrupted", |e| e.is(K::Interrupted));
    assert_eq!(
        played(&p, 2),
        (40, true),
        "only what was pulled before the barge-in"
    );
    assert_eq!(
        gemini_live_playout_buffered_ms(p.0),
        0,
        "the rest of turn 2 was flushed"
    );
    let mut frame = [1i16; 480];
    assert_eq!(gemini_live_playout_pull(p.0, frame.as_mut_ptr(), frame.len()), 0);
    assert!(frame.iter().all(|&s| s == 0), "silence when empty");
    println!("turn 2: interrupted after {} ms played", played(&p, 2).0);

    // Unbinding stops the feeding; the buffer outlives the session binding.
    ok(gemini_live_session_set_playout(session.0, std::ptr::null_mut()));
    ok(session.close());
}

/// Pulls 20 ms frames of an 8 kHz buffer until it runs dry; returns the audio samples.
fn drain_8k(p: &Playout) -> usize {
    let mut frame = [0i16; 160];
    let mut total = 0;
    loop {
        let n = gemini_live_playout_pull(p.0, frame.as_mut_ptr(), frame.len());
        total += n;
        if n == 0 {
            return total;
        }
    }
}

/// A phone line: the buffer is at 8 kHz while the application's AUDIO events are 8 kHz μ-law.
/// The session resamples the reply for the buffer with its own converter, so the buffer gets
/// exactly as many samples as the μ-law events carry; a barge-in flushes it.
#[test]
fn a_phone_line_playout_takes_the_reply_at_8_khz() {
    let (_server, cfg) = audio_reply_mock();
    let mulaw = gemini_live_audio_format {
        sample_format: gemini_live_sample_format::Mulaw as u32,
        sample_rate: 8_000,
        channels: 1,
    };
    ok(gemini_live_config_set_output_audio_format(cfg.0, &mulaw));
    let session = Session::open(&cfg).expect("session opens");
    let p = new_playout(8_000, 60_000);
    ok(gemini_live_session_set_playout(session.0, p.0));

    ok(gemini_live_session_send_realtime_text(
        session.0,
        cstr("hello there").as_ptr(),
    ));
    let events = session.until("turn 1 complete", |e| e.is(K::TurnComplete));
    let mulaw_bytes: usize = events
        .iter()
        .filter(|e| e.is(K::Audio))
        .map(|e| e.audio.len())
        .sum();
    assert!(mulaw_bytes >= 1_600, "a reply of {mulaw_bytes} μ-law bytes");
    assert!(events
        .iter()
        .filter(|e| e.is(K::Audio))
        .all(|e| e.sample_rate == 8_000));
    let samples = drain_8k(&p);
    assert_eq!(
        samples, mulaw_bytes,
        "one buffered sample per μ-law byte delivered"
    );
    assert_eq!(played(&p, 1), ((samples / 8) as u64, true));
    println!("turn 1: {} ms at 8 kHz, all played", samples / 8);

    let long = vec!["word"; 50].join(" ");
    ok(gemini_live_session_send_realtime_text(
        session.0,
        cstr(&long).as_ptr(),
    ));
    session.until("turn 2 audio", |e| e.is(K::Audio));
    let mut frame = [0i16; 160];
    let heard = gemini_live_playout_pull(p.0, frame.as_mut_ptr(), frame.len());
    assert!(heard > 0, "turn 2 audio reached the 8 kHz buffer");
    ok(gemini_live_session_send_realtime_text(
        session.0,
        cstr("stop").as_ptr(),
    ));
    session.until("interrupted", |e| e.is(K::Interrupted));
    assert_eq!(played(&p, 2), ((heard / 8) as u64, true), "only what was pulled");
    assert_eq!(
        gemini_live_playout_buffered_ms(p.0),
        0,
        "the rest of turn 2 was flushed"
    );
    ok(session.close());
}

#[test]
fn playout_arguments() {
    let mut out = std::ptr::null_mut();
    assert_eq!(
        gemini_live_playout_new(24_000, 100, std::ptr::null_mut()),
        R::NullArgument
    );
    assert_eq!(gemini_live_playout_new(4_000, 100, &mut out), R::InvalidArgument);
    assert_eq!(gemini_live_playout_new(24_000, 0, &mut out), R::InvalidArgument);
    assert!(out.is_null(), "out-param untouched on failure");
    let p = new_playout(8_000, 10); // 80 samples
    let mut accepted = 0usize;
    let samples = [3i16; 100];
    ok(gemini_live_playout_push(
        p.0,
        samples.as_ptr(),
        samples.len(),
        &mut accepted,
    ));
    assert_eq!(accepted, 80);
    assert_eq!(
        gemini_live_playout_push(p.0, std::ptr::null(), 5, &mut accepted),
        R::NullArgument
    );
    assert_eq!(
        gemini_live_playout_pull(std::ptr::null_mut(), [0i16; 4].as_mut_ptr(), 4),
        0
    );
    assert_eq!(gemini_live_playout_pull(p.0, std::ptr::null_mut(), 4), 0);
    let mut ms = 0u64;
    let mut done = false;
    assert_eq!(
        gemini_live_playout_turn_played_ms(p.0, 9, &mut ms, &mut done),
        R::InvalidArgument
    );
    ok(gemini_live_playout_flush(p.0));
    ok(gemini_live_playout_end_turn(p.0));
    assert_eq!(gemini_live_playout_buffered_ms(p.0), 0);
    assert_eq!(played(&p, 1), (0, true));
    assert_eq!(
        gemini_live_session_set_playout(std::ptr::null_mut(), p.0),
        R::NullArgument
    );
    gemini_live_playout_free(std::ptr::null_mut());
}
