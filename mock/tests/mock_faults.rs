//! The mock's network faults and test aids, driven by a raw tokio-tungstenite client on loopback:
//! emulated latency, a server that stops reading (after or before `setup`), and per-chunk audio
//! accounting across resumption. Waits are events under deadlines; the only timed waits are the
//! deadlines that show a send does *not* complete.

use futures_util::{SinkExt, StreamExt};
use gemini_live_mock::{AudioChunk, MockConfig, MockServer, MockStats, SessionStats};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

mod rawws;
use rawws::{send, Ws, GEMINI};

const DEADLINE: Duration = Duration::from_secs(10);
/// Loopback kernels absorb about 4.1 MiB (receiver's initial 128 KiB plus the sender's send
/// buffer, which autotunes up to `tcp_wmem` max, 4 MiB) before a writer to a peer that never
/// reads blocks. Twice that, so a blocked send is unambiguous.
const BIG: usize = 8 * 1024 * 1024;
/// How long a send to a non-reading mock is given to (not) complete; the control sends of the
/// same size complete well within it.
const BLOCKED_FOR: Duration = Duration::from_secs(2);

fn config(value: Value) -> MockConfig {
    serde_json::from_value(value).expect("valid mock config")
}

async fn start(value: Value) -> MockServer {
    MockServer::start(config(value)).await.expect("mock starts")
}

async fn connect(server: &MockServer) -> Ws {
    rawws::connect(server, &format!("{GEMINI}?key=k"), &[], DEADLINE).await
}

/// The next JSON message (pings and pongs skipped).
async fn recv(ws: &mut Ws) -> Value {
    loop {
        match tokio::time::timeout(DEADLINE, ws.next())
            .await
            .expect("a frame before the deadline")
        {
            Some(Ok(Message::Binary(data))) => return serde_json::from_slice(&data).unwrap(),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            other => panic!("expected a message, got {other:?}"),
        }
    }
}

async fn recv_until(ws: &mut Ws, last: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let message = recv(ws).await;
        let done = last(&message);
        seen.push(message);
        if done {
            return seen;
        }
    }
}

async fn session(server: &MockServer, setup: Value) -> Ws {
    let mut ws = connect(server).await;
    send(&mut ws, json!({ "setup": setup })).await;
    assert_eq!(recv(&mut ws).await, json!({"setupComplete": {}}));
    ws
}

fn text_setup() -> Value {
    json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}})
}

async fn wait(server: &MockServer, pred: impl Fn(&MockStats) -> bool) {
    assert!(
        server.wait_for(pred, DEADLINE).await,
        "stats condition not reached: {:#?}",
        server.stats()
    );
}

fn pong(message: &Value) -> Option<&str> {
    message
        .pointer("/serverContent/modelTurn/parts/0/text")
        .and_then(Value::as_str)
        .and_then(|t| t.strip_prefix("pong:"))
}

/// Round trip of one `ping:` latency marker.
async fn ping_rtt(ws: &mut Ws, tag: &str) -> Duration {
    let sent = Instant::now();
    send(ws, json!({"realtimeInput": {"text": format!("ping:{tag}")}})).await;
    let reply = recv(ws).await;
    assert_eq!(pong(&reply), Some(tag));
    sent.elapsed()
}

#[tokio::test]
async fn latency_delays_each_direction_by_its_own_amount() {
    let server = start(json!({"latency": {"client_to_server_ms": 150, "server_to_client_ms": 50}})).await;
    // The upgrade is bytes too: request and response each take their direction's delay.
    let started = Instant::now();
    let mut ws = connect(&server).await;
    let upgrade = started.elapsed();
    println!("upgrade with 150 ms up / 50 ms down: {upgrade:?}");
    assert!(upgrade >= Duration::from_millis(200), "upgrade took {upgrade:?}");
    send(&mut ws, json!({"setup": text_setup()})).await;
    assert_eq!(recv(&mut ws).await, json!({"setupComplete": {}}));

    // One way, client to mock: when the mock counts the message.
    let sent = Instant::now();
    send(&mut ws, json!({"realtimeInput": {"text": "ping:up"}})).await;
    wait(&server, |s| s.messages.realtime_text == 1).await;
    let up = sent.elapsed();
    let reply = recv(&mut ws).await;
    let rtt = sent.elapsed();
    assert_eq!(pong(&reply), Some("up"));
    println!("150 ms up / 50 ms down: one way up {up:?}, round trip {rtt:?}");
    assert!(up >= Duration::from_millis(150), "up took {up:?}");
    assert!(rtt >= Duration::from_millis(200), "round trip took {rtt:?}");
}

#[tokio::test]
async fn latency_round_trips_and_order_under_jitter() {
    for (each_way, jitter) in [(100u64, 20u64), (300, 20)] {
        let latency = json!({"client_to_server_ms": each_way, "server_to_client_ms": each_way, "jitter_ms": jitter, "seed": 1});
        let server = start(json!({ "latency": latency })).await;
        let mut ws = session(&server, text_setup()).await;
        let mut rtts = Vec::new();
        for i in 0..5 {
            rtts.push(ping_rtt(&mut ws, &i.to_string()).await);
        }
        let (min, max) = (rtts.iter().min().unwrap(), rtts.iter().max().unwrap());
        println!(
            "{each_way} ms each way, jitter {jitter} ms: round trips {rtts:?} (min {min:?}, max {max:?})"
        );
        assert!(
            *min >= Duration::from_millis(2 * each_way),
            "round trip {min:?} below {} ms",
            2 * each_way
        );

        // A burst of markers, written one by one, so they cross the relay as separate chunks
        // with their own jitter: the byte stream must still arrive whole and in order.
        let burst = 200;
        for i in 0..burst {
            send(&mut ws, json!({"realtimeInput": {"text": format!("ping:{i}")}})).await;
        }
        for i in 0..burst {
            let reply = recv(&mut ws).await;
            assert_eq!(pong(&reply), Some(i.to_string().as_str()), "pong {i} in order");
        }
        server.shutdown().await;
    }
}

#[test]
fn latency_and_fault_keys_are_checked() {
    let typo = serde_json::from_value::<MockConfig>(json!({"latency": {"client_to_server": 100}}));
    assert!(typo.is_err(), "a misspelt latency key is refused, not ignored");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let never = json!({"faults": [{"kind": "stop_reading", "before_setup": true, "after_messages": 1}]});
    let refused = runtime.block_on(MockServer::start(config(never)));
    assert!(
        refused.is_err(),
        "before_setup with after_messages could never fire"
    );
}

/// A `clientContent` of about `size` bytes that the mock only stores (no reply).
fn big_client_content(size: usize) -> Message {
    let text = "a".repeat(size);
    let message = json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": text}]}], "turnComplete": false}});
    Message::Text(message.to_string().into())
}

/// A `setup` of about `size` bytes (a long system instruction).
fn big_setup(size: usize) -> Message {
    let text = "s".repeat(size);
    let message = json!({"setup": {"model": "models/m", "systemInstruction": {"parts": [{"text": text}]}}});
    Message::Text(message.to_string().into())
}

/// Sends `message` on the connection the mock stopped reading (it must not complete), then on a
/// control connection without the fault (it must, and the mock must consume it: `consumed`),
/// then shuts the mock down while the first send is still blocked (shutdown must be prompt, and
/// the blocked send must fail).
async fn blocked_then_control(
    server: MockServer,
    mut stopped: Ws,
    mut control: Ws,
    message: Message,
    consumed: impl Fn(&MockStats) -> bool,
) {
    let copy = message.clone();
    let mut blocked = tokio::spawn(async move { stopped.send(copy).await });
    assert!(
        tokio::time::timeout(BLOCKED_FOR, &mut blocked).await.is_err(),
        "a send of {BIG} bytes to a mock that stopped reading must not complete"
    );
    let started = Instant::now();
    tokio::time::timeout(BLOCKED_FOR, control.send(message))
        .await
        .expect("the control connection's send completes")
        .unwrap();
    println!("  control send of {BIG} bytes: {:?}", started.elapsed());
    wait(&server, consumed).await;
    drop(control);

    let started = Instant::now();
    tokio::time::timeout(DEADLINE, server.shutdown()).await.unwrap();
    let shutdown = started.elapsed();
    let result = tokio::time::timeout(DEADLINE, blocked).await.unwrap().unwrap();
    println!("  shutdown with a blocked writer: {shutdown:?}; the blocked send then ended with {result:?}");
    assert!(shutdown < Duration::from_secs(2), "shutdown took {shutdown:?}");
    assert!(
        result.is_err(),
        "the blocked send fails once the mock closes the socket"
    );
}

#[tokio::test]
async fn stop_reading_blocks_the_clients_writes() {
    for latency in [
        json!(null),
        json!({"client_to_server_ms": 100, "server_to_client_ms": 100}),
    ] {
        let server =
            start(json!({"faults": [{"kind": "stop_reading", "connection": 1}], "latency": latency})).await;
        let mut stopped = session(&server, text_setup()).await;
        wait(&server, |s| s.reading_stopped == 1).await;
        let control = session(&server, text_setup()).await;
        // The frozen connection answers nothing, not even a latency marker.
        send(&mut stopped, json!({"realtimeInput": {"text": "ping:anyone"}})).await;
        let silent = tokio::time::timeout(Duration::from_millis(500), stopped.next()).await;
        assert!(silent.is_err(), "no answer after stop_reading: {silent:?}");

        println!("stop_reading, latency {latency}:");
        // Only the control connection's message is ever consumed.
        let consumed = |s: &MockStats| s.messages.client_content == 1 && s.texts_received.len() == 1;
        blocked_then_control(server, stopped, control, big_client_content(BIG), consumed).await;
    }
}

#[tokio::test]
async fn stop_reading_before_setup_blocks_the_setup_frame() {
    for latency in [
        json!(null),
        json!({"client_to_server_ms": 100, "server_to_client_ms": 100}),
    ] {
        let faults = json!([{"kind": "stop_reading", "connection": 1, "before_setup": true}]);
        let server = start(json!({"faults": faults, "latency": latency})).await;
        let stopped = connect(&server).await;
        wait(&server, |s| s.reading_stopped == 1).await;
        let control = connect(&server).await;
        println!("stop_reading before setup, latency {latency}:");
        // Only the control connection's setup is ever read.
        let consumed = |s: &MockStats| s.messages.setup == 1 && s.setups_completed == 1;
        blocked_then_control(server, stopped, control, big_setup(BIG), consumed).await;
    }
}

#[tokio::test]
async fn a_session_whose_connection_stopped_reading_can_be_resumed() {
    let server =
        start(json!({"faults": [{"kind": "stop_reading", "connection": 1, "after_messages": 1}]})).await;
    let setup = json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": {}});
    let mut ws = session(&server, setup).await;
    let handle = recv(&mut ws).await["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_string();
    send(&mut ws, json!({"realtimeInput": {"text": "ping:last"}})).await;
    wait(&server, |s| s.reading_stopped == 1).await;
    // The old socket stays open (and unread), yet the session is free.
    let resume = json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": {"handle": handle}});
    let mut resumed = session(&server, resume).await;
    assert!(new_handle(&recv(&mut resumed).await).is_some());
    ping_rtt(&mut resumed, "again").await;
    assert_eq!(server.stats().connections_open, 2);
    drop(ws);
}

/// Quiet noise (below the VAD threshold, so no turn starts), different for every `seed`.
fn noise(bytes: usize, seed: u32) -> Vec<u8> {
    (0..bytes / 2)
        .flat_map(|i| {
            let x = (i as u32)
                .wrapping_mul(2_654_435_761)
                .wrapping_add(seed.wrapping_mul(40_503));
            (((x >> 16) % 200) as i16 - 100).to_le_bytes()
        })
        .collect()
}

async fn send_audio(ws: &mut Ws, pcm: &[u8]) {
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(pcm);
    send(
        ws,
        json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": data}}}),
    )
    .await;
}

fn only_session(stats: &MockStats) -> &SessionStats {
    assert_eq!(stats.sessions.len(), 1);
    stats.sessions.values().next().unwrap()
}

fn chunks_are(expected: &[AudioChunk]) -> impl Fn(&MockStats) -> bool + '_ {
    move |s| {
        s.sessions
            .values()
            .any(|v| v.audio_chunks.as_deref() == Some(expected))
    }
}

fn new_handle(message: &Value) -> Option<String> {
    message
        .pointer("/sessionResumptionUpdate/newHandle")
        .and_then(Value::as_str)
        .map(str::to_string)
}

async fn audio_chunks_across_resumption(latency: Value) {
    let server = start(json!({"record_audio_chunks": true, "latency": latency})).await;
    let setup = json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": {}});
    let pcm: Vec<Vec<u8>> = [640, 320, 960, 640, 2]
        .iter()
        .enumerate()
        .map(|(i, n)| noise(*n, i as u32))
        .collect();
    let sent: Vec<AudioChunk> = pcm.iter().map(|p| AudioChunk::of(p)).collect();

    let mut ws = session(&server, setup.clone()).await;
    assert!(new_handle(&recv(&mut ws).await).is_some());
    for p in &pcm[..3] {
        send_audio(&mut ws, p).await;
    }
    // A turn, so a handle is issued with the first three chunks in its snapshot.
    send(&mut ws, json!({"realtimeInput": {"text": "checkpoint"}})).await;
    let turn = recv_until(&mut ws, |m| new_handle(m).is_some()).await;
    let handle = new_handle(turn.last().unwrap()).unwrap();
    for p in &pcm[3..] {
        send_audio(&mut ws, p).await;
    }
    wait(&server, chunks_are(&sent)).await;
    ws.close(None).await.unwrap();
    while let Ok(Some(Ok(_))) = tokio::time::timeout(DEADLINE, ws.next()).await {}

    // The restored session holds exactly the snapshot's chunks; a client that replays from an
    // earlier point than needed shows up as a duplicate.
    let resume = json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": {"handle": handle}});
    let mut resumed = session(&server, resume).await;
    wait(&server, chunks_are(&sent[..3])).await;
    send_audio(&mut resumed, &pcm[2]).await;
    send_audio(&mut resumed, &pcm[3]).await;
    let expected = [sent[0], sent[1], sent[2], sent[2], sent[3]];
    wait(&server, chunks_are(&expected)).await;

    let stats = server.stats();
    let session = only_session(&stats);
    assert_eq!(session.audio_bytes, [640, 320, 960, 960, 640].iter().sum::<u64>());
    assert_eq!(session.audio_chunks_dropped, 0);
    let json = serde_json::to_value(&stats).unwrap();
    let listed = &json["sessions"].as_object().unwrap().values().next().unwrap()["audio_chunks"];
    assert_eq!(listed.as_array().unwrap().len(), 5);
    assert_eq!(
        listed[1],
        json!({"bytes": 320, "fnv1a64": format!("{:016x}", sent[1].fnv1a64)})
    );
}

#[tokio::test]
async fn record_audio_chunks_lists_chunks_and_resumption_restores_them() {
    audio_chunks_across_resumption(json!(null)).await;
}

#[tokio::test]
async fn record_audio_chunks_behind_latency() {
    audio_chunks_across_resumption(
        json!({"client_to_server_ms": 100, "server_to_client_ms": 100, "jitter_ms": 20}),
    )
    .await;
}

#[tokio::test]
async fn without_the_flag_no_chunks_are_recorded() {
    let server = start(json!({})).await;
    let mut ws = session(&server, text_setup()).await;
    send_audio(&mut ws, &noise(640, 1)).await;
    wait(&server, |s| s.messages.realtime_audio == 1).await;
    let stats = server.stats();
    assert_eq!(only_session(&stats).audio_chunks, None);
    let json = serde_json::to_value(&stats).unwrap();
    let session = json["sessions"].as_object().unwrap().values().next().unwrap();
    assert!(session.get("audio_chunks").is_none());
    assert!(session.get("audio_chunks_dropped").is_none());
}
