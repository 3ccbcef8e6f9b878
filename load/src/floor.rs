//! The floor: the same load and the same `ping:` round trip with no library at all — N plain
//! tokio-tungstenite connections (TCP_NODELAY) on one current-thread runtime, hand-written setup
//! JSON, one pre-encoded audio frame reused for every send, no decoding of what the server sends
//! beyond a byte search for `pong:`. Its CPU is what any client pays for the same traffic on
//! this machine: syscalls, loopback TCP, WebSocket framing and masking.

use super::args::Args;
use super::clock::now_ns;
use super::ticker::{CHUNK_BYTES, CHUNK_NS};
use super::usage;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

pub const PATH: &str =
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=floor";
const SETUP: &str =
    r#"{"setup":{"model":"models/gemini-live-load","generationConfig":{"responseModalities":["AUDIO"]}}}"#;

#[derive(Default)]
pub struct FloorReport {
    pub rtts: Vec<u64>,
    pub pings: u64,
    pub audio_bytes_b64: u64,
    /// CPU seconds of this process while the N connections streamed.
    pub cpu_s: f64,
    pub window_s: f64,
    pub context_switches: u64,
}

/// Streams audio and pings for `--seconds` on `--sessions` raw connections to `base_url`, on
/// the library run's schedule (connection i starts ⌊i·spread/N⌋ ms after the first).
pub fn run(base_url: &str, args: &Args) -> Result<FloorReport, String> {
    let (sessions, seconds, ping_hz) = (args.sessions, args.seconds, args.ping_hz);
    let spread = args.start_spread_ms.max(20) as usize;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{base_url}{PATH}");
    rt.block_on(async move {
        let mut sockets = Vec::with_capacity(sessions);
        for _ in 0..sessions {
            sockets.push(open(&url).await?);
        }
        let start = tokio::time::Instant::now() + Duration::from_millis(20);
        let tasks: Vec<_> = sockets
            .into_iter()
            .enumerate()
            .map(|(i, ws)| {
                let offset = Duration::from_millis((i * spread / sessions) as u64);
                let phase = i as u64;
                tokio::spawn(session(ws, start + offset, phase, seconds, ping_hz))
            })
            .collect();
        // The CPU window: the same steady part of the schedule as the library's.
        // Every connection running and past the warm-up, as for the library.
        let first = args
            .warmup
            .max(((sessions - 1) * spread / sessions) as f64 / 1000.0);
        tokio::time::sleep_until(start + Duration::from_secs_f64(first)).await;
        let cpu0 = usage::cpu_seconds("self");
        let switches0 = usage::context_switches();
        let t0 = now_ns();
        tokio::time::sleep_until(start + Duration::from_secs_f64(seconds)).await;
        let mut total = FloorReport {
            cpu_s: usage::cpu_seconds("self") - cpu0,
            window_s: (now_ns() - t0) as f64 / 1e9,
            context_switches: usage::context_switches().saturating_sub(switches0),
            ..FloorReport::default()
        };
        for t in tasks {
            let r = t.await.map_err(|e| e.to_string())??;
            total.rtts.extend(r.rtts);
            total.pings += r.pings;
            total.audio_bytes_b64 += r.audio_bytes_b64;
        }
        Ok(total)
    })
}

/// The timestamp in a `pong:` frame. Only short frames are searched: audio frames are ~13 KB,
/// a pong frame is under 100 bytes, so no audio frame is ever scanned.
fn pong_ns(frame: &[u8]) -> Option<u64> {
    if frame.len() > 256 {
        return None;
    }
    let at = frame.windows(5).position(|w| w == b"pong:")? + 5;
    let digits = frame[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&frame[at..at + digits]).ok()?.parse().ok()
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects and completes the setup.
async fn open(url: &str) -> Result<Ws, String> {
    // TCP_NODELAY, as the library sets it: without it Nagle holds the ping behind the audio frame.
    // The library's buffer sizes too, so the floor pays no 128 KiB memset per read.
    let config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .write_buffer_size(0);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
        .await
        .map_err(|e| e.to_string())?;
    ws.send(Message::text(SETUP)).await.map_err(|e| e.to_string())?;
    loop {
        match ws.next().await {
            Some(Ok(m)) if m.is_text() || m.is_binary() => {
                if m.into_data().windows(13).any(|w| w == b"setupComplete") {
                    return Ok(ws);
                }
            }
            Some(Ok(_)) => {}
            other => return Err(format!("floor: no setupComplete: {other:?}")),
        }
    }
}

async fn session(
    ws: Ws,
    start: tokio::time::Instant,
    phase: u64,
    seconds: f64,
    ping_hz: f64,
) -> Result<FloorReport, String> {
    let (mut tx, mut rx) = ws.split();
    let audio: tokio_tungstenite::tungstenite::Utf8Bytes = format!(
        r#"{{"realtimeInput":{{"audio":{{"data":"{}","mimeType":"audio/pcm;rate=16000"}}}}}}"#,
        STANDARD.encode(vec![0x11u8; CHUNK_BYTES])
    )
    .into();
    let ticks = (seconds * 1e9 / CHUNK_NS as f64).round() as u64;
    let ping_every = ((1e9 / ping_hz) / CHUNK_NS as f64).round().max(1.0) as u64;
    let mut interval = tokio::time::interval_at(start, Duration::from_nanos(CHUNK_NS));
    let mut report = FloorReport::default();
    let mut k = 0;
    let deadline = start + Duration::from_nanos(ticks * CHUNK_NS) + Duration::from_millis(500);
    loop {
        tokio::select! {
            _ = interval.tick(), if k < ticks => {
                tx.send(Message::Text(audio.clone())).await.map_err(|e| e.to_string())?;
                if (k + phase) % ping_every == 0 {
                    report.pings += 1;
                    tx.send(Message::text(format!(r#"{{"realtimeInput":{{"text":"ping:{}"}}}}"#, now_ns())))
                        .await
                        .map_err(|e| e.to_string())?;
                }
                k += 1;
            }
            m = rx.next() => match m {
                Some(Ok(m)) if m.is_text() || m.is_binary() => {
                    let data = m.into_data();
                    if let Some(sent) = pong_ns(&data) {
                        report.rtts.push(now_ns().saturating_sub(sent));
                    } else {
                        report.audio_bytes_b64 += data.len() as u64;
                    }
                }
                Some(Ok(_)) => {}
                _ => break,
            },
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    let _ = tx.send(Message::Close(None)).await;
    Ok(report)
}
