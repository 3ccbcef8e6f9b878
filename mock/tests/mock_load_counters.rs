//! The mock's load-mode counters, which let `gemini-live-load` tell audio the mock skipped from
//! audio the client lost: answers queued and skipped, output audio bytes written, and the
//! binary's `stats` line on stdin. Every wait is a read or a stats condition under a deadline.

use futures_util::{SinkExt, StreamExt};
use gemini_live_mock::{MockConfig, MockServer};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

const GEMINI: &str = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
const DEADLINE: Duration = Duration::from_secs(10);

fn audio_message(ms: u32) -> Value {
    use base64::Engine;
    let pcm = vec![0u8; (16 * ms * 2) as usize];
    let data = base64::engine::general_purpose::STANDARD.encode(pcm);
    json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": data}}})
}

#[tokio::test]
async fn load_mode_counts_answers_queued_skipped_and_audio_sent() {
    let config = MockConfig {
        answer_audio_continuously: true,
        audio_chunk_ms: 200,
        ..Default::default()
    };
    let server = MockServer::start(config).await.unwrap();
    let url = format!("{}{GEMINI}?key=k", server.base_url());
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let setup = json!({"setup": {"model": "models/m"}}).to_string();
    ws.send(Message::Text(setup.into())).await.unwrap();
    // Three seconds in one message: the first two answers queue, the third finds two queued.
    let three_seconds = audio_message(3000).to_string();
    ws.send(Message::Text(three_seconds.into())).await.unwrap();
    let mut turns = 0;
    while turns < 2 {
        let frame = tokio::time::timeout(DEADLINE, ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let v: Value = match frame {
            Message::Text(text) => serde_json::from_str(&text).unwrap(),
            Message::Binary(data) => serde_json::from_slice(&data).unwrap(),
            _ => continue,
        };
        turns += usize::from(v.pointer("/serverContent/turnComplete").is_some());
    }
    let settled = |s: &gemini_live_mock::MockStats| s.turns_completed == 2 && s.output_audio_bytes == 96_000;
    assert!(server.wait_for(settled, DEADLINE).await, "{:#?}", server.stats());
    let stats = server.stats();
    assert_eq!((stats.answers_queued, stats.answers_skipped), (2, 1));
    server.shutdown().await;
}

#[test]
fn binary_answers_a_stats_line_with_the_counters() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-live-mock"))
        .args(["--port", "0", "--exit-on-stdin-eof"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("gemini-live-mock listening on ws://"), "{line}");
    // Other lines are ignored; each `stats` line gets one JSON line.
    stdin.write_all(b"hello\nstats\nstats\n").unwrap();
    stdin.flush().unwrap();
    for _ in 0..2 {
        line.clear();
        stdout.read_line(&mut line).unwrap();
        let stats: Value = serde_json::from_str(&line).unwrap();
        for key in [
            "output_audio_bytes",
            "answers_queued",
            "answers_skipped",
            "turns_completed",
        ] {
            assert_eq!(stats[key], 0, "{key} in {line}");
        }
    }
    drop(stdin); // EOF: the mock exits
    assert!(child.wait().unwrap().success());
}
