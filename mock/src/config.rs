//! Mock configuration. Every field is optional in JSON (`#[serde(default)]`); keys are snake_case.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::PathBuf;

/// Configuration of a [`MockServer`](super::MockServer).
///
/// JSON example (all keys optional):
/// ```json
/// {"bind": "127.0.0.1:0", "api_keys": ["k1"], "strict": true, "realtime_output": true,
///  "connection_lifetime_ms": 2000, "go_away_time_left_ms": 500,
///  "faults": [{"connection": 2, "after_messages": 10, "kind": "close_1011"}],
///  "scenario": [{"on": "realtimeInput.text", "send": {"serverContent": {"turnComplete": true}}}],
///  "latency": {"client_to_server_ms": 100, "server_to_client_ms": 100, "jitter_ms": 20, "seed": 1},
///  "record_audio_chunks": true}
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MockConfig {
    /// Address to bind, default `"127.0.0.1:0"` (a free port).
    pub bind: String,
    /// Accepted API keys (`?key=` or `x-goog-api-key`). Empty: any non-empty key is accepted.
    pub api_keys: Vec<String>,
    /// Accepted ephemeral tokens on the `BidiGenerateContentConstrained` path (`?access_token=`,
    /// `Authorization: Token …`, or `x-goog-api-key`). Empty: any non-empty token. Each token opens
    /// one new session; resuming a session with it does not count as a use.
    pub ephemeral_tokens: Vec<String>,
    /// Accepted `Authorization: Bearer …` tokens on the Vertex path. Empty: any non-empty token.
    pub bearer_tokens: Vec<String>,
    /// Reject unknown fields with close 1007 `Invalid JSON payload received. Unknown name …`.
    pub strict: bool,
    /// Vertex behaviour on every path: `setupComplete.sessionId`, `role:"model"` in `modelTurn`,
    /// Vertex `usageMetadata` naming. The Vertex path implies it.
    pub vertex: bool,
    /// Pretty-print server frames (the real service often does).
    pub pretty: bool,
    /// If non-empty, setups naming another model close 1008 "models/X is not found …".
    /// Entries match the last path segment of the model name (`gemini-x` or `models/gemini-x`).
    pub known_models: Vec<String>,
    /// Reply template of the built-in model; `{input}` is replaced by the user's text.
    pub reply_text: String,
    /// Transcript of a detected utterance; `{secs}` (or `{secs:.2}`) is its length, 2 decimals.
    pub audio_transcript: String,
    /// Output audio chunk length in milliseconds (24 kHz PCM16, so 240 ms = 11,520 bytes).
    pub audio_chunk_ms: u32,
    /// Pace output audio in real time (and delay `turnComplete` by the playback time).
    pub realtime_output: bool,
    /// Load mode: answer every ~1 s of received audio with 1 s of paced audio, without VAD.
    pub answer_audio_continuously: bool,
    /// Lifetime of resumption handles, default 2 h.
    pub resumption_handle_ttl_ms: u64,
    /// With resumption on, also issue a resumable handle every this many milliseconds while
    /// the session is between turns (the service sends updates "periodically"), besides the
    /// ones after `setupComplete` and `turnComplete`. Absent: only those.
    pub resumption_update_interval_ms: Option<u64>,
    /// Connection lifetime from `setupComplete`; `goAway` is sent `go_away_time_left_ms` before
    /// its end, then close 1008 at the end.
    pub connection_lifetime_ms: Option<u64>,
    /// `timeLeft` announced by the lifetime `goAway`, default 50 s, capped to the lifetime.
    pub go_away_time_left_ms: u64,
    /// JSON-lines scenario file (see [`ScenarioLine`]); its lines run after `scenario`'s.
    pub scenario_file: Option<PathBuf>,
    /// Inline scenario lines.
    pub scenario: Vec<ScenarioLine>,
    /// Fault injection (see [`FaultSpec`]).
    pub faults: Vec<FaultSpec>,
    /// Network latency on every connection (see [`LatencySpec`]). Absent (the default) or all
    /// zero: connections use the plain socket, at no extra cost.
    pub latency: Option<LatencySpec>,
    /// Keep, in each session's restorable state, one entry per received audio chunk (decoded
    /// length and FNV-1a 64), in order, so a test can check byte for byte which chunks a
    /// resumed session holds. Read back as `SessionStats::audio_chunks`. At most
    /// [`AUDIO_CHUNK_LIMIT`](super::AUDIO_CHUNK_LIMIT) entries per session (later chunks only
    /// count in `audio_chunks_dropped`). Off by default: nothing is recorded.
    pub record_audio_chunks: bool,
    /// Lifetime of the access tokens the OAuth token endpoint and the metadata server issue
    /// (`expires_in`), default 1 h. The Vertex path refuses them (close 1007) once expired.
    pub access_token_lifetime_ms: u64,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            bind: "127.0.0.1:0".into(),
            api_keys: Vec::new(),
            ephemeral_tokens: Vec::new(),
            bearer_tokens: Vec::new(),
            strict: false,
            vertex: false,
            pretty: false,
            known_models: Vec::new(),
            reply_text: "You said: {input}".into(),
            audio_transcript: "[speech {secs:.2}s]".into(),
            audio_chunk_ms: 240,
            realtime_output: false,
            answer_audio_continuously: false,
            resumption_handle_ttl_ms: 2 * 60 * 60 * 1000,
            resumption_update_interval_ms: None,
            connection_lifetime_ms: None,
            go_away_time_left_ms: 50_000,
            scenario_file: None,
            scenario: Vec::new(),
            faults: Vec::new(),
            latency: None,
            record_audio_chunks: false,
            access_token_lifetime_ms: 60 * 60 * 1000,
        }
    }
}

/// Emulated network latency, applied to the bytes of every connection under the WebSocket
/// (the HTTP upgrade included; the TCP connect itself is not delayed).
///
/// `{"client_to_server_ms": 100, "server_to_client_ms": 100, "jitter_ms": 20, "seed": 1}`, every
/// key optional (default 0). Each chunk of bytes read from one side is delivered to the other
/// `delay + jitter` after it arrived, never reordered: a chunk is due at
/// `max(previous chunk's due time, arrival + delay + jitter)`. The jitter is drawn uniformly from
/// `[0, jitter_ms]` (µs resolution), separately per direction, from a generator seeded with
/// `seed` and the connection's accept order, so runs are reproducible.
///
/// Buffering is bounded like a real path's: per direction at most 1 MiB in flight plus 64 KiB
/// between the relay and the WebSocket, so a side that stops reading (see
/// [`FaultKind::StopReading`]) pushes back to the other side's socket and its writes block. The
/// window also caps throughput at 1 MiB per one-way delay (about 3.5 MB/s at 300 ms).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LatencySpec {
    /// One-way delay of bytes the client sends.
    pub client_to_server_ms: u64,
    /// One-way delay of bytes the mock sends.
    pub server_to_client_ms: u64,
    /// Extra random delay per chunk, uniform in `[0, jitter_ms]`, in each direction.
    pub jitter_ms: u64,
    /// Seed of the jitter generator.
    pub seed: u64,
}

impl LatencySpec {
    /// Whether any delay is configured (all zero: the plain socket is used).
    pub fn is_active(&self) -> bool {
        self.client_to_server_ms > 0 || self.server_to_client_ms > 0 || self.jitter_ms > 0
    }
}

/// One scenario line: `{"on": TRIGGER, <one action>, "delay_ms"?, "connection"?, "once"?}`.
///
/// Triggers: `setup` (right after `setupComplete`), `clientContent`, `realtimeInput.audio`,
/// `realtimeInput.video`, `realtimeInput.text`, `activityStart`, `activityEnd`, `audioStreamEnd`,
/// `toolResponse`, `contextUpdate`, `turn` (a user turn ended: the transcription acks are still
/// sent, the reply is replaced), `message:N` (the N-th client message after `setup` on the
/// connection, 1-based). When lines match a client message, their actions replace the built-in
/// model's reaction to it; the message is still counted and stored in the session state.
///
/// Actions (exactly one per line): `send` (a server message, sent as a binary JSON frame), `raw`
/// (text sent as is in a binary frame, may be malformed), `close` (`{"code":1011,"reason":"…"}`),
/// `drop: true` (TCP drop, no close frame), `oversized_bytes: N` (a binary frame of N bytes that
/// is valid JSON when N ≥ 64).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioLine {
    pub on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<CloseSpec>,
    #[serde(default)]
    pub drop: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oversized_bytes: Option<usize>,
    /// Delay of the action after the trigger.
    #[serde(default)]
    pub delay_ms: u64,
    /// Only on the k-th accepted connection (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<u32>,
    /// Fire at most once per connection.
    #[serde(default)]
    pub once: bool,
}

/// A close frame to send.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CloseSpec {
    pub code: u16,
    #[serde(default)]
    pub reason: String,
}

/// One injected fault: `{"kind": KIND, "connection"?: k, "after_messages"?: n, "after_ms"?: t,
/// "before_setup"?: bool, …}`.
///
/// It fires once on each matching connection (`connection` absent: every connection; `k` counts
/// accepted WebSocket upgrades from 1), either right after the `after_messages`-th client message
/// following `setup` has been consumed (before the model reacts to it), or `after_ms` after
/// `setupComplete`, or right after `setupComplete` when neither is given. With
/// `"before_setup": true` its clock starts at the WebSocket upgrade instead (once the credentials
/// are accepted): it fires `after_ms` (default 0) after it, so by default before a single byte of
/// `setup` is read; `after_messages` cannot be combined with it (the server refuses to start).
///
/// Example: `{"kind": "stop_reading", "connection": 1, "before_setup": true}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FaultSpec {
    pub kind: FaultKind,
    #[serde(default)]
    pub connection: Option<u32>,
    #[serde(default)]
    pub after_messages: Option<u64>,
    #[serde(default)]
    pub after_ms: Option<u64>,
    /// Arm the fault at the WebSocket upgrade rather than at `setupComplete`.
    #[serde(default)]
    pub before_setup: bool,
    /// `go_away` / `stall_after_go_away`: the announced `timeLeft` (default 50 s). `go_away`
    /// closes 1008 when it has elapsed.
    #[serde(default)]
    pub time_left_ms: Option<u64>,
    /// `pong_delay`: how long each pong is held back (default 30 s). The connection is frozen
    /// (nothing read or written) meanwhile, as a busy real server would be.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// `oversized_frame`: frame size in bytes (default 16 MiB + 1, above tungstenite's limit).
    #[serde(default)]
    pub bytes: Option<usize>,
    /// `consumed_index`: the `lastConsumedClientMessageIndex` to claim (default `i64::MAX`).
    #[serde(default)]
    pub index: Option<i64>,
}

/// Fault kinds, snake_case in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// `goAway`, then close 1008 (GoAway reason) after `time_left_ms` if the client stays.
    GoAway,
    /// Close 1011 "Internal error occurred.".
    #[serde(rename = "close_1011", alias = "internal_error")]
    Close1011,
    /// Drop the TCP connection without a close frame (the client sees 1006).
    DropTcp,
    /// Delay every later pong by `delay_ms`.
    #[serde(alias = "pong_delay_ms")]
    PongDelay,
    /// `goAway`, then ignore everything (still reading, so a client close is noticed).
    #[serde(alias = "go_away_then_stall")]
    StallAfterGoAway,
    /// A binary frame holding truncated JSON.
    MalformedFrame,
    /// A frame of `bytes` bytes.
    OversizedFrame,
    /// From now on read nothing more from the client and send nothing more either (queued
    /// replies and timers are dropped), like a hung server whose socket stays open: the kernel
    /// buffers fill and the client's writes block. The session is released at once, so the
    /// client may resume it on a new connection (the handle restores its saved state). The
    /// socket stays open until the server shuts down (then a 1001 close frame is attempted
    /// for at most 1 s and the socket is closed, unread bytes and all). `MockStats::reading_stopped`
    /// counts firings.
    StopReading,
    /// A resumable `sessionResumptionUpdate` with a real handle for the current state but a
    /// false `lastConsumedClientMessageIndex` (`index`, any int64), as a buggy or hostile
    /// server might send; nothing unless the setup asked for resumption. Later updates tell
    /// the truth again.
    ConsumedIndex,
}
