//! `gemini_live_config`: everything a session needs before it connects.
//!
//! A config is a plain value: setters validate and store, nothing connects until
//! `gemini_live_session_new`, which copies the config (so it may be changed or freed right
//! after, and reused for more sessions). The setters parse their C arguments and hand them to
//! [`crate::transport::ConfigBuilder`], which checks them; this file holds the object, the
//! credentials, the endpoint and the transport limits, `setup.rs` the `setup` message's settings.

mod setup;
// Vertex AI with Application Default Credentials (`gemini_live_config_set_vertex_adc`).
mod adc;

pub use setup::*;

use super::credentials::gemini_live_credential_callback;
use super::enums::gemini_live_delivery;
use super::error::{gemini_live_result, Error};
use super::ptr::{check_out, try_mut, try_nonempty_str, try_opt_str, write_out};
use crate::protocol::SessionConfig;
use crate::transport::{ConfigBuilder, ConnectConfig};
use std::ffi::{c_char, c_void};
use std::path::Path;
use std::time::Duration;

/// Session configuration (opaque). Create with `gemini_live_config_new`, free with
/// `gemini_live_config_free`. Not thread-safe: do not call two functions on the same config
/// concurrently (reading it in `gemini_live_session_new` from several threads at once is fine
/// as long as nobody modifies it meanwhile).
pub struct gemini_live_config {
    _private: [u8; 0],
}

/// The Rust side of `gemini_live_config`: the transport's builder, which checks every value,
/// plus what only the C ABI delivers.
#[derive(Clone)]
pub(crate) struct Config {
    builder: ConfigBuilder,
    /// The format AUDIO events deliver (`gemini_live_config_set_output_audio_format`).
    pub(crate) output_audio: Option<crate::audio::format::AudioFormat>,
    /// Callbacks run on the network thread (`gemini_live_config_set_delivery`).
    pub(crate) inline_delivery: bool,
}

/// Default model of a new config.
pub const GEMINI_LIVE_DEFAULT_MODEL: &str = "gemini-2.5-flash-native-audio-preview-12-2025";

impl Default for Config {
    fn default() -> Self {
        Config {
            builder: ConfigBuilder::new(SessionConfig::new(GEMINI_LIVE_DEFAULT_MODEL)),
            output_audio: None,
            inline_delivery: false,
        }
    }
}

impl Config {
    /// The checked transport configuration for one session.
    pub(crate) fn connect_config(&self) -> Result<ConnectConfig, Error> {
        Ok(self.builder.build()?)
    }

    fn session(&mut self) -> &mut SessionConfig {
        self.builder.session_mut()
    }
}

/// # Safety
/// `ptr` must be NULL or a live config from `gemini_live_config_new`.
pub(crate) unsafe fn config_ref<'a>(ptr: *const gemini_live_config, name: &str) -> Result<&'a Config, Error> {
    super::ptr::try_ref(ptr.cast::<Config>(), name)
}

pub(super) unsafe fn config_mut<'a>(ptr: *mut gemini_live_config) -> Result<&'a mut Config, Error> {
    try_mut(ptr.cast::<Config>(), "config")
}

/// Creates a config with the defaults: model `gemini-2.5-flash-native-audio-preview-12-2025`,
/// the Gemini API, no credentials (set some before connecting), server-side voice activity
/// detection, reconnect with resumption when session resumption is enabled (5 attempts), a
/// send queue of 512 messages, a 10 s connect and a 15 s setup timeout, no audio pacing.
///
/// On success `*out` receives a new config that the caller owns and must free with
/// `gemini_live_config_free`.
///
/// Errors: `GEMINI_LIVE_RESULT_NULL_ARGUMENT` (`out` is NULL).
#[no_mangle]
pub extern "C" fn gemini_live_config_new(out: *mut *mut gemini_live_config) -> gemini_live_result {
    crate::ffi_result! {
        check_out(out, "out")?;
        let config = Box::into_raw(Box::new(Config::default()));
        unsafe { write_out(out, config.cast()) };
        Ok(())
    }
}

/// Frees a config. `NULL` is a no-op. Sessions created from it are not affected.
/// Must not be called twice on the same pointer, nor concurrently with any other use of it.
#[no_mangle]
pub extern "C" fn gemini_live_config_free(config: *mut gemini_live_config) {
    crate::ffi_panic_boundary! {
        if !config.is_null() {
            drop(unsafe { Box::from_raw(config.cast::<Config>()) });
        }
    }
}

/// Uses the Gemini API with an API key (sent as the `x-goog-api-key` header). Replaces any
/// credentials set before.
///
/// Ownership: the key is copied; the caller keeps `api_key`. Threads: not concurrently with
/// other calls on the same config. On failure the config is unchanged.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (empty, or a character that
/// cannot go in an HTTP header: only printable ASCII, space to `~`, is accepted, so a stray
/// newline, tab or non-ASCII character is caught here rather than at connect; the message says
/// where, never the key itself).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_api_key(
    config: *mut gemini_live_config,
    api_key: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let key = unsafe { try_nonempty_str(api_key, "api_key")? };
        c.builder.api_key(key)?;
        Ok(())
    }
}

/// Uses the Gemini API with an ephemeral token (`auth_tokens/...`), sent as
/// `Authorization: Token ...` to the constrained endpoint (API version `v1alpha` unless set).
/// Replaces any credentials set before. Tokens are often single-use: pair this with
/// `gemini_live_config_set_credential_callback` to fetch a new one for every reconnect.
///
/// Ownership: the token is copied; the caller keeps `token`. Threads: not concurrently with
/// other calls on the same config. On failure the config is unchanged.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (empty, or a control or
/// non-ASCII character; the message never repeats the token).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_ephemeral_token(
    config: *mut gemini_live_config,
    token: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let token = unsafe { try_nonempty_str(token, "token")? };
        c.builder.ephemeral_token(token)?;
        Ok(())
    }
}

/// Uses Vertex AI: `project`, `location` and an OAuth2 access token sent as
/// `Authorization: Bearer ...` to `<location>-aiplatform.googleapis.com`. Replaces any
/// credentials set before. `access_token` may be NULL when a credential callback supplies it.
///
/// - `location`: a plain region name: lowercase ASCII letters, digits and `-`, starting with a
///   letter (`us-central1`, `europe-west4`, `us`, `eu`, `global`). It becomes part of the host
///   name, so anything else (`host:port`, `/`, `#`, `.`) is refused here: the bearer token is
///   never sent to a host other than Google's.
/// - `project`: a project id or number: ASCII letters, digits and `-`, plus the `.` and `:` of
///   domain-scoped ids (`example.com:my-project`); no `/`, `?`, `#`, `%`, `@` or whitespace.
/// - `access_token`: printable ASCII (space to `~`) only: no control or non-ASCII character.
///
/// Ownership: all three strings are copied; the caller keeps them. Threads: not concurrently
/// with other calls on the same config. On failure the config is unchanged.
///
/// Errors: `NULL_ARGUMENT` (config, project or location), `INVALID_UTF8`,
/// `INVALID_ARGUMENT` (an empty string, a location or project outside the rules above, a token
/// with other characters; the message never repeats the token).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_vertex(
    config: *mut gemini_live_config,
    project: *const c_char,
    location: *const c_char,
    access_token: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let project = unsafe { try_nonempty_str(project, "project")? };
        let location = unsafe { try_nonempty_str(location, "location")? };
        // An empty token, like NULL, leaves the token to the credential callback.
        let token = unsafe { try_opt_str(access_token, "access_token")? }.filter(|t| !t.is_empty());
        c.builder.vertex(project, location, token)?;
        Ok(())
    }
}

// ---- Vertex AI express mode and custom request headers.

/// Uses Vertex AI in express mode with an API key: sent as the `x-goog-api-key` header to
/// `wss://aiplatform.googleapis.com/ws/google.cloud.aiplatform.<version>.LlmBidiService/BidiGenerateContent`
/// (API version `v1beta1` unless set); a bare model id becomes
/// `publishers/google/models/<id>` (no project or location). Replaces any credentials set
/// before; a credential callback, if set, supplies fresh keys.
///
/// Ownership: the key is copied; the caller keeps `api_key`. On failure the config is
/// unchanged.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (empty, or a character that
/// cannot go in an HTTP header; the message never repeats the key).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_vertex_api_key(
    config: *mut gemini_live_config,
    api_key: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let key = unsafe { try_nonempty_str(api_key, "api_key")? };
        c.builder.vertex_api_key(key)?;
        Ok(())
    }
}

/// Adds a request header to the WebSocket upgrade, e.g. `x-goog-user-project: my-project`
/// (the quota project on Vertex AI). A header of the same name (case-insensitive) set before
/// is replaced, and so is the library's own `user-agent` or `x-goog-api-client`.
///
/// - `name`: an HTTP token (ASCII letters, digits and ``!#$%&'*+-.^_`|~``), not one the library
///   sets itself: `authorization`, `x-goog-api-key`, `proxy-authorization`, `cookie`, `host`,
///   `connection`, `upgrade`, `sec-websocket-*`, `content-length`, `transfer-encoding`, `te`,
///   `trailer`, `keep-alive`, `proxy-connection`, `expect`.
/// - `value`: printable ASCII (space to `~`) and tabs, at most 8192 bytes, without leading or
///   trailing whitespace (no CR, LF or NUL: they would end the header). May be empty.
///
/// Ownership: both strings are copied. On failure the config is unchanged.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (a name or value outside the
/// rules above).
#[no_mangle]
pub extern "C" fn gemini_live_config_add_header(
    config: *mut gemini_live_config,
    name: *const c_char,
    value: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let name = unsafe { super::ptr::try_str(name, "name")? };
        let value = unsafe { super::ptr::try_str(value, "value")? };
        c.builder.header(name, value)?;
        Ok(())
    }
}

/// Removes every header added with `gemini_live_config_add_header`.
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_clear_headers(config: *mut gemini_live_config) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.builder.clear_headers();
        Ok(())
    }
}

/// Registers a callback asked for a fresh credential before every connection attempt (see
/// `gemini_live_credential_callback`); it replaces the secret of the configured backend (the
/// Gemini API with an API key when no backend was set). `callback` NULL removes it.
///
/// `userdata` is passed to the callback as is; it must stay valid until every session created
/// from this config has been freed.
///
/// Errors: `NULL_ARGUMENT` (config).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_credential_callback(
    config: *mut gemini_live_config,
    callback: gemini_live_credential_callback,
    userdata: *mut c_void,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.credential_provider(callback.map(|f| super::credentials::provider(f, userdata)));
        Ok(())
    }
}

/// Replaces scheme, host and path prefix of the service URL, e.g. `ws://127.0.0.1:8080` (a
/// mock server) or `https://proxy.example.com/gemini`. `http`/`ws` are plain text, allowed
/// only to loopback hosts unless `gemini_live_config_set_allow_insecure(config, true)`.
/// NULL restores the service's own URL.
///
/// Ownership: the URL is copied; the caller keeps `base_url`. Threads: not concurrently with
/// other calls on the same config. On failure the config is unchanged. Error messages about a
/// URL (here and from `gemini_live_session_new`) never repeat its `user:password@` part or its
/// query values: they print as `***`.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `INVALID_ARGUMENT` (not a URL, or a scheme
/// other than ws, wss, http, https).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_base_url(
    config: *mut gemini_live_config,
    base_url: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.base_url(unsafe { try_opt_str(base_url, "base_url")? })?;
        Ok(())
    }
}

/// Allows plain-text `ws://`/`http://` base URLs to hosts other than loopback (off by default).
///
/// Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_config_set_allow_insecure(
    config: *mut gemini_live_config,
    allow: bool,
) -> gemini_live_result {
    crate::ffi_result! {
        unsafe { config_mut(config)? }.builder.allow_insecure(allow);
        Ok(())
    }
}

/// Overrides the API version in the URL (`v1beta` for API keys, `v1alpha` for ephemeral tokens,
/// `v1beta1` for Vertex by default). NULL restores the default.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `INVALID_ARGUMENT` (empty or containing
/// `/`).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_api_version(
    config: *mut gemini_live_config,
    api_version: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.api_version(unsafe { try_opt_str(api_version, "api_version")? })?;
        Ok(())
    }
}

/// Paces `gemini_live_session_send_audio` to real time for PCM16 mono at `sample_rate`
/// (16000 if 0), letting a burst of `burst_ms` through at once: a caller that sends faster is
/// put to sleep inside the send call (never on a library thread); the sleep ends at once with
/// `GEMINI_LIVE_RESULT_CLOSED` when the session is closed from another thread (or ends), so a
/// paced sender thread can always be joined promptly after `gemini_live_session_close`.
/// `enable` false turns pacing
/// off (the default): a fast producer then gets `GEMINI_LIVE_RESULT_QUEUE_FULL` when the
/// queue fills.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (sample rate outside 8000..=48000, burst above
/// 60000 ms).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_audio_pacing(
    config: *mut gemini_live_config,
    enable: bool,
    sample_rate: u32,
    burst_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.audio_pacing(enable, sample_rate, burst_ms)?;
        Ok(())
    }
}

/// Sets the deadline for TCP + TLS + WebSocket upgrade, in milliseconds (default 10000).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_connect_timeout_ms(
    config: *mut gemini_live_config,
    timeout_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.connect_timeout(ms(timeout_ms))?;
        Ok(())
    }
}

/// Sets the deadline for writing `setup` and receiving `setupComplete`, in milliseconds
/// (default 15000). `gemini_live_session_new` returns within the connect plus setup timeouts
/// (plus the credential callback's time), even against a server that never reads.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_setup_timeout_ms(
    config: *mut gemini_live_config,
    timeout_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.setup_timeout(ms(timeout_ms))?;
        Ok(())
    }
}

/// Trusts the CA certificates of a PEM file in addition to the system roots (TLS proxies, a
/// TLS mock). The file is read and checked now. NULL removes it.
///
/// Errors: `NULL_ARGUMENT` (config), `INVALID_UTF8`, `TLS` (unreadable, or no certificate in it).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_ca_file(
    config: *mut gemini_live_config,
    path: *const c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        let path = unsafe { try_opt_str(path, "path")? };
        c.builder.ca_file(path.map(Path::new))?;
        Ok(())
    }
}

/// Sets the outgoing queue length in messages (default 512). Sends that find it full fail
/// with `GEMINI_LIVE_RESULT_QUEUE_FULL`.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0 or above 65536).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_send_queue_size(
    config: *mut gemini_live_config,
    messages: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.send_queue(messages as usize)?;
        Ok(())
    }
}

/// Chooses where the event callback of sessions created from this config runs, a
/// `GEMINI_LIVE_DELIVERY_*` value (pull-mode sessions, created without a callback, ignore it):
///
/// - `POOL` (default): on the library's callback pool, a few threads (one per core, at least
///   two; up to four more are added while callbacks block) shared by every session. Each
///   session's events are queued (up to 256) between the network and its callback; a slow
///   callback holds one pool thread and delays its own session's events, and when that queue
///   is full its network reading waits. Other sessions go on, on the other threads. Under a
///   heavy event load (pool threads wanted more than 2,000 times a second, process-wide) the
///   pool batches, as a network card moderates its interrupts: an idle pool thread collects
///   the queued events every millisecond instead of being woken for each burst. That adds at
///   most 1 ms to an event's delivery and saves a few thousand wake-ups a second; it stops
///   when the load falls below 1,000 a second. Under a light load each event wakes a pool
///   thread at once.
/// - `INLINE`: on the network thread that decoded the frame, with no queue and no hand-off
///   (the lowest latency). The callback must return quickly and never block: while it runs,
///   that network thread (one of at most four, shared by all sessions) serves nothing else.
///   From an inline callback: sends work (but with audio pacing on a send may sleep: do not
///   pace from it), `gemini_live_session_close` works, `gemini_live_session_free` returns at
///   once and finishes the teardown and the finalizer on a library thread (whichever session
///   it frees), and `gemini_live_session_new` fails with `INVALID_ARGUMENT` (it blocks). The
///   events of the connection (up to `CONNECTED`) are delivered on the thread calling
///   `gemini_live_session_new`, before it returns; all later ones on network threads.
///
/// Both keep each session's events in order, one at a time, and the same teardown rules.
///
/// Threads: not concurrently with other calls on the same config. Errors: `NULL_ARGUMENT`,
/// `INVALID_ARGUMENT` (unknown value).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_delivery(
    config: *mut gemini_live_config,
    delivery: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.inline_delivery = match delivery {
            d if d == gemini_live_delivery::Pool as u32 => false,
            d if d == gemini_live_delivery::Inline as u32 => true,
            v => return Err(Error::invalid(format!("`delivery` {v} is not a GEMINI_LIVE_DELIVERY_* value"))),
        };
        Ok(())
    }
}

/// Sets the largest client message sessions of this config send, in bytes of encoded JSON
/// (one WebSocket text frame). The default, `GEMINI_LIVE_MAX_MESSAGE_BYTES` (16 MiB), is the
/// usual WebSocket server limit; lower it behind a proxy with a smaller frame limit (some
/// allow 1 MiB). Every send function (and the `setup` message at
/// `gemini_live_session_new`) checks its encoded message against it and returns
/// `GEMINI_LIVE_RESULT_TOO_LARGE` instead of sending a frame the server would reset the
/// connection over. Audio: at most `(bytes - 73) / 4 * 3` bytes of PCM per send (rounded down to
/// even).
///
/// Threads: not concurrently with other calls on the same config. Sessions already created
/// keep the limit they were created with.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (outside 4096..=`GEMINI_LIVE_MAX_MESSAGE_BYTES`).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_max_message_bytes(
    config: *mut gemini_live_config,
    bytes: usize,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.max_message_bytes(bytes)?;
        Ok(())
    }
}

/// Sets the reconnect policy: when enabled (the default) and session resumption is on, a lost
/// connection or a `goAway` leads to a transparent reconnect (`RECONNECTING`/`RECONNECTED`
/// events), giving up after `max_attempts` consecutive failures.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (enabled with 0 attempts, or above 1000).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_reconnect(
    config: *mut gemini_live_config,
    enable: bool,
    max_attempts: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.reconnect(enable, max_attempts)?;
        Ok(())
    }
}

/// Sets the reconnect budget that keeps a session from hammering the service (see
/// `gemini_live_config_set_reconnect`):
/// - `stable_after_ms` (default 10000): a connection that lived less than this counts as a
///   consecutive failure, like a failed attempt, so backoff (200 ms doubling to 8 s, ±25 %)
///   applies to the next reconnect, goAway-driven moves included, and `max_attempts` such
///   failures in a row end the session with a `RETRIES_EXHAUSTED` error; a connection that
///   lived longer resets the count and the next move starts at once. 0 counts every
///   connection as stable.
/// - `window_ms` (default 300000) and `max_per_window` (default 20): at most this many
///   reconnects in any window, however long each connection lived; the next one ends the
///   session with `RETRIES_EXHAUSTED`.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (`window_ms` or `max_per_window` 0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_reconnect_budget(
    config: *mut gemini_live_config,
    stable_after_ms: u32,
    window_ms: u32,
    max_per_window: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.reconnect_budget(ms(stable_after_ms), ms(window_ms), max_per_window)?;
        Ok(())
    }
}

/// Sets the bounds of the replay buffer, which keeps each message written to the server until
/// a receipt shows the server read it, so that a reconnect can re-send it (default 8 MiB of
/// audio and video JSON and 120000 ms; 20 ms of 16 kHz audio is 929 bytes, so 8 MiB holds
/// about 3 minutes). Over either bound realtime media is dropped: the oldest *video frame*
/// first, the oldest audio only when no video is left. Tool responses, text and control
/// messages are always kept and do not count towards `max_bytes`. A drop is counted at once
/// (`gemini_live_session_get_dropped_audio`, `gemini_live_session_get_dropped_video`) and at
/// the next reconnect an `ERROR` event of kind `GEMINI_LIVE_ERROR_KIND_REPLAY_OVERFLOW` says
/// how many; `RECONNECTED.lost_messages`/`lost_bytes` count those of them the server had not
/// read, which the new connection therefore lacks. A sender faster than real time behind a
/// slow link can fill the buffer between two resumable handles: size it for the audio you
/// may send in the longest gap between handles. 0 (either bound) keeps no audio for replay:
/// after a drop, audio the server had not read is lost and reported.
///
/// Threads: not concurrently with other calls on the same config. Sessions already created
/// keep the bounds they were created with.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (`max_bytes` above 1 GiB).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_replay_bounds(
    config: *mut gemini_live_config,
    max_bytes: usize,
    max_age_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.replay_bounds(max_bytes, ms(max_age_ms))?;
        Ok(())
    }
}

/// Sets how long a planned move (after `goAway`, without `transparent`) may hold new messages
/// back, in milliseconds (default 2000). During the hold, sends queue up as usual (the queue
/// bound applies) while the session waits for a resumable handle that covers everything
/// already written; then it moves, re-sending nothing. Past the wait it moves with the latest
/// handle and re-sends what the server had not certainly read (counted in `RECONNECTED`).
/// The hold never outlasts 80 % of the goAway's `timeLeft`.
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_migration_wait_ms(
    config: *mut gemini_live_config,
    wait_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.migration_wait(ms(wait_ms))?;
        Ok(())
    }
}

/// Sets the deadline of every socket write, in milliseconds (default 10000). A server that
/// stops reading makes writes stall; past the deadline the connection counts as lost (a
/// reconnect follows when resumption is on, else the session ends with `CLOSED` 1006).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_write_timeout_ms(
    config: *mut gemini_live_config,
    timeout_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.write_timeout(ms(timeout_ms))?;
        Ok(())
    }
}

/// Sets the deadline of a graceful close, in milliseconds (default 2000): from
/// `gemini_live_session_close` until `CLOSED`, the queued messages, the close frame and the
/// server's reply must fit in it; otherwise the socket is dropped and `CLOSED` says so
/// (close code 1006, a reason naming the deadline).
///
/// Errors: `NULL_ARGUMENT`, `INVALID_ARGUMENT` (0).
#[no_mangle]
pub extern "C" fn gemini_live_config_set_close_timeout_ms(
    config: *mut gemini_live_config,
    timeout_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let c = unsafe { config_mut(config)? };
        c.builder.close_timeout(ms(timeout_ms))?;
        Ok(())
    }
}

fn ms(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}
