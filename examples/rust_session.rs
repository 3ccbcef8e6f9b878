//! A session from Rust: against the bundled mock server by default, or against Gemini when
//! `GEMINI_API_KEY` is set. Sends one text turn and prints what comes back.
//!
//! `cargo run --example rust_session`

use gemini_live::protocol::{Content, Modality, SessionConfig};
use gemini_live::session::SessionEvent;
use gemini_live::transport::{connect, ConnectConfig, Endpoint};
use gemini_live_mock::{MockConfig, MockServer};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = std::env::var("GEMINI_MODEL")
        .unwrap_or_else(|_| "gemini-2.5-flash-native-audio-preview-12-2025".into());
    let mut session = SessionConfig::new(model);
    session.response_modality = Some(Modality::Audio);
    session.output_audio_transcription = true;

    let (endpoint, _mock) = match std::env::var("GEMINI_API_KEY") {
        Ok(key) => (Endpoint::gemini(key), None),
        Err(_) => {
            let mock = MockServer::start(MockConfig::default()).await?;
            let mut endpoint = Endpoint::gemini("mock-key");
            endpoint.base_url = Some(mock.base_url());
            println!("using the bundled mock server at {}", mock.base_url());
            (endpoint, Some(mock))
        }
    };
    let (handle, mut events) = connect(ConnectConfig::new(session, endpoint)).await?;
    handle
        .send_client_content(vec![Content::text("user", "Hello, who are you?")], true)
        .await?;
    let mut audio_bytes = 0;
    let finished = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(event) = events.recv().await {
            match event {
                SessionEvent::Audio { data, .. } => audio_bytes += data.len(),
                SessionEvent::OutputTranscription { text, .. } => print!("{text}"),
                SessionEvent::Text(text) => print!("{text}"),
                SessionEvent::TurnComplete { .. } => return true,
                SessionEvent::Closed { code, reason, .. } => {
                    eprintln!("closed ({code}): {reason}");
                    return false;
                }
                _ => {}
            }
        }
        false
    })
    .await
    .unwrap_or(false);
    println!("\nreceived {audio_bytes} bytes of 24 kHz audio");
    handle.disconnect().await?;
    handle.join().await?;
    if finished {
        Ok(())
    } else {
        Err("the turn did not complete".into())
    }
}
