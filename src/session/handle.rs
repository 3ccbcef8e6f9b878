//! [`SessionHandle`]: the public Rust surface of a Live session.
//!
//! Cheap to clone (every field is shared). Sends encode the message on the caller's task,
//! check its encoded size against the message limit, and queue it for the connection loop;
//! events are broadcast; the phase is a watch.
//!
//! Ending a session: [`SessionHandle::disconnect`] requests the close handshake (1000) and
//! returns; [`SessionHandle::shutdown`] / [`SessionHandle::shutdown_blocking`] request it, wait a
//! bounded time for it, and abort the connection loop if it has not ended by then, so that
//! afterwards nothing of the session runs. Paced audio sends waiting in any clone return
//! [`SessionError::ChannelClosed`] as soon as a close is requested or the session ends.

use super::errors::SessionError;
use super::events::SessionCommand;
use super::outlet::Outlet;
use super::pacing::{BackpressureConfig, TokenBucket};
use super::park::block_until;
use super::phase::SessionPhase;
use super::state::SessionState;
use crate::protocol::{self, Content, EncodedMessage, FunctionResponse, RealtimeInput};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, watch};
use tokio::task::{AbortHandle, JoinHandle};

/// Sample rate assumed by [`SessionHandle::send_audio`].
pub const DEFAULT_INPUT_SAMPLE_RATE: u32 = 16_000;

/// The largest client message a session sends by default, in bytes of encoded JSON (one
/// WebSocket text frame): 16 MiB, the usual frame limit of WebSocket servers. A larger frame
/// makes the server reset the connection (the application would see only a 1006 close), so
/// every send checks the encoded size first and refuses with
/// [`SessionError::MessageTooLarge`]. Change it per session with
/// [`SessionHandle::with_max_message_bytes`] (e.g. lower behind a proxy with a smaller limit).
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;

/// The smallest limit [`SessionHandle::with_max_message_bytes`] accepts.
pub const MIN_MESSAGE_BYTES: usize = 4096;

/// How long an aborted connection loop is given to be dropped by the runtime.
const ABORT_WAIT: Duration = Duration::from_secs(1);

/// The encoded size of `{"realtimeInput":{"<field>":{"data":"<base64>","mimeType":"<mime>"}}}`
/// for `data_len` bytes (kept in step with `protocol::encode_realtime` by a test).
fn blob_message_len(field: &str, data_len: usize, mime_json_len: usize) -> usize {
    // {"realtimeInput":{"  +  field  +  ":{"data":"  +  base64  +  ","mimeType":  +  mime  +  }}}
    let base64 = data_len.div_ceil(3).saturating_mul(4);
    base64.saturating_add(19 + field.len() + 11 + 13 + mime_json_len + 3)
}

fn decimal_digits(mut n: u32) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

/// The encoded size of one `realtimeInput.audio` message of `pcm_len` bytes at `sample_rate`.
pub fn encoded_audio_len(pcm_len: usize, sample_rate: u32) -> usize {
    // "audio/pcm;rate=<digits>" with its quotes
    blob_message_len("audio", pcm_len, 17 + decimal_digits(sample_rate))
}

/// The encoded size of one `realtimeInput.video` message of `data_len` bytes with a plain
/// ASCII `mime_type` (no characters JSON escapes).
pub fn encoded_video_len(data_len: usize, mime_type: &str) -> usize {
    blob_message_len("video", data_len, mime_type.len() + 2)
}

/// The most PCM bytes (a whole number of 16-bit samples) one audio message can carry under a
/// message limit of `limit` bytes, at any sample rate below 100 000 Hz. For the default
/// [`MAX_MESSAGE_BYTES`] that is 12 582 854 bytes (over 6 minutes of 16 kHz audio).
pub const fn max_pcm_bytes(limit: usize) -> usize {
    // {"realtimeInput":{"audio":{"data":"","mimeType":"audio/pcm;rate=NNNNN"}}}
    const OVERHEAD: usize = 73;
    if limit <= OVERHEAD {
        return 0;
    }
    ((limit - OVERHEAD) / 4 * 3) & !1
}

/// What every clone shares about the session's life: the loop's task. (The close request
/// lives in [`SessionState`], where the connection loop watches it too.)
struct Lifecycle {
    /// The connection loop, until something waits for it.
    task: Mutex<Option<JoinHandle<()>>>,
    /// Aborts the connection loop; kept after the join handle is taken.
    abort: Mutex<Option<AbortHandle>>,
}

/// A Live session. Clone it freely; all clones drive the same session.
#[derive(Clone)]
pub struct SessionHandle {
    /// The command queue of the connection loop: its slots are reserved here, and commands
    /// are handed on through `outlet`.
    command_tx: mpsc::Sender<SessionCommand>,
    /// Where commands go: the queue, or the socket itself when the transport allows it.
    outlet: Arc<dyn Outlet>,
    /// Shared phase and ids.
    state: Arc<SessionState>,
    phase_rx: watch::Receiver<SessionPhase>,
    /// The close request and the connection loop's task, shared by all clones.
    lifecycle: Arc<Lifecycle>,
    /// Shared by all clones so every producer draws from one bucket. A std mutex: it is held
    /// only to compute the wait, never across it.
    audio_pacer: Option<Arc<std::sync::Mutex<TokenBucket>>>,
    /// The largest encoded client message this handle queues.
    max_message_bytes: usize,
}

impl SessionHandle {
    /// A handle on the connection loop that reads `command_tx` and drives `state` (the
    /// transport creates it).
    pub(crate) fn new(
        command_tx: mpsc::Sender<SessionCommand>,
        state: Arc<SessionState>,
        phase_rx: watch::Receiver<SessionPhase>,
    ) -> Self {
        SessionHandle {
            outlet: Arc::new(command_tx.clone()),
            command_tx,
            state,
            phase_rx,
            lifecycle: Arc::new(Lifecycle {
                task: Mutex::new(None),
                abort: Mutex::new(None),
            }),
            audio_pacer: None,
            max_message_bytes: MAX_MESSAGE_BYTES,
        }
    }

    /// Hands commands to `outlet` instead of the plain queue (the transport's outbox).
    pub(crate) fn with_outlet(mut self, outlet: Arc<dyn Outlet>) -> Self {
        self.outlet = outlet;
        self
    }

    /// Sets the largest encoded client message this handle (and clones made from it
    /// afterwards) will queue, in bytes of JSON; values below [`MIN_MESSAGE_BYTES`] are raised
    /// to it. The default is [`MAX_MESSAGE_BYTES`]. Raise it only for a server known to accept
    /// larger frames.
    pub fn with_max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes.max(MIN_MESSAGE_BYTES);
        self
    }

    /// The largest encoded client message this handle queues, in bytes.
    pub fn max_message_bytes(&self) -> usize {
        self.max_message_bytes
    }

    /// `Err(MessageTooLarge)` when a message of `size` encoded bytes would exceed the limit.
    pub fn check_message_size(&self, size: usize) -> Result<(), SessionError> {
        if size > self.max_message_bytes {
            Err(SessionError::MessageTooLarge {
                size,
                limit: self.max_message_bytes,
            })
        } else {
            Ok(())
        }
    }

    /// Paces audio sends to the given sustained rate (see [`TokenBucket`]).
    pub fn with_audio_pacing(mut self, config: BackpressureConfig) -> Self {
        self.audio_pacer = Some(Arc::new(std::sync::Mutex::new(TokenBucket::new(config))));
        self
    }

    /// Stores the connection loop's task (called once by the transport).
    pub(crate) fn set_task(&self, handle: JoinHandle<()>) {
        *lock(&self.lifecycle.abort) = Some(handle.abort_handle());
        *lock(&self.lifecycle.task) = Some(handle);
    }

    /// Waits for the connection loop to end. Only the first call across all clones waits;
    /// later calls return `Ok(())` at once. `Err` means the loop panicked (or was aborted).
    pub async fn join(&self) -> Result<(), tokio::task::JoinError> {
        let task = lock(&self.lifecycle.task).take();
        match task {
            Some(handle) => handle.await,
            None => Ok(()),
        }
    }

    /// Whether the connection loop has ended (or was never started).
    pub fn is_finished(&self) -> bool {
        lock(&self.lifecycle.abort)
            .as_ref()
            .is_none_or(AbortHandle::is_finished)
    }

    /// Stops the connection loop now, without a close handshake: the socket is dropped (the
    /// server sees the TCP connection end), queued messages are discarded, no further event is
    /// emitted. Paced senders return [`SessionError::ChannelClosed`]. The runtime drops the
    /// loop at its next scheduling point; [`SessionHandle::shutdown`] waits for that.
    pub fn abort(&self) {
        self.signal_closing();
        if let Some(abort) = lock(&self.lifecycle.abort).as_ref() {
            abort.abort();
        }
    }

    /// Ends the session within about `grace`: requests the close handshake (waiting for room
    /// in the queue if needed; queued messages go first), waits for the connection loop to
    /// end, and aborts it if it has not ended by then. Returns `true` when it ended by itself
    /// (the server saw the close frame), `false` when it had to be aborted. Afterwards no task
    /// of the session runs. Takes the join handle: a later [`SessionHandle::join`] returns at
    /// once.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        self.signal_closing();
        let mut task = lock(&self.lifecycle.task).take();
        let graceful = tokio::time::timeout(grace, async {
            let _ = self.command(SessionCommand::Disconnect).await;
            if let Some(task) = task.as_mut() {
                let _ = task.await;
            }
        })
        .await
        .is_ok();
        if !graceful {
            self.abort();
            if let Some(task) = task.as_mut() {
                let _ = tokio::time::timeout(ABORT_WAIT, task).await;
            }
        }
        graceful && self.is_finished()
    }

    /// [`SessionHandle::shutdown`] for threads outside any async runtime (it parks the calling
    /// thread; it needs no runtime). Bounded by `grace` plus up to one second for an abort to
    /// take effect.
    pub fn shutdown_blocking(&self, grace: Duration) -> bool {
        self.signal_closing();
        let mut task = lock(&self.lifecycle.task).take();
        let graceful = block_until(
            async {
                let _ = self.command(SessionCommand::Disconnect).await;
                if let Some(task) = task.as_mut() {
                    let _ = task.await;
                }
            },
            Some(Instant::now() + grace),
        )
        .is_some();
        if !graceful {
            self.abort();
            if let Some(task) = task.as_mut() {
                let _ = block_until(task, Some(Instant::now() + ABORT_WAIT));
            }
        }
        graceful && self.is_finished()
    }

    /// Marks the session as closing without sending anything: paced audio sends waiting in
    /// any clone return [`SessionError::ChannelClosed`] at once. [`SessionHandle::disconnect`],
    /// [`SessionHandle::try_disconnect`], [`SessionHandle::abort`] and the shutdowns do this.
    pub fn signal_closing(&self) {
        self.state.request_close();
    }

    /// Whether a close was requested (or the loop aborted) through any clone.
    pub fn is_closing(&self) -> bool {
        self.state.is_close_requested()
    }

    /// Completes once a close was requested through any clone, or the session has ended.
    pub async fn closing(&self) {
        let mut close_rx = self.state.close_requests();
        let mut phase_rx = self.phase_rx.clone();
        tokio::select! {
            biased;
            _ = close_rx.wait_for(|closing| *closing) => {}
            _ = phase_rx.wait_for(|phase| phase.is_terminal()) => {}
        }
    }

    /// Blocks the calling thread for the pacing `wait` (from [`SessionHandle::reserve_audio`]),
    /// returning early with [`SessionError::ChannelClosed`] when a close is requested or the
    /// session ends meanwhile. Needs no runtime; allocates nothing.
    pub fn wait_paced_blocking(&self, wait: Duration) -> Result<(), SessionError> {
        if wait.is_zero() {
            return Ok(());
        }
        match block_until(self.closing(), Some(Instant::now() + wait)) {
            Some(()) => Err(SessionError::ChannelClosed),
            None => Ok(()),
        }
    }

    /// Where the session is in its life now.
    pub fn phase(&self) -> SessionPhase {
        self.state.phase()
    }

    /// A local identifier for this session, stable across reconnects (log correlation).
    pub fn session_id(&self) -> &str {
        &self.state.session_id
    }

    /// The server's own session id, when it sent one (Vertex does, in `setupComplete`).
    pub fn server_session_id(&self) -> Option<String> {
        self.state.server_session_id()
    }

    /// Audio messages dropped from the replay buffer because of its bounds (they could not be
    /// re-sent after a reconnect).
    pub fn dropped_audio(&self) -> u64 {
        self.state
            .dropped
            .audio
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Video frames dropped from the replay buffer because of its bounds (they go before any
    /// audio does).
    pub fn dropped_video(&self) -> u64 {
        self.state
            .dropped
            .video
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A receiver of phase changes.
    pub fn phase_watch(&self) -> watch::Receiver<SessionPhase> {
        self.phase_rx.clone()
    }

    /// Waits until the session reaches `target` (returns at once if it is there). Returns early
    /// if the session ends first.
    pub async fn wait_for_phase(&self, target: SessionPhase) {
        let mut rx = self.phase_rx.clone();
        loop {
            let now = *rx.borrow_and_update();
            if now == target || now.is_terminal() {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// Sends 16 kHz PCM16 mono audio. With pacing configured, waits here rather than
    /// overflowing the queue.
    pub async fn send_audio(&self, data: Vec<u8>) -> Result<(), SessionError> {
        self.send_audio_at(&data, DEFAULT_INPUT_SAMPLE_RATE).await
    }

    /// Sends PCM16 mono audio at `sample_rate` Hz: at most [`max_pcm_bytes`] of the message
    /// limit per call (12 582 854 bytes by default), else [`SessionError::MessageTooLarge`]
    /// before anything is encoded. With pacing, the wait ends early with
    /// [`SessionError::ChannelClosed`] when the session is closed meanwhile.
    pub async fn send_audio_at(&self, pcm: &[u8], sample_rate: u32) -> Result<(), SessionError> {
        self.check_message_size(encoded_audio_len(pcm.len(), sample_rate))?;
        let wait = self.reserve_audio(pcm.len());
        if !wait.is_zero() {
            tokio::select! {
                biased;
                _ = self.closing() => return Err(SessionError::ChannelClosed),
                _ = tokio::time::sleep(wait) => {}
            }
        }
        self.send_message(protocol::encode_realtime(&RealtimeInput::Audio {
            pcm,
            sample_rate,
        }))
        .await
    }

    /// How long an audio producer must wait before sending `bytes` (zero without pacing).
    /// Blocking callers sleep for it; async ones await it.
    pub fn reserve_audio(&self, bytes: usize) -> std::time::Duration {
        match &self.audio_pacer {
            Some(p) => p.lock().unwrap_or_else(|e| e.into_inner()).reserve(bytes),
            None => std::time::Duration::ZERO,
        }
    }

    /// Sends realtime text.
    pub async fn send_text(&self, text: impl Into<String>) -> Result<(), SessionError> {
        let text = text.into();
        self.send_message(protocol::encode_realtime(&RealtimeInput::Text(&text)))
            .await
    }

    pub async fn send_tool_response(&self, responses: Vec<FunctionResponse>) -> Result<(), SessionError> {
        self.send_message(protocol::encode_tool_response(&responses))
            .await
    }

    /// Sends one JPEG frame.
    pub async fn send_video(&self, jpeg_data: Vec<u8>) -> Result<(), SessionError> {
        self.send_message(protocol::encode_realtime(&RealtimeInput::Video {
            data: &jpeg_data,
            mime_type: "image/jpeg",
        }))
        .await
    }

    /// Replaces the system instruction mid-session (sent as `contextUpdate`).
    pub async fn update_instruction(&self, instruction: impl Into<String>) -> Result<(), SessionError> {
        let instruction = instruction.into();
        self.send_message(protocol::encode_context_update(Some(&instruction), None))
            .await
    }

    /// Replaces the system instruction and/or tools (`Some(vec![])` clears the tools).
    pub async fn update_context(
        &self,
        instruction: Option<&str>,
        tools: Option<&[Value]>,
    ) -> Result<(), SessionError> {
        self.send_message(protocol::encode_context_update(instruction, tools))
            .await
    }

    pub async fn signal_activity_start(&self) -> Result<(), SessionError> {
        self.send_message(protocol::encode_realtime(&RealtimeInput::ActivityStart))
            .await
    }

    pub async fn signal_activity_end(&self) -> Result<(), SessionError> {
        self.send_message(protocol::encode_realtime(&RealtimeInput::ActivityEnd))
            .await
    }

    /// Tells the server the microphone paused (automatic activity detection only).
    pub async fn signal_audio_stream_end(&self) -> Result<(), SessionError> {
        self.send_message(protocol::encode_realtime(&RealtimeInput::AudioStreamEnd))
            .await
    }

    /// Sends turns in order; `turn_complete` starts generation.
    pub async fn send_client_content(
        &self,
        turns: Vec<Content>,
        turn_complete: bool,
    ) -> Result<(), SessionError> {
        self.send_message(protocol::encode_client_content(&turns, turn_complete))
            .await
    }

    /// Requests a graceful close (1000) after the queued messages, waiting for room in the
    /// queue; returns without waiting for the handshake (see [`SessionHandle::shutdown`]).
    pub async fn disconnect(&self) -> Result<(), SessionError> {
        self.signal_closing();
        self.command(SessionCommand::Disconnect).await
    }

    /// Queues an encoded message, waiting for room in the queue.
    /// [`SessionError::MessageTooLarge`] (nothing queued) when it exceeds the message limit.
    pub async fn send_message(&self, message: EncodedMessage) -> Result<(), SessionError> {
        self.check_message_size(message.json.len())?;
        self.command(SessionCommand::Send(message)).await
    }

    /// Queues an encoded message without waiting: [`SessionError::MessageTooLarge`] when it
    /// exceeds the message limit, [`SessionError::QueueFull`] when there is no room (nothing is
    /// queued then), [`SessionError::ChannelClosed`] after the session ended.
    pub fn try_send_message(&self, message: EncodedMessage) -> Result<(), SessionError> {
        self.check_message_size(message.json.len())?;
        self.try_command(SessionCommand::Send(message))
    }

    /// Requests a graceful close without waiting (marks the session closing even when the
    /// queue is full and the request could not be queued).
    pub fn try_disconnect(&self) -> Result<(), SessionError> {
        self.signal_closing();
        self.try_command(SessionCommand::Disconnect)
    }

    fn try_command(&self, command: SessionCommand) -> Result<(), SessionError> {
        self.outlet.try_send(command).map_err(|e| match e {
            TrySendError::Full(_) => SessionError::QueueFull,
            TrySendError::Closed(_) => SessionError::ChannelClosed,
        })
    }

    /// Hands `command` on, waiting for room in the queue only when it has to be queued and
    /// the queue is full.
    async fn command(&self, command: SessionCommand) -> Result<(), SessionError> {
        match self.outlet.try_send(command) {
            Ok(()) => Ok(()),
            Err(TrySendError::Closed(_)) => Err(SessionError::ChannelClosed),
            Err(TrySendError::Full(command)) => {
                let slot = self
                    .command_tx
                    .reserve()
                    .await
                    .map_err(|_| SessionError::ChannelClosed)?;
                self.outlet.send_reserved(slot, command);
                Ok(())
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl std::fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionHandle")
            .field("session_id", &self.state.session_id)
            .field("phase", &self.state.phase())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parts(phase: SessionPhase) -> (mpsc::Receiver<SessionCommand>, SessionHandle) {
        let (command_tx, command_rx) = mpsc::channel(64);
        let (phase_tx, phase_rx) = watch::channel(phase);
        let state = Arc::new(SessionState::new(phase_tx));
        (command_rx, SessionHandle::new(command_tx, state, phase_rx))
    }

    #[tokio::test(start_paused = true)]
    async fn audio_pacing_throttles_producer_to_sustained_rate() {
        let (mut command_rx, handle) = parts(SessionPhase::Active);
        let handle = handle.with_audio_pacing(BackpressureConfig {
            bucket_capacity: 1000,
            refill_rate_bps: 1000,
        });
        let start = tokio::time::Instant::now();
        handle.send_audio(vec![0u8; 1000]).await.unwrap();
        let after_burst = start.elapsed();
        handle.send_audio(vec![0u8; 1000]).await.unwrap();
        let after_paced = start.elapsed();
        assert!(after_burst < Duration::from_millis(50));
        assert!(
            after_paced >= Duration::from_millis(900),
            "second send should be paced ~1s, was {after_paced:?}"
        );
        assert!(command_rx.recv().await.is_some());
        assert!(command_rx.recv().await.is_some());
    }

    #[tokio::test]
    async fn join_returns_ok_after_task_completes() {
        let (_rx, handle) = parts(SessionPhase::Disconnected);
        handle.set_task(tokio::spawn(async {}));
        assert!(handle.join().await.is_ok());
    }

    #[tokio::test]
    async fn join_without_task_returns_ok() {
        let (_rx, handle) = parts(SessionPhase::Disconnected);
        assert!(handle.join().await.is_ok());
    }

    #[tokio::test]
    async fn join_is_idempotent_and_works_on_clones() {
        let (_rx, handle) = parts(SessionPhase::Disconnected);
        let clone = handle.clone();
        handle.set_task(tokio::spawn(async {}));
        assert!(clone.join().await.is_ok());
        assert!(handle.join().await.is_ok());
    }

    #[tokio::test]
    async fn phase_watchers_see_transitions() {
        let (_rx, handle) = parts(SessionPhase::Disconnected);
        handle.state.transition_to(SessionPhase::Connecting).unwrap();
        assert_eq!(handle.phase(), SessionPhase::Connecting);
        let watcher = handle.clone();
        let wait = tokio::spawn(async move { watcher.wait_for_phase(SessionPhase::SetupSent).await });
        handle.state.transition_to(SessionPhase::SetupSent).unwrap();
        tokio::time::timeout(Duration::from_secs(5), wait)
            .await
            .unwrap()
            .unwrap();
    }

    #[test]
    fn encoded_sizes_match_the_encoder_and_the_documented_maximum() {
        for len in [0usize, 1, 2, 3, 4, 5, 6, 320, 641, 32_000] {
            let pcm = vec![7u8; len];
            for rate in [8_000u32, 16_000, 24_000, 48_000] {
                let m = protocol::encode_realtime(&RealtimeInput::Audio {
                    pcm: &pcm,
                    sample_rate: rate,
                });
                assert_eq!(encoded_audio_len(len, rate), m.json.len(), "audio {len} @ {rate}");
            }
            for mime in ["image/jpeg", "image/png"] {
                let m = protocol::encode_realtime(&RealtimeInput::Video {
                    data: &pcm,
                    mime_type: mime,
                });
                assert_eq!(encoded_video_len(len, mime), m.json.len(), "video {len} {mime}");
            }
        }
        let max = max_pcm_bytes(MAX_MESSAGE_BYTES);
        assert_eq!(max, 12_582_854);
        for rate in [8_000u32, 16_000, 48_000] {
            assert!(encoded_audio_len(max, rate) <= MAX_MESSAGE_BYTES);
        }
        assert!(encoded_audio_len(max + 2, 48_000) > MAX_MESSAGE_BYTES);
        assert!(
            encoded_audio_len(usize::MAX, 16_000) > MAX_MESSAGE_BYTES,
            "saturates"
        );
    }

    #[tokio::test]
    async fn oversized_messages_are_refused_before_queuing() {
        let (mut rx, handle) = parts(SessionPhase::Active);
        let handle = handle.with_max_message_bytes(MIN_MESSAGE_BYTES);
        let big = protocol::encode_realtime(&RealtimeInput::Text(&"x".repeat(MIN_MESSAGE_BYTES)));
        let size = big.json.len();
        assert_eq!(
            handle.try_send_message(big.clone()),
            Err(SessionError::MessageTooLarge {
                size,
                limit: MIN_MESSAGE_BYTES
            })
        );
        assert!(matches!(
            handle.send_message(big).await,
            Err(SessionError::MessageTooLarge { .. })
        ));
        let pcm = vec![0u8; max_pcm_bytes(MIN_MESSAGE_BYTES) + 2];
        assert!(matches!(
            handle.send_audio_at(&pcm, 16_000).await,
            Err(SessionError::MessageTooLarge { .. })
        ));
        handle.send_audio_at(&pcm[2..], 16_000).await.unwrap();
        assert!(rx.try_recv().is_ok(), "the fitting chunk was queued");
        assert!(rx.try_recv().is_err(), "nothing else was");
    }

    #[tokio::test]
    async fn a_close_wakes_a_paced_async_sender() {
        let (_rx, handle) = parts(SessionPhase::Active);
        let handle = handle.with_audio_pacing(BackpressureConfig {
            bucket_capacity: 0,
            refill_rate_bps: 1,
        });
        let sender = handle.clone();
        // 1000 s of pacing, ended by the close.
        let send = tokio::spawn(async move { sender.send_audio_at(&[0u8; 1000], 16_000).await });
        handle.try_disconnect().unwrap();
        let result = tokio::time::timeout(Duration::from_secs(10), send).await;
        assert_eq!(result.expect("woken").unwrap(), Err(SessionError::ChannelClosed));
    }

    #[test]
    fn a_close_or_the_end_wakes_a_paced_blocking_sender() {
        for end_by_phase in [false, true] {
            let (_rx, handle) = parts(SessionPhase::Active);
            let waiter = handle.clone();
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(waiter.wait_paced_blocking(Duration::from_secs(1000)));
            });
            if end_by_phase {
                handle.state.transition_to(SessionPhase::Closed).unwrap();
            } else {
                handle.signal_closing();
            }
            let result = rx.recv_timeout(Duration::from_secs(10)).expect("woken");
            assert_eq!(result, Err(SessionError::ChannelClosed));
        }
        let (_rx, handle) = parts(SessionPhase::Active);
        assert_eq!(handle.wait_paced_blocking(Duration::from_millis(1)), Ok(()));
    }

    #[test]
    fn shutdown_blocking_ends_a_stuck_loop_and_a_cooperative_one() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        // A loop that never reads its commands: aborted after the grace period.
        let (rx, handle) = parts(SessionPhase::Active);
        handle.set_task(rt.spawn(async move {
            let _keep = rx;
            std::future::pending::<()>().await
        }));
        let start = Instant::now();
        assert!(
            !handle.shutdown_blocking(Duration::from_millis(200)),
            "not graceful"
        );
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(handle.is_finished(), "the loop was aborted and dropped");
        assert!(handle.is_closing());
        // A loop that ends on Disconnect: graceful.
        let (mut rx, handle) = parts(SessionPhase::Active);
        handle.set_task(rt.spawn(async move {
            while let Some(command) = rx.recv().await {
                if matches!(command, SessionCommand::Disconnect) {
                    return;
                }
            }
        }));
        assert!(handle.shutdown_blocking(Duration::from_secs(10)));
        assert!(handle.is_finished());
    }

    #[tokio::test]
    async fn try_send_reports_full_and_closed_queues() {
        let (command_tx, command_rx) = mpsc::channel(1);
        let (phase_tx, phase_rx) = watch::channel(SessionPhase::Active);
        let state = Arc::new(SessionState::new(phase_tx));
        let handle = SessionHandle::new(command_tx, state, phase_rx);
        let msg = || protocol::encode_realtime(&RealtimeInput::ActivityStart);
        handle.try_send_message(msg()).unwrap();
        assert_eq!(handle.try_send_message(msg()), Err(SessionError::QueueFull));
        drop(command_rx);
        assert_eq!(handle.try_send_message(msg()), Err(SessionError::ChannelClosed));
    }
}
