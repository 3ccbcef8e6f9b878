//! Counters a test (or the C ABI) reads back, plus the change notification behind `wait_for`.

use super::chunks::AudioChunk;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Lists of received items keep only this many recent entries, so a long load run stays bounded.
pub(crate) const RECENT_LIMIT: usize = 1000;

/// A snapshot of everything the mock observed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MockStats {
    /// WebSocket upgrades accepted (numbering of connections for faults/scenarios, 1-based).
    pub connections_accepted: u64,
    /// Connections currently open.
    pub connections_open: u64,
    /// `setupComplete` frames sent (new sessions and resumptions).
    pub setups_completed: u64,
    /// Per session, keyed by the mock's session id (kept across resumptions).
    pub sessions: BTreeMap<String, SessionStats>,
    /// Client messages by kind.
    pub messages: MessageCounts,
    /// Tool responses received, most recent last.
    pub tool_responses: VecDeque<ToolResponseRecord>,
    /// `toolCall` function calls sent.
    pub tool_calls_sent: u64,
    /// `turnComplete` messages sent (including those ending an interrupted turn).
    pub turns_completed: u64,
    /// `interrupted` messages sent.
    pub interruptions: u64,
    pub resumptions_ok: u64,
    pub resumptions_failed: u64,
    /// `goAway` messages sent.
    pub go_aways_sent: u64,
    /// Close frames sent by the mock, most recent last.
    pub closes_sent: VecDeque<CloseRecord>,
    /// The last `setup` message as received (raw JSON, before normalisation).
    pub last_setup: Option<Value>,
    /// Texts of `realtimeInput.text` (without `ping:` markers) and of `clientContent` turns.
    pub texts_received: VecDeque<String>,
    /// The system instruction of the latest `setup` or `contextUpdate` that carried one.
    pub last_system_instruction: Option<String>,
    /// Connections on which a `stop_reading` fault fired (they read and send nothing since).
    pub reading_stopped: u64,
    /// Output audio bytes (decoded PCM) written to client sockets, all sessions.
    pub output_audio_bytes: u64,
    /// Load mode: answers queued (each ends in one `turnComplete`).
    pub answers_queued: u64,
    /// Load mode: answers not queued because two were already queued (the mock fell behind).
    pub answers_skipped: u64,
    /// Ephemeral tokens minted (`POST /v1alpha/auth_tokens`).
    pub auth_tokens_issued: u64,
    /// Access tokens the OAuth token endpoint issued.
    pub oauth_tokens_issued: u64,
    /// OAuth grants refused (bad signature, unknown account, bad refresh token...).
    pub oauth_grants_refused: u64,
    /// Access tokens the metadata server issued.
    pub metadata_tokens_issued: u64,
    /// Connections refused for an issued token that expired or was used up.
    pub issued_tokens_refused: u64,
}

/// Per-session counters. Audio counters follow the session state: a resumption rolls them back
/// to the state saved with the handle, so a client that replays unacknowledged audio correctly
/// ends with every byte counted exactly once.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SessionStats {
    /// Decoded audio bytes received.
    pub audio_bytes: u64,
    /// FNV-1a 64 of the concatenated decoded audio bytes.
    pub audio_fnv1a64: u64,
    /// The same hash as 16 lowercase hex digits, for JSON readers that turn numbers into doubles.
    pub audio_fnv1a64_hex: String,
    /// Turns in the session history.
    pub history_len: u64,
    /// Connections that served this session.
    pub connections: u64,
    pub turns_completed: u64,
    /// With `record_audio_chunks`: the audio chunks the session holds, in order (absent from the
    /// JSON otherwise). Like the audio counters it follows the session state, so after a resume
    /// it is the handle's list plus what the new connection received, duplicates included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_chunks: Option<Vec<AudioChunk>>,
    /// Chunks received after `audio_chunks` reached its limit; omitted from the JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub audio_chunks_dropped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Client message counts by kind (one `realtimeInput` may count under several kinds).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MessageCounts {
    pub setup: u64,
    pub client_content: u64,
    pub realtime_audio: u64,
    pub realtime_video: u64,
    pub realtime_text: u64,
    pub activity_start: u64,
    pub activity_end: u64,
    pub audio_stream_end: u64,
    pub tool_response: u64,
    pub context_update: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ToolResponseRecord {
    pub session_id: String,
    pub id: Option<String>,
    pub name: String,
    pub response: Value,
    /// `parts` of the response (media with the result), camelCase; empty when none.
    pub parts: Vec<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CloseRecord {
    /// Connection number (1-based).
    pub connection: u64,
    pub code: u16,
    pub reason: String,
}

/// Shared, lock-protected stats plus a version counter that wakes `wait_for` callers.
#[derive(Clone)]
pub(crate) struct StatsHub {
    stats: Arc<Mutex<MockStats>>,
    version: Arc<watch::Sender<u64>>,
}

impl StatsHub {
    pub(crate) fn new() -> Self {
        StatsHub {
            stats: Arc::new(Mutex::new(MockStats::default())),
            version: Arc::new(watch::channel(0).0),
        }
    }

    pub(crate) fn update<R>(&self, f: impl FnOnce(&mut MockStats) -> R) -> R {
        let r = f(&mut self.stats.lock().unwrap_or_else(|e| e.into_inner()));
        self.version.send_modify(|v| *v += 1);
        r
    }

    pub(crate) fn snapshot(&self) -> MockStats {
        self.stats.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Evaluates `pred` under the lock after every change until it holds or `timeout` passes.
    pub(crate) async fn wait_for<F: Fn(&MockStats) -> bool>(&self, pred: F, timeout: Duration) -> bool {
        let mut rx = self.version.subscribe();
        let check = |hub: &StatsHub| pred(&hub.stats.lock().unwrap_or_else(|e| e.into_inner()));
        let wait = async {
            loop {
                rx.borrow_and_update();
                if check(self) {
                    return true;
                }
                if rx.changed().await.is_err() {
                    return check(self);
                }
            }
        };
        tokio::time::timeout(timeout, wait).await.unwrap_or(false)
    }
}

/// Appends to a bounded "recent items" list.
pub(crate) fn push_recent<T>(list: &mut VecDeque<T>, item: T) {
    if list.len() == RECENT_LIMIT {
        list.pop_front();
    }
    list.push_back(item);
}
