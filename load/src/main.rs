//! `gemini-live-load`: N real-time sessions through the library's C ABI against the mock
//! server (a separate process), with the no-library floor beside it.
//!
//! ```text
//! gemini-live-load [--sessions N] [--seconds S] [--mock-url ws://HOST:PORT] [--floor] [--json]
//!     [--ping-hz F] [--warmup S] [--start-spread-ms MS] [--mock-threads N] [--mock-bin PATH]
//!     [--connect-threads N] [--codec pcm|mulaw]
//! ```
//! `--codec mulaw` runs every session as a phone line would: 8 kHz G.711 μ-law in (20 ms =
//! 160 bytes through `gemini_live_session_send_audio_ex`) and out
//! (`gemini_live_config_set_output_audio_format`); audio figures are then in μ-law bytes
//! (`run.audio_bytes_unit` says which units a run used).
//! Exit status: 0 when the client lost nothing (audio, pongs, sends, connections), 1 otherwise
//! (audio the mock skipped because it fell behind is reported, not counted), 2 on a usage or
//! setup error. See BENCHMARKS.md for what each figure means.

mod args;
mod clock;
mod codec;
mod drain;
mod floor;
mod mock_proc;
mod report;
mod sessions;
mod stats;
mod ticker;
mod usage;

/// The fixed drain window of earlier versions: its figures are still reported.
const DRAIN_WINDOW_S: f64 = 5.0;
/// How long the drain may wait for the mock's queued answers and the audio in flight.
const DRAIN_BOUND_S: f64 = 30.0;

use serde_json::json;
use stats::Samples;
use std::process::ExitCode;
use std::sync::atomic::Ordering::Relaxed;

fn main() -> ExitCode {
    let args = match args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    clock::now_ns();
    let open_files = usage::raise_open_files();
    // A socket per session here, and the mock's end of each in the spawned mock (which
    // inherits the limit), plus some slack.
    if (args.sessions as u64) + 64 > open_files {
        eprintln!(
            "gemini-live-load: {} sessions need more than the {open_files} open files this process may have (ulimit -Hn)",
            args.sessions
        );
        return ExitCode::from(2);
    }
    let rss_baseline = usage::rss_bytes();
    let heap_baseline = usage::heap_in_use();
    let threads_baseline = usage::threads();
    let mock = match &args.mock_url {
        Some(_) => None,
        None => match mock_proc::MockProcess::spawn(args.mock_bin.clone(), args.mock_threads) {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("gemini-live-load: cannot start the mock: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let url = args
        .mock_url
        .clone()
        .or(mock.as_ref().map(|m| m.url.clone()))
        .unwrap_or_default();

    // The library, through the C ABI.
    let config = match sessions::Config::new(&url, args.codec, args.inline) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gemini-live-load: {e}");
            return ExitCode::from(2);
        }
    };
    let t_connect = clock::now_ns();
    let sessions = match sessions::connect_all(&config, args.codec, args.sessions, args.connect_threads) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gemini-live-load: {e}");
            return ExitCode::from(2);
        }
    };
    let connect_s = (clock::now_ns() - t_connect) as f64 / 1e9;
    let plan = ticker::Plan {
        seconds: args.seconds,
        warmup: args.warmup,
        ping_hz: args.ping_hz,
        start_spread_ms: args.start_spread_ms,
        other_pid: mock.as_ref().map(|m| m.pid()),
        codec: args.codec,
        audio: !args.no_audio,
    };
    let tails = match args.codec.tails() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gemini-live-load: {e}");
            return ExitCode::from(2);
        }
    };
    let ticks = ticker::run(&sessions, &plan);
    let mut mock = mock;
    let loss = drain::drain(
        &sessions,
        &ticks.chunks_ok,
        &ticks.pings_ok,
        codec::Units {
            codec: args.codec,
            tails,
        },
        mock.as_mut(),
        DRAIN_WINDOW_S,
        DRAIN_BOUND_S,
    );
    let rtts = Samples::new(
        sessions
            .iter()
            .flat_map(|s| std::mem::take(&mut *s.counters.rtts.lock().unwrap()))
            .collect(),
    );
    let order_errors: u64 = sessions
        .iter()
        .map(|s| s.counters.order_errors.load(Relaxed))
        .sum();
    let t_free = clock::now_ns();
    drop(sessions);
    let free_s = (clock::now_ns() - t_free) as f64 / 1e9;

    let floor = if args.floor {
        match floor::run(&url, &args) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("gemini-live-load: floor: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    let spawned = mock.is_some();
    drop(mock);

    let shortfall = loss
        .expected_audio_bytes
        .saturating_sub(loss.received_audio_bytes + loss.held_audio_bytes);
    let last = loss.last.split(loss.expected_audio_bytes);
    let window = loss.window.split(loss.expected_audio_bytes);
    // What the client side lost, or could not be shown not to have lost; audio the mock
    // skipped is its own shortfall (reported, not counted here).
    let lost_audio_bytes = loss.lost_by_client().unwrap_or(0) + loss.unattributed();
    let n = args.sessions as f64;
    let lateness = &ticks.lateness;
    let session_minutes = n * ticks.window_secs / 60.0;
    let rss_per_session = (ticks.rss_steady.saturating_sub(rss_baseline)) as f64 / n;
    let heap_per_session = (ticks.heap_steady.saturating_sub(heap_baseline)) as f64 / n;
    let mut out = json!({
        "run": {
            "sessions": args.sessions,
            "seconds": args.seconds,
            "start_spread_ms": args.start_spread_ms,
            "codec": args.codec.name(),
            "delivery": if args.inline { "inline" } else { "pool" },
            "audio": !args.no_audio,
            "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            "audio_bytes_unit": args.codec.units(),
            "input_filter_held_us_per_session": tails.input_held_us,
            "output_filter_held_audio_bytes_per_session": tails.output_held_bytes,
            "window_s": ticks.window_secs,
            "connect_all_s": connect_s,
            "free_all_s": free_s,
            "mock": if args.mock_url.is_some() { "external" } else { "spawned" },
            "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
        },
        "cpu": {
            "client_cpu_s_per_session_minute": report::num(ticks.cpu_window / session_minutes),
            "client_core_fraction": report::num(ticks.cpu_window / ticks.window_secs),
            "driver_thread_core_fraction": report::num(ticks.driver_cpu_window / ticks.window_secs),
            "context_switches_per_s": report::num(ticks.context_switches as f64 / ticks.window_secs),
            "context_switches_per_s_by_thread": ticks
                .context_switches_by_thread
                .iter()
                .map(|(name, n)| (name.clone(), report::num(*n as f64 / ticks.window_secs)))
                .collect::<serde_json::Map<_, _>>(),
            "mock_core_fraction": if spawned { report::num(ticks.other_cpu_window / ticks.window_secs) } else { serde_json::Value::Null },
        },
        "memory": {
            "rss_baseline_kib": rss_baseline / 1024,
            "rss_steady_kib": ticks.rss_steady / 1024,
            "rss_per_session_kib": report::num(rss_per_session / 1024.0),
            "heap_per_session_kib": report::num(heap_per_session / 1024.0),
            "threads_baseline": threads_baseline,
            "threads_steady": ticks.threads_steady,
            "library_threads": ticks.threads_steady.saturating_sub(threads_baseline),
        },
        "schedule": {
            "chunks_sent": ticks.chunks_ok.iter().sum::<u64>(),
            "send_errors": ticks.send_errors,
            "chunks_late_over_20ms": ticks.late_chunks,
            "lateness_p50_ms": report::num(lateness.pct_ms(50.0)),
            "lateness_p99_ms": report::num(lateness.pct_ms(99.0)),
            "lateness_max_ms": report::num(lateness.max_ms()),
        },
        "loss": {
            "verdict": loss.verdict(),
            "expected_audio_bytes": loss.expected_audio_bytes,
            "received_audio_bytes": loss.received_audio_bytes,
            "held_in_output_filter_audio_bytes": loss.held_audio_bytes,
            "shortfall_audio_bytes": shortfall,
            "skipped_by_mock_audio_bytes": last.map(|s| s.skipped_by_mock),
            "in_flight_at_window_end_audio_bytes": window.map(|s| s.queued_at_mock + s.sent_not_delivered),
            "lost_by_client_audio_bytes": loss.lost_by_client(),
            "unattributed_audio_bytes": loss.unattributed(),
            "lost_audio_bytes": lost_audio_bytes,
            "pings_sent": ticks.pings_ok.iter().sum::<u64>(),
            "lost_pongs": loss.lost_pongs,
            "sessions_short": loss.sessions_short,
            "error_events": loss.errors,
            "closed_early": loss.closed,
            "order_errors": order_errors,
        },
        "drain": drain_report(&loss),
        "rtt": {
            "samples": rtts.len(),
            "p50_ms": report::num(rtts.pct_ms(50.0)),
            "p99_ms": report::num(rtts.pct_ms(99.0)),
            "max_ms": report::num(rtts.max_ms()),
        },
    });
    if let Some(f) = &floor {
        let fr = Samples::new(f.rtts.clone());
        let floor_cpu_per_session_minute = f.cpu_s / (n * f.window_s / 60.0);
        out["floor"] = json!({
            "sessions": args.sessions,
            "samples": fr.len(),
            "lost_pongs": f.pings.saturating_sub(f.rtts.len() as u64),
            "p50_ms": report::num(fr.pct_ms(50.0)),
            "p99_ms": report::num(fr.pct_ms(99.0)),
            "rtt_p50_ratio": report::ratio(rtts.pct_ms(50.0), fr.pct_ms(50.0)),
            "rtt_p99_ratio": report::ratio(rtts.pct_ms(99.0), fr.pct_ms(99.0)),
            "cpu_s_per_session_minute": report::num(floor_cpu_per_session_minute),
            "core_fraction": report::num(f.cpu_s / f.window_s),
            "context_switches_per_s": report::num(f.context_switches as f64 / f.window_s),
            "client_cpu_ratio": report::ratio(ticks.cpu_window / session_minutes, floor_cpu_per_session_minute),
        });
    }
    report::print(&out, args.json);
    let ok = lost_audio_bytes == 0
        && loss.lost_pongs == 0
        && ticks.send_errors == 0
        && loss.closed == 0
        && order_errors == 0;
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The drain's figures: at the end of the fixed window, and when it ended (see `drain.rs`).
fn drain_report(loss: &drain::Loss) -> serde_json::Value {
    let split = |snap: &drain::Snapshot| match snap.split(loss.expected_audio_bytes) {
        Some(s) => json!({
            "at_s": report::num(snap.at_s),
            "received_audio_bytes": snap.received_audio_bytes,
            "held_in_output_filter_audio_bytes": snap.held_audio_bytes,
            "shortfall_audio_bytes": s.shortfall,
            "skipped_by_mock_audio_bytes": s.skipped_by_mock,
            "never_answered_audio_bytes": s.never_answered,
            "queued_at_mock_audio_bytes": s.queued_at_mock,
            "answers_pending_at_mock": s.answers_pending_at_mock,
            "mock_sent_audio_bytes": s.mock_sent,
            "sent_not_delivered_audio_bytes": s.sent_not_delivered,
            "turns_received": snap.turns,
            "mock_turns_completed": snap.mock.map(|m| m.turns_completed),
            "mock_connections_open": snap.mock.map(|m| m.connections_open),
        }),
        None => json!({
            "at_s": report::num(snap.at_s),
            "received_audio_bytes": snap.received_audio_bytes,
            "shortfall_audio_bytes": loss.expected_audio_bytes.saturating_sub(snap.accounted()),
        }),
    };
    json!({
        "end": loss.end.name(),
        "window_s": DRAIN_WINDOW_S,
        "bound_s": DRAIN_BOUND_S,
        "expected_answers": loss.expected_turns,
        "mock_counters_error": loss.mock_error,
        "at_window_end": split(&loss.window),
        "at_end": split(&loss.last),
    })
}
