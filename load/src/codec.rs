//! `--codec`: the audio format the application side of every session uses.
//!
//! - `pcm` (the default): 16 kHz PCM16 in through `gemini_live_session_send_audio` (20 ms =
//!   640 bytes, no conversion), reply audio as the service's 24 kHz PCM16.
//! - `mulaw`: a phone line. 8 kHz G.711 μ-law in through `gemini_live_session_send_audio_ex`
//!   (20 ms = 160 bytes; the library decodes and resamples to 16 kHz PCM16), reply audio as
//!   8 kHz μ-law (`gemini_live_config_set_output_audio_format`: the library resamples the
//!   24 kHz reply and encodes it).
//!
//! Audio accounting is in the units the application receives: reply bytes as delivered by
//! AUDIO events. The mock counts its 24 kHz PCM16 wire bytes; they are converted to the
//! codec's units (μ-law: 1 byte per 8 kHz sample, so 6 wire bytes = 1 byte; exact, as the mock
//! writes whole 200 ms chunks of 9,600 wire bytes). The library's resamplers are time-aligned:
//! each keeps its filter's look-ahead inside (the output of a stream is shorter than its input
//! by the filter delay, which would come out with more audio), so with μ-law
//! - the mock hears, per session, 20 ms per frame sent less the input converter's look-ahead
//!   (8 ms): the answers it owes are counted from that;
//! - each session that received reply audio holds the output converter's look-ahead (a few
//!   μ-law bytes) undelivered: reported as held, not lost.
//!
//! Both figures are measured by running the library's own converters ([`Codec::tails`]).

use gemini_live::audio::converter::{InputConverter, OutputConverter};
use gemini_live::audio::format::{AudioFormat, SampleFormat};
use gemini_live::audio::g711::linear_to_ulaw;
use gemini_live::ffi::audio::gemini_live_audio_format;
use gemini_live::ffi::enums::gemini_live_sample_format;

/// One second of the service's reply audio on the wire (24 kHz PCM16 mono).
pub const WIRE_BYTES_PER_S: u64 = 48_000;
/// One chunk of the mock's load-mode answers on the wire (200 ms).
pub const WIRE_CHUNK_BYTES: usize = 9_600;

/// How the drain counts audio: the codec's units and its converters' tails.
#[derive(Debug, Clone, Copy)]
pub struct Units {
    pub codec: Codec,
    pub tails: Tails,
}

/// What the library's converters keep inside them (their filters' look-ahead).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tails {
    /// Audio a session's input converter holds, in µs of the wire's 16 kHz input.
    pub input_held_us: u64,
    /// Reply audio a session's output converter holds once it delivered some, in the codec's
    /// units.
    pub output_held_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Pcm,
    Mulaw,
}

impl Codec {
    pub fn parse(name: &str) -> Result<Codec, String> {
        match name {
            "pcm" => Ok(Codec::Pcm),
            "mulaw" => Ok(Codec::Mulaw),
            other => Err(format!("--codec: {other} is not pcm or mulaw")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::Pcm => "pcm",
            Codec::Mulaw => "mulaw",
        }
    }

    /// What the report's `*_audio_bytes` count.
    pub fn units(self) -> &'static str {
        match self {
            Codec::Pcm => "reply audio bytes as delivered: 24 kHz PCM16 mono (2 bytes per sample)",
            Codec::Mulaw => {
                "reply audio bytes as delivered: 8 kHz G.711 mu-law (1 byte per sample); \
                 the mock's 24 kHz PCM16 counts converted (6 wire bytes = 1)"
            }
        }
    }

    /// The format the application sends and receives, for the `_ex` calls (`None`: PCM, the
    /// plain calls).
    pub fn format(self) -> Option<gemini_live_audio_format> {
        match self {
            Codec::Pcm => None,
            Codec::Mulaw => Some(gemini_live_audio_format {
                sample_format: gemini_live_sample_format::Mulaw as u32,
                sample_rate: 8_000,
                channels: 1,
            }),
        }
    }

    /// One second of reply audio in these units (one answer of the mock's load mode).
    pub fn answer_bytes(self) -> u64 {
        match self {
            Codec::Pcm => WIRE_BYTES_PER_S,
            Codec::Mulaw => 8_000,
        }
    }

    /// The mock's wire bytes (24 kHz PCM16) in these units.
    pub fn wire_to_units(self, wire_bytes: u64) -> u64 {
        wire_bytes * self.answer_bytes() / WIRE_BYTES_PER_S
    }

    /// The converters' look-ahead, measured with the library's own converters: one frame sent
    /// (20 ms in) and one mock chunk received (200 ms out), each against its full length.
    pub fn tails(self) -> Result<Tails, String> {
        let format = match self {
            Codec::Pcm => return Ok(Tails::default()),
            Codec::Mulaw => AudioFormat {
                sample_format: SampleFormat::Mulaw,
                sample_rate: 8_000,
                channels: 1,
            },
        };
        let mut wire_in = Vec::new();
        InputConverter::new(format)?.convert(&self.frame(), &mut wire_in);
        let full_in = 16_000 * 2 / 50; // 20 ms of 16 kHz PCM16
        let mut out = Vec::new();
        OutputConverter::new(format)?.convert(&[0u8; WIRE_CHUNK_BYTES], &mut out);
        let full_out = self.wire_to_units(WIRE_CHUNK_BYTES as u64);
        Ok(Tails {
            input_held_us: (full_in as u64).saturating_sub(wire_in.len() as u64) * 1_000_000 / 32_000,
            output_held_bytes: full_out.saturating_sub(out.len() as u64),
        })
    }

    /// One 20 ms frame of a ~400 Hz tone as the application sends it (the PCM frame is the
    /// one earlier versions sent).
    pub fn frame(self) -> Vec<u8> {
        let (rate, bytes_per_sample) = match self {
            Codec::Pcm => (16_000.0, 2),
            Codec::Mulaw => (8_000.0, 1),
        };
        let samples = (rate / 50.0) as usize;
        let step = 0.157 * 16_000.0 / rate;
        let mut out = Vec::with_capacity(samples * bytes_per_sample);
        for i in 0..samples {
            let v = ((i as f64 * step).sin() * 3000.0) as i16;
            match self {
                Codec::Pcm => out.extend_from_slice(&v.to_le_bytes()),
                Codec::Mulaw => out.push(linear_to_ulaw(v)),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mulaw() -> AudioFormat {
        AudioFormat {
            sample_format: SampleFormat::Mulaw,
            sample_rate: 8_000,
            channels: 1,
        }
    }

    #[test]
    fn frames_and_units() {
        assert_eq!(Codec::Pcm.frame().len(), 640);
        assert_eq!(Codec::Mulaw.frame().len(), 160);
        assert_eq!(Codec::Pcm.wire_to_units(WIRE_CHUNK_BYTES as u64), 9_600);
        assert_eq!(Codec::Mulaw.wire_to_units(WIRE_CHUNK_BYTES as u64), 1_600);
        assert_eq!(Codec::Pcm.tails().unwrap(), Tails::default());
    }

    /// The tails are constant: a stream of whole frames (in) or whole mock chunks (out) comes
    /// out exactly its full length less the tail, however long it is.
    #[test]
    fn tails_are_the_whole_difference() {
        let t = Codec::Mulaw.tails().unwrap();
        // The 128-tap filter's half length: 64 samples of 8 kHz in, 64 of 24 kHz out.
        assert!((8_000..=8_500).contains(&t.input_held_us), "{t:?}");
        assert!((21..=22).contains(&t.output_held_bytes), "{t:?}");

        let mut input = InputConverter::new(mulaw()).unwrap();
        let mut wire = Vec::new();
        for _ in 0..500 {
            input.convert(&Codec::Mulaw.frame(), &mut wire);
        }
        let full_us = 500 * 20_000;
        assert_eq!(wire.len() as u64 * 1_000_000 / 32_000, full_us - t.input_held_us);

        let mut output = OutputConverter::new(mulaw()).unwrap();
        let mut out = Vec::new();
        let chunk: Vec<u8> = (0..WIRE_CHUNK_BYTES / 2)
            .flat_map(|i| (((i as f64 * 0.1).sin() * 8000.0) as i16).to_le_bytes())
            .collect();
        for _ in 0..50 {
            output.convert(&chunk, &mut out);
        }
        assert_eq!(out.len() as u64, 50 * 1_600 - t.output_held_bytes);
    }
}
