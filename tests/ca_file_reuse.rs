//! A CA file is read once, when the config gets it (`gemini_live_config_set_ca_file`): a
//! reconnect and a later session of the same config still trust it after the file is gone
//! (through the C ABI, against a scripted `wss://` server on loopback).

mod cabi;
mod tls;

use cabi::*;
use futures_util::{SinkExt, StreamExt};
use gemini_live::ffi::config::gemini_live_config_set_ca_file;
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use gemini_live::ffi::error::gemini_live_result;
use serde_json::Value;
use tls::{acceptor, CA_PEM};
use tokio_tungstenite::tungstenite::Message;

/// Serves three TLS connections: the first answers `setup` with a resumable handle and a
/// goAway (so the client moves), the second and third (the move, then a second session) just
/// complete the setup and stay until the client closes. Returns the `wss://` URL and the
/// setups it saw.
fn tls_server() -> (String, std::thread::JoinHandle<Vec<Value>>) {
    let (url, thread) = loopback_server(|listener| async move {
        let acceptor = acceptor();
        let mut setups = Vec::new();
        for answer in [
            r#"{"setupComplete":{},"sessionResumptionUpdate":{"newHandle":"h1","resumable":true},"goAway":{"timeLeft":"10s"}}"#,
            r#"{"setupComplete":{}}"#,
            r#"{"setupComplete":{}}"#,
        ] {
            let (tcp, _) = listener.accept().await.expect("a client");
            let tls = acceptor.accept(tcp).await.expect("TLS handshake");
            let mut ws = tokio_tungstenite::accept_async(tls).await.expect("upgrade");
            let Some(Ok(frame)) = ws.next().await else { break };
            setups.push(serde_json::from_str(frame.to_text().expect("text")).expect("JSON"));
            ws.send(Message::Text(answer.into())).await.expect("answer");
            while let Some(Ok(frame)) = ws.next().await {
                if frame.is_close() {
                    break;
                }
            }
        }
        setups
    });
    (url.replacen("ws://", "wss://", 1), thread)
}

#[test]
fn reconnects_and_later_sessions_reuse_the_ca_file_read_at_the_setter() {
    let (url, server) = tls_server();
    let config = Config::for_mock(&url).resumption(false);
    let ca = std::env::temp_dir().join(format!("gemini-live-ca-reuse-{}.pem", std::process::id()));
    std::fs::write(&ca, CA_PEM).expect("write the CA file");
    ok(gemini_live_config_set_ca_file(
        config.0,
        cstr(ca.to_str().expect("UTF-8 path")).as_ptr(),
    ));
    std::fs::remove_file(&ca).expect("remove the CA file");

    let session = Session::open(&config).expect("the first session opens over TLS");
    let seen = session.until("RECONNECTED", |e| e.is(K::Reconnected));
    assert!(seen.last().is_some_and(|e| e.resumed), "{seen:#?}");
    ok(session.close());
    session.until("CLOSED", |e| e.is(K::Closed));
    drop(session);

    let second = Session::open(&config).expect("a later session of the config opens over TLS");
    ok(second.close());
    second.until("CLOSED", |e| e.is(K::Closed));
    drop(second);

    let setups = server.join().expect("server");
    assert_eq!(setups.len(), 3, "{setups:#?}");
    assert_eq!(
        setups[1]["setup"]["sessionResumption"]["handle"], "h1",
        "{setups:#?}"
    );

    // The setter itself still refuses a file that is gone, as TLS.
    assert_eq!(
        gemini_live_config_set_ca_file(config.0, cstr(ca.to_str().unwrap()).as_ptr()),
        gemini_live_result::Tls
    );
}
