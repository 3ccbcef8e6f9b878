//! Feeding a session's reply audio into a [`Playout`] buffer at the buffer's own rate.
//!
//! The service replies at 24 kHz; a phone line plays 8 kHz, a sound card 48 kHz. A feed
//! resamples the reply to the buffer's rate (PCM16 mono) with its own streaming converter,
//! independent of any output format the application chose for its `AUDIO` events. Barge-in
//! flushes the buffer and restarts the converter, so no filter tail of the interrupted reply
//! leaks into the next one. The scratch buffers are reused: feeding allocates nothing once
//! warmed up.

use super::converter::OutputConverter;
use super::format::{AudioFormat, SampleFormat};
use super::playout::Playout;
use super::WIRE_OUTPUT_RATE;
use std::sync::Arc;

/// A playout buffer fed from reply audio.
#[derive(Debug)]
pub struct ReplyFeed {
    playout: Arc<Playout>,
    /// 24 kHz → the buffer's rate; `None` when the buffer is at 24 kHz.
    converter: Option<OutputConverter>,
    converted: Vec<u8>,
    samples: Vec<i16>,
}

impl ReplyFeed {
    /// A feed into `playout`, at any rate the buffer accepts (8–48 kHz).
    pub fn new(playout: Arc<Playout>) -> Result<ReplyFeed, String> {
        let converter = match playout.sample_rate() {
            WIRE_OUTPUT_RATE => None,
            rate => Some(OutputConverter::new(buffer_format(rate))?),
        };
        Ok(ReplyFeed {
            playout,
            converter,
            converted: Vec::new(),
            samples: Vec::new(),
        })
    }

    pub fn playout(&self) -> &Arc<Playout> {
        &self.playout
    }

    /// Pushes reply audio: PCM16 little-endian mono at `rate` Hz. Audio at the buffer's rate is
    /// pushed as it is; 24 kHz audio is resampled to it; other rates are not pushed (returns
    /// `false`).
    pub fn push_reply(&mut self, pcm: &[u8], rate: u32) -> bool {
        let bytes: &[u8] = if rate == self.playout.sample_rate() {
            pcm
        } else if let (WIRE_OUTPUT_RATE, Some(conv)) = (rate, self.converter.as_mut()) {
            self.converted.clear();
            conv.convert(pcm, &mut self.converted);
            &self.converted
        } else {
            return false;
        };
        self.samples.clear();
        self.samples
            .extend(bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])));
        self.playout.push(&self.samples);
        true
    }

    /// Barge-in: drops what was not played yet and restarts the resampler.
    pub fn interrupt(&mut self) {
        self.playout.flush();
        if let Some(conv) = self.converter.as_mut() {
            conv.reset();
        }
    }

    /// The model's turn is over.
    pub fn end_turn(&self) {
        self.playout.end_turn();
    }
}

fn buffer_format(rate: u32) -> AudioFormat {
    AudioFormat {
        sample_format: SampleFormat::Pcm16,
        sample_rate: rate,
        channels: 1,
    }
}
