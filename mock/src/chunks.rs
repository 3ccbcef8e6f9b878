//! Per-chunk audio accounting (`record_audio_chunks`): the ordered list of audio chunks a session
//! holds, kept in the session state so resumption restores exactly the snapshot's list. The
//! running byte count and hash say *whether* a resumed session lost or doubled audio; this list
//! says *which* chunks, so a test can point at the first one that differs.

use super::audio::{fnv1a64, FNV_OFFSET};
use serde::{Serialize, Serializer};

/// Entries kept per session (200,000 chunks of 20 ms is over an hour of audio). Later chunks are
/// only counted, so the kept list stays a stable prefix across resumptions.
pub const AUDIO_CHUNK_LIMIT: usize = 200_000;

/// One received audio chunk (one `realtimeInput.audio`, or one legacy `mediaChunks` entry).
///
/// JSON: `{"bytes": 640, "fnv1a64": "0123456789abcdef"}` (the hash as 16 lowercase hex digits,
/// since JSON readers often turn 64-bit numbers into doubles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct AudioChunk {
    /// Decoded (base64-decoded PCM) length in bytes.
    pub bytes: u64,
    /// FNV-1a 64 of the decoded bytes of this chunk alone.
    #[serde(serialize_with = "hex")]
    pub fnv1a64: u64,
}

impl AudioChunk {
    /// The entry the mock records for a chunk whose decoded bytes are `pcm`: what a test computes
    /// for the audio it sent, to compare with `SessionStats::audio_chunks`.
    pub fn of(pcm: &[u8]) -> AudioChunk {
        AudioChunk {
            bytes: pcm.len() as u64,
            fnv1a64: fnv1a64(FNV_OFFSET, pcm),
        }
    }
}

fn hex<S: Serializer>(hash: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{hash:016x}"))
}

/// The bounded list of one session.
#[derive(Debug, Clone, Default)]
pub(crate) struct AudioChunkLog {
    pub chunks: Vec<AudioChunk>,
    /// Chunks received after the list was full.
    pub dropped: u64,
}

impl AudioChunkLog {
    pub(crate) fn record(&mut self, pcm: &[u8]) {
        self.record_capped(pcm, AUDIO_CHUNK_LIMIT);
    }

    fn record_capped(&mut self, pcm: &[u8], limit: usize) {
        if self.chunks.len() < limit {
            self.chunks.push(AudioChunk::of(pcm));
        } else {
            self.dropped += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_a_stable_prefix_when_full() {
        let mut log = AudioChunkLog::default();
        for pcm in [&b"ab"[..], b"c", b"ab", b"d"] {
            log.record_capped(pcm, 3);
        }
        assert_eq!(
            log.chunks,
            vec![AudioChunk::of(b"ab"), AudioChunk::of(b"c"), AudioChunk::of(b"ab")]
        );
        assert_eq!(log.dropped, 1);
        assert_eq!(AudioChunk::of(b"a").fnv1a64, 0xaf63_dc4c_8601_ec8c);
        let json = serde_json::to_value(AudioChunk::of(b"a")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"bytes": 1, "fnv1a64": "af63dc4c8601ec8c"})
        );
    }
}
