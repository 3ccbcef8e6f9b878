//! The floor: the same session and the same `ping:` round trip with no library at all — one
//! plain tokio-tungstenite connection on a current-thread runtime, hand-written setup JSON,
//! pre-encoded audio frames, and a byte search for `pong:` in whatever the server sends.

use super::clock::now_ns;
use super::ticker::{CHUNK_BYTES, CHUNK_NS};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

pub const PATH: &str = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=floor";
const SETUP: &str =
    r#"{"setup":{"model":"models/gemini-live-load","generationConfig":{"responseModalities":["AUDIO"]}}}"#;

pub struct FloorReport {
    pub rtts: Vec<u64>,
    pub pings: u64,
    pub audio_bytes_b64: u64,
}

/// Streams audio and pings for `seconds` on one raw connection to `base_url`.
pub fn run(base_url: &str, seconds: f64, ping_hz: f64) -> Result<FloorReport, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(session(format!("{base_url}{PATH}"), seconds, ping_hz))
}

fn pong_ns(frame: &[u8]) -> Option<u64> {
    let at = frame.windows(5).position(|w| w == b"pong:")? + 5;
    let digits = frame[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&frame[at..at + digits]).ok()?.parse().ok()
}

async fn session(url: String, seconds: f64, ping_hz: f64) -> Result<FloorReport, String> {
    // TCP_NODELAY, as the library sets it: without it Nagle holds the ping behind the audio frame.
    let (ws, _) = tokio_tungstenite::connect_async_with_config(url.as_str(), None, true)
        .await
        .map_err(|e| e.to_string())?;
    let (mut tx, mut rx) = ws.split();
    tx.send(Message::text(SETUP)).await.map_err(|e| e.to_string())?;
    loop {
        match rx.next().await {
            Some(Ok(m)) if m.is_text() || m.is_binary() => {
                if m.into_data().windows(13).any(|w| w == b"setupComplete") {
                    break;
                }
            }
            Some(Ok(_)) => {}
            other => return Err(format!("floor: no setupComplete: {other:?}")),
        }
    }
    let audio = format!(
        r#"{{"realtimeInput":{{"audio":{{"data":"{}","mimeType":"audio/pcm;rate=16000"}}}}}}"#,
        STANDARD.encode(vec![0x11u8; CHUNK_BYTES])
    );
    let ticks = (seconds * 1e9 / CHUNK_NS as f64).round() as u64;
    let ping_every = ((1e9 / ping_hz) / CHUNK_NS as f64).round().max(1.0) as u64;
    let mut interval = tokio::time::interval(Duration::from_nanos(CHUNK_NS));
    let mut report = FloorReport { rtts: Vec::new(), pings: 0, audio_bytes_b64: 0 };
    let mut k = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_nanos(ticks * CHUNK_NS) + Duration::from_millis(300);
    loop {
        tokio::select! {
            _ = interval.tick(), if k < ticks => {
                tx.send(Message::text(audio.as_str())).await.map_err(|e| e.to_string())?;
                if k % ping_every == 0 {
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
