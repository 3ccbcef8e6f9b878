//! Resumption behind real latency loses nothing, checked byte by byte through the C ABI.
//!
//! The mock adds 100 ms or 300 ms (±20 ms jitter) each way and records every audio chunk the
//! session holds, in order (a resume restores the handle's snapshot of that list). The client
//! streams uniquely-filled 20 ms chunks in real time in the Gemini API mode (no
//! `transparent`, so the server never says which messages a handle covers) while the mock
//! forces three goAway migrations and three TCP drops. Every chunk must be in the session, in
//! order; a chunk may appear twice only where the client said it re-sent it (`RECONNECTED`'s
//! `resent_messages`), and nothing may be reported lost.

mod cabi;

use cabi::*;
use gemini_live::ffi::config::*;
use gemini_live::ffi::event::gemini_live_event_kind as K;
use gemini_live::mock::{BlockingMockServer, MockConfig};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const CHUNK_BYTES: usize = 640; // 20 ms of 16 kHz PCM16

/// Chunk `i`: quiet noise (below the mock's VAD threshold) unique to `i`.
fn chunk(i: usize) -> Vec<u8> {
    (0..CHUNK_BYTES / 2)
        .flat_map(|k| {
            let v = ((k * 31 + i * 17 + (i / 7) * 13) % 200) as i16 - 100;
            v.to_le_bytes()
        })
        .chain((i as u32).to_le_bytes())
        .take(CHUNK_BYTES)
        .collect()
}

fn fnv1a64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Outcome {
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
    assert_eq!(next, sent.len(), "the session ends at chunk {next} of {}", sent.len());
    duplicates
}

fn run(one_way_ms: u64, chunks: usize, realtime: bool) -> Outcome {
    let faults = serde_json::json!([
        {"kind": "go_away", "connection": 1, "after_messages": 40, "time_left_ms": 10000},
        {"kind": "drop_tcp", "connection": 2, "after_messages": 40},
        {"kind": "go_away", "connection": 3, "after_messages": 40, "time_left_ms": 10000},
        {"kind": "drop_tcp", "connection": 4, "after_messages": 40},
        {"kind": "go_away", "connection": 5, "after_messages": 40, "time_left_ms": 10000},
        {"kind": "drop_tcp", "connection": 6, "after_messages": 40}
    ]);
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
        ok(gemini_live_config_set_audio_pacing(cfg.0, true, 32_000, 20));
    } else {
        // Ten times real time: the socket and the relay carry a backlog.
        ok(gemini_live_config_set_audio_pacing(cfg.0, true, 320_000, 200));
    }
    let session = Session::open(&cfg).expect("session opens");

    let events = std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let mut seen = Vec::new();
            let deadline = Instant::now() + Duration::from_secs(120);
            let mut reconnected = 0;
            while reconnected < 6 && Instant::now() < deadline {
                if let Some(e) = session.next(Duration::from_millis(200)) {
                    reconnected += usize::from(e.is(K::Reconnected));
                    let closed = e.is(K::Closed);
                    seen.push((Instant::now(), e));
                    if closed {
                        break;
                    }
                }
            }
            seen
        });
        let mut sent = Vec::with_capacity(chunks);
        for i in 0..chunks {
            let data = chunk(i);
            ok(session.send_audio(&data));
            sent.push(fnv1a64(&data));
        }
        (sent, reader.join().expect("reader"))
    });
    let (sent, seen) = events;
    let reconnects: Vec<&Event> = seen.iter().map(|(_, e)| e).filter(|e| e.is(K::Reconnected)).collect();
    assert_eq!(reconnects.len(), 6, "{seen:#?}");
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
    let arrived = server.wait_for(
        |s| s.sessions.values().any(|x| x.audio_chunks.len() >= chunks),
        Duration::from_secs(30),
    );
    let stats = server.stats();
    assert!(arrived, "not every chunk reached the session: {:?}", stats.sessions.values().map(|s| s.audio_chunks.len()).collect::<Vec<_>>());
    let held: Vec<u64> = stats
        .sessions
        .values()
        .max_by_key(|s| s.audio_chunks.len())
        .expect("a session")
        .audio_chunks
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
        duplicates,
        resent,
        lost,
        moves,
    }
}

fn report(label: &str, one_way_ms: u64, chunks: usize, o: &Outcome) {
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
    let o = run(100, 400, true);
    report("real time", 100, 400, &o);
}

#[test]
fn realtime_audio_survives_three_go_aways_and_three_drops_behind_300ms() {
    let o = run(300, 400, true);
    report("real time", 300, 400, &o);
}

#[test]
fn a_sender_ten_times_faster_than_real_time_loses_nothing_behind_100ms() {
    let o = run(100, 2000, false);
    report("10x real time", 100, 2000, &o);
}
