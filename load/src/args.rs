//! Command-line flags of `gemini-live-load`.

use super::codec::Codec;
use std::path::PathBuf;

pub const USAGE: &str = "usage: gemini-live-load [--sessions N] [--seconds S] [--mock-url ws://HOST:PORT] \
[--floor] [--json] [--ping-hz F] [--warmup S] [--start-spread-ms MS] [--mock-threads N] [--mock-bin PATH] \
[--connect-threads N] [--codec pcm|mulaw] [--delivery pool|inline] [--no-audio]";

/// What to run.
#[derive(Debug, Clone)]
pub struct Args {
    /// Concurrent library sessions.
    pub sessions: usize,
    /// Seconds of real-time audio each session streams.
    pub seconds: f64,
    /// An already running mock (`ws://HOST:PORT`); else the mock binary is spawned.
    pub mock_url: Option<String>,
    /// Also measure the no-library floor client (one raw tokio-tungstenite connection).
    pub floor: bool,
    /// Print one JSON object instead of the text table.
    pub json: bool,
    /// `ping:` markers per second per session.
    pub ping_hz: f64,
    /// Seconds excluded from the CPU window at the start (connections settle, replies start).
    pub warmup: f64,
    /// `--threads` of a spawned mock.
    pub mock_threads: usize,
    /// Path of `gemini-live-mock` (default: next to this executable).
    pub mock_bin: Option<PathBuf>,
    /// Threads calling `gemini_live_session_new` in parallel while connecting.
    pub connect_threads: usize,
    /// Session start offsets span this many ms (20 = every session starts in the same period).
    pub start_spread_ms: u64,
    /// The application's audio format: 16 kHz PCM16 in / 24 kHz PCM16 out, or 8 kHz μ-law
    /// both ways (see `codec.rs`).
    pub codec: Codec,
    /// Callbacks run inline on the network threads (`gemini_live_config_set_delivery`).
    pub inline: bool,
    /// Sessions send only the pings (many sessions, little traffic: thread and order checks).
    pub no_audio: bool,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            sessions: 10,
            seconds: 10.0,
            mock_url: None,
            floor: false,
            json: false,
            ping_hz: 1.0,
            warmup: 2.0,
            mock_threads: 1,
            mock_bin: None,
            connect_threads: 4,
            start_spread_ms: 1000,
            codec: Codec::Pcm,
            inline: false,
            no_audio: false,
        }
    }
}

pub fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args::default();
    fn val(it: &mut dyn Iterator<Item = String>, flag: &str) -> Result<String, String> {
        it.next().ok_or(format!("{flag} needs a value"))
    }
    fn num<T: std::str::FromStr>(text: String, flag: &str) -> Result<T, String> {
        text.parse().map_err(|_| format!("{flag}: not a number: {text}"))
    }
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--sessions" => a.sessions = num(val(&mut it, &flag)?, &flag)?,
            "--seconds" => a.seconds = num(val(&mut it, &flag)?, &flag)?,
            "--mock-url" => a.mock_url = Some(val(&mut it, &flag)?),
            "--floor" => a.floor = true,
            "--json" => a.json = true,
            "--ping-hz" => a.ping_hz = num(val(&mut it, &flag)?, &flag)?,
            "--warmup" => a.warmup = num(val(&mut it, &flag)?, &flag)?,
            "--mock-threads" => a.mock_threads = num(val(&mut it, &flag)?, &flag)?,
            "--mock-bin" => a.mock_bin = Some(val(&mut it, &flag)?.into()),
            "--connect-threads" => a.connect_threads = num(val(&mut it, &flag)?, &flag)?,
            "--start-spread-ms" => a.start_spread_ms = num(val(&mut it, &flag)?, &flag)?,
            "--codec" => a.codec = Codec::parse(&val(&mut it, &flag)?)?,
            "--delivery" => {
                a.inline = match val(&mut it, &flag)?.as_str() {
                    "pool" => false,
                    "inline" => true,
                    other => return Err(format!("--delivery: pool or inline, not {other}")),
                }
            }
            "--no-audio" => a.no_audio = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if a.sessions == 0 || a.seconds <= 0.0 || !(a.ping_hz > 0.0 && a.ping_hz <= 50.0) {
        return Err(format!(
            "need --sessions >= 1, --seconds > 0, 0 < --ping-hz <= 50\n{USAGE}"
        ));
    }
    a.warmup = a.warmup.clamp(0.0, a.seconds / 2.0);
    a.connect_threads = a.connect_threads.max(1);
    Ok(a)
}
