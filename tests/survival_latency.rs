//! Resumption behind real latency loses nothing, checked byte by byte through the C ABI.
//!
//! The mock adds 100 ms or 300 ms (+0..20 ms jitter) each way and records every audio chunk the
//! session holds, in order (a resume restores the handle's snapshot of that list). The client
//! streams uniquely-filled 20 ms chunks in real time in the Gemini API mode (no
//! `transparent`, so the server never says which messages a handle covers) while the mock
//! forces three goAway migrations and three TCP drops. Every chunk must be in the session, in
//! order; a chunk may appear twice only where the client said it re-sent it (`RECONNECTED`'s
//! `resent_messages`), and nothing may be reported lost.

mod cabi;

use cabi::*;
use gemini_live::ffi::config::*;
use gemini_live::ffi::enums::gemini_live_event_kind as K;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live_mock::{AudioChunk, BlockingMockServer, MockConfig};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CHUNK_BYTES: usize = 640; // 20 ms of 16 kHz PCM16

/// Chunk `i`: quiet noise (below the mock's VAD threshold) unique to `i`.
fn chunk(i: usize) -> Vec<u8> {
    let mut pcm: Vec<u8> = (0..CHUNK_BYTES / 2)
        .flat_map(|k| (((k * 31 + i * 17) % 200) as i16 - 100).to_le_bytes())
        .collect();
    // The index makes every chunk unique (one loud-ish sample stays under the VAD threshold).
    pcm[..4].copy_from_slice(&(i as u32).to_le_bytes());
    pcm
}

fn fnv1a64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Outcome {
    chunks: usize,
    duplicates: usize,
    resent: u64,
    lost: u64,
    moves: Vec<Duration>,
}

/// Walks the session's chunk list: every sent chunk, in order; a step back is a re-sent
/// overlap (counted), a step forward past the next expected chunk is a loss (a panic).
fn check_in_order(sent: &[u64], held: &[u64]) -> usize {
    let index: HashMap<u64, usize> = sent.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    let mut next = 0;
    let mut duplicates = 0;
    for (pos, hash) in held.iter().enumerate() {
        let i = *index
            .get(hash)
            .unwrap_or_else(|| panic!("chunk #{pos} of the session was never sent"));
        if i == next {
            next += 1;
        } else if i < next {
            duplicates += 1;
        } else {
            panic!("chunks {next}..{i} are missing from the session (at position {pos})");
        }
    }
    assert_eq!(
        next,
        sent.len(),
        "the session ends at chunk {next} of {}",
        sent.len()
    );
    duplicates
}

/// Three goAway migrations and three TCP drops, alternating, each after `after` messages on
/// its connection.
fn alternating_faults(after: u64) -> serde_json::Value {
    let faults: Vec<serde_json::Value> = (1..=6)
        .map(|connection| {
            let kind = if connection % 2 == 1 {
                "go_away"
            } else {
                "drop_tcp"
            };
            serde_json::json!({"kind": kind, "connection": connection, "after_messages": after,
                               "time_left_ms": 10000})
        })
        .collect();
    serde_json::Value::Array(faults)
}

/// Three TCP drops, each after `after` messages on its connection.
fn drops(after: u64) -> serde_json::Value {
    serde_json::json!([
        {"kind": "drop_tcp", "connection": 1, "after_messages": after},
        {"kind": "drop_tcp", "connection": 2, "after_messages": after},
        {"kind": "drop_tcp", "connection": 3, "after_messages": after}
    ])
}

fn run(one_way_ms: u64, chunks: usize, realtime: bool, faults: serde_json::Value) -> Outcome {
    let moves_expected = faults.as_array().map_or(0, Vec::len);
    let config: MockConfig = serde_json::from_value(serde_json::json!({
        "faults": faults,
        "latency": {"client_to_server_ms": one_way_ms, "server_to_client_ms": one_way_ms,
                    "jitter_ms": 20, "seed": 7},
        "record_audio_chunks": true,
        "resumption_update_interval_ms": 500
    }))
    .expect("mock config");
    let server = BlockingMockServer::start(config).expect("mock starts");
    let cfg = Config::for_mock(&server.base_url()).resumption(false);
    // Six moves in a few seconds are "short-lived" connections by design here.
    ok(gemini_live_config_set_reconnect_budget(cfg.0, 0, 60_000, 100));
    if realtime {
        // 16 kHz in real time, 20 ms of burst: a microphone.
        ok(gemini_live_config_set_audio_pacing(cfg.0, true, 16_000, 20));
    }
    let session = Session::open(&cfg).expect("session opens");

    // The sender keeps streaming until every move has happened (a slow machine makes moves
    // take longer) and at least `chunks` in all, so that every connection gets its messages.
    let moved = AtomicUsize::new(0);
    let ended = AtomicBool::new(false);
    let events = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut seen = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(120);
            while moved.load(Ordering::SeqCst) < moves_expected && Instant::now() < deadline {
                if let Some(e) = session.next(Duration::from_millis(200)) {
                    moved.fetch_add(usize::from(e.is(K::Reconnected)), Ordering::SeqCst);
                    let closed = e.is(K::Closed);
                    seen.push((Instant::now(), e));
                    if closed {
                        break;
                    }
                }
            }
            ended.store(true, Ordering::SeqCst);
            seen
        });
        let mut sent = Vec::with_capacity(chunks);
        let mut i = 0;
        while i < chunks || !ended.load(Ordering::SeqCst) {
            let data = chunk(i);
            i += 1;
            // Unpaced, the sender outruns the socket: it backs off while the queue is full,
            // so the socket and the mock's relay always carry a backlog.
            loop {
                match session.send_audio(&data) {
                    gemini_live_result::QueueFull => std::thread::yield_now(),
                    result => break ok(result),
                }
            }
            sent.push(fnv1a64(&data));
        }
        (sent, reader.join().expect("reader"))
    });
    let (sent, seen) = events;
    let reconnects: Vec<&Event> = seen
        .iter()
        .map(|(_, e)| e)
        .filter(|e| e.is(K::Reconnected))
        .collect();
    let log: Vec<String> = seen
        .iter()
        .filter(|(_, e)| !e.is(K::PhaseChanged))
        .map(|(_, e)| {
            format!(
                "{:?} {} resent={} lost={}",
                e.kind, e.text, e.resent_messages, e.lost_messages
            )
        })
        .collect();
    let st = server.stats();
    assert_eq!(
        reconnects.len(),
        moves_expected,
        "{log:#?}\nclosed: {:?} audio msgs: {} accepted: {}",
        st.closes_sent,
        st.messages.realtime_audio,
        st.connections_accepted
    );
    assert!(reconnects.iter().all(|e| e.resumed), "{reconnects:#?}");
    // Planned moves: from GO_AWAY to RECONNECTED.
    let mut moves = Vec::new();
    let mut go_away_at = None;
    for (at, e) in &seen {
        if e.is(K::GoAway) {
            go_away_at = Some(*at);
        } else if e.is(K::Reconnected) {
            if let Some(start) = go_away_at.take() {
                moves.push(at.duration_since(start));
            }
        }
    }

    let total = (chunks * CHUNK_BYTES) as u64;
    // The last chunk sent is the last one the session receives (replays come before newer
    // messages), so once it is there, everything is.
    let last = *sent.last().expect("chunks were sent");
    let arrived = server.wait_for(
        |s| {
            s.sessions.values().any(|x| {
                x.audio_chunks
                    .as_ref()
                    .is_some_and(|c| c.last().map(|a| a.fnv1a64) == Some(last))
            })
        },
        Duration::from_secs(30),
    );
    let stats = server.stats();
    let lists: Vec<&Vec<AudioChunk>> = stats
        .sessions
        .values()
        .filter_map(|s| s.audio_chunks.as_ref())
        .collect();
    assert!(
        arrived,
        "not every chunk reached the session: {:?}",
        lists.iter().map(|l| l.len()).collect::<Vec<_>>()
    );
    let held: Vec<u64> = lists
        .into_iter()
        .max_by_key(|l| l.len())
        .expect("a session")
        .iter()
        .map(|c| {
            assert_eq!(c.bytes, CHUNK_BYTES as u64);
            c.fnv1a64
        })
        .collect();
    let duplicates = check_in_order(&sent, &held);
    let resent: u64 = reconnects.iter().map(|e| e.resent_messages).sum();
    let lost: u64 = reconnects.iter().map(|e| e.lost_messages).sum();
    assert!(total > 0);
    Outcome {
        chunks,
        duplicates,
        resent,
        lost,
        moves,
    }
}

fn report(label: &str, one_way_ms: u64, o: &Outcome) {
    let chunks = o.chunks;
    let moves: Vec<String> = o.moves.iter().map(|d| format!("{} ms", d.as_millis())).collect();
    println!(
        "{label}, {one_way_ms} ms each way: {chunks} chunks all in order; {} re-sent, {} reached the \
         session twice, 0 lost; goAway to RECONNECTED: {}",
        o.resent,
        o.duplicates,
        moves.join(", ")
    );
    assert_eq!(o.lost, 0);
    assert!(
        o.duplicates as u64 <= o.resent,
        "{} duplicates but only {} reported re-sent",
        o.duplicates,
        o.resent
    );
}

#[test]
fn realtime_audio_survives_three_go_aways_and_three_drops_behind_100ms() {
    let o = run(100, 400, true, alternating_faults(25));
    report("real time", 100, &o);
}

#[test]
fn realtime_audio_survives_three_go_aways_and_three_drops_behind_300ms() {
    let o = run(300, 600, true, alternating_faults(25));
    report("real time", 300, &o);
}

#[test]
fn a_sender_faster_than_real_time_loses_nothing_across_three_drops_behind_100ms() {
    // Unpaced, the sender fills the socket and the relay: each drop has megabytes in flight.
    let o = run(100, 3000, false, drops(300));
    report("unpaced", 100, &o);
}
