//! [`SessionHandle`]: the public Rust surface of a Live session.
//!
//! Cheap to clone (every field is shared). Sends encode the message on the caller's task and
//! queue it for the connection loop; events are broadcast; the phase is a watch.

use super::errors::SessionError;
use super::events::{SessionCommand, SessionEvent};
use super::state::{SessionPhase, SessionState};
use super::traits::{SessionReader, SessionWriter};
use crate::protocol::{self, Content, EncodedMessage, FunctionResponse, RealtimeInput};
use crate::transport::{BackpressureConfig, TokenBucket};
use async_trait::async_trait;
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinHandle;

/// Sample rate assumed by [`SessionHandle::send_audio`].
pub const DEFAULT_INPUT_SAMPLE_RATE: u32 = 16_000;

/// A Live session. Clone it freely; all clones drive the same session.
#[derive(Clone)]
pub struct SessionHandle {
    /// Commands for the connection loop.
    pub command_tx: mpsc::Sender<SessionCommand>,
    event_tx: broadcast::Sender<SessionEvent>,
    /// Shared phase and ids.
    pub state: Arc<SessionState>,
    phase_rx: watch::Receiver<SessionPhase>,
    /// The connection loop; the first `join` takes it.
    task: Arc<tokio::sync::Mutex<Option<JoinHandle<()>>>>,
    /// Shared by all clones so every producer draws from one bucket. A std mutex: it is held
    /// only to compute the wait, never across it.
    audio_pacer: Option<Arc<std::sync::Mutex<TokenBucket>>>,
}

impl SessionHandle {
    pub fn new(
        command_tx: mpsc::Sender<SessionCommand>,
        event_tx: broadcast::Sender<SessionEvent>,
        state: Arc<SessionState>,
        phase_rx: watch::Receiver<SessionPhase>,
    ) -> Self {
        SessionHandle {
            command_tx,
            event_tx,
            state,
            phase_rx,
            task: Arc::new(tokio::sync::Mutex::new(None)),
            audio_pacer: None,
        }
    }

    /// Paces audio sends to the given sustained rate (see [`TokenBucket`]).
    pub fn with_audio_pacing(mut self, config: BackpressureConfig) -> Self {
        self.audio_pacer = Some(Arc::new(std::sync::Mutex::new(TokenBucket::new(config))));
        self
    }

    /// Stores the connection loop's task (called once by the transport).
    pub fn set_task(&self, handle: JoinHandle<()>) {
        if let Ok(mut guard) = self.task.try_lock() {
            *guard = Some(handle);
        }
    }

    /// Waits for the connection loop to end. Only the first call across all clones waits;
    /// later calls return `Ok(())` at once. `Err` means the loop panicked.
    pub async fn join(&self) -> Result<(), tokio::task::JoinError> {
        let task = self.task.lock().await.take();
        match task {
            Some(handle) => handle.await,
            None => Ok(()),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SessionEvent> {
        self.event_tx.subscribe()
    }

    /// The event sender (for the transport).
    pub fn event_sender(&self) -> &broadcast::Sender<SessionEvent> {
        &self.event_tx
    }

    pub fn phase(&self) -> SessionPhase {
        self.state.phase()
    }

    pub fn session_id(&self) -> &str {
        &self.state.session_id
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

    /// Sends PCM16 mono audio at `sample_rate` Hz.
    pub async fn send_audio_at(&self, pcm: &[u8], sample_rate: u32) -> Result<(), SessionError> {
        let wait = self.reserve_audio(pcm.len());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
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

    /// Closes gracefully: queued messages first, then the close handshake, all within the
    /// connection's `close_timeout`.
    pub async fn disconnect(&self) -> Result<(), SessionError> {
        self.state.request_close();
        self.command_tx
            .send(SessionCommand::Disconnect)
            .await
            .map_err(|_| SessionError::ChannelClosed)
    }

    /// Queues an encoded message, waiting for room in the queue.
    pub async fn send_message(&self, message: EncodedMessage) -> Result<(), SessionError> {
        self.command_tx
            .send(SessionCommand::Send(message))
            .await
            .map_err(|_| SessionError::ChannelClosed)
    }

    /// Queues an encoded message without waiting: [`SessionError::QueueFull`] when there is no
    /// room (nothing is queued then), [`SessionError::ChannelClosed`] after the session ended.
    pub fn try_send_message(&self, message: EncodedMessage) -> Result<(), SessionError> {
        self.try_command(SessionCommand::Send(message))
    }

    /// Requests a graceful close without waiting.
    pub fn try_disconnect(&self) -> Result<(), SessionError> {
        self.state.request_close();
        self.try_command(SessionCommand::Disconnect)
    }

    fn try_command(&self, command: SessionCommand) -> Result<(), SessionError> {
        self.command_tx.try_send(command).map_err(|e| match e {
            TrySendError::Full(_) => SessionError::QueueFull,
            TrySendError::Closed(_) => SessionError::ChannelClosed,
        })
    }
}

impl std::fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionHandle")
            .field("session_id", &self.state.session_id)
            .field("phase", &self.state.phase())
            .finish()
    }
}

#[async_trait]
impl SessionWriter for SessionHandle {
    async fn send_audio(&self, data: Vec<u8>) -> Result<(), SessionError> {
        SessionHandle::send_audio(self, data).await
    }
    async fn send_text(&self, text: String) -> Result<(), SessionError> {
        SessionHandle::send_text(self, text).await
    }
    async fn send_tool_response(&self, responses: Vec<FunctionResponse>) -> Result<(), SessionError> {
        SessionHandle::send_tool_response(self, responses).await
    }
    async fn send_client_content(
        &self,
        turns: Vec<Content>,
        turn_complete: bool,
    ) -> Result<(), SessionError> {
        SessionHandle::send_client_content(self, turns, turn_complete).await
    }
    async fn send_video(&self, jpeg_data: Vec<u8>) -> Result<(), SessionError> {
        SessionHandle::send_video(self, jpeg_data).await
    }
    async fn update_instruction(&self, instruction: String) -> Result<(), SessionError> {
        SessionHandle::update_instruction(self, instruction).await
    }
    async fn signal_activity_start(&self) -> Result<(), SessionError> {
        SessionHandle::signal_activity_start(self).await
    }
    async fn signal_activity_end(&self) -> Result<(), SessionError> {
        SessionHandle::signal_activity_end(self).await
    }
    async fn disconnect(&self) -> Result<(), SessionError> {
        SessionHandle::disconnect(self).await
    }
}

impl SessionReader for SessionHandle {
    fn subscribe(&self) -> broadcast::Receiver<SessionEvent> {
        self.event_tx.subscribe()
    }
    fn phase(&self) -> SessionPhase {
        self.state.phase()
    }
    fn session_id(&self) -> &str {
        &self.state.session_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn parts(phase: SessionPhase) -> (mpsc::Receiver<SessionCommand>, SessionHandle) {
        let (command_tx, command_rx) = mpsc::channel(64);
        let (event_tx, _) = broadcast::channel(16);
        let (phase_tx, phase_rx) = watch::channel(phase);
        let state = Arc::new(SessionState::with_events(phase_tx, event_tx.clone()));
        (
            command_rx,
            SessionHandle::new(command_tx, event_tx, state, phase_rx),
        )
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
    async fn phase_changed_event_emitted_on_transition() {
        let (_rx, handle) = parts(SessionPhase::Disconnected);
        let mut events = handle.subscribe();
        handle.state.transition_to(SessionPhase::Connecting).unwrap();
        match events.try_recv() {
            Ok(SessionEvent::PhaseChanged(SessionPhase::Connecting)) => {}
            other => panic!("expected PhaseChanged(Connecting), got {other:?}"),
        }
        let watcher = handle.clone();
        let wait = tokio::spawn(async move { watcher.wait_for_phase(SessionPhase::SetupSent).await });
        handle.state.transition_to(SessionPhase::SetupSent).unwrap();
        tokio::time::timeout(Duration::from_secs(5), wait)
            .await
            .unwrap()
            .unwrap();
    }

    #[test]
    fn phase_changed_not_emitted_without_event_tx() {
        let (phase_tx, _phase_rx) = watch::channel(SessionPhase::Disconnected);
        let state = SessionState::new(phase_tx);
        state.transition_to(SessionPhase::Connecting).unwrap();
    }

    #[tokio::test]
    async fn try_send_reports_full_and_closed_queues() {
        let (command_tx, command_rx) = mpsc::channel(1);
        let (event_tx, _) = broadcast::channel(4);
        let (phase_tx, phase_rx) = watch::channel(SessionPhase::Active);
        let state = Arc::new(SessionState::new(phase_tx));
        let handle = SessionHandle::new(command_tx, event_tx, state, phase_rx);
        let msg = || protocol::encode_realtime(&RealtimeInput::ActivityStart);
        handle.try_send_message(msg()).unwrap();
        assert_eq!(handle.try_send_message(msg()), Err(SessionError::QueueFull));
        drop(command_rx);
        assert_eq!(handle.try_send_message(msg()), Err(SessionError::ChannelClosed));
    }
}
