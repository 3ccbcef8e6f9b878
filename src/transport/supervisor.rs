//! The session loop: drives one connection at a time (one reader here, one writer task),
//! and on goAway or a retryable loss reconnects with the latest resumable handle, replaying
//! what the server did not certainly read.
//!
//! A planned move (goAway) loses nothing and re-sends nothing in every mode: new client
//! messages are held in the send queue, a receipt ping follows the last written one, and the
//! session moves once a resumable handle arrives that covers everything written (Vertex
//! `transparent`: by index at once). If none comes within `migration_wait`, it moves with the
//! latest handle and re-sends the rest, like after a drop.

use super::acks::Receipts;
use super::budget::ReconnectBudget;
use super::close::classify;
use super::config::ConnectConfig;
use super::connection::{dial, handshake, AttemptError, Established, Socket};
use super::emitter::Emitter;
use super::error::Error;
use super::outbox::{HandBack, Lane, WriteHalf};
use super::replay::ReplayBuffer;
use super::secret::Secret;
use crate::protocol::{ServerMessage, SessionResumption};
use crate::session::{
    events_from_message, CloseClass, DroppedMedia, ErrorCode, SessionCommand, SessionEvent, SessionPhase,
};
use bytes::Bytes;
use futures_util::stream::SplitStream;
use futures_util::{SinkExt, StreamExt};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// How often, at most, a receipt ping follows written messages (Gemini API mode with
/// resumption). It bounds the overlap a drop can cause: messages written after the last
/// receipt the server answered are re-sent even if it had them.
const RECEIPT_INTERVAL: Duration = Duration::from_millis(100);

/// Event buffer capacity kept between frames (a frame's events are usually a handful).
const EVENTS_KEPT: usize = 64;

/// A goAway's `timeLeft` is trusted up to this; a larger (absurd) value is clamped.
const MAX_GO_AWAY_WAIT: Duration = Duration::from_secs(3600);

/// How one connection ended.
enum ConnectionEnd {
    /// The application closed, or the server closed normally: the session is over.
    Finished { code: u16, reason: String },
    /// The connection is gone; `class` says whether a reconnect may help.
    Lost {
        code: u16,
        reason: String,
        class: CloseClass,
        error: Option<(ErrorCode, String)>,
    },
    /// The server announced its end and we are ready to move (resumable handle in hand or
    /// the goAway deadline reached).
    Moving { reason: String },
}

/// How the session ends when it cannot go on.
struct Ending {
    error: Option<(ErrorCode, String)>,
    code: u16,
    reason: String,
    class: CloseClass,
}

/// Why the writer stopped.
enum WriterExit {
    Disconnect,
    Stopped,
    Failed(String),
}

/// What the reader asks of the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriterMode {
    Run,
    /// Take no new messages from the queue (a planned move is under way); send a receipt ping.
    Hold,
    /// Close the socket politely and hand the queue back.
    Stop,
}

/// What the reader knows of the current connection.
struct Link {
    receipts: Option<Receipts>,
    /// Messages the server certainly read (from this connection's pongs).
    read_count: u64,
    round_trip: Duration,
}

pub struct Supervisor {
    /// Boxed: the supervisor is part of the session task's state for the session's life
    /// (see [`Supervisor::run`]), and the config is most of its size.
    config: Box<ConnectConfig>,
    emitter: Emitter,
    commands: Option<mpsc::Receiver<SessionCommand>>,
    /// Shared with the senders: where the writer parks the socket (see `outbox`).
    lane: Arc<Lane>,
    replay: Option<Arc<Mutex<ReplayBuffer>>>,
    /// The latest handle issued with `resumable: true`.
    handle: Option<String>,
    /// Whether the latest resumption update said resuming now is safe.
    resumable_now: bool,
    /// Whether the server reports `lastConsumedClientMessageIndex` (Vertex `transparent`).
    transparent: bool,
    /// Replay-buffer drops already reported to the application: (audio, video).
    reported_drops: (u64, u64),
    budget: ReconnectBudget,
    close_requests: watch::Receiver<bool>,
}

/// The session's replay buffer: only when it may reconnect with resumption.
pub fn replay_buffer(config: &ConnectConfig, dropped: Arc<DroppedMedia>) -> Option<Arc<Mutex<ReplayBuffer>>> {
    (config.reconnect.enabled && config.session.session_resumption.is_some()).then(|| {
        Arc::new(Mutex::new(ReplayBuffer::new(
            config.reconnect.replay_max_bytes,
            config.reconnect.replay_max_age,
            dropped,
        )))
    })
}

impl Supervisor {
    /// `lane` is shared with the session's outbox; its replay buffer (from [`replay_buffer`])
    /// is the session's.
    pub fn new(
        config: ConnectConfig,
        emitter: Emitter,
        commands: mpsc::Receiver<SessionCommand>,
        lane: Arc<Lane>,
    ) -> Self {
        let resumption = config.session.session_resumption.clone();
        Supervisor {
            transparent: resumption.as_ref().is_some_and(|r| r.transparent),
            handle: resumption.and_then(|r| r.handle),
            budget: ReconnectBudget::new(config.reconnect.clone()),
            close_requests: emitter.state.close_requests(),
            replay: lane.replay().cloned(),
            lane,
            config: Box::new(config),
            emitter,
            commands: Some(commands),
            resumable_now: false,
            reported_drops: (0, 0),
        }
    }

    fn can_reconnect(&self) -> bool {
        self.replay.is_some()
    }

    /// Receipts are needed where the server reports no consumed index.
    fn wants_receipts(&self) -> bool {
        self.can_reconnect() && !self.transparent
    }

    fn replay_backlog(&self) -> u64 {
        self.replay
            .as_ref()
            .map_or(0, |r| r.lock().unwrap_or_else(|e| e.into_inner()).backlog().0)
    }

    /// Runs the session until it ends. `first` is the connection `connect` established.
    ///
    /// The future is boxed and small on purpose: it is the state of the session's task for the
    /// session's whole life, and an `async fn` holding the reconnect path inline (dialing,
    /// TLS, the handshake) was ~25 KiB per session. Here the task holds a pointer, the loop
    /// keeps the current connection's state boxed, and the reconnect state is allocated only
    /// while reconnecting.
    pub fn run(self, first: Established) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(self.run_boxed(Box::new(first)))
    }

    async fn run_boxed(mut self, mut current: Box<Established>) {
        loop {
            let connected_at = Instant::now();
            // The socket is moved out of `current` (a `Box` allows moving a field out) and
            // split at once, its box freed; the setup answer stays where it is, borrowed.
            let (sink, stream) = split(current.socket);
            let end = self
                .drive(sink, stream, current.setup_round_trip, &current.setup_message)
                .await;
            let (code, reason, class, error) = match end {
                ConnectionEnd::Finished { code, reason } => {
                    self.finish(code, reason, CloseClass::Normal).await;
                    return;
                }
                ConnectionEnd::Moving { reason } => (1000, reason, CloseClass::Retryable, None),
                ConnectionEnd::Lost {
                    code,
                    reason,
                    class,
                    error,
                } => (code, reason, class, error),
            };
            if self.emitter.state.is_close_requested() {
                // The application is closing: a lost connection is the end, not a reason to
                // reconnect.
                self.finish(code, reason, CloseClass::Normal).await;
                return;
            }
            if let Some((code, message)) = &error {
                let fatal = class != CloseClass::Retryable || !self.can_reconnect();
                self.emitter
                    .emit(SessionEvent::Error {
                        code: *code,
                        message: message.clone(),
                        fatal,
                    })
                    .await;
            }
            if class != CloseClass::Retryable || !self.can_reconnect() {
                if class == CloseClass::Fatal && error.is_none() {
                    let message = format!("closed by server ({code}): {reason}");
                    let fatal_event = SessionEvent::Error {
                        code: ErrorCode::ServerClosed,
                        message,
                        fatal: true,
                    };
                    self.emitter.emit(fatal_event).await;
                }
                self.finish(code, reason, class).await;
                return;
            }
            self.budget.connection_ended(connected_at.elapsed());
            let reason = if reason.is_empty() {
                format!("connection lost ({code})")
            } else {
                reason
            };
            // Boxed: reconnecting (dial, TLS, handshake, replay) is ~14 KiB of state that a
            // session needs only while it reconnects.
            match Box::pin(self.reconnect(reason)).await {
                // Into the same box: the old connection's rest is dropped.
                Ok(established) => *current = established,
                Err(ending) => {
                    if let Some((code, message)) = ending.error {
                        let event = SessionEvent::Error {
                            code,
                            message,
                            fatal: true,
                        };
                        self.emitter.emit(event).await;
                    }
                    self.finish(ending.code, ending.reason, ending.class).await;
                    return;
                }
            }
        }
    }

    async fn finish(&self, code: u16, reason: String, class: CloseClass) {
        self.emitter.phase(SessionPhase::Closed).await;
        self.emitter
            .emit(SessionEvent::Closed { code, reason, class })
            .await;
    }

    /// Drives one connection: reads here, writes in a task, until the connection ends.
    /// `setup_message` is the frame that carried `setupComplete` (its events are already
    /// out): a resumption update or a goAway in it counts like any other frame's.
    async fn drive(
        &mut self,
        sink: WriteHalf,
        mut stream: SplitStream<Socket>,
        round_trip: Duration,
        setup_message: &ServerMessage,
    ) -> ConnectionEnd {
        let (mode_tx, mode_rx) = watch::channel(WriterMode::Run);
        let commands = self
            .commands
            .take()
            .expect("command receiver is present between connections");
        let mut link = Link {
            receipts: self.wants_receipts().then(Receipts::new),
            read_count: 0,
            round_trip,
        };
        let mut writer = tokio::spawn(write_loop(
            sink,
            self.lane.clone(),
            commands,
            mode_rx,
            self.replay.clone(),
            link.receipts,
            WriterTimeouts {
                write: self.config.write_timeout,
                close: self.config.close_timeout,
                ping_interval: self.config.ping_interval,
            },
        ));
        // An aborted session (freed) must not leave its writer running with the socket.
        let _abort_writer = AbortOnDrop(writer.abort_handle());
        let mut writer_done = false;
        // A planned move: when it must happen at the latest.
        let mut move_deadline: Option<Instant> = None;
        let idle = self.config.idle_timeout;
        let mut idle_deadline = idle.map(|d| Instant::now() + d);
        let mut close_deadline: Option<Instant> = None;
        let mut close_requests = self.close_requests.clone();
        let mut events = Vec::new();
        let mut moving_now = self
            .observe(setup_message, &link, &mode_tx, &mut move_deadline)
            .await;

        let end = loop {
            if let Some(moving) = moving_now.take() {
                break moving;
            }
            let far = Instant::now() + Duration::from_secs(86_400);
            tokio::select! {
                exit = &mut writer => {
                    writer_done = true;
                    let (commands, exit) = match exit {
                        Ok(pair) => pair,
                        Err(e) => return self.writer_panicked(e),
                    };
                    self.commands = Some(commands);
                    match exit {
                        WriterExit::Disconnect => {
                            self.emitter.phase(SessionPhase::Closing).await;
                            let deadline = close_deadline
                                .unwrap_or_else(|| Instant::now() + self.config.close_timeout);
                            break wait_for_close_reply(&mut stream, deadline).await;
                        }
                        WriterExit::Stopped => unreachable!("the writer is only stopped after the loop"),
                        WriterExit::Failed(e) => break ConnectionEnd::Lost {
                            code: 1006, reason: e, class: CloseClass::Retryable, error: None,
                        },
                    }
                }
                _ = close_requested(&mut close_requests), if close_deadline.is_none() => {
                    // Queued messages, our close frame and the reply must fit in the deadline.
                    close_deadline = Some(Instant::now() + self.config.close_timeout);
                    if mode_tx.borrow().eq(&WriterMode::Hold) {
                        // Let the queue (and the Disconnect behind it) drain on this socket.
                        let _ = mode_tx.send(WriterMode::Run);
                    }
                }
                _ = tokio::time::sleep_until(close_deadline.unwrap_or(far)), if close_deadline.is_some() => {
                    break ConnectionEnd::Finished {
                        code: 1006,
                        reason: format!(
                            "the close handshake did not finish within {:?}; the socket was dropped",
                            self.config.close_timeout
                        ),
                    };
                }
                _ = tokio::time::sleep_until(move_deadline.unwrap_or(far)), if move_deadline.is_some() => {
                    break ConnectionEnd::Moving { reason: "goAway".into() };
                }
                _ = tokio::time::sleep_until(idle_deadline.unwrap_or(far)), if idle_deadline.is_some() => {
                    break ConnectionEnd::Lost {
                        code: 1006,
                        reason: format!("nothing received for {:?}", idle.unwrap_or_default()),
                        class: CloseClass::Retryable,
                        error: None,
                    };
                }
                frame = stream.next() => {
                    idle_deadline = idle.map(|d| Instant::now() + d);
                    let frame = match frame {
                        None => break ConnectionEnd::Lost {
                            code: 1006, reason: "connection closed without a close frame".into(),
                            class: CloseClass::Retryable, error: None,
                        },
                        Some(Err(e)) => break read_error(e),
                        Some(Ok(frame)) => frame,
                    };
                    // The frame's text, shared (not copied) by the events decoded from it.
                    let text: Bytes = match frame {
                        Message::Text(t) => t.into(),
                        Message::Binary(b) => b,
                        Message::Close(close) => break server_close(close.as_ref()),
                        Message::Pong(payload) => {
                            if let Some(count) = link.receipts.and_then(|r| r.read_pong(&payload)) {
                                link.read_count = link.read_count.max(count);
                            }
                            continue;
                        }
                        _ => continue,
                    };
                    // Boxed: a decoded message is ~1 KiB and lives across the awaits below, so
                    // inline it would be part of the session task's state for its whole life.
                    match ServerMessage::decode(&text).map(Box::new) {
                        Err(e) => {
                            let error = SessionEvent::Error {
                                code: ErrorCode::MalformedFrame, message: e.to_string(), fatal: false,
                            };
                            self.emitter.emit_frame([error], &text).await;
                        }
                        Ok(message) => {
                            let moving = if close_deadline.is_some() {
                                None
                            } else {
                                self.observe(&message, &link, &mode_tx, &mut move_deadline).await
                            };
                            events_from_message(*message, &mut events);
                            if events.is_empty() {
                                // Nothing to report by kind: the frame itself is the raw view.
                                events.push(SessionEvent::Raw("{}".into()));
                            }
                            self.emitter.emit_frame(events.drain(..), &text).await;
                            // One huge frame must not keep its event buffer for the session.
                            events.shrink_to(EVENTS_KEPT);
                            if let Some(moving) = moving {
                                break moving;
                            }
                        }
                    }
                }
            }
        };

        // Stop the writer (it closes the old socket politely, within the close timeout) and
        // take the command queue back.
        if !writer_done {
            let _ = mode_tx.send(WriterMode::Stop);
            match writer.await {
                Ok((commands, _)) => self.commands = Some(commands),
                Err(e) => return self.writer_panicked(e),
            }
        }
        end
    }

    fn writer_panicked(&mut self, e: tokio::task::JoinError) -> ConnectionEnd {
        ConnectionEnd::Lost {
            code: 1011,
            reason: "internal error".into(),
            class: CloseClass::Fatal,
            error: Some((ErrorCode::Internal, format!("the writer task failed: {e}"))),
        }
    }

    /// Tracks resumption and goAway. Returns `Some` when the connection should be replaced now.
    async fn observe(
        &mut self,
        message: &ServerMessage,
        link: &Link,
        mode: &watch::Sender<WriterMode>,
        move_deadline: &mut Option<Instant>,
    ) -> Option<ConnectionEnd> {
        let moving = || ConnectionEnd::Moving {
            reason: "goAway".into(),
        };
        if let Some(update) = &message.session_resumption_update {
            self.resumable_now = update.resumable;
            if update.resumable {
                if let Some(handle) = update.new_handle.as_ref().filter(|h| !h.is_empty()) {
                    self.handle = Some(handle.clone());
                    self.release_for_handle(update.last_consumed_client_message_index, link);
                }
            }
            if self.resumable_now && move_deadline.is_some() && self.ready_to_move() {
                return Some(moving());
            }
        }
        if let Some(go_away) = &message.go_away {
            self.emitter.phase(SessionPhase::GoingAway).await;
            if self.can_reconnect() && move_deadline.is_none() {
                let left = go_away
                    .time_left
                    .unwrap_or(Duration::from_secs(10))
                    .min(MAX_GO_AWAY_WAIT);
                // Move at 80 % of the time left if no resumable moment comes first.
                let mut deadline = Instant::now() + left.mul_f32(0.8);
                if !self.transparent {
                    // Hold new messages until a handle covers everything written.
                    deadline = deadline.min(Instant::now() + self.config.reconnect.migration_wait);
                    let _ = mode.send(WriterMode::Hold);
                }
                *move_deadline = Some(deadline);
                if self.resumable_now && self.handle.is_some() && self.ready_to_move() {
                    return Some(moving());
                }
            }
        }
        None
    }

    /// Whether moving now re-sends nothing the server may already have: always with
    /// `transparent` (replay by index is exact), else when every written message is covered.
    fn ready_to_move(&self) -> bool {
        self.transparent || self.replay_backlog() == 0
    }

    /// A resumable handle arrived: release what it certainly covers.
    fn release_for_handle(&self, last_consumed: Option<i64>, link: &Link) {
        let Some(replay) = &self.replay else { return };
        let mut replay = replay.lock().unwrap_or_else(|e| e.into_inner());
        match last_consumed {
            Some(index) => replay.release_through(index),
            // In transparent mode a missing index means nothing was consumed.
            None if self.transparent => {}
            None => {
                let now = std::time::Instant::now();
                let cutoff = now.checked_sub(link.round_trip).unwrap_or(now);
                replay.release_confirmed(link.read_count, cutoff);
            }
        }
    }

    /// Opens a new connection, resuming by handle when there is one, within the reconnect
    /// budget. A close request ends the attempts.
    async fn reconnect(&mut self, reason: String) -> Result<Established, Ending> {
        self.emitter.phase(SessionPhase::Reconnecting).await;
        let mut last: Option<AttemptError> = None;
        let mut close_requests = self.close_requests.clone();
        loop {
            let attempt = self.budget.failures() + 1;
            let delay = match self.budget.next_attempt(Instant::now()) {
                Ok(delay) => delay,
                Err(exhausted) => {
                    let last = last.map(|e| e.error.to_string()).unwrap_or_default();
                    let message = if last.is_empty() {
                        format!("gave up reconnecting: {exhausted}")
                    } else {
                        format!("gave up reconnecting: {exhausted}; last error: {last}")
                    };
                    return Err(Ending {
                        error: Some((ErrorCode::RetriesExhausted, message)),
                        code: 1006,
                        reason: last,
                        class: CloseClass::Retryable,
                    });
                }
            };
            self.emitter
                .emit(SessionEvent::Reconnecting {
                    attempt,
                    reason: reason.clone(),
                })
                .await;
            let result = tokio::select! {
                _ = close_requested(&mut close_requests) => None,
                result = async {
                    tokio::time::sleep(delay).await;
                    self.attempt().await
                } => Some(result),
            };
            match result {
                None => {
                    return Err(Ending {
                        error: None,
                        code: 1000,
                        reason: "closed by the application while reconnecting".into(),
                        class: CloseClass::Normal,
                    })
                }
                Some(Ok(established)) => return Ok(self.resumed(established).await),
                Some(Err(e)) if e.class == CloseClass::Fatal => {
                    let (code, close_reason) = close_parts(&e.error);
                    return Err(Ending {
                        error: Some((ErrorCode::ServerClosed, e.error.to_string())),
                        code,
                        reason: close_reason,
                        class: CloseClass::Fatal,
                    });
                }
                Some(Err(e)) => {
                    // Tell the application why this attempt failed; the next one follows.
                    let message = format!("reconnect attempt {attempt} failed: {}", e.error);
                    self.emitter
                        .emit(SessionEvent::Error {
                            code: ErrorCode::Connection,
                            message,
                            fatal: false,
                        })
                        .await;
                    self.budget.attempt_failed();
                    last = Some(e);
                }
            }
        }
    }

    async fn attempt(&self) -> Result<Established, AttemptError> {
        let fresh = fresh_credential(&self.config).await?;
        let target = self
            .config
            .endpoint
            .target(&self.config.session.model, fresh)
            .map_err(|error| AttemptError {
                error,
                class: CloseClass::Fatal,
            })?;
        let socket = dial(&self.config, &target).await?;
        let resumption = SessionResumption {
            handle: self.handle.clone(),
            transparent: self.transparent,
        };
        handshake(socket, &self.config, &target.model_name, Some(&resumption)).await
    }

    /// After a successful handshake: replay what the server has not certainly read and go
    /// active.
    async fn resumed(&mut self, mut established: Established) -> Established {
        let resumed = self.handle.is_some();
        self.resumable_now = false;
        self.emitter
            .state
            .set_server_session_id(established.server_session_id.clone());
        let (mut resent_messages, mut resent_bytes, mut lost_messages, mut lost_bytes) = (0, 0, 0, 0);
        if let Some(replay) = &self.replay {
            let pending = {
                let mut replay = replay.lock().unwrap_or_else(|e| e.into_inner());
                // Resumed, the session keeps what the handle covered and gets the backlog
                // again; only audio the bounds dropped beyond the handle is gone.
                (lost_messages, lost_bytes) = if resumed {
                    replay.resumed(self.transparent)
                } else {
                    replay.reset()
                };
                replay.pending()
            };
            resent_messages = pending.len() as u64;
            resent_bytes = pending.iter().map(|(_, json)| json.len() as u64).sum();
            let socket = &mut *established.socket;
            let write = async {
                for (_, json) in pending {
                    socket.feed(Message::Text(json)).await?;
                }
                socket.flush().await
            };
            // A failure or a stuck socket surfaces on the next loop turn (the writer's first
            // write or the reader); the entries stay in the buffer for the next attempt.
            let _ = tokio::time::timeout(self.config.write_timeout, write).await;
        }
        self.emitter.phase(SessionPhase::SetupSent).await;
        self.emitter.phase(SessionPhase::Active).await;
        self.report_replay_drops().await;
        self.emitter
            .emit(SessionEvent::Reconnected {
                resumed,
                resent_messages,
                resent_bytes,
                lost_messages,
                lost_bytes,
            })
            .await;
        let mut events = Vec::new();
        let mut setup_message = established.setup_message.clone();
        setup_message.setup_complete = None;
        events_from_message(setup_message, &mut events);
        self.emitter.emit_frame(events, &established.setup_frame).await;
        established
    }
}

impl Supervisor {
    /// Media the replay buffer had to drop (its bounds were exceeded) was not re-sent: say
    /// so once per reconnect, with the counts, before `Reconnected` (which counts, in
    /// `lost_messages`, those the server had not read).
    async fn report_replay_drops(&mut self) {
        let dropped = &self.emitter.state.dropped;
        let now = (
            dropped.audio.load(Ordering::Relaxed),
            dropped.video.load(Ordering::Relaxed),
        );
        let (audio, video) = (now.0 - self.reported_drops.0, now.1 - self.reported_drops.1);
        if audio > 0 || video > 0 {
            let message = format!(
                "{audio} audio message(s) and {video} video frame(s) exceeded the replay \
                 buffer's bounds and were not re-sent; RECONNECTED counts those the server \
                 had not read as lost"
            );
            self.reported_drops = now;
            self.emitter
                .emit(SessionEvent::Error {
                    code: ErrorCode::ReplayOverflow,
                    message,
                    fatal: false,
                })
                .await;
        }
    }
}

/// Asks the credential provider (on a blocking thread: it may do I/O) for a fresh secret.
pub async fn fresh_credential(config: &ConnectConfig) -> Result<Option<Secret>, AttemptError> {
    let Some(provider) = config.endpoint.credential_provider.clone() else {
        return Ok(None);
    };
    match tokio::task::spawn_blocking(move || provider()).await {
        Ok(Ok(secret)) => Ok(Some(secret)),
        Ok(Err(message)) => Err(AttemptError {
            error: Error::Credential(message),
            class: CloseClass::Retryable,
        }),
        Err(_) => Err(AttemptError {
            error: Error::Credential("the provider panicked".into()),
            class: CloseClass::Fatal,
        }),
    }
}

/// Splits a boxed socket into its halves (which share one allocation of their own) and frees
/// the box: a box emptied by a move inside an `async fn` would be freed only when that
/// function returns.
fn split(socket: Box<Socket>) -> (WriteHalf, SplitStream<Socket>) {
    (*socket).split()
}

/// Resolves once the application has asked to close.
async fn close_requested(requests: &mut watch::Receiver<bool>) {
    if requests.wait_for(|c| *c).await.is_err() {
        // The session state is gone, so nobody can ask any more.
        std::future::pending::<()>().await;
    }
}

fn close_parts(error: &Error) -> (u16, String) {
    match error.close() {
        Some((code, reason)) => (code, reason.to_owned()),
        None => (1006, error.to_string()),
    }
}

fn server_close(close: Option<&CloseFrame>) -> ConnectionEnd {
    let (code, reason) = close
        .map(|c| (u16::from(c.code), c.reason.to_string()))
        .unwrap_or((1005, String::new()));
    match classify(code, &reason) {
        CloseClass::Normal => ConnectionEnd::Finished { code, reason },
        class => ConnectionEnd::Lost {
            code,
            reason,
            class,
            error: None,
        },
    }
}

fn read_error(e: WsError) -> ConnectionEnd {
    match e {
        WsError::Capacity(c) => ConnectionEnd::Lost {
            code: 1009,
            reason: "server frame too large".into(),
            class: CloseClass::Fatal,
            error: Some((ErrorCode::FrameTooLarge, format!("server frame rejected: {c}"))),
        },
        other => ConnectionEnd::Lost {
            code: 1006,
            reason: format!("connection lost: {other}"),
            class: CloseClass::Retryable,
            error: None,
        },
    }
}

/// After sending our close frame: wait for the server's reply until `deadline`.
async fn wait_for_close_reply(stream: &mut SplitStream<Socket>, deadline: Instant) -> ConnectionEnd {
    let reply = tokio::time::timeout_at(deadline, async {
        while let Some(Ok(frame)) = stream.next().await {
            if let Message::Close(close) = frame {
                return close.map(|c| (u16::from(c.code), c.reason.to_string()));
            }
        }
        None
    })
    .await;
    let (code, reason) = reply.ok().flatten().unwrap_or((1000, String::new()));
    ConnectionEnd::Finished { code, reason }
}

/// Aborts a task when dropped: the writer never outlives the loop that spawned it.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The writer's timing, copied out of the config.
#[derive(Debug, Clone, Copy)]
struct WriterTimeouts {
    write: Duration,
    close: Duration,
    ping_interval: Option<Duration>,
}

/// The writer: sends queued client messages (recording them for replay first), pings (with
/// receipts when `receipts` is set), finishes what direct writes hand back (see `outbox`), and
/// obeys the reader's mode. While it has nothing to do it parks the write half in `lane`, so
/// that senders write themselves. Every write has a deadline and gives way to `Stop`, so the
/// writer always returns its queue promptly.
async fn write_loop(
    half: WriteHalf,
    lane: Arc<Lane>,
    mut commands: mpsc::Receiver<SessionCommand>,
    mut mode: watch::Receiver<WriterMode>,
    replay: Option<Arc<Mutex<ReplayBuffer>>>,
    receipts: Option<Receipts>,
    timeouts: WriterTimeouts,
) -> (mpsc::Receiver<SessionCommand>, WriterExit) {
    // However the writer ends (an abort drops it anywhere), nobody may write to its socket
    // afterwards.
    let _close_lane = CloseLaneOnDrop(&lane);
    // The write half while the writer holds it; `None` while it is parked in the lane.
    let mut held = Some(half);
    let period = timeouts.ping_interval.unwrap_or(Duration::from_secs(86_400));
    let mut ping = tokio::time::interval_at(Instant::now() + period, period);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // A receipt ping follows written messages within RECEIPT_INTERVAL (see `acks`).
    let mut last_receipt = Instant::now();
    let mut unreceipted = false;
    let ping_payload = |replay: &Option<Arc<Mutex<ReplayBuffer>>>| match (receipts, replay) {
        (Some(r), Some(replay)) => {
            r.ping_payload(replay.lock().unwrap_or_else(|e| e.into_inner()).next_index())
        }
        _ => Default::default(),
    };
    let exit = loop {
        let holding = *mode.borrow() == WriterMode::Hold;
        if !holding {
            if let Some(half) = held.take() {
                // A direct write after the last receipt must wake the writer to schedule one.
                held = lane.park(half, receipts.is_some() && !unreceipted);
            }
        }
        let frame = tokio::select! {
            biased;
            changed = mode.changed() => {
                let current = *mode.borrow_and_update();
                if changed.is_err() || current == WriterMode::Stop {
                    if let Ok(half) = take_half(&lane, &mut held) {
                        close_politely(half, timeouts.close).await;
                    }
                    break WriterExit::Stopped;
                }
                if current != WriterMode::Hold || receipts.is_none() {
                    continue;
                }
                // Holding: ask for a receipt of everything written so far.
                Message::Ping(ping_payload(&replay))
            }
            _ = lane.writer_wanted() => {
                // A direct write happened: it needs a receipt, and may have handed the socket
                // back (unflushed, or failed).
                unreceipted |= receipts.is_some();
                match lane.handed_back() {
                    None => continue,
                    Some(HandBack::Failed(error)) => break WriterExit::Failed(error),
                    Some(HandBack::Flush(half)) => {
                        let half = held.insert(half);
                        if let Err(exit) = complete(half.flush(), "write", &mut mode, timeouts.write).await {
                            break exit;
                        }
                        continue;
                    }
                }
            }
            // Before the queue, so a sender faster than the socket cannot starve receipts.
            _ = tokio::time::sleep_until(last_receipt + RECEIPT_INTERVAL), if unreceipted && receipts.is_some() => {
                Message::Ping(ping_payload(&replay))
            }
            command = commands.recv(), if !holding => {
                lane.took_command();
                match command {
                    Some(SessionCommand::Send(message)) => {
                        let json: tokio_tungstenite::tungstenite::Utf8Bytes = message.json.into();
                        if let Some(replay) = &replay {
                            replay.lock().unwrap_or_else(|e| e.into_inner()).record(message.kind, json.clone());
                        }
                        unreceipted = true;
                        Message::Text(json)
                    }
                    Some(SessionCommand::Disconnect) | None => {
                        if let Ok(half) = take_half(&lane, &mut held) {
                            close_politely(half, timeouts.close).await;
                        }
                        break WriterExit::Disconnect;
                    }
                }
            },
            _ = ping.tick(), if timeouts.ping_interval.is_some() => Message::Ping(ping_payload(&replay)),
        };
        let kind = if let Message::Ping(_) = frame {
            last_receipt = Instant::now();
            unreceipted = false;
            "ping"
        } else {
            "write"
        };
        let half = match take_half(&lane, &mut held) {
            Ok(half) => half,
            Err(exit) => break exit,
        };
        if let Err(exit) = complete(half.send(frame), kind, &mut mode, timeouts.write).await {
            break exit;
        }
    };
    (commands, exit)
}

/// The write half for the writer: the one it holds, else the one parked or handed back.
fn take_half<'a>(lane: &Lane, held: &'a mut Option<WriteHalf>) -> Result<&'a mut WriteHalf, WriterExit> {
    if held.is_none() {
        *held = lane.unpark().map_err(WriterExit::Failed)?;
    }
    held.as_mut()
        .ok_or_else(|| WriterExit::Failed("the connection's write half is gone".into()))
}

/// Drops whatever of the writer's socket is left in the lane.
struct CloseLaneOnDrop<'a>(&'a Lane);

impl Drop for CloseLaneOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Completes one write (`kind`: "write" or "ping") within `deadline`, giving way to `Stop`
/// (the socket is abandoned then).
async fn complete(
    write: impl Future<Output = Result<(), WsError>>,
    kind: &str,
    mode: &mut watch::Receiver<WriterMode>,
    deadline: Duration,
) -> Result<(), WriterExit> {
    let failed = |e: WsError| WriterExit::Failed(format!("{kind} failed: {e}"));
    let mut write = std::pin::pin!(write);
    // Almost every write completes at once (the socket has room): try it before arming a
    // timer and a stop watch, which would cost two registrations per audio chunk.
    if let std::task::Poll::Ready(result) =
        std::future::poll_fn(|cx| std::task::Poll::Ready(write.as_mut().poll(cx))).await
    {
        return result.map_err(failed);
    }
    tokio::select! {
        biased;
        _ = mode.wait_for(|m| *m == WriterMode::Stop) => Err(WriterExit::Stopped),
        result = tokio::time::timeout(deadline, write) => match result {
            Ok(result) => result.map_err(failed),
            Err(_) => Err(WriterExit::Failed(format!(
                "{kind} did not complete within {deadline:?}: the server is not reading"
            ))),
        },
    }
}

async fn close_politely(sink: &mut WriteHalf, deadline: Duration) {
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let _ = tokio::time::timeout(deadline, sink.send(Message::Close(Some(frame)))).await;
}
