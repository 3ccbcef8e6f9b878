//! A streaming resampler: rubato's asynchronous sinc resampler ([`rubato::SincFixedIn`])
//! fed in fixed 10 ms chunks from a buffer that keeps whatever a call leaves over, so that a
//! stream converts the same however it is cut into calls (no clicks at chunk edges: the
//! filter state and the fractional position carry over).
//!
//! Quality settings ([`SINC_LEN`], [`OVERSAMPLING`], [`WINDOW`], cutoff from
//! `rubato::calculate_cutoff` for that window and length, cubic interpolation between the
//! oversampled sinc points):
//! - a 128-tap windowed-sinc anti-aliasing/anti-imaging filter (Blackman-Harris²), cut off at
//!   about 0.93 of the lower Nyquist frequency;
//! - added latency: the output is time-aligned with the input (rubato starts with the filter's
//!   look-ahead), so the latency is what is held back: the filter's half length (64 input
//!   samples: 1.3 ms at 48 kHz, 8 ms at 8 kHz) plus up to one chunk (10 ms) of input kept until
//!   the chunk is complete (none when callers send multiples of 10 ms). `tests/audio_quality.rs`
//!   measures it (input fed less output produced after every call) and the SNR per path.
//!
//! Equal rates pass through untouched, with no latency.
//!
//! The tabulated sinc ([`SINC_LEN`] × [`OVERSAMPLING`] f32, 128 KiB) depends only on the
//! cutoff, so it is built once and shared by every resampler with that cutoff (see
//! `shared_table`): a μ-law session's two converters would otherwise hold 256 KiB of
//! identical tables each.

use rubato::sinc_interpolator::{ScalarInterpolator, SincInterpolator};
use rubato::{Resampler, SincFixedIn, SincInterpolationType, WindowFunction};
use std::sync::{Arc, Mutex, Weak};

/// Length of the sinc filter, in taps.
pub const SINC_LEN: usize = 128;
/// Intermediate points per input sample at which the sinc is tabulated.
pub const OVERSAMPLING: usize = 256;
/// The filter's window.
pub const WINDOW: WindowFunction = WindowFunction::BlackmanHarris2;
/// Input chunk in milliseconds.
pub const CHUNK_MS: u32 = 10;

/// Resamples one mono f32 stream from `in_rate` to `out_rate`, keeping state across calls.
pub struct StreamResampler {
    in_rate: u32,
    out_rate: u32,
    inner: Option<SincFixedIn<f32>>,
    chunk: usize,
    /// Input not yet processed (always fewer than `chunk` samples between calls).
    pending: Vec<f32>,
    out_buf: Vec<Vec<f32>>,
}

impl std::fmt::Debug for StreamResampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamResampler")
            .field("in_rate", &self.in_rate)
            .field("out_rate", &self.out_rate)
            .field("pending", &self.pending.len())
            .finish()
    }
}

impl StreamResampler {
    /// A resampler between two rates (both non-zero).
    pub fn new(in_rate: u32, out_rate: u32) -> Result<Self, String> {
        if in_rate == 0 || out_rate == 0 {
            return Err("sample rates must be non-zero".into());
        }
        let chunk = (in_rate * CHUNK_MS / 1000).max(1) as usize;
        let inner = if in_rate == out_rate {
            None
        } else {
            let ratio = out_rate as f64 / in_rate as f64;
            Some(
                SincFixedIn::new_with_interpolator(
                    ratio,
                    1.0,
                    SincInterpolationType::Cubic,
                    Box::new(shared_table(ratio)),
                    chunk,
                    1,
                )
                .map_err(|e| e.to_string())?,
            )
        };
        let out_buf = match &inner {
            Some(r) => vec![vec![0.0; r.output_frames_max()]],
            None => Vec::new(),
        };
        Ok(StreamResampler {
            in_rate,
            out_rate,
            inner,
            chunk,
            pending: Vec::with_capacity(chunk),
            out_buf,
        })
    }

    pub fn in_rate(&self) -> u32 {
        self.in_rate
    }

    pub fn out_rate(&self) -> u32 {
        self.out_rate
    }

    /// Appends the output for `input` to `out`. Input that does not fill a whole chunk is kept
    /// for the next call.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        let Some(r) = self.inner.as_mut() else {
            out.extend_from_slice(input);
            return;
        };
        let mut input = input;
        let mut run = |chunk: &[f32], out: &mut Vec<f32>| {
            let (_, produced) = r
                .process_into_buffer(&[chunk], &mut self.out_buf, None)
                .expect("a full chunk into a buffer of output_frames_max");
            out.extend_from_slice(&self.out_buf[0][..produced]);
        };
        if !self.pending.is_empty() {
            let take = (self.chunk - self.pending.len()).min(input.len());
            self.pending.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.pending.len() < self.chunk {
                return;
            }
            run(&self.pending, out);
            self.pending.clear();
        }
        let mut chunks = input.chunks_exact(self.chunk);
        for chunk in &mut chunks {
            run(chunk, out);
        }
        self.pending.extend_from_slice(chunks.remainder());
    }

    /// Forgets the stream so far (filter history and pending input), as if just created: the
    /// next `process` starts a new stream.
    pub fn reset(&mut self) {
        if let Some(r) = self.inner.as_mut() {
            r.reset();
        }
        self.pending.clear();
    }

    /// The most output samples the next `process` of `input_len` samples can append.
    pub fn max_output(&self, input_len: usize) -> usize {
        match &self.inner {
            None => input_len,
            Some(r) => (self.pending.len() + input_len) / self.chunk * r.output_frames_max(),
        }
    }

    /// The filter's delay in output samples (0 when the rates are equal).
    pub fn delay_frames(&self) -> usize {
        self.inner.as_ref().map_or(0, |r| r.output_delay())
    }

    /// The most input samples held back between calls (a chunk less one; 0 when the rates are
    /// equal).
    pub fn max_held_frames(&self) -> usize {
        if self.inner.is_some() {
            self.chunk - 1
        } else {
            0
        }
    }
}

/// A sinc table shared between resamplers (rubato's interpolators only read it).
type Table = Arc<dyn SincInterpolator<f32> + Sync>;

/// A resampler's handle on a shared table.
struct SharedTable(Table);

impl SincInterpolator<f32> for SharedTable {
    fn get_sinc_interpolated(&self, wave: &[f32], index: usize, subindex: usize) -> f32 {
        self.0.get_sinc_interpolated(wave, index, subindex)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn nbr_sincs(&self) -> usize {
        self.0.nbr_sincs()
    }
}

/// Tables in use, by the bits of their cutoff. Weak: a table lives as long as a resampler
/// uses it, so arbitrary rate pairs over a process's life do not accumulate tables.
static TABLES: Mutex<Vec<(u32, WeakTable)>> = Mutex::new(Vec::new());

type WeakTable = Weak<dyn SincInterpolator<f32> + Sync>;

/// The table for a resampler of `ratio` (output rate / input rate): the one already in use
/// for its cutoff, or a new one. The same table rubato's `SincFixedIn::new` would build (its
/// `make_interpolator`: cutoff scaled by the ratio when downsampling, the fastest
/// interpolator the CPU supports), so the output is bit-identical to unshared tables.
fn shared_table(ratio: f64) -> SharedTable {
    const _: () = assert!(
        SINC_LEN % 8 == 0,
        "rubato rounds the sinc length up to a multiple of 8"
    );
    let base = rubato::calculate_cutoff::<f32>(SINC_LEN, WINDOW);
    let cutoff = if ratio >= 1.0 { base } else { base * ratio as f32 };
    let key = cutoff.to_bits();
    let mut tables = TABLES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(table) = tables
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, t)| t.upgrade())
    {
        return SharedTable(table);
    }
    let table = build_table(cutoff);
    tables.retain(|(k, t)| *k != key && t.strong_count() > 0);
    tables.push((key, Arc::downgrade(&table)));
    SharedTable(table)
}

fn build_table(cutoff: f32) -> Table {
    #[cfg(target_arch = "x86_64")]
    {
        use rubato::sinc_interpolator::sinc_interpolator_avx::AvxInterpolator;
        use rubato::sinc_interpolator::sinc_interpolator_sse::SseInterpolator;
        if let Ok(t) = AvxInterpolator::<f32>::new(SINC_LEN, OVERSAMPLING, cutoff, WINDOW) {
            return Arc::new(t);
        }
        if let Ok(t) = SseInterpolator::<f32>::new(SINC_LEN, OVERSAMPLING, cutoff, WINDOW) {
            return Arc::new(t);
        }
    }
    #[cfg(target_arch = "aarch64")]
    {
        use rubato::sinc_interpolator::sinc_interpolator_neon::NeonInterpolator;
        if let Ok(t) = NeonInterpolator::<f32>::new(SINC_LEN, OVERSAMPLING, cutoff, WINDOW) {
            return Arc::new(t);
        }
    }
    Arc::new(ScalarInterpolator::<f32>::new(
        SINC_LEN,
        OVERSAMPLING,
        cutoff,
        WINDOW,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rubato::SincInterpolationParameters;

    fn signal(rate: u32, len: usize) -> Vec<f32> {
        (0..len)
            .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 0.5)
            .collect()
    }

    /// The shared table gives exactly what rubato's own constructor (a private table) gives.
    #[test]
    fn shared_table_output_is_identical_to_rubatos_own() {
        for (in_rate, out_rate) in [
            (24_000, 8_000),
            (8_000, 16_000),
            (44_100, 16_000),
            (24_000, 48_000),
        ] {
            let mut ours = StreamResampler::new(in_rate, out_rate).unwrap();
            let chunk = ours.chunk;
            let params = SincInterpolationParameters {
                sinc_len: SINC_LEN,
                f_cutoff: rubato::calculate_cutoff(SINC_LEN, WINDOW),
                oversampling_factor: OVERSAMPLING,
                interpolation: SincInterpolationType::Cubic,
                window: WINDOW,
            };
            let ratio = out_rate as f64 / in_rate as f64;
            let mut theirs = SincFixedIn::<f32>::new(ratio, 1.0, params, chunk, 1).unwrap();
            let input = signal(in_rate, chunk * 7);
            let mut got = Vec::new();
            ours.process(&input, &mut got);
            let mut want = Vec::new();
            for c in input.chunks_exact(chunk) {
                want.extend_from_slice(&theirs.process(&[c], None).unwrap()[0]);
            }
            assert_eq!(got, want, "{in_rate} -> {out_rate}");
        }
    }

    /// Resamplers with the same cutoff hold one table between them; it is freed with the last.
    #[test]
    fn resamplers_share_one_table_per_cutoff() {
        // 11 025 -> 7 000 Hz is used by no other test, so the count is this test's own.
        let key =
            (rubato::calculate_cutoff::<f32>(SINC_LEN, WINDOW) * (7_000.0 / 11_025.0f64) as f32).to_bits();
        let live = || {
            let tables = TABLES.lock().unwrap();
            tables
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(0, |(_, t)| t.strong_count())
        };
        let a = StreamResampler::new(11_025, 7_000).unwrap();
        let b = StreamResampler::new(11_025, 7_000).unwrap();
        assert_eq!(live(), 2);
        drop(a);
        assert_eq!(live(), 1);
        drop(b);
        assert_eq!(live(), 0);
    }
}
