//! A send writes straight onto the socket from the caller's thread when the connection is idle
//! and nothing is queued (`transport::outbox`): it needs no library thread at all. Here the
//! session's runtime is stopped after the connection settles, so no task of the session runs;
//! every message must still reach the server, in order.

mod common;

use common::{text_session, until, DEADLINE};
use gemini_live::protocol::{encode_realtime, RealtimeInput};
use gemini_live::session::SessionEvent;
use gemini_live::transport::{connect, ConnectConfig, Endpoint};
use gemini_live_mock::{BlockingMockServer, MockConfig};

#[test]
fn sends_reach_the_server_while_no_task_of_the_session_runs() {
    let mock = BlockingMockServer::start(MockConfig::default()).expect("mock starts");
    let mut endpoint = Endpoint::gemini("test-key");
    endpoint.base_url = Some(mock.base_url());
    let config = ConnectConfig::new(text_session(), endpoint);
    // A runtime that runs the session's tasks only inside `block_on`.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (handle, mut events) = rt.block_on(connect(config)).expect("connects");
    // One round trip: once its answer is read, the writer has written the ping and parked
    // the socket (it parks in the same poll that writes, before it waits again).
    rt.block_on(async {
        handle.send_text("ping:1").await.expect("queued");
        until(
            &mut events,
            "the pong",
            |e| matches!(e, SessionEvent::Text(t) if t.starts_with("pong:1")),
        )
        .await;
    });

    // From here on nothing drives the runtime: only a direct write can reach the socket.
    let texts: Vec<String> = (0..20).map(|i| format!("direct {i}")).collect();
    for text in &texts {
        handle
            .try_send_message(encode_realtime(&RealtimeInput::Text(text)))
            .expect("written or queued");
    }
    assert!(
        mock.wait_for(|s| s.texts_received.len() >= texts.len(), DEADLINE),
        "the server got {:?} while the session's runtime was stopped",
        mock.stats().texts_received
    );
    let received: Vec<String> = mock.stats().texts_received.into_iter().collect();
    assert_eq!(received, texts, "every message, in order");

    // The session goes on normally once its runtime runs again.
    assert!(rt.block_on(handle.shutdown(DEADLINE)), "a graceful close");
}
