//! Emulated network latency ([`LatencySpec`]): a relay between the accepted TCP socket and an
//! in-memory duplex that the connection's WebSocket runs over. It works on bytes, under the
//! WebSocket, so frames are delayed exactly as a slow network would delay them: the HTTP
//! upgrade, control frames and partial frames included.
//!
//! Each direction is a pipe: a reader timestamps every chunk it reads and queues it with its due
//! time, a writer sleeps until that time and writes it on. Both run inside the connection's task
//! (no extra tasks). Buffering is bounded by a byte window per direction, so when one side stops
//! reading, the relay stops reading the other side and TCP flow control pushes back to the
//! sender's socket, as it would across a real path.

use super::config::LatencySpec;
use bytes::Bytes;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::time::Instant;

/// Buffer of the duplex per direction: what the connection may write, or leave unread, before it
/// blocks. Like a socket buffer, it adds no delay.
pub(crate) const DUPLEX_BYTES: usize = 64 * 1024;
/// Bytes in flight per direction (read but not yet delivered): the emulated path's window. It
/// caps the throughput at window / delay (1 MiB at 300 ms is ~3.5 MB/s, far above real-time
/// audio and video, and a 4 MiB setup still crosses in about a second), and bounds memory when
/// the receiver stops reading.
const WINDOW_BYTES: usize = 1024 * 1024;
const READ_BYTES: usize = 16 * 1024;
/// Once a side has ended, its last bytes get this long past their due time to be written; a
/// peer that never reads must not keep the connection's task alive.
const LINGER: Duration = Duration::from_secs(1);

/// Runs until the server side of the duplex has ended and what it wrote last (its close frame)
/// has been delivered, or the client socket has failed. The client ending its side is forwarded
/// as EOF to the connection, which then ends too.
pub(crate) async fn relay(mut tcp: TcpStream, server_side: DuplexStream, spec: LatencySpec, index: u64) {
    let (tcp_read, tcp_write) = tcp.split();
    let (duplex_read, duplex_write) = tokio::io::split(server_side);
    let up = pipe(
        tcp_read,
        duplex_write,
        Delay::new(spec.client_to_server_ms, &spec, index * 2),
    );
    let down = pipe(
        duplex_read,
        tcp_write,
        Delay::new(spec.server_to_client_ms, &spec, index * 2 + 1),
    );
    tokio::select! {
        _ = down => {}
        _ = async { up.await; std::future::pending::<()>().await } => {}
    }
}

/// Copies `from` to `to`, each chunk delayed; ends when the writer is done (source ended and
/// everything delivered, the destination failed, or the linger ran out).
async fn pipe<R, W>(mut from: R, mut to: W, mut delay: Delay)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let window = Semaphore::new(WINDOW_BYTES);
    let (queue, mut queued) = mpsc::unbounded_channel::<(Instant, Bytes)>();
    let (ended, ended_at) = oneshot::channel::<Instant>();
    let read = async {
        let mut buf = vec![0u8; READ_BYTES];
        let mut last_due = Instant::now();
        // Room for a full read first: a side that stops reading stalls this loop, not memory.
        while let Ok(room) = window.acquire_many(READ_BYTES as u32).await {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            room.forget();
            window.add_permits(READ_BYTES - n);
            // Never before the previous chunk: a byte stream is not reordered by jitter.
            last_due = last_due.max(Instant::now() + delay.next());
            if queue.send((last_due, Bytes::copy_from_slice(&buf[..n]))).is_err() {
                break;
            }
        }
        let _ = ended.send(last_due.max(Instant::now() + delay.max()));
        drop(queue);
    };
    let write = async {
        let deliver = async {
            while let Some((due, bytes)) = queued.recv().await {
                tokio::time::sleep_until(due).await;
                if to.write_all(&bytes).await.is_err() {
                    return;
                }
                window.add_permits(bytes.len());
            }
            // The source ended: pass the EOF on (a FIN to the client, EOF to the WebSocket).
            let _ = to.shutdown().await;
        };
        let give_up = async {
            match ended_at.await {
                Ok(last) => tokio::time::sleep_until(last + LINGER).await,
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = deliver => {}
            _ = give_up => {}
        }
        // Wakes the reader if it waits for room that will never come.
        window.close();
    };
    tokio::select! {
        _ = write => {}
        _ = async { read.await; std::future::pending::<()>().await } => {}
    }
}

/// Delay per chunk: the fixed part plus seeded uniform jitter.
struct Delay {
    fixed: Duration,
    jitter_us: u64,
    rng: SplitMix64,
}

impl Delay {
    /// `stream` tells connections and directions apart, so each gets its own reproducible draws.
    fn new(fixed_ms: u64, spec: &LatencySpec, stream: u64) -> Self {
        let mixed = spec.seed ^ SplitMix64(stream).next();
        Delay {
            fixed: Duration::from_millis(fixed_ms),
            jitter_us: spec.jitter_ms.saturating_mul(1000),
            rng: SplitMix64(mixed),
        }
    }

    fn next(&mut self) -> Duration {
        let jitter = match self.jitter_us {
            0 => 0,
            max => self.rng.next() % (max + 1),
        };
        self.fixed + Duration::from_micros(jitter)
    }

    fn max(&self) -> Duration {
        self.fixed + Duration::from_micros(self.jitter_us)
    }
}

/// SplitMix64: tiny, and its output for a seed never changes with a dependency upgrade.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_seeded_and_bounded() {
        let spec = LatencySpec {
            client_to_server_ms: 100,
            jitter_ms: 20,
            seed: 1,
            ..Default::default()
        };
        let draws = |stream| {
            let mut d = Delay::new(100, &spec, stream);
            (0..1000).map(|_| d.next()).collect::<Vec<_>>()
        };
        let a = draws(4);
        assert_eq!(a, draws(4), "same seed and stream, same draws");
        assert_ne!(a, draws(5), "another connection or direction draws differently");
        assert!(a
            .iter()
            .all(|d| *d >= Duration::from_millis(100) && *d <= Duration::from_millis(120)));
        let spread = a.iter().max().unwrap().saturating_sub(*a.iter().min().unwrap());
        assert!(
            spread > Duration::from_millis(15),
            "uniform over the range: {spread:?}"
        );
    }
}
