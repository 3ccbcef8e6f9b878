//! The input converter: application audio (any [`AudioFormat`]) to what the service takes,
//! 16 kHz PCM16 mono, keeping state across calls.

use super::format::{f32_to_pcm16, AudioFormat, SampleFormat};
use super::resample::StreamResampler;
use super::WIRE_INPUT_RATE;

/// Input frames converted per step. The scratch buffers (`mono`, `resampled`) are kept per
/// converter between calls, so they are sized by this block, not by the largest call: a
/// 200 ms reply converted in one go kept ~27 KiB of scratch per session. The resampler is
/// streaming, so the output is the same however the input is cut.
const BLOCK_FRAMES: usize = 480;

/// The latency a conversion adds, from the input's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    /// The resampling filter's delay, in microseconds.
    pub filter_us: u32,
    /// The most input held back until a whole 10 ms resampling chunk is there, in
    /// microseconds (0 when callers send multiples of 10 ms, or when no resampling is needed).
    pub max_buffered_us: u32,
}

/// Converts one stream: decode to f32 mono, resample to 16 kHz, round to PCM16.
#[derive(Debug)]
pub struct InputConverter {
    format: AudioFormat,
    resampler: StreamResampler,
    mono: Vec<f32>,
    resampled: Vec<f32>,
}

impl InputConverter {
    pub fn new(format: AudioFormat) -> Result<Self, String> {
        format.validate()?;
        Ok(InputConverter {
            format,
            resampler: StreamResampler::new(format.sample_rate, WIRE_INPUT_RATE)?,
            mono: Vec::new(),
            resampled: Vec::new(),
        })
    }

    pub fn format(&self) -> AudioFormat {
        self.format
    }

    /// Checks that `len` bytes are whole, non-empty frames of this format.
    pub fn check_len(&self, len: usize) -> Result<(), String> {
        let frame = self.format.frame_bytes();
        if len == 0 || len % frame != 0 {
            return Err(format!(
                "`len` {len} is not a non-zero multiple of the {frame}-byte frame of this format"
            ));
        }
        Ok(())
    }

    /// The most PCM16 bytes converting `len` bytes of input can produce now.
    pub fn max_output_bytes(&self, len: usize) -> usize {
        2 * self.resampler.max_output(len / self.format.frame_bytes())
    }

    /// Converts `data` (whole frames, see [`check_len`](Self::check_len)) and appends the
    /// 16 kHz PCM16 little-endian mono bytes ready so far to `out` (possibly none: input
    /// short of a resampling chunk waits for the next call).
    pub fn convert(&mut self, data: &[u8], out: &mut Vec<u8>) {
        // The pass-through case the service takes as is: copy.
        if self.format.sample_format == SampleFormat::Pcm16
            && self.format.channels == 1
            && self.format.sample_rate == WIRE_INPUT_RATE
        {
            out.extend_from_slice(data);
            return;
        }
        out.reserve(self.max_output_bytes(data.len()));
        for block in data.chunks(BLOCK_FRAMES * self.format.frame_bytes()) {
            self.mono.clear();
            self.format.decode_mono(block, &mut self.mono);
            self.resampled.clear();
            self.resampler.process(&self.mono, &mut self.resampled);
            for &v in &self.resampled {
                out.extend_from_slice(&f32_to_pcm16(v).to_le_bytes());
            }
        }
    }

    /// The latency this conversion adds.
    pub fn latency(&self) -> Latency {
        let us = |frames: usize, rate: u32| (frames as u64 * 1_000_000 / rate as u64) as u32;
        Latency {
            filter_us: us(self.resampler.delay_frames(), WIRE_INPUT_RATE),
            max_buffered_us: us(self.resampler.max_held_frames(), self.format.sample_rate),
        }
    }
}

/// Converts reply audio (24 kHz PCM16 mono, the service's output) to the application's format,
/// keeping state across calls like [`InputConverter`].
#[derive(Debug)]
pub struct OutputConverter {
    format: AudioFormat,
    resampler: StreamResampler,
    mono: Vec<f32>,
    resampled: Vec<f32>,
}

impl OutputConverter {
    pub fn new(format: AudioFormat) -> Result<Self, String> {
        format.validate()?;
        Ok(OutputConverter {
            format,
            resampler: StreamResampler::new(super::WIRE_OUTPUT_RATE, format.sample_rate)?,
            mono: Vec::new(),
            resampled: Vec::new(),
        })
    }

    pub fn format(&self) -> AudioFormat {
        self.format
    }

    /// Forgets the reply so far (after a barge-in): no filter tail of it reaches the next
    /// reply.
    pub fn reset(&mut self) {
        self.resampler.reset();
    }

    /// Converts PCM16 little-endian mono at 24 kHz (an odd trailing byte is ignored) and appends
    /// what is ready in the output format to `out` (possibly nothing: input short of a 10 ms
    /// resampling chunk waits for the next call).
    pub fn convert(&mut self, pcm: &[u8], out: &mut Vec<u8>) {
        let wire = AudioFormat {
            sample_format: SampleFormat::Pcm16,
            sample_rate: super::WIRE_OUTPUT_RATE,
            channels: 1,
        };
        if self.format == wire {
            out.extend_from_slice(&pcm[..pcm.len() & !1]);
            return;
        }
        for block in pcm[..pcm.len() & !1].chunks(BLOCK_FRAMES * wire.frame_bytes()) {
            self.mono.clear();
            wire.decode_mono(block, &mut self.mono);
            self.resampled.clear();
            self.resampler.process(&self.mono, &mut self.resampled);
            self.format.encode_mono(&self.resampled, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcm16(samples: usize, rate: u32) -> Vec<u8> {
        (0..samples)
            .flat_map(|i| {
                let v = (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 12_000.0;
                (v as i16).to_le_bytes()
            })
            .collect()
    }

    /// A long call converts the same as small calls, and the scratch it keeps is one block.
    #[test]
    fn block_wise_conversion_keeps_small_scratch_and_the_same_output() {
        let mulaw = AudioFormat {
            sample_format: SampleFormat::Mulaw,
            sample_rate: 8_000,
            channels: 1,
        };
        let reply = pcm16(24_000, 24_000); // 1 s, in one call
        let mut whole = OutputConverter::new(mulaw).unwrap();
        let mut got = Vec::new();
        whole.convert(&reply, &mut got);
        let mut pieces = OutputConverter::new(mulaw).unwrap();
        let mut want = Vec::new();
        for piece in reply.chunks(480) {
            pieces.convert(piece, &mut want);
        }
        assert_eq!(got, want);
        assert!(whole.mono.capacity() <= BLOCK_FRAMES, "{}", whole.mono.capacity());

        let input = AudioFormat {
            sample_format: SampleFormat::Pcm16,
            sample_rate: 48_000,
            channels: 1,
        };
        let audio = pcm16(48_000, 48_000);
        let mut whole = InputConverter::new(input).unwrap();
        let mut got = Vec::new();
        whole.convert(&audio, &mut got);
        let mut pieces = InputConverter::new(input).unwrap();
        let mut want = Vec::new();
        for piece in audio.chunks(960) {
            pieces.convert(piece, &mut want);
        }
        assert_eq!(got, want);
        assert!(whole.mono.capacity() <= BLOCK_FRAMES, "{}", whole.mono.capacity());
    }
}
