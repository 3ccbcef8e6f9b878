//! Resumption behind real latency loses nothing, checked byte by byte through the C ABI.
//!
//! The mock adds 100 ms or 300 ms (+0..20 ms jitter) each way and records every audio chunk the
//! session holds, in order (a resume restores the handle's snapshot of that list). The client
//! streams uniquely-filled 20 ms chunks in the Gemini API mode (no `transparent`, so the server
//! never says which messages a handle covers) while the mock forces goAway migrations and TCP
//! drops. Within the replay buffer's bounds, every chunk must be in the session, in order; a
//! chunk may appear twice only where the client said it re-sent it (`RECONNECTED`'s
//! `resent_messages`), and nothing may be reported lost. A sender that outruns the bounds
//! loses audio, and `RECONNECTED`'s `lost_messages` must account for every chunk missing.

mod cabi;

use cabi::*;
use gemini_live::ffi::config::*;
use gemini_live::ffi::enums::{gemini_live_error_kind, gemini_live_event_kind as K};
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::session::{
    gemini_live_session_get_dropped_audio, gemini_live_session_get_dropped_video,
};
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
    /// Sent chunks the session never got.
    missing: usize,
    resent: u64,
    lost: u64,
    lost_bytes: u64,
    /// `gemini_live_session_get_dropped_audio` at the end.
    dropped: u64,
    /// `gemini_live_session_get_dropped_video` at the end.
    dropped_video: u64,
    /// The text of every `REPLAY_OVERFLOW` error event.
    overflow_reports: Vec<String>,
    moves: Vec<Duration>,
}

/// Where the session's chunk list stands against what was sent.
struct Holding {
    duplicates: usize,
    missing: usize,
}

/// Walks the session's chunk list: every sent chunk at most once in order, except that a step
/// back to a chunk already held is a re-sent overlap (counted) and a step forward past the
/// next expected chunk skips lost ones (counted). A chunk that arrives after a later one
/// without being held already is out of order (a panic).
fn check_in_order(sent: &[u64], held: &[u64]) -> Holding {
    let index: HashMap<u64, usize> = sent.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    let mut seen = vec![false; sent.len()];
    let mut next = 0;
    let (mut duplicates, mut missing) = (0, 0);
    for (pos, hash) in held.iter().enumerate() {
        let i = *index
            .get(hash)
            .unwrap_or_else(|| panic!("chunk #{pos} of the session was never sent"));
        if i >= next {
            missing += i - next;
            next = i + 1;
        } else if seen[i] {
            duplicates += 1;
        } else {
            panic!("chunk {i} arrived after chunk {} (at position {pos})", next - 1);
        }
        seen[i] = true;
    }
    assert_eq!(
        next,
        sent.len(),
        "the session ends at chunk {next} of {}",
        sent.len()
    );
    Holding { duplicates, missing }
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

/// How the test's client streams.
#[derive(Clone, Copy)]
enum Sender {
    /// 16 kHz in real time with 20 ms of burst (the library paces it): a microphone.
    RealTime,
    /// As fast as the queue takes it for the first `burst` chunks (waiting out `QUEUE_FULL`),
    /// then in real time until every move has happened. `burst` sets how far the sender can
    /// outrun the server, whatever the machine's speed.
    Unpaced { burst: usize },
}

/// The client's session options beyond the defaults.
#[derive(Clone, Copy, Default)]
struct Client {
    /// Vertex `transparent` resumption: every handle says which messages it covers.
    transparent: bool,
    /// `gemini_live_config_set_replay_bounds`'s `max_bytes` (default: the library's 8 MiB).
    replay_max_bytes: Option<usize>,
    /// A camera beside the microphone: a frame of this many bytes after every 5th chunk
    /// (10 frames a second in real time).
    video_frame_bytes: Option<usize>,
}

fn run(one_way_ms: u64, chunks: usize, sender: Sender, client: Client, faults: serde_json::Value) -> Outcome {
    // Each goAway or drop moves the session; other faults do not.
    let moves_expected = faults.as_array().map_or(0, |faults| {
        faults
            .iter()
            .filter(|f| matches!(f["kind"].as_str(), Some("go_away" | "drop_tcp")))
            .count()
    });
    let config: MockConfig = serde_json::from_value(serde_json::json!({
        "faults": faults,
        "latency": {"client_to_server_ms": one_way_ms, "server_to_client_ms": one_way_ms,
                    "jitter_ms": 20, "seed": 7},
        "record_audio_chunks": true,
        "resumption_update_interval_ms": 500
    }))
    .expect("mock config");
    let server = BlockingMockServer::start(config).expect("mock starts");
    let cfg = Config::for_mock(&server.base_url());
    if client.transparent {
        // `transparent` is a Vertex AI setting (the mock's Vertex path serves it).
        ok(gemini_live_config_set_vertex(
            cfg.0,
            cstr("test-project").as_ptr(),
            cstr("us-central1").as_ptr(),
            cstr("test-token").as_ptr(),
        ));
    }
    let cfg = cfg.resumption(client.transparent);
    // Six moves in a few seconds are "short-lived" connections by design here.
    ok(gemini_live_config_set_reconnect_budget(cfg.0, 0, 60_000, 100));
    if let Some(max_bytes) = client.replay_max_bytes {
        ok(gemini_live_config_set_replay_bounds(cfg.0, max_bytes, 120_000));
    }
    let burst = match sender {
        Sender::RealTime => {
            ok(gemini_live_config_set_audio_pacing(cfg.0, true, 16_000, 20));
            0
        }
        Sender::Unpaced { burst } => burst,
    };
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
            if i >= burst && matches!(sender, Sender::Unpaced { .. }) {
                // Past its burst the sender keeps a microphone's pace (this sleep paces the
                // load; it synchronises nothing).
                std::thread::sleep(Duration::from_millis(20));
            }
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
            if let Some(bytes) = client.video_frame_bytes.filter(|_| i % 5 == 0) {
                let frame: Vec<u8> = (0..bytes).map(|k| (k * 7 + i) as u8).collect();
                loop {
                    match session.send_jpeg(&frame) {
                        gemini_live_result::QueueFull => std::thread::yield_now(),
                        result => break ok(result),
                    }
                }
            }
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
    let holding = check_in_order(&sent, &held);
    let resent: u64 = reconnects.iter().map(|e| e.resent_messages).sum();
    let lost: u64 = reconnects.iter().map(|e| e.lost_messages).sum();
    let lost_bytes: u64 = reconnects.iter().map(|e| e.lost_bytes).sum();
    let overflow_reports = seen
        .iter()
        .filter(|(_, e)| e.is(K::Error) && e.error_kind == gemini_live_error_kind::ReplayOverflow as u32)
        .map(|(_, e)| e.text.clone())
        .collect();
    let mut dropped = 0;
    ok(gemini_live_session_get_dropped_audio(session.0, &mut dropped));
    let mut dropped_video = 0;
    ok(gemini_live_session_get_dropped_video(
        session.0,
        &mut dropped_video,
    ));
    Outcome {
        chunks: sent.len(),
        duplicates: holding.duplicates,
        missing: holding.missing,
        resent,
        lost,
        lost_bytes,
        dropped,
        dropped_video,
        overflow_reports,
        moves,
    }
}

/// Within the bounds: every chunk held, none reported lost, duplicates only where re-sent.
fn report(label: &str, one_way_ms: u64, o: &Outcome) {
    let moves: Vec<String> = o.moves.iter().map(|d| format!("{} ms", d.as_millis())).collect();
    println!(
        "{label}, {one_way_ms} ms each way: {} chunks all in order; {} re-sent, {} reached the \
         session twice, 0 lost; goAway to RECONNECTED: {}",
        o.chunks,
        o.resent,
        o.duplicates,
        moves.join(", ")
    );
    assert_eq!(
        o.dropped, 0,
        "the sender outran the replay buffer: the test's premise broke"
    );
    assert_eq!(o.missing, 0);
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
    let o = run(
        100,
        400,
        Sender::RealTime,
        Client::default(),
        alternating_faults(25),
    );
    report("real time", 100, &o);
}

#[test]
fn realtime_audio_survives_three_go_aways_and_three_drops_behind_300ms() {
    let o = run(
        300,
        600,
        Sender::RealTime,
        Client::default(),
        alternating_faults(25),
    );
    report("real time", 300, &o);
}

#[test]
fn a_sender_faster_than_real_time_loses_nothing_across_three_drops_behind_100ms() {
    // Unpaced, the sender fills the socket and the relay: each drop has megabytes in flight.
    // Its burst (6,000 messages of 929 bytes, 5.3 MiB) stays under the replay buffer's 8 MiB
    // however fast the machine is; past it the sender keeps real time.
    let o = run(
        100,
        3000,
        Sender::Unpaced { burst: 6000 },
        Client::default(),
        drops(300),
    );
    report("unpaced", 100, &o);
}

/// A replay buffer of 64 KiB (about 70 messages) behind an unpaced sender: each drop loses
/// most of what was in flight.
const SMALL_REPLAY: Client = Client {
    transparent: false,
    replay_max_bytes: Some(64 << 10),
    video_frame_bytes: None,
};

/// Past the bounds: audio is lost, the loss is reported (count and bytes), and the rest holds.
fn report_loss(label: &str, o: &Outcome) {
    println!(
        "{label}: {} chunks sent, {} missing from the session, {} reported lost ({} bytes), \
         {} dropped from the replay buffer, {} re-sent, {} reached the session twice",
        o.chunks, o.missing, o.lost, o.lost_bytes, o.dropped, o.resent, o.duplicates
    );
    assert!(
        o.missing > 0,
        "a 64 KiB replay buffer behind an unpaced sender must lose audio"
    );
    assert!(o.lost <= o.dropped, "only dropped audio can be lost");
    // Every lost message is a 20 ms chunk: 640 bytes of PCM, more than 853 of base64.
    assert!(
        o.lost_bytes >= o.lost * (CHUNK_BYTES as u64 * 4 / 3),
        "{} bytes",
        o.lost_bytes
    );
    assert!(!o.overflow_reports.is_empty(), "no REPLAY_OVERFLOW error event");
    assert!(o.duplicates as u64 <= o.resent);
}

#[test]
fn a_sender_that_outruns_the_replay_buffer_is_told_exactly_what_was_lost_with_transparent() {
    // With `transparent`, every handle names the last message it covers: the report is exact.
    let client = Client {
        transparent: true,
        ..SMALL_REPLAY
    };
    let o = run(100, 3000, Sender::Unpaced { burst: 3000 }, client, drops(300));
    report_loss("transparent, 64 KiB replay buffer", &o);
    assert_eq!(
        o.lost as usize, o.missing,
        "RECONNECTED must count exactly the missing chunks"
    );
}

#[test]
fn a_sender_that_outruns_the_replay_buffer_is_told_what_may_be_lost() {
    // Without `transparent`, a message the server read after its last receipt is reported
    // lost though the session has it: the report is an upper bound that misses nothing.
    let o = run(
        100,
        3000,
        Sender::Unpaced { burst: 3000 },
        SMALL_REPLAY,
        drops(300),
    );
    report_loss("Gemini API mode, 64 KiB replay buffer", &o);
    assert!(
        o.missing as u64 <= o.lost,
        "{} chunks missing but only {} reported lost",
        o.missing,
        o.lost
    );
}

#[test]
fn a_camera_stream_never_pushes_the_microphones_audio_out_of_the_replay_buffer() {
    // 10 frames a second of 48 KiB (about 640 KiB of JSON a second) beside real-time audio,
    // with a 256 KiB buffer: between two handles the video alone outgrows it. Video frames are
    // dropped, oldest first; every audio chunk must still reach the session across the drops.
    let client = Client {
        replay_max_bytes: Some(256 << 10),
        video_frame_bytes: Some(48 << 10),
        ..Client::default()
    };
    let o = run(100, 400, Sender::RealTime, client, drops(60));
    println!(
        "camera + microphone, 256 KiB replay buffer: {} audio chunks all in order; {} video \
         frames dropped, {} messages reported lost, {} re-sent, {} reached the session twice",
        o.chunks, o.dropped_video, o.lost, o.resent, o.duplicates
    );
    assert_eq!(o.dropped, 0, "audio was dropped while video could go");
    assert_eq!(o.missing, 0, "audio chunks missing from the session");
    assert!(
        o.dropped_video > 0,
        "the video never outgrew the buffer: the test's premise broke"
    );
    assert!(o.lost <= o.dropped_video, "only dropped video can be lost");
    assert!(
        o.overflow_reports.iter().any(|r| r.contains("video frame")),
        "{:?}",
        o.overflow_reports
    );
    assert!(o.duplicates as u64 <= o.resent);
}

#[test]
fn false_consumed_indexes_from_the_server_are_forgotten_once_it_tells_the_truth() {
    // With `transparent` the server names the last message each handle covers. Here it also
    // claims absurd values (beyond anything written, negative), before and after a resume,
    // with real handles; its later updates tell the truth. Each resume uses a truthful handle,
    // so nothing may be lost or sent twice: the claims must not skew the numbering for good.
    let claim = |connection: u32, after: u64, index: i64| {
        serde_json::json!({"kind": "consumed_index", "connection": connection,
                           "after_messages": after, "index": index})
    };
    let drop_tcp = |connection: u32| serde_json::json!({"kind": "drop_tcp", "connection": connection, "after_messages": 150});
    let faults = serde_json::json!([
        claim(1, 20, i64::MAX),
        claim(1, 40, -5),
        drop_tcp(1),
        claim(2, 20, i64::MAX),
        drop_tcp(2),
        claim(3, 20, 1 << 40),
        drop_tcp(3)
    ]);
    let client = Client {
        transparent: true,
        ..Client::default()
    };
    let o = run(100, 600, Sender::RealTime, client, faults);
    report("false consumed indexes, transparent", 100, &o);
    assert_eq!(o.duplicates, 0, "transparent resumption sent messages twice");
}
