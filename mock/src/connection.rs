//! One WebSocket connection: credentials, the setup handshake, then a single task that reads
//! client frames and sends due outbox steps. No per-connection threads or extra tasks.

use super::auth::{self, Endpoint, Route};
use super::config::{FaultKind, FaultSpec, MockConfig};
use super::faults::{self, ConnectionFaults};
use super::model::{Model, SavedSession};
use super::outbox::{Outbox, Step};
use super::parse::{self, ClientMsg, MessageKind, RealtimeItem, SetupInfo};
use super::resumption::ResumptionStore;
use super::scenario::{Event, Scenario, ScenarioCursor};
use super::stats::{push_recent, CloseRecord, MockStats, StatsHub, ToolResponseRecord};
use super::wire::{self, Fatal};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use rand::Rng;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// State shared by all connections of a server.
pub(crate) struct ServerState {
    pub cfg: Arc<MockConfig>,
    pub scenario: Arc<Scenario>,
    pub stats: StatsHub,
    pub resumption: ResumptionStore,
    /// Ephemeral tokens that already opened a session.
    pub used_tokens: Mutex<HashSet<String>>,
    /// Tokens the REST side issued (ephemeral tokens, access tokens).
    pub registry: Arc<super::rest::Registry>,
}

/// How long a close frame may take to go out; a client that does not read must not hold the
/// connection (or the server's shutdown) open.
const CLOSE_SEND_TIMEOUT: Duration = Duration::from_secs(1);

/// The connection is over (a close was sent, the socket dropped, or the peer left).
struct End;

type Flow = Result<(), End>;

/// `S` is the accepted `TcpStream`, or the duplex behind the latency relay.
struct Connection<S> {
    ws: WebSocketStream<S>,
    shared: Arc<ServerState>,
    number: u64,
    route: Route,
    vertex: bool,
    /// Ephemeral token to consume when this connection opens a new session.
    token: Option<String>,
    outbox: Outbox,
    model: Option<Model>,
    session_id: Option<String>,
    /// Client messages after `setup` on this connection.
    messages: u64,
    faults: ConnectionFaults,
    pong_delay: Option<Duration>,
    stalled: bool,
    /// Cleared by `stop_reading`: nothing is read or sent any more.
    reading: bool,
}

pub(crate) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    ws: WebSocketStream<S>,
    route: Route,
    number: u64,
    shared: Arc<ServerState>,
    mut shutdown: watch::Receiver<bool>,
) {
    let cfg = shared.cfg.clone();
    let mut conn = Connection {
        ws,
        vertex: cfg.vertex || route.endpoint == Endpoint::Vertex,
        faults: ConnectionFaults::new(&cfg.faults, number),
        shared,
        number,
        route,
        token: None,
        outbox: Outbox::default(),
        model: None,
        session_id: None,
        messages: 0,
        pong_delay: None,
        stalled: false,
        reading: true,
    };
    let _ = conn.run(&mut shutdown).await;
    conn.release();
    conn.shared.stats.update(|s| s.connections_open -= 1);
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    fn cfg(&self) -> &MockConfig {
        &self.shared.cfg
    }

    async fn run(&mut self, shutdown: &mut watch::Receiver<bool>) -> Flow {
        match auth::check(&self.route, self.cfg(), &self.shared.registry) {
            Ok(token) => self.token = token,
            Err(fatal) => {
                if fatal.reason == wire::TOKEN_EXPIRED {
                    self.shared.stats.update(|s| s.issued_tokens_refused += 1);
                }
                return self.close(fatal).await;
            }
        }
        let now = Instant::now();
        for (delay, spec) in self.faults.take_before_setup() {
            self.outbox.push(now + delay, Step::Fault(spec), false);
        }
        loop {
            if !self.stalled {
                while let Some(step) = self.outbox.pop_due(Instant::now()) {
                    // A send blocked by a client that does not read must not delay shutdown.
                    // Biased: a send that completes at once never registers with the shared
                    // shutdown channel (1,000 load-test connections share it).
                    tokio::select! {
                        biased;
                        flow = self.exec(step) => flow?,
                        _ = shutdown.changed() => return self.close(Fatal::new(1001, wire::SHUTTING_DOWN)).await,
                    }
                }
            }
            // Only a step (the `stop_reading` fault) clears it, and it also emptied the outbox.
            if !self.reading {
                // A hung server: the socket stays open, untouched, until shutdown.
                let _ = shutdown.changed().await;
                return self.close(Fatal::new(1001, wire::SHUTTING_DOWN)).await;
            }
            let due = if self.stalled {
                None
            } else {
                self.outbox.next_due()
            };
            tokio::select! {
                _ = shutdown.changed() => return self.close(Fatal::new(1001, wire::SHUTTING_DOWN)).await,
                _ = until(due) => {}
                incoming = self.ws.next() => match incoming {
                    Some(Ok(Message::Text(text))) => self.on_frame(text.as_bytes()).await?,
                    Some(Ok(Message::Binary(data))) => self.on_frame(&data).await?,
                    Some(Ok(Message::Ping(_))) => {
                        // tungstenite queued the pong; it goes out with our next read or write,
                        // so freezing the connection delays it.
                        if let Some(delay) = self.pong_delay {
                            tokio::select! {
                                _ = tokio::time::sleep(delay) => {}
                                _ = shutdown.changed() => return self.close(Fatal::new(1001, wire::SHUTTING_DOWN)).await,
                            }
                        }
                    }
                    // Release before tungstenite's automatic close reply goes out, so a client
                    // that resumes right after the close handshake never races the old socket.
                    Some(Ok(Message::Close(_))) => self.release(),
                    Some(Ok(_)) => {}
                    None | Some(Err(_)) => return Err(End),
                },
            }
        }
    }

    /// The session is no longer served by this connection (so it may be resumed elsewhere).
    fn release(&mut self) {
        if let Some(id) = self.session_id.take() {
            self.shared.resumption.release(&id, self.number);
        }
    }

    async fn send(&mut self, message: Message) -> Flow {
        self.ws.send(message).await.map_err(|_| End)
    }

    async fn send_json(&mut self, value: &Value) -> Flow {
        let message = wire::encode(value, self.cfg().pretty);
        self.send(message).await
    }

    /// Sends a close frame (reason truncated to 123 bytes), then waits briefly for the peer's reply.
    async fn close(&mut self, fatal: Fatal) -> Flow {
        self.release();
        let reason = wire::truncate_reason(&fatal.reason);
        let record = CloseRecord {
            connection: self.number,
            code: fatal.code,
            reason: reason.clone(),
        };
        self.shared
            .stats
            .update(|s| push_recent(&mut s.closes_sent, record));
        let frame = CloseFrame {
            code: CloseCode::from(fatal.code),
            reason: reason.into(),
        };
        let sent = tokio::time::timeout(CLOSE_SEND_TIMEOUT, self.ws.send(Message::Close(Some(frame)))).await;
        // After `stop_reading` not even the close reply is read.
        if matches!(sent, Ok(Ok(()))) && self.reading {
            let drain = async { while let Some(Ok(_)) = self.ws.next().await {} };
            let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
        }
        Err(End)
    }

    async fn on_frame(&mut self, payload: &[u8]) -> Flow {
        if self.stalled {
            return Ok(());
        }
        // An issued ephemeral token's locked fields replace the client's in its `setup`.
        let locked = match (&self.token, self.model.is_none()) {
            (Some(token), true) => self.shared.registry.auth_token(token).and_then(|t| {
                let mut frame: Value = serde_json::from_slice(payload).ok()?;
                super::rest::apply_locked_setup(&t, frame.get_mut("setup")?);
                serde_json::to_vec(&frame).ok()
            }),
            _ => None,
        };
        let payload = locked.as_deref().unwrap_or(payload);
        let (msg, raw) = match parse::parse(payload, self.cfg().strict, self.vertex) {
            Ok(parsed) => parsed,
            Err(fatal) => return self.close(fatal).await,
        };
        match (msg, self.model.is_some()) {
            (ClientMsg::Setup(setup), false) => self.on_setup(*setup, raw).await,
            // `setup` must come first, and only once.
            (ClientMsg::Setup(_), true) | (_, false) => self.close(Fatal::invalid_argument()).await,
            (msg, true) => self.on_message(msg).await,
        }
    }

    async fn on_setup(&mut self, setup: SetupInfo, raw_setup: Option<Value>) -> Flow {
        self.shared.stats.update(|s| {
            s.messages.setup += 1;
            s.last_setup = raw_setup;
        });
        if let Some(fatal) = self.unknown_model(&setup.model) {
            return self.close(fatal).await;
        }
        let handle = setup.resumption.as_ref().and_then(|r| r.handle.clone());
        let (session_id, state) = match handle {
            Some(handle) => match self.shared.resumption.resume(&handle, self.number).await {
                Ok(found) => {
                    self.shared.stats.update(|s| s.resumptions_ok += 1);
                    found
                }
                Err(fatal) => {
                    self.shared.stats.update(|s| s.resumptions_failed += 1);
                    return self.close(fatal).await;
                }
            },
            None => {
                // A new session consumes the ephemeral token; resuming does not.
                if let Some(token) = self
                    .token
                    .as_ref()
                    .filter(|t| self.shared.registry.auth_token(t).is_some())
                {
                    if let Err(refusal) = self.shared.registry.open_session(token) {
                        self.shared.stats.update(|s| s.issued_tokens_refused += 1);
                        let reason = match refusal {
                            super::rest::TokenRefusal::Expired => wire::TOKEN_EXPIRED,
                            super::rest::TokenRefusal::NewSessionExpired => wire::TOKEN_NEW_SESSION_EXPIRED,
                            super::rest::TokenRefusal::UsedUp => wire::TOKEN_USED,
                        };
                        return self.close(Fatal::new(1007, reason)).await;
                    }
                } else if let Some(token) = &self.token {
                    if !self
                        .shared
                        .used_tokens
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(token.clone())
                    {
                        return self.close(Fatal::new(1007, wire::TOKEN_USED)).await;
                    }
                }
                let id = new_session_id();
                self.shared.resumption.open(&id, self.number);
                (id, SavedSession::new(&setup, self.cfg().record_audio_chunks))
            }
        };
        self.session_id = Some(session_id.clone());
        let resumable = setup.resumption.is_some();
        let cursor = ScenarioCursor::new(self.shared.scenario.clone(), self.number);
        let model = Model::new(self.shared.cfg.clone(), setup, self.vertex, state, cursor);
        self.shared.stats.update(|s| {
            s.setups_completed += 1;
            let session = s.sessions.entry(session_id.clone()).or_default();
            session.connections += 1;
            sync_session(s, &session_id, &model.state, true);
            if let Some(text) = &model.state.system_instruction {
                s.last_system_instruction = Some(text.clone());
            }
        });
        self.model = Some(model);
        let complete = wire::setup_complete(self.vertex.then_some(session_id.as_str()));
        self.send_json(&complete).await?;
        if resumable {
            let update = self.resumable_update();
            self.send_json(&update).await?;
        }
        let now = Instant::now();
        if let Some(model) = self.model.as_mut() {
            model.scenario.fire(&[Event::Setup], now, &mut self.outbox);
        }
        self.arm_lifetime(now);
        if resumable {
            self.arm_resumption_tick(now);
        }
        for (delay, spec) in self.faults.take_timed() {
            self.outbox.push(now + delay, Step::Fault(spec), false);
        }
        Ok(())
    }

    fn arm_resumption_tick(&mut self, now: Instant) {
        if let Some(every) = self.cfg().resumption_update_interval_ms.filter(|ms| *ms > 0) {
            let due = now + Duration::from_millis(every);
            self.outbox.push(due, Step::ResumptionTick, false);
        }
    }

    /// The connection lifetime runs from `setupComplete`, so `goAway` never precedes it.
    fn arm_lifetime(&mut self, now: Instant) {
        let Some(lifetime) = self.cfg().connection_lifetime_ms else {
            return;
        };
        let left = self.cfg().go_away_time_left_ms.min(lifetime);
        let go_away_at = now + Duration::from_millis(lifetime - left);
        self.outbox
            .push(go_away_at, Step::Send(wire::go_away(left)), false);
        let reason = wire::GO_AWAY_EXPIRED.to_string();
        let close_at = now + Duration::from_millis(lifetime);
        self.outbox
            .push(close_at, Step::Close { code: 1008, reason }, false);
    }

    fn unknown_model(&self, model: &str) -> Option<Fatal> {
        let known = &self.cfg().known_models;
        let id = |name: &str| name.rsplit('/').next().unwrap_or(name).to_string();
        if known.is_empty() || known.iter().any(|k| id(k) == id(model)) {
            return None;
        }
        let reason = format!(
            "{model} is not found for API version {}, or is not supported for bidiGenerateContent. Call ModelService.ListModels to see the list of available models and their supported methods.",
            self.route.version
        );
        Some(Fatal::new(1008, reason))
    }

    async fn on_message(&mut self, msg: ClientMsg) -> Flow {
        self.messages += 1;
        let kinds = msg.kinds();
        self.record(&msg, &kinds);
        let now = Instant::now();
        for spec in self.faults.take_after_message(self.messages) {
            self.outbox.push(now, Step::Fault(spec), false);
        }
        let mut events: Vec<Event> = kinds.iter().map(|k| Event::Kind(*k)).collect();
        events.push(Event::Message(self.messages));
        let model = self.model.as_mut().expect("setup done");
        let scripted = model.scenario.fire(&events, now, &mut self.outbox);
        let result = model.handle(msg, !scripted, now, &mut self.outbox);
        let session_id = self.session_id.clone().unwrap_or_default();
        let answers = std::mem::take(&mut model.answers);
        let state = &model.state;
        self.shared.stats.update(|s| {
            sync_session(s, &session_id, state, false);
            s.answers_queued += answers.queued;
            s.answers_skipped += answers.skipped;
        });
        match result {
            Ok(()) => Ok(()),
            Err(fatal) => self.close(fatal).await,
        }
    }

    /// Message counters, texts and tool responses for the stats.
    fn record(&self, msg: &ClientMsg, kinds: &[MessageKind]) {
        let session_id = self.session_id.clone().unwrap_or_default();
        self.shared.stats.update(|s| {
            for kind in kinds {
                let m = &mut s.messages;
                let counter = match kind {
                    MessageKind::ClientContent => &mut m.client_content,
                    MessageKind::Audio => &mut m.realtime_audio,
                    MessageKind::Video => &mut m.realtime_video,
                    MessageKind::Text => &mut m.realtime_text,
                    MessageKind::ActivityStart => &mut m.activity_start,
                    MessageKind::ActivityEnd => &mut m.activity_end,
                    MessageKind::AudioStreamEnd => &mut m.audio_stream_end,
                    MessageKind::ToolResponse => &mut m.tool_response,
                    MessageKind::ContextUpdate => &mut m.context_update,
                };
                *counter += 1;
            }
            match msg {
                ClientMsg::ClientContent { turns, .. } => {
                    for (_, text) in turns {
                        push_recent(&mut s.texts_received, text.clone());
                    }
                }
                ClientMsg::RealtimeInput(items) => {
                    for item in items {
                        if let RealtimeItem::Text(text) = item {
                            if !text.starts_with("ping:") {
                                push_recent(&mut s.texts_received, text.clone());
                            }
                        }
                    }
                }
                ClientMsg::ToolResponse(responses) => {
                    for r in responses {
                        let record = ToolResponseRecord {
                            session_id: session_id.clone(),
                            id: r.id.clone(),
                            name: r.name.clone(),
                            response: r.response.clone(),
                            parts: r.parts.clone(),
                        };
                        push_recent(&mut s.tool_responses, record);
                    }
                }
                ClientMsg::ContextUpdate {
                    system_instruction: Some(text),
                    ..
                } => {
                    s.last_system_instruction = Some(text.clone());
                }
                ClientMsg::ContextUpdate { .. } | ClientMsg::Setup(_) => {}
            }
        });
    }

    /// A resumable `sessionResumptionUpdate` with a fresh handle for the current state.
    fn resumable_update(&self) -> Value {
        let model = self.model.as_ref().expect("setup done");
        let transparent = model.setup.resumption.as_ref().is_some_and(|r| r.transparent);
        let index = (transparent && model.state.messages > 0)
            .then(|| i64::try_from(model.state.messages - 1).unwrap_or(i64::MAX));
        self.update_claiming(index)
    }

    /// A resumable update with a fresh handle for the current state that claims `index` as
    /// the last consumed client message.
    fn update_claiming(&self, index: Option<i64>) -> Value {
        let model = self.model.as_ref().expect("setup done");
        let session_id = self.session_id.as_deref().unwrap_or_default();
        let handle = self.shared.resumption.issue(session_id, &model.state);
        wire::resumption_update(Some((&handle, index)))
    }

    async fn exec(&mut self, step: Step) -> Flow {
        match step {
            Step::Send(value) => {
                self.count_sent(&value);
                self.send_json(&value).await
            }
            Step::TurnComplete { message, ends_reply } => {
                self.send_json(&message).await?;
                let session_id = self.session_id.clone().unwrap_or_default();
                self.shared.stats.update(|s| {
                    s.turns_completed += 1;
                    s.sessions.entry(session_id).or_default().turns_completed += 1;
                });
                let Some(model) = self.model.as_mut() else {
                    return Ok(());
                };
                if ends_reply {
                    model.reply_sent();
                }
                if model.setup.resumption.is_some() && model.between_turns() {
                    let update = self.resumable_update();
                    self.send_json(&update).await?;
                }
                Ok(())
            }
            Step::Audio {
                start_sample,
                samples,
                transcript,
            } => {
                let pretty = self.cfg().pretty;
                let frame = wire::audio_chunk(start_sample, samples, transcript, self.vertex, pretty);
                self.send(frame).await?;
                // Counted once the frame is on the socket: what the client is owed from here.
                let bytes = 2 * samples as u64;
                self.shared.stats.update(|s| s.output_audio_bytes += bytes);
                Ok(())
            }
            Step::Raw(text) => self.send(Message::Binary(Bytes::from(text))).await,
            Step::Close { code, reason } => self.close(Fatal::new(code, reason)).await,
            Step::Drop => {
                self.release();
                Err(End)
            }
            Step::Oversized(size) => self.send(wire::oversized_frame(size)).await,
            Step::Fault(spec) => self.fault(spec).await,
            Step::ResumptionTick => {
                if self.model.as_ref().is_some_and(Model::between_turns) {
                    let update = self.resumable_update();
                    self.send_json(&update).await?;
                }
                self.arm_resumption_tick(Instant::now());
                Ok(())
            }
        }
    }

    async fn fault(&mut self, spec: FaultSpec) -> Flow {
        let default_left = self.cfg().go_away_time_left_ms;
        match spec.kind {
            FaultKind::GoAway => {
                let left = faults::time_left(&spec, default_left);
                self.send_go_away(left).await?;
                let reason = wire::GO_AWAY_EXPIRED.to_string();
                self.outbox
                    .push(Instant::now() + left, Step::Close { code: 1008, reason }, false);
                Ok(())
            }
            FaultKind::StallAfterGoAway => {
                let left = faults::time_left(&spec, default_left);
                self.send_go_away(left).await?;
                self.stalled = true;
                self.outbox.clear();
                Ok(())
            }
            FaultKind::Close1011 => self.close(Fatal::new(1011, wire::INTERNAL_ERROR)).await,
            FaultKind::DropTcp => {
                self.release();
                Err(End)
            }
            FaultKind::PongDelay => {
                self.pong_delay = Some(faults::pong_delay(&spec));
                Ok(())
            }
            FaultKind::MalformedFrame => self.send(wire::malformed_frame()).await,
            FaultKind::OversizedFrame => {
                self.send(wire::oversized_frame(faults::oversized_bytes(&spec)))
                    .await
            }
            FaultKind::ConsumedIndex => {
                // Only where the real server sends updates: after a setup that asked for them.
                if self.model.as_ref().is_none_or(|m| m.setup.resumption.is_none()) {
                    return Ok(());
                }
                let update = self.update_claiming(Some(spec.index.unwrap_or(i64::MAX)));
                self.send_json(&update).await
            }
            FaultKind::StopReading => {
                self.reading = false;
                self.outbox.clear();
                // Nothing more can change the session here, so the client may resume it.
                self.release();
                self.shared.stats.update(|s| s.reading_stopped += 1);
                Ok(())
            }
        }
    }

    async fn send_go_away(&mut self, time_left: Duration) -> Flow {
        let message = wire::go_away(time_left.as_millis() as u64);
        self.count_sent(&message);
        self.send_json(&message).await
    }

    /// Counts outgoing messages the stats report (tool calls, interruptions, goAways).
    fn count_sent(&self, value: &Value) {
        let calls = value
            .pointer("/toolCall/functionCalls")
            .and_then(Value::as_array)
            .map_or(0, Vec::len) as u64;
        let interrupted = value.pointer("/serverContent/interrupted").is_some();
        let go_away = value.get("goAway").is_some();
        if calls > 0 || interrupted || go_away {
            self.shared.stats.update(|s| {
                s.tool_calls_sent += calls;
                s.interruptions += u64::from(interrupted);
                s.go_aways_sent += u64::from(go_away);
            });
        }
    }
}

/// Mirrors the session state's counters into the stats. `restored` (a setup, new or resumed)
/// copies the chunk list whole; otherwise the state only grew since the last sync, so only the
/// new chunks are appended (a long session must not copy its whole list per message).
fn sync_session(stats: &mut MockStats, session_id: &str, state: &SavedSession, restored: bool) {
    let session = stats.sessions.entry(session_id.to_string()).or_default();
    if let Some(log) = &state.audio_chunks {
        let list = session.audio_chunks.get_or_insert_with(Vec::new);
        if restored || list.len() > log.chunks.len() {
            list.clear();
        }
        list.extend_from_slice(&log.chunks[list.len()..]);
        session.audio_chunks_dropped = log.dropped;
    }
    session.audio_bytes = state.audio_bytes;
    if session.audio_fnv1a64 != state.audio_hash || session.audio_fnv1a64_hex.is_empty() {
        session.audio_fnv1a64 = state.audio_hash;
        session.audio_fnv1a64_hex = format!("{:016x}", state.audio_hash);
    }
    session.history_len = state.history.len() as u64;
}

/// A random UUID-shaped id, like Vertex's `sessionId`.
fn new_session_id() -> String {
    let b: [u8; 16] = rand::thread_rng().gen();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}
