//! The Rust API's event stream is lossless with backpressure: a consumer far slower than the
//! server, behind a queue of a few events, still receives every byte of reply audio, in
//! order, with the turn's end after its audio.

mod common;

use common::{client_config, mock, until, DEADLINE};
use gemini_live::protocol::{Content, Modality, SessionConfig};
use gemini_live::session::SessionEvent;
use gemini_live::transport::connect;
use gemini_live_mock::MockConfig;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_reader_behind_a_tiny_queue_loses_no_audio() {
    let mock = mock(MockConfig {
        // Small chunks: many events per reply, so a lossy queue of four would overflow.
        audio_chunk_ms: 10,
        ..MockConfig::default()
    })
    .await;
    let mut session = SessionConfig::new("gemini-live-2.5-flash-preview");
    session.response_modality = Some(Modality::Audio);
    let mut config = client_config(&mock, session);
    config.event_queue = 1;
    let (handle, mut events) = connect(config).await.expect("connects");
    until(&mut events, "CONNECTED", |e| {
        matches!(e, SessionEvent::Connected { .. })
    })
    .await;

    handle
        .send_client_content(vec![Content::text("user", "tell me a long story")], true)
        .await
        .unwrap();
    let mut audio_bytes = 0u64;
    let mut audio_events = 0u64;
    let finished = tokio::time::timeout(DEADLINE * 3, async {
        while let Some(event) = events.recv().await {
            match event {
                SessionEvent::Audio { data, .. } => {
                    audio_bytes += data.len() as u64;
                    audio_events += 1;
                    // A consumer slower than the server (not synchronisation: the test's
                    // point is that the reader falls behind).
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                SessionEvent::TurnComplete { .. } => return true,
                SessionEvent::Closed { .. } => return false,
                _ => {}
            }
        }
        false
    })
    .await
    .expect("the turn completes within the deadline");
    assert!(finished, "the session ended before the turn completed");
    let sent = mock.stats().output_audio_bytes;
    assert!(
        audio_events > 8,
        "the reply must span many events; got {audio_events}"
    );
    assert_eq!(
        audio_bytes, sent,
        "every byte the mock sent arrives, in order before TURN_COMPLETE"
    );
    handle.shutdown(Duration::from_secs(2)).await;
    mock.shutdown().await;
}

/// A hostile setup answer: one frame carrying `setupComplete` and more events than the event
/// queue holds. Nothing reads the stream before `connect` returns, so `connect` must neither
/// wait for room (it would wait forever) nor drop any of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_setup_answer_larger_than_the_queue_neither_blocks_nor_loses() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;

    const PARTS: usize = 300;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let _setup = ws.next().await;
        let parts: Vec<_> = (0..PARTS)
            .map(|i| serde_json::json!({ "text": format!("{i} ") }))
            .collect();
        let answer = serde_json::json!({
            "setupComplete": {},
            "serverContent": { "modelTurn": { "parts": parts } },
        });
        ws.send(Message::Text(answer.to_string().into())).await.unwrap();
        // Keep the connection until the client closes it.
        while let Some(Ok(frame)) = ws.next().await {
            if frame.is_close() {
                break;
            }
        }
    });
    let mut endpoint = gemini_live::Endpoint::gemini("k");
    endpoint.base_url = Some(url);
    let mut config = gemini_live::ConnectConfig::new(SessionConfig::new("m"), endpoint);
    config.event_queue = 4;
    let (handle, mut events) = tokio::time::timeout(DEADLINE, connect(config))
        .await
        .expect("connect returns although the answer overflows the queue")
        .expect("connects");
    let mut text = String::new();
    while text.split_whitespace().count() < PARTS {
        match tokio::time::timeout(DEADLINE, events.recv())
            .await
            .expect("events within the deadline")
        {
            Some(SessionEvent::Text(t)) => text.push_str(&t),
            Some(_) => {}
            None => panic!("the stream ended after {text:?}"),
        }
    }
    let expected: String = (0..PARTS).map(|i| format!("{i} ")).collect();
    assert_eq!(text, expected, "every part, in order");
    handle.shutdown(Duration::from_secs(2)).await;
    let _ = server.await;
}
