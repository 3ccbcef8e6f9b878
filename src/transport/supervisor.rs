//! The session loop: drives one connection at a time (one reader here, one writer task),
//! and on goAway or a retryable loss reconnects with the latest resumable handle, replaying
//! what the server did not consume.

use super::close::classify;
use super::config::ConnectConfig;
use super::connection::{dial, handshake, AttemptError, Established, Socket};
use super::emitter::Emitter;
use super::replay::ReplayBuffer;
use super::secret::Secret;
use crate::protocol::{ServerMessage, SessionResumption};
use crate::session::{
    events_from_message, CloseClass, ErrorCode, SessionCommand, SessionError, SessionEvent, SessionPhase,
};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// How long a graceful close waits for the server's close reply.
const CLOSE_REPLY_WAIT: Duration = Duration::from_secs(2);

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

/// Why the writer stopped.
enum WriterExit {
    Disconnect,
    Stopped,
    Failed(String),
}

pub struct Supervisor {
    config: ConnectConfig,
    emitter: Emitter,
    commands: Option<mpsc::Receiver<SessionCommand>>,
    replay: Option<Arc<Mutex<ReplayBuffer>>>,
    /// The latest handle issued with `resumable: true`.
    handle: Option<String>,
    /// Whether the latest resumption update said resuming now is safe.
    resumable_now: bool,
    /// Whether the server reports `lastConsumedClientMessageIndex` (Vertex `transparent`).
    transparent: bool,
    /// Replay-buffer audio drops already reported to the application.
    reported_drops: u64,
}

impl Supervisor {
    pub fn new(config: ConnectConfig, emitter: Emitter, commands: mpsc::Receiver<SessionCommand>) -> Self {
        let resumption = config.session.session_resumption.clone();
        let replay = (config.reconnect.enabled && resumption.is_some()).then(|| {
            Arc::new(Mutex::new(ReplayBuffer::new(
                config.reconnect.replay_max_bytes,
                config.reconnect.replay_max_age,
                emitter.state.dropped_audio.clone(),
            )))
        });
        Supervisor {
            transparent: resumption.as_ref().is_some_and(|r| r.transparent),
            handle: resumption.and_then(|r| r.handle),
            config,
            emitter,
            commands: Some(commands),
            replay,
            resumable_now: false,
            reported_drops: 0,
        }
    }

    fn can_reconnect(&self) -> bool {
        self.replay.is_some()
    }

    /// Runs the session until it ends. `first` is the connection `connect` established.
    pub async fn run(mut self, first: Established) {
        let mut connection = first.socket;
        loop {
            let end = self.drive(connection).await;
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
            match self
                .reconnect(if reason.is_empty() {
                    format!("connection lost ({code})")
                } else {
                    reason
                })
                .await
            {
                Ok(socket) => connection = socket,
                Err((code, message, close_code, close_reason, class)) => {
                    self.emitter
                        .emit(SessionEvent::Error {
                            code,
                            message,
                            fatal: true,
                        })
                        .await;
                    self.finish(close_code, close_reason, class).await;
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
    async fn drive(&mut self, socket: Socket) -> ConnectionEnd {
        let (sink, mut stream) = socket.split();
        let (stop_tx, stop_rx) = oneshot::channel();
        let commands = self
            .commands
            .take()
            .expect("command receiver is present between connections");
        let mut writer = tokio::spawn(write_loop(
            sink,
            commands,
            stop_rx,
            self.replay.clone(),
            self.config.ping_interval,
        ));
        // An aborted session (freed) must not leave its writer running with the socket.
        let _abort_writer = AbortOnDrop(writer.abort_handle());
        let mut stop_tx = Some(stop_tx);
        let mut go_away_deadline: Option<Instant> = None;
        let idle = self.config.idle_timeout;
        let mut idle_deadline = idle.map(|d| Instant::now() + d);
        let mut events = Vec::new();

        let end = loop {
            let far = Instant::now() + Duration::from_secs(86_400);
            tokio::select! {
                exit = &mut writer => {
                    let (commands, exit) = match exit {
                        Ok(pair) => pair,
                        Err(e) => return self.writer_panicked(e),
                    };
                    self.commands = Some(commands);
                    stop_tx = None;
                    match exit {
                        WriterExit::Disconnect => {
                            self.emitter.phase(SessionPhase::Closing).await;
                            break wait_for_close_reply(&mut stream).await;
                        }
                        WriterExit::Stopped => unreachable!("the writer is only stopped after the loop"),
                        WriterExit::Failed(e) => break ConnectionEnd::Lost {
                            code: 1006, reason: e, class: CloseClass::Retryable, error: None,
                        },
                    }
                }
                _ = tokio::time::sleep_until(go_away_deadline.unwrap_or(far)), if go_away_deadline.is_some() => {
                    break ConnectionEnd::Moving { reason: "goAway deadline".into() };
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
                    let payload: &[u8] = match &frame {
                        Message::Text(t) => t.as_bytes(),
                        Message::Binary(b) => b,
                        Message::Close(close) => break server_close(close.as_ref()),
                        _ => continue,
                    };
                    match ServerMessage::decode(payload) {
                        Err(e) => {
                            self.emitter.emit(SessionEvent::Error {
                                code: ErrorCode::MalformedFrame, message: e.to_string(), fatal: false,
                            }).await;
                        }
                        Ok(message) => {
                            if let Some(moving) = self.observe(&message, &mut go_away_deadline).await {
                                events_from_message(message, &mut events);
                                for event in events.drain(..) {
                                    self.emitter.emit(event).await;
                                }
                                break moving;
                            }
                            events_from_message(message, &mut events);
                            for event in events.drain(..) {
                                self.emitter.emit(event).await;
                            }
                        }
                    }
                }
            }
        };

        // Stop the writer (it closes the old socket) and take the command queue back.
        if let Some(stop) = stop_tx.take() {
            let _ = stop.send(());
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
        go_away_deadline: &mut Option<Instant>,
    ) -> Option<ConnectionEnd> {
        if let Some(update) = &message.session_resumption_update {
            self.resumable_now = update.resumable;
            if update.resumable {
                if let Some(handle) = update.new_handle.as_ref().filter(|h| !h.is_empty()) {
                    self.handle = Some(handle.clone());
                    if let Some(replay) = &self.replay {
                        let mut replay = replay.lock().unwrap_or_else(|e| e.into_inner());
                        match update.last_consumed_client_message_index {
                            Some(index) => replay.release_through(index),
                            // In transparent mode a missing index means nothing was consumed.
                            None if self.transparent => {}
                            None => replay.release_all(),
                        }
                    }
                }
            }
            if self.resumable_now && go_away_deadline.is_some() && self.can_reconnect() {
                return Some(ConnectionEnd::Moving {
                    reason: "goAway".into(),
                });
            }
        }
        if let Some(go_away) = &message.go_away {
            self.emitter.phase(SessionPhase::GoingAway).await;
            if self.can_reconnect() {
                let left = go_away.time_left.unwrap_or(Duration::from_secs(10));
                // Move at 80 % of the time left if no resumable moment comes first.
                *go_away_deadline = Some(Instant::now() + left.mul_f32(0.8));
                if self.resumable_now && self.handle.is_some() {
                    return Some(ConnectionEnd::Moving {
                        reason: "goAway".into(),
                    });
                }
            }
        }
        None
    }

    /// Opens a new connection, resuming by handle when there is one, with backoff and a retry
    /// budget. On failure returns (error code, message, close code, close reason, class).
    async fn reconnect(
        &mut self,
        reason: String,
    ) -> Result<Socket, (ErrorCode, String, u16, String, CloseClass)> {
        self.emitter.phase(SessionPhase::Reconnecting).await;
        let policy = self.config.reconnect.clone();
        let mut last: Option<AttemptError> = None;
        for attempt in 1..=policy.max_attempts.max(1) {
            self.emitter
                .emit(SessionEvent::Reconnecting {
                    attempt,
                    reason: reason.clone(),
                })
                .await;
            if attempt > 1 {
                tokio::time::sleep(backoff(&policy, attempt - 1)).await;
            }
            match self.attempt().await {
                Ok(established) => return Ok(self.resumed(established).await),
                Err(e) if e.class == CloseClass::Fatal => {
                    let (code, close_reason) = close_parts(&e.error);
                    return Err((
                        ErrorCode::ServerClosed,
                        e.error.to_string(),
                        code,
                        close_reason,
                        CloseClass::Fatal,
                    ));
                }
                Err(e) => {
                    // Tell the application why this attempt failed; the next one follows.
                    let message = format!("reconnect attempt {attempt} failed: {}", e.error);
                    self.emitter
                        .emit(SessionEvent::Error {
                            code: ErrorCode::Connection,
                            message,
                            fatal: false,
                        })
                        .await;
                    last = Some(e);
                }
            }
        }
        let last = last.map(|e| e.error.to_string()).unwrap_or_default();
        Err((
            ErrorCode::RetriesExhausted,
            format!(
                "gave up after {} reconnect attempts; last error: {last}",
                policy.max_attempts.max(1)
            ),
            1006,
            last,
            CloseClass::Retryable,
        ))
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
        let transparent = self
            .config
            .session
            .session_resumption
            .as_ref()
            .is_some_and(|r| r.transparent);
        let resumption = SessionResumption {
            handle: self.handle.clone(),
            transparent,
        };
        handshake(socket, &self.config, &target.model_name, Some(&resumption)).await
    }

    /// After a successful handshake: replay what the server has not consumed and go active.
    async fn resumed(&mut self, mut established: Established) -> Socket {
        let resumed = self.handle.is_some();
        self.resumable_now = false;
        self.emitter
            .state
            .set_server_session_id(established.server_session_id.clone());
        if let Some(replay) = &self.replay {
            let pending = {
                let mut replay = replay.lock().unwrap_or_else(|e| e.into_inner());
                if !resumed {
                    replay.reset();
                }
                replay.pending()
            };
            for (_, json) in pending {
                // A failure here surfaces as a read error on the next loop turn.
                if established.socket.feed(Message::Text(json)).await.is_err() {
                    break;
                }
            }
            let _ = established.socket.flush().await;
        }
        self.emitter.phase(SessionPhase::SetupSent).await;
        self.emitter.phase(SessionPhase::Active).await;
        self.report_replay_drops().await;
        self.emitter.emit(SessionEvent::Reconnected { resumed }).await;
        let mut events = Vec::new();
        let mut setup_message = std::mem::take(&mut established.setup_message);
        setup_message.setup_complete = None;
        events_from_message(setup_message, &mut events);
        for event in events {
            self.emitter.emit(event).await;
        }
        established.socket
    }
}

impl Supervisor {
    /// Audio the replay buffer had to drop (its bounds were exceeded) is lost for good: say so
    /// once per reconnect, with the count, before `Reconnected`.
    async fn report_replay_drops(&mut self) {
        let dropped = self
            .emitter
            .state
            .dropped_audio
            .load(std::sync::atomic::Ordering::Relaxed);
        if dropped > self.reported_drops {
            let message = format!(
                "{} audio message(s) exceeded the replay buffer's bounds and were not re-sent",
                dropped - self.reported_drops
            );
            self.reported_drops = dropped;
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
            error: SessionError::Config(format!("credential provider failed: {message}")),
            class: CloseClass::Retryable,
        }),
        Err(_) => Err(AttemptError {
            error: SessionError::Config("credential provider panicked".into()),
            class: CloseClass::Fatal,
        }),
    }
}

fn backoff(policy: &super::config::ReconnectPolicy, failures: u32) -> Duration {
    let base = policy
        .initial_backoff
        .saturating_mul(1u32 << failures.min(16))
        .min(policy.max_backoff);
    let jitter = 0.75 + rand::random::<f64>() * 0.5;
    base.mul_f64(jitter)
}

fn close_parts(error: &SessionError) -> (u16, String) {
    match error {
        SessionError::ServerClosed { code, reason } => (*code, reason.clone()),
        other => (1006, other.to_string()),
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

/// After sending our close frame: wait briefly for the server's reply.
async fn wait_for_close_reply(stream: &mut SplitStream<Socket>) -> ConnectionEnd {
    let reply = tokio::time::timeout(CLOSE_REPLY_WAIT, async {
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

/// The writer: sends queued client messages (recording them for replay first) and pings.
async fn write_loop(
    mut sink: SplitSink<Socket, Message>,
    mut commands: mpsc::Receiver<SessionCommand>,
    mut stop: oneshot::Receiver<()>,
    replay: Option<Arc<Mutex<ReplayBuffer>>>,
    ping_interval: Option<Duration>,
) -> (mpsc::Receiver<SessionCommand>, WriterExit) {
    let period = ping_interval.unwrap_or(Duration::from_secs(86_400));
    let mut ping = tokio::time::interval_at(Instant::now() + period, period);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let exit = loop {
        tokio::select! {
            biased;
            _ = &mut stop => {
                close_politely(&mut sink).await;
                break WriterExit::Stopped;
            }
            command = commands.recv() => match command {
                Some(SessionCommand::Send(message)) => {
                    let json: tokio_tungstenite::tungstenite::Utf8Bytes = message.json.into();
                    if let Some(replay) = &replay {
                        replay.lock().unwrap_or_else(|e| e.into_inner()).record(message.kind, json.clone());
                    }
                    if let Err(e) = sink.send(Message::Text(json)).await {
                        break WriterExit::Failed(format!("write failed: {e}"));
                    }
                }
                Some(SessionCommand::Disconnect) | None => {
                    close_politely(&mut sink).await;
                    break WriterExit::Disconnect;
                }
            },
            _ = ping.tick(), if ping_interval.is_some() => {
                if let Err(e) = sink.send(Message::Ping(Default::default())).await {
                    break WriterExit::Failed(format!("ping failed: {e}"));
                }
            }
        }
    };
    (commands, exit)
}

async fn close_politely(sink: &mut SplitSink<Socket, Message>) {
    let frame = CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    };
    let _ = tokio::time::timeout(CLOSE_REPLY_WAIT, sink.send(Message::Close(Some(frame)))).await;
}
