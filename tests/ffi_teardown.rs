//! `gemini_live_session_free` through the C ABI against a raw WebSocket server of the test's
//! own (it records what the server actually receives):
//! - `close`, `free`, `exit()` — what most C programs do — delivers a 1000 close frame before
//!   the process ends (free completes the close handshake), in callback and pull mode, and so
//!   does a bare `free` of an active session;
//! - `free` of a session whose server stopped reading returns within a deadline, and afterwards
//!   nothing of the session runs: the connection ends without the rest of the queued messages
//!   or a close frame ever being written.
//!
//! The exit case runs this test binary again as a child process (`GL_TEARDOWN_CHILD` set),
//! because the process must really exit right after `free`.

use futures_util::{SinkExt, StreamExt};
use gemini_live::ffi::config::*;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::event::gemini_live_event;
use gemini_live::ffi::session::*;
use std::ffi::{c_void, CString};
use std::process::Command;
use std::ptr;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

const DEADLINE: Duration = Duration::from_secs(20);
const CHILD_ENV: &str = "GL_TEARDOWN_CHILD";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// Accepts one client, completes the upgrade, reads its `setup` and answers `setupComplete`.
async fn accept_session(listener: &TcpListener) -> WebSocketStream<TcpStream> {
    let (tcp, _) = listener.accept().await.expect("the client connects");
    let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
    match ws.next().await {
        Some(Ok(Message::Text(t))) => assert!(t.contains("\"setup\""), "first message: {t}"),
        other => panic!("expected setup, got {other:?}"),
    }
    ws.send(Message::Text(r#"{"setupComplete":{}}"#.into()))
        .await
        .expect("setupComplete sent");
    ws
}

/// Reads until the connection ends; returns the close code the client sent, if any (polling on
/// after it lets tungstenite answer the close).
async fn client_close_code(ws: &mut WebSocketStream<TcpStream>) -> Option<u16> {
    let mut code = None;
    while let Some(Ok(message)) = ws.next().await {
        if let Message::Close(frame) = message {
            code = Some(frame.map_or(1005, |f| u16::from(f.code)));
        }
    }
    code
}

fn check(result: gemini_live_result, what: &str) {
    assert_eq!(result, gemini_live_result::Ok, "{what}");
}

/// A config for the server at `url` (API key "k").
fn config_for(url: &str) -> *mut gemini_live_config {
    let mut c = ptr::null_mut();
    check(gemini_live_config_new(&mut c), "config_new");
    let key = CString::new("k").unwrap();
    let url = CString::new(url).unwrap();
    let model = CString::new("gemini-live-test").unwrap();
    check(gemini_live_config_set_api_key(c, key.as_ptr()), "api key");
    check(gemini_live_config_set_base_url(c, url.as_ptr()), "base url");
    check(gemini_live_config_set_model(c, model.as_ptr()), "model");
    c
}

unsafe extern "C" fn ignore_event(_userdata: *mut c_void, _event: *const gemini_live_event) {}

fn new_session(config: *mut gemini_live_config, callback: bool) -> *mut gemini_live_session {
    let mut s = ptr::null_mut();
    let cb: gemini_live_event_callback = if callback { Some(ignore_event) } else { None };
    check(
        gemini_live_session_new(config, cb, ptr::null_mut(), None, &mut s),
        "session_new",
    );
    s
}

/// The child: connect, send, (close,) free, exit at once — like a C program's end of `main`.
#[test]
fn child_process_role() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return; // only meaningful as the child of the tests below
    };
    let (mode, url) = spec.split_once(' ').expect("mode url");
    let config = config_for(url);
    let session = new_session(config, mode != "pull");
    gemini_live_config_free(config);
    // Some audio still in flight when the program ends, as in a real call.
    let pcm = vec![0u8; 1 << 20];
    for _ in 0..16 {
        let r = gemini_live_session_send_audio(session, pcm.as_ptr(), pcm.len(), 16_000);
        check(r, "send_audio");
    }
    if mode != "free-only" {
        check(gemini_live_session_close(session), "close");
    }
    gemini_live_session_free(session);
    std::process::exit(0);
}

fn server_sees_close_from_exiting_child(mode: &str) -> Option<u16> {
    let rt = runtime();
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    let server = rt.spawn(async move {
        let mut ws = accept_session(&listener).await;
        client_close_code(&mut ws).await
    });
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_role", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, format!("{mode} {url}"))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("the child runs");
    assert!(status.success(), "child ({mode}) failed: {status}");
    rt.block_on(async { tokio::time::timeout(DEADLINE, server).await })
        .expect("the server saw the connection end")
        .expect("server task")
}

#[test]
fn close_free_exit_delivers_a_1000_close_in_callback_mode() {
    assert_eq!(server_sees_close_from_exiting_child("callback"), Some(1000));
}

#[test]
fn close_free_exit_delivers_a_1000_close_in_pull_mode() {
    assert_eq!(server_sees_close_from_exiting_child("pull"), Some(1000));
}

#[test]
fn free_of_an_active_session_then_exit_delivers_a_1000_close() {
    assert_eq!(server_sees_close_from_exiting_child("free-only"), Some(1000));
}

#[test]
fn free_returns_in_bounded_time_and_stops_everything_when_the_server_stopped_reading() {
    const CHUNKS: usize = 24;
    const PCM: usize = 1 << 20; // each message ~1.4 MB of JSON: far more than the socket buffers
    for callback in [true, false] {
        let rt = runtime();
        // A small receive buffer (inherited by the accepted socket) so the client's writer
        // blocks after a few MB, deterministically.
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = {
            let _guard = rt.enter();
            socket.listen(8).unwrap()
        };
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
        let server = rt.spawn(async move {
            let mut ws = accept_session(&listener).await;
            ready_tx.send(()).unwrap();
            // Stop reading until the client has freed its session.
            let _ = go_rx.await;
            let (mut audio, mut close) = (0usize, false);
            while let Some(Ok(message)) = ws.next().await {
                match message {
                    Message::Text(t) if t.contains("\"audio\"") => audio += 1,
                    Message::Close(_) => close = true,
                    _ => {}
                }
            }
            (audio, close)
        });

        let config = config_for(&url);
        let session = new_session(config, callback);
        gemini_live_config_free(config);
        ready_rx.recv_timeout(DEADLINE).expect("set up");
        let pcm = vec![0u8; PCM];
        for i in 0..CHUNKS {
            let r = gemini_live_session_send_audio(session, pcm.as_ptr(), pcm.len(), 16_000);
            assert_eq!(r, gemini_live_result::Ok, "chunk {i} queued");
        }

        let start = Instant::now();
        gemini_live_session_free(session);
        let took = start.elapsed();
        assert!(
            took < Duration::from_millis(u64::from(GEMINI_LIVE_CLOSE_WAIT_MS)) + Duration::from_secs(3),
            "free took {took:?}"
        );

        // Now read: the connection must end (the session's tasks are gone and its socket
        // closed) without the remaining queued audio or a close frame ever being written.
        go_tx.send(()).unwrap();
        let (audio, close) = rt
            .block_on(async { tokio::time::timeout(DEADLINE, server).await })
            .expect("the connection ended after free: nothing of the session is left running")
            .expect("server task");
        assert!(
            audio < CHUNKS,
            "all {CHUNKS} queued messages were still written after free returned (callback: {callback})"
        );
        assert!(
            !close,
            "a close frame was written after free returned (callback: {callback})"
        );
    }
}
