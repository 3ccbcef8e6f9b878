//! Energy-based voice activity detection on PCM16LE input, in 10 ms frames.
//!
//! - A frame is *speech* when its RMS is at least the start threshold: 300 for
//!   `START_SENSITIVITY_HIGH` (the default), 1,000 for `START_SENSITIVITY_LOW`.
//! - Speech starts once `prefixPaddingMs` (default 20 ms, at least one frame) of consecutive speech
//!   frames arrived; the reported start offset is the first of those frames.
//! - While in speech, a frame is *silence* when its RMS is below the start threshold
//!   (`END_SENSITIVITY_HIGH`, the default) or below half of it (`END_SENSITIVITY_LOW`, so quiet
//!   speech keeps the turn open). Speech ends after `silenceDurationMs` (default 500 ms) of
//!   consecutive silence; the utterance length runs from the start to the last speech frame.

use super::audio::rms;
use super::parse::VadSettings;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum VadEvent {
    /// Speech started at this audio offset (µs of audio received in the session).
    Start { offset_us: u64 },
    /// Speech ended; `speech_us` is the utterance length.
    End { offset_us: u64, speech_us: u64 },
}

pub(crate) struct Vad {
    start_threshold: f64,
    silence_threshold: f64,
    prefix_us: u64,
    silence_us: u64,
    /// Leftover bytes of an incomplete frame (less than 10 ms) and their rate.
    carry: Vec<u8>,
    carry_rate: u32,
    speech_run_us: u64,
    run_start_us: u64,
    silence_run_us: u64,
    in_speech: bool,
    utterance_start_us: u64,
    last_speech_end_us: u64,
}

const FRAME_US: u64 = 10_000;

impl Vad {
    pub(crate) fn new(settings: &VadSettings) -> Self {
        let start_threshold = if settings.start_high { 300.0 } else { 1_000.0 };
        Vad {
            start_threshold,
            silence_threshold: if settings.end_high {
                start_threshold
            } else {
                start_threshold / 2.0
            },
            prefix_us: settings.prefix_padding_ms.max(10) * 1000,
            silence_us: settings.silence_duration_ms.max(10) * 1000,
            carry: Vec::new(),
            carry_rate: 0,
            speech_run_us: 0,
            run_start_us: 0,
            silence_run_us: 0,
            in_speech: false,
            utterance_start_us: 0,
            last_speech_end_us: 0,
        }
    }

    /// Feeds one chunk that starts at session audio offset `offset_us`.
    pub(crate) fn push(&mut self, pcm: &[u8], rate: u32, offset_us: u64, events: &mut Vec<VadEvent>) {
        let frame_bytes = (rate as usize / 100) * 2;
        if frame_bytes == 0 {
            return;
        }
        if rate != self.carry_rate {
            self.carry.clear();
            self.carry_rate = rate;
        }
        // Carried bytes belong to audio before this chunk.
        let carried_us = (self.carry.len() / 2) as u64 * 1_000_000 / u64::from(rate);
        let mut frame_start = offset_us.saturating_sub(carried_us);
        let mut input = pcm;
        if !self.carry.is_empty() {
            let need = frame_bytes - self.carry.len();
            let take = need.min(input.len());
            self.carry.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.carry.len() < frame_bytes {
                return;
            }
            let frame = std::mem::take(&mut self.carry);
            self.frame(&frame, frame_start, events);
            frame_start += FRAME_US;
        }
        let mut frames = input.chunks_exact(frame_bytes);
        for frame in &mut frames {
            self.frame(frame, frame_start, events);
            frame_start += FRAME_US;
        }
        self.carry.extend_from_slice(frames.remainder());
    }

    fn frame(&mut self, frame: &[u8], start_us: u64, events: &mut Vec<VadEvent>) {
        let energy = rms(frame);
        if !self.in_speech {
            if energy >= self.start_threshold {
                if self.speech_run_us == 0 {
                    self.run_start_us = start_us;
                }
                self.speech_run_us += FRAME_US;
                if self.speech_run_us >= self.prefix_us {
                    self.in_speech = true;
                    self.utterance_start_us = self.run_start_us;
                    self.last_speech_end_us = start_us + FRAME_US;
                    self.silence_run_us = 0;
                    events.push(VadEvent::Start {
                        offset_us: self.run_start_us,
                    });
                }
            } else {
                self.speech_run_us = 0;
            }
            return;
        }
        if energy < self.silence_threshold {
            self.silence_run_us += FRAME_US;
            if self.silence_run_us >= self.silence_us {
                events.push(self.finish(start_us + FRAME_US));
            }
        } else {
            self.silence_run_us = 0;
            self.last_speech_end_us = start_us + FRAME_US;
        }
    }

    fn finish(&mut self, offset_us: u64) -> VadEvent {
        self.in_speech = false;
        self.speech_run_us = 0;
        self.silence_run_us = 0;
        VadEvent::End {
            offset_us,
            speech_us: self.last_speech_end_us - self.utterance_start_us,
        }
    }

    /// `audioStreamEnd`: ends a pending utterance now.
    pub(crate) fn flush(&mut self, offset_us: u64) -> Option<VadEvent> {
        self.carry.clear();
        if self.in_speech {
            Some(self.finish(offset_us))
        } else {
            self.speech_run_us = 0;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> VadSettings {
        VadSettings {
            disabled: false,
            start_high: true,
            end_high: true,
            prefix_padding_ms: 20,
            silence_duration_ms: 100,
        }
    }

    #[test]
    fn detects_start_and_end() {
        let mut vad = Vad::new(&settings());
        let loud: Vec<u8> = (0..3200)
            .flat_map(|i| if i % 2 == 0 { 4000i16 } else { -4000 }.to_le_bytes())
            .collect();
        let quiet = vec![0u8; 6400];
        let mut events = Vec::new();
        vad.push(&quiet[..3200], 16_000, 0, &mut events);
        vad.push(&loud, 16_000, 100_000, &mut events);
        vad.push(&quiet, 16_000, 300_000, &mut events);
        assert_eq!(
            events,
            vec![
                VadEvent::Start { offset_us: 100_000 },
                VadEvent::End {
                    offset_us: 400_000,
                    speech_us: 200_000
                }
            ]
        );
    }
}
