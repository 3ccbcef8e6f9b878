//! Read receipts from pongs: which client messages the server has certainly read.
//!
//! Every ping the writer sends carries a per-connection nonce and the number of client
//! messages written so far (their replay indexes are below it). A WebSocket peer answers a
//! ping with a pong echoing its payload only after reading everything sent before the ping,
//! so a pong carrying `count` proves the server read messages `0..count`. A resumable handle
//! that arrives after that pong was issued after those reads. That is what lets the Gemini API
//! mode (which reports no consumed index) release replay entries without guessing: the
//! time-based alternative breaks as soon as the socket has a backlog.
//!
//! The nonce keeps unsolicited pongs (RFC 6455 allows them as heartbeats) and pongs from an
//! earlier connection from counting as receipts.

use bytes::Bytes;

const PAYLOAD_LEN: usize = 16;

#[derive(Debug, Clone, Copy)]
pub struct Receipts {
    nonce: u64,
}

impl Receipts {
    /// Receipts for a new connection.
    pub fn new() -> Self {
        Receipts {
            nonce: rand::random(),
        }
    }

    /// The ping payload for "`count` messages written so far".
    pub fn ping_payload(&self, count: u64) -> Bytes {
        let mut payload = [0u8; PAYLOAD_LEN];
        payload[..8].copy_from_slice(&self.nonce.to_be_bytes());
        payload[8..].copy_from_slice(&count.to_be_bytes());
        Bytes::copy_from_slice(&payload)
    }

    /// The count a pong acknowledges, if it answers one of this connection's pings.
    pub fn read_pong(&self, payload: &[u8]) -> Option<u64> {
        let payload: &[u8; PAYLOAD_LEN] = payload.try_into().ok()?;
        let (nonce, count) = payload.split_at(8);
        (u64::from_be_bytes(nonce.try_into().ok()?) == self.nonce)
            .then(|| u64::from_be_bytes(count.try_into().unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pong_counts_only_for_the_connection_that_pinged() {
        let mine = Receipts::new();
        let other = Receipts::new();
        let ping = mine.ping_payload(42);
        assert_eq!(mine.read_pong(&ping), Some(42));
        assert_eq!(other.read_pong(&ping), None);
        assert_eq!(mine.read_pong(b""), None);
        assert_eq!(mine.read_pong(&ping[..15]), None);
    }
}
