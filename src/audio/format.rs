//! Sample formats and channel layouts of application audio, and their decoding to f32 mono.

use super::g711;

/// How one sample is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    /// Signed 16-bit little-endian PCM.
    Pcm16,
    /// 32-bit IEEE float, little-endian, nominally in [-1.0, 1.0] (values beyond are clipped
    /// when converted to PCM16; NaN becomes silence).
    Float32,
    /// G.711 μ-law, one byte per sample.
    Mulaw,
    /// G.711 A-law, one byte per sample.
    Alaw,
}

impl SampleFormat {
    pub fn bytes_per_sample(self) -> usize {
        match self {
            SampleFormat::Pcm16 => 2,
            SampleFormat::Float32 => 4,
            SampleFormat::Mulaw | SampleFormat::Alaw => 1,
        }
    }
}

/// The lowest and highest sample rates accepted, in Hz.
pub const MIN_RATE: u32 = 8_000;
pub const MAX_RATE: u32 = 48_000;

/// A stream's format: sample format, rate and channel count (1, or 2 interleaved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioFormat {
    pub sample_format: SampleFormat,
    pub sample_rate: u32,
    pub channels: u16,
}

impl AudioFormat {
    /// Checks the rate (8000..=48000 Hz) and the channel count (1 or 2).
    pub fn validate(&self) -> Result<(), String> {
        if !(MIN_RATE..=MAX_RATE).contains(&self.sample_rate) {
            return Err(format!(
                "`sample_rate` {} is outside {MIN_RATE}..={MAX_RATE}",
                self.sample_rate
            ));
        }
        if !(1..=2).contains(&self.channels) {
            return Err(format!("`channels` {} is not 1 or 2", self.channels));
        }
        Ok(())
    }

    /// Bytes of one frame (one sample of every channel).
    pub fn frame_bytes(&self) -> usize {
        self.sample_format.bytes_per_sample() * self.channels as usize
    }

    /// Appends `data` (whole frames) to `out` as mono f32 in [-1, 1]: stereo is the mean of
    /// the two channels; PCM16 and G.711 are scaled by 1/32768.
    pub fn decode_mono(&self, data: &[u8], out: &mut Vec<f32>) {
        debug_assert_eq!(data.len() % self.frame_bytes(), 0);
        const SCALE: f32 = 1.0 / 32768.0;
        let sample = |bytes: &[u8]| -> f32 {
            match self.sample_format {
                SampleFormat::Pcm16 => i16::from_le_bytes([bytes[0], bytes[1]]) as f32 * SCALE,
                SampleFormat::Float32 => {
                    let v = f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                    if v.is_nan() {
                        0.0
                    } else {
                        v.clamp(-1.0, 1.0)
                    }
                }
                SampleFormat::Mulaw => g711::ulaw_to_linear(bytes[0]) as f32 * SCALE,
                SampleFormat::Alaw => g711::alaw_to_linear(bytes[0]) as f32 * SCALE,
            }
        };
        let width = self.sample_format.bytes_per_sample();
        out.reserve(data.len() / self.frame_bytes());
        for frame in data.chunks_exact(self.frame_bytes()) {
            if self.channels == 2 {
                out.push(0.5 * (sample(&frame[..width]) + sample(&frame[width..])));
            } else {
                out.push(sample(frame));
            }
        }
    }
}

impl AudioFormat {
    /// Appends mono f32 samples to `out` encoded in this format (stereo: the sample on both
    /// channels).
    pub fn encode_mono(&self, samples: &[f32], out: &mut Vec<u8>) {
        out.reserve(samples.len() * self.frame_bytes());
        for &v in samples {
            for _ in 0..self.channels {
                match self.sample_format {
                    SampleFormat::Pcm16 => out.extend_from_slice(&f32_to_pcm16(v).to_le_bytes()),
                    SampleFormat::Float32 => out.extend_from_slice(&v.clamp(-1.0, 1.0).to_le_bytes()),
                    SampleFormat::Mulaw => out.push(g711::linear_to_ulaw(f32_to_pcm16(v))),
                    SampleFormat::Alaw => out.push(g711::linear_to_alaw(f32_to_pcm16(v))),
                }
            }
        }
    }
}

/// Converts a mono f32 sample in [-1, 1] to PCM16 (rounded, clipped).
pub fn f32_to_pcm16(v: f32) -> i16 {
    (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}
