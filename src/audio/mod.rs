//! Audio conversion for devices and phone lines, independent of the session and C layers.
//!
//! The Live service takes 16-bit mono PCM at 16 kHz. [`converter::InputConverter`] turns
//! the audio applications actually have (8–48 kHz, PCM16 or float32, mono or interleaved
//! stereo, G.711 μ-law or A-law) into that, keeping its state across calls so that a stream
//! cut into chunks converts exactly as if it were converted whole.
//!
//! One file per job: [`g711`] (the ITU-T G.711 codec), [`format`](mod@format) (sample formats and channel
//! layouts), [`resample`] (a streaming wrapper around rubato's sinc resampler) and
//! [`converter`] (format → f32 mono → resample → PCM16), [`playout`] (the playout buffer)
//! and [`reply_feed`] (a session's reply audio into a playout buffer at its rate).

pub mod converter;
pub mod format;
pub mod g711;
pub mod playout;
pub mod reply_feed;
pub mod resample;

/// The sample rate the service takes as input.
pub const WIRE_INPUT_RATE: u32 = 16_000;

/// The sample rate of the service's reply audio.
pub const WIRE_OUTPUT_RATE: u32 = 24_000;
