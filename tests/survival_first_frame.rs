//! A frame that carries `setupComplete` counts like any other: a resumable handle and a
//! `goAway` in it are acted on (through the C ABI, against a scripted server).

mod cabi;

use cabi::*;
use futures_util::{SinkExt, StreamExt};
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

/// Serves two connections: the first answers `setup` with setupComplete, a resumable handle
/// and a goAway in one frame; the second must resume with that handle. Returns the URL and
/// the setups it saw.
fn scripted_server() -> (String, std::thread::JoinHandle<Vec<Value>>) {
    loopback_server(|listener| async move {
        let mut setups = Vec::new();
        for answer in [
            r#"{"setupComplete":{},"sessionResumptionUpdate":{"newHandle":"h1","resumable":true},"goAway":{"timeLeft":"10s"}}"#,
            r#"{"setupComplete":{}}"#,
        ] {
            let (tcp, _) = listener.accept().await.expect("a client");
            let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
            let Some(Ok(frame)) = ws.next().await else { break };
            setups.push(serde_json::from_str(frame.to_text().expect("text")).expect("JSON"));
            ws.send(Message::Text(answer.into())).await.expect("answer");
            if setups.len() == 2 {
                // Keep the second connection until the client closes it.
                while let Some(Ok(frame)) = ws.next().await {
                    if frame.is_close() {
                        break;
                    }
                }
            } else {
                // The client leaves this one on its own.
                while let Some(Ok(_)) = ws.next().await {}
            }
        }
        setups
    })
}

#[test]
fn a_go_away_with_a_handle_in_the_setup_answer_moves_the_session() {
    let (url, server) = scripted_server();
    let config = Config::for_mock(&url).resumption(false);
    let session = Session::open(&config).expect("session opens");
    let seen = session.until("RECONNECTED", |e| e.is(K::Reconnected));
    assert!(seen.last().is_some_and(|e| e.resumed), "{seen:#?}");
    ok(session.close());
    session.until("CLOSED", |e| e.is(K::Closed));
    drop(session);
    let setups = server.join().expect("server");
    assert_eq!(setups.len(), 2);
    assert_eq!(
        setups[1]["setup"]["sessionResumption"]["handle"], "h1",
        "{setups:#?}"
    );
}
