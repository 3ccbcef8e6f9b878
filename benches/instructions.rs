//! One codec operation per run, for counting its instructions under callgrind
//! (`scripts/check-instructions.sh`): wall-clock timings vary with the machine's load, the
//! instruction count of a fixed input does not.
//!
//! Run: `instructions <op>`. Each op builds its input, makes one warm-up call (first-use
//! allocations and lazy statics stay out of the count), then `CALLS` calls inside
//! `measured_calls`, the only function callgrind collects (`--toggle-collect`), and prints
//! `CALLS`, the divisor of the count. Without an op (as under `cargo bench`, which passes
//! `--bench`) it lists the ops.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use gemini_live::audio::converter::InputConverter;
use gemini_live::audio::format::{AudioFormat, SampleFormat};
use gemini_live::protocol::{encode_realtime, RealtimeInput, ServerMessage};
use gemini_live::session::{events_from_message, SessionEvent};
use std::hint::black_box;

/// Calls per measurement.
const CALLS: usize = 100;

/// One call of an op, its input captured.
type Call = Box<dyn FnMut()>;

/// Builds an op's input and returns its call.
type Setup = fn() -> Call;

/// Each op's name (its argument) and setup.
const OPS: [(&str, Setup); 5] = [
    ("encode_pcm16_20ms", encode_pcm16),
    ("encode_mulaw8k_20ms", encode_mulaw),
    ("decode_audio_200ms", decode_audio),
    ("decode_transcription", decode_transcription),
    ("decode_turn_complete", decode_turn_complete),
];

fn main() {
    let Some(op) = std::env::args().nth(1).filter(|a| !a.starts_with("--")) else {
        for (name, _) in OPS {
            println!("{name}");
        }
        return;
    };
    let Some((_, setup)) = OPS.iter().find(|(name, _)| *name == op) else {
        eprintln!("unknown op {op:?}; run without arguments for the list");
        std::process::exit(2);
    };
    let mut call = setup();
    call();
    measured_calls(&mut *call);
    println!("{CALLS}");
}

/// The function callgrind collects: its name is the script's `--toggle-collect` pattern.
#[inline(never)]
fn measured_calls(call: &mut dyn FnMut()) {
    for _ in 0..CALLS {
        call();
    }
}

/// Audio-like bytes: the content does not change the work, only the length does.
fn pattern(bytes: usize) -> Vec<u8> {
    (0..bytes).map(|i| (i * 7 % 251) as u8).collect()
}

/// `gemini_live_session_send_audio`'s encoding.
fn encode_pcm16() -> Call {
    let pcm = pattern(640);
    Box::new(move || {
        black_box(encode_realtime(&RealtimeInput::Audio {
            pcm: black_box(&pcm),
            sample_rate: 16_000,
        }));
    })
}

/// `gemini_live_session_send_audio_ex`'s conversion and encoding of a phone line's audio.
fn encode_mulaw() -> Call {
    let format = AudioFormat {
        sample_format: SampleFormat::Mulaw,
        sample_rate: 8_000,
        channels: 1,
    };
    let mut converter = InputConverter::new(format).expect("a valid format");
    let mulaw = pattern(160);
    Box::new(move || {
        let mut pcm = Vec::with_capacity(converter.max_output_bytes(mulaw.len()));
        converter.convert(black_box(&mulaw), &mut pcm);
        black_box(encode_realtime(&RealtimeInput::Audio {
            pcm: &pcm,
            sample_rate: 16_000,
        }));
    })
}

/// A reply's audio as the service sends it: 200 ms of 24 kHz PCM16 (9,600 bytes) in one part.
fn decode_audio() -> Call {
    let b64 = STANDARD.encode(pattern(24_000 * 2 / 5));
    decode(format!(
        r#"{{"serverContent":{{"modelTurn":{{"parts":[{{"inlineData":{{"mimeType":"audio/pcm;rate=24000","data":"{b64}"}}}}]}}}}}}"#
    ))
}

/// A piece of the reply's transcript (output transcription on): small and frequent.
fn decode_transcription() -> Call {
    decode(r#"{"serverContent":{"outputTranscription":{"text":" Sure, the weather in Paris is"}}}"#.into())
}

/// The end of a reply, with its token counts.
fn decode_turn_complete() -> Call {
    decode(
        r#"{"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":412,"responseTokenCount":96,"totalTokenCount":508,"promptTokensDetails":[{"modality":"AUDIO","tokenCount":412}],"responseTokensDetails":[{"modality":"AUDIO","tokenCount":96}]}}"#
            .into(),
    )
}

/// The connection loop's handling of one received frame: decode, then events (dropped here
/// as the application's callback would release them).
fn decode(frame: String) -> Call {
    let mut events: Vec<SessionEvent> = Vec::with_capacity(4);
    Box::new(move || {
        let message = ServerMessage::decode(black_box(frame.as_bytes())).expect("a valid frame");
        events_from_message(message, &mut events);
        black_box(events.drain(..).count());
    })
}
