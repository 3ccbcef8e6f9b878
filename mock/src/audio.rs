//! PCM helpers: the deterministic output tone, input energy, and the audio hash.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use once_cell::sync::Lazy;

/// Output audio is always 24 kHz PCM16LE mono, like the real service's.
pub(crate) const OUTPUT_RATE: u64 = 24_000;
pub(crate) const OUTPUT_MIME: &str = "audio/pcm;rate=24000";

/// 400 Hz at 24 kHz has an integer period of 60 samples, so every chunk that starts on a period
/// boundary is identical and its frame can be cached (see `wire::audio_chunk`): 1,000 load-test
/// sessions then cost almost no CPU for synthesis and encoding.
const PERIOD: usize = 60;
const AMPLITUDE: f64 = 8_000.0;

static ONE_PERIOD: Lazy<[i16; PERIOD]> = Lazy::new(|| {
    let mut samples = [0i16; PERIOD];
    for (i, s) in samples.iter_mut().enumerate() {
        *s = (AMPLITUDE * (2.0 * std::f64::consts::PI * i as f64 / PERIOD as f64).sin()).round() as i16;
    }
    samples
});

fn tone_pcm(start_sample: u64, samples: usize) -> Vec<u8> {
    let mut pcm = Vec::with_capacity(samples * 2);
    for i in 0..samples {
        let s = ONE_PERIOD[((start_sample + i as u64) % PERIOD as u64) as usize];
        pcm.extend_from_slice(&s.to_le_bytes());
    }
    pcm
}

/// Base64 of `samples` tone samples starting at `start_sample` of the reply.
pub(crate) fn tone_base64(start_sample: u64, samples: usize) -> String {
    STANDARD.encode(tone_pcm(start_sample, samples))
}

/// Chunks starting here have the same samples as a chunk starting at 0.
pub(crate) fn starts_on_period(start_sample: u64) -> bool {
    start_sample % PERIOD as u64 == 0
}

/// The rate in `audio/pcm;rate=16000`; 16 kHz when absent.
pub(crate) fn rate_from_mime(mime: &str) -> u32 {
    mime.split(';')
        .filter_map(|p| p.trim().strip_prefix("rate="))
        .find_map(|r| r.trim().parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(16_000)
}

/// Root mean square of PCM16LE samples.
pub(crate) fn rms(pcm: &[u8]) -> f64 {
    let n = pcm.len() / 2;
    if n == 0 {
        return 0.0;
    }
    let sum: f64 = pcm
        .chunks_exact(2)
        .map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])).powi(2))
        .sum();
    (sum / n as f64).sqrt()
}

pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64, continued from `hash` (start with [`FNV_OFFSET`]).
pub(crate) fn fnv1a64(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_and_helpers() {
        assert_eq!(tone_pcm(0, 5760).len(), 11_520);
        assert!(starts_on_period(5760) && !starts_on_period(7));
        assert_eq!(tone_base64(5760, 120), tone_base64(0, 120));
        assert_eq!(rate_from_mime("audio/pcm;rate=24000"), 24_000);
        assert_eq!(rate_from_mime("audio/pcm"), 16_000);
        assert_eq!(fnv1a64(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert!(rms(&tone_pcm(0, 600)) > 5000.0);
    }
}
