//! Measured quality of the input conversion: a sine sweep at every common rate and format is
//! converted to 16 kHz PCM16 in irregular chunks, and compared with the exact sweep sampled at
//! 16 kHz (delayed by the measured latency). Prints SNR and latency per path; the asserts are
//! floors that catch a broken path, not the figures themselves.

use gemini_live::audio::converter::{InputConverter, OutputConverter};
use gemini_live::audio::format::{AudioFormat, SampleFormat};
use gemini_live::audio::g711;
use std::f64::consts::PI;

const SECONDS: f64 = 2.0;
const AMPLITUDE: f64 = 0.5;

/// A logarithmic sweep from `f0` to `f1` over `SECONDS`, at time `t` (s).
fn sweep(t: f64, f0: f64, f1: f64) -> f64 {
    if !(0.0..SECONDS).contains(&t) {
        return 0.0;
    }
    let k = (f1 / f0).ln() / SECONDS;
    AMPLITUDE * (2.0 * PI * f0 * ((k * t).exp() - 1.0) / k).sin()
}

/// A second tone that stereo inputs carry in opposite phase on the two channels: the downmix
/// (the mean) must cancel it.
fn side(t: f64) -> f64 {
    0.2 * (2.0 * PI * 1234.5 * t).sin()
}

fn encode(format: AudioFormat, f0: f64, f1: f64) -> Vec<u8> {
    let rate = format.sample_rate as f64;
    let n = (SECONDS * rate) as usize;
    let mut out = Vec::new();
    for i in 0..n {
        let t = i as f64 / rate;
        let mid = sweep(t, f0, f1);
        let channels: Vec<f64> = if format.channels == 2 {
            vec![mid + side(t), mid - side(t)]
        } else {
            vec![mid]
        };
        for v in channels {
            match format.sample_format {
                SampleFormat::Pcm16 => out.extend_from_slice(&((v * 32768.0).round() as i16).to_le_bytes()),
                SampleFormat::Float32 => out.extend_from_slice(&(v as f32).to_le_bytes()),
                SampleFormat::Mulaw => out.push(g711::linear_to_ulaw((v * 32768.0).round() as i16)),
                SampleFormat::Alaw => out.push(g711::linear_to_alaw((v * 32768.0).round() as i16)),
            }
        }
    }
    out
}

/// Converts `input` in irregular chunk sizes (whole frames), as a capture callback would.
/// Also returns the latency measured after every call, as the input's duration so far less
/// the output's (the output is time-aligned with the input, so what is missing is held):
/// (largest, at the end of 20 ms-multiple input), in ms.
fn convert_chunked(format: AudioFormat, input: &[u8]) -> (Vec<i16>, f64, f64) {
    let mut conv = InputConverter::new(format).unwrap();
    let frame = format.frame_bytes();
    let sizes = [1usize, 7, 160, 333, 480, 20, 1024, 3];
    let mut out = Vec::new();
    let mut at = 0;
    let mut k = 0;
    let (mut worst, mut at_20ms) = (0.0f64, 0.0f64);
    let rate = format.sample_rate as f64;
    while at < input.len() {
        let len = (sizes[k % sizes.len()] * frame).min(input.len() - at);
        conv.check_len(len).unwrap();
        let before = out.len();
        conv.convert(&input[at..at + len], &mut out);
        assert!(out.len() - before <= conv.max_output_bytes(0).max(2 * 10_000));
        at += len;
        k += 1;
        let lag = ((at / frame) as f64 / rate - (out.len() / 2) as f64 / 16000.0) * 1000.0;
        worst = worst.max(lag);
        if (at / frame) % (rate as usize / 50) == 0 && rate as usize % 50 == 0 {
            at_20ms = at_20ms.max(lag);
        }
    }
    let samples = out
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    (samples, worst, at_20ms)
}

/// SNR (dB) of `got` (at `rate` Hz) against the sweep delayed by `delay` output samples, over
/// the middle of the sweep (the edges hold the filter's start-up and the input held back).
fn snr(got: &[f64], rate: f64, delay: f64, f0: f64, f1: f64) -> f64 {
    let (mut sig, mut err) = (0.0, 0.0);
    let edge = (rate / 10.0) as usize; // 100 ms
    let end = got.len().min((SECONDS * rate) as usize) - edge;
    for (i, &g) in got.iter().enumerate().take(end).skip(edge) {
        let r = sweep((i as f64 - delay) / rate, f0, f1);
        sig += r * r;
        err += (g - r) * (g - r);
    }
    10.0 * (sig / err).log10()
}

/// The delay (in output samples, to a small fraction) that best aligns `got` with the sweep.
fn best_delay(got: &[f64], rate: f64, f0: f64, f1: f64) -> (f64, f64) {
    let mut best = (0.0, f64::MIN);
    // The output is time-aligned with the input (what the filter needs ahead is held back, not
    // delayed): coarse over ±10 samples, then to 1/50 around the best.
    for d in -10..=10 {
        let s = snr(got, rate, d as f64, f0, f1);
        if s > best.1 {
            best = (d as f64, s);
        }
    }
    let centre = best.0;
    for step in -50..=50 {
        let d = centre + step as f64 / 50.0;
        let s = snr(got, rate, d, f0, f1);
        if s > best.1 {
            best = (d, s);
        }
    }
    // Then a ternary search within a grid step either side (the SNR peaks once there).
    let (mut lo, mut hi) = (best.0 - 0.02, best.0 + 0.02);
    for _ in 0..40 {
        let (a, b) = (lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0);
        if snr(got, rate, a, f0, f1) < snr(got, rate, b, f0, f1) {
            lo = a;
        } else {
            hi = b;
        }
    }
    let d = (lo + hi) / 2.0;
    (d, snr(got, rate, d, f0, f1).max(best.1))
}

#[test]
fn sweep_snr_and_latency_per_path() {
    use SampleFormat::*;
    let paths: &[(SampleFormat, u32, u16, f64, f64)] = &[
        // (format, rate, channels, sweep end Hz, SNR floor dB)
        (Float32, 48_000, 1, 7_000.0, 65.0),
        (Float32, 48_000, 1, 6_000.0, 80.0),
        (Float32, 48_000, 2, 6_000.0, 80.0),
        (Pcm16, 48_000, 1, 6_000.0, 80.0),
        (Float32, 44_100, 2, 6_000.0, 80.0),
        (Pcm16, 44_100, 1, 6_000.0, 80.0),
        (Pcm16, 32_000, 1, 6_000.0, 80.0),
        (Pcm16, 24_000, 1, 7_000.0, 65.0),
        (Pcm16, 24_000, 1, 6_000.0, 80.0),
        (Pcm16, 22_050, 2, 6_000.0, 80.0),
        (Pcm16, 16_000, 1, 7_000.0, 85.0),
        (Float32, 16_000, 1, 7_000.0, 85.0),
        (Pcm16, 11_025, 1, 4_500.0, 80.0),
        (Pcm16, 8_000, 1, 3_400.0, 80.0),
        (Mulaw, 8_000, 1, 3_400.0, 33.0),
        (Alaw, 8_000, 1, 3_400.0, 33.0),
    ];
    let mut failures = Vec::new();
    println!(
        "path                     sweep to  SNR dB  time offset  latency: worst / at 20 ms edges (measured)  filter + max held (stated)"
    );
    for &(sf, rate, channels, f1, floor) in paths {
        let f0 = 100.0;
        let format = AudioFormat {
            sample_format: sf,
            sample_rate: rate,
            channels,
        };
        let input = encode(format, f0, f1);
        let (got, worst, at_20ms) = convert_chunked(format, &input);
        let expected_len = (SECONDS * 16000.0) as usize;
        assert!(
            got.len() + 400 >= expected_len && got.len() <= expected_len,
            "{format:?}: {} samples out for {expected_len}",
            got.len()
        );
        let scaled: Vec<f64> = got.iter().map(|&g| g as f64 / 32768.0).collect();
        let (delay, db) = best_delay(&scaled, 16_000.0, f0, f1);
        let stated = InputConverter::new(format).unwrap().latency();
        println!(
            "{:<8?} {:>6} Hz {}ch  {:>5} Hz  {:>6.1}  {:>6.3} ms   {:>6.3} / {:>6.3} ms   {:.3} + {:.3} ms",
            sf,
            rate,
            channels,
            f1,
            db,
            delay / 16.0,
            worst,
            at_20ms,
            stated.filter_us as f64 / 1000.0,
            stated.max_buffered_us as f64 / 1000.0
        );
        if db < floor {
            failures.push(format!("{format:?}: SNR {db:.1} dB below {floor} dB"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Chunking does not change the output: the resampler keeps its state across calls, so there
/// is nothing at chunk edges to click.
#[test]
fn chunked_conversion_equals_whole_conversion() {
    for format in [
        AudioFormat {
            sample_format: SampleFormat::Float32,
            sample_rate: 44_100,
            channels: 2,
        },
        AudioFormat {
            sample_format: SampleFormat::Mulaw,
            sample_rate: 8_000,
            channels: 1,
        },
        AudioFormat {
            sample_format: SampleFormat::Pcm16,
            sample_rate: 48_000,
            channels: 1,
        },
    ] {
        let input = encode(format, 100.0, 3_000.0);
        let (chunked, _, _) = convert_chunked(format, &input);
        let mut whole = Vec::new();
        InputConverter::new(format).unwrap().convert(&input, &mut whole);
        let whole: Vec<i16> = whole
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        assert_eq!(chunked, whole, "{format:?}");
    }
}

#[test]
fn formats_are_checked() {
    let bad = |sf, rate, channels| {
        AudioFormat {
            sample_format: sf,
            sample_rate: rate,
            channels,
        }
        .validate()
    };
    assert!(bad(SampleFormat::Pcm16, 7_999, 1).is_err());
    assert!(bad(SampleFormat::Pcm16, 48_001, 1).is_err());
    assert!(bad(SampleFormat::Pcm16, 16_000, 0).is_err());
    assert!(bad(SampleFormat::Pcm16, 16_000, 3).is_err());
    let conv = InputConverter::new(AudioFormat {
        sample_format: SampleFormat::Float32,
        sample_rate: 48_000,
        channels: 2,
    })
    .unwrap();
    assert!(conv.check_len(8).is_ok());
    assert!(conv.check_len(4).is_err());
    assert!(conv.check_len(0).is_err());
}

/// The output path: the service's 24 kHz PCM16 reply converted to common device formats, in
/// 40 ms chunks like the service's; SNR against the exact sweep at the device rate, and the
/// latency measured as reply fed less output produced at the chunk edges.
#[test]
fn output_path_snr_and_latency() {
    use SampleFormat::*;
    let input_format = AudioFormat {
        sample_format: Pcm16,
        sample_rate: 24_000,
        channels: 1,
    };
    println!("24 kHz PCM16 reply to   sweep to  SNR dB  time offset  latency at 40 ms edges (measured)");
    let mut failures = Vec::new();
    for (sf, rate, channels, f0, f1, floor) in [
        (Float32, 48_000u32, 2u16, 100.0, 10_000.0, 80.0),
        (Float32, 44_100, 1, 100.0, 10_000.0, 80.0),
        (Pcm16, 16_000, 1, 100.0, 6_000.0, 80.0),
        (Pcm16, 24_000, 1, 100.0, 10_000.0, 85.0),
        (Pcm16, 8_000, 1, 100.0, 3_400.0, 65.0),
        (Mulaw, 8_000, 1, 100.0, 3_400.0, 33.0),
        (Alaw, 8_000, 1, 100.0, 3_400.0, 33.0),
    ] {
        let format = AudioFormat {
            sample_format: sf,
            sample_rate: rate,
            channels,
        };
        let input = encode(input_format, f0, f1);
        let mut conv = OutputConverter::new(format).unwrap();
        let mut out = Vec::new();
        let mut lag_ms: f64 = 0.0;
        for (k, chunk) in input.chunks(1920).enumerate() {
            conv.convert(chunk, &mut out);
            let fed = (k * 1920 + chunk.len()) as f64 / 48.0;
            let produced = (out.len() / format.frame_bytes()) as f64 * 1000.0 / rate as f64;
            lag_ms = lag_ms.max(fed - produced);
        }
        let mono: Vec<f64> = out
            .chunks_exact(format.frame_bytes())
            .map(|f| match sf {
                Pcm16 => i16::from_le_bytes([f[0], f[1]]) as f64 / 32768.0,
                Float32 => f32::from_le_bytes([f[0], f[1], f[2], f[3]]) as f64,
                Mulaw => g711::ulaw_to_linear(f[0]) as f64 / 32768.0,
                Alaw => g711::alaw_to_linear(f[0]) as f64 / 32768.0,
            })
            .collect();
        let (delay, db) = best_delay(&mono, rate as f64, f0, f1);
        println!(
            "{:<8?} {:>6} Hz {}ch  {:>6} Hz  {:>6.1}  {:>6.3} ms   {:>6.3} ms",
            sf,
            rate,
            channels,
            f1,
            db,
            delay * 1000.0 / rate as f64,
            lag_ms
        );
        if db < floor {
            failures.push(format!("{format:?}: SNR {db:.1} dB below {floor} dB"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
