//! The mock's built-in model. It is deterministic, so tests can assert exact frames.
//!
//! What it does (text and audio turns, usage, the energy VAD, manual activity, tool calls,
//! barge-in, the `ping:` marker, load mode, resumption, limits) is described once, in
//! docs/mock.md, "The built-in model"; `tests/docs_mock.rs` runs that file's table of replies
//! against this model. Change both together.

use super::audio::OUTPUT_RATE;
use super::chunks::AudioChunkLog;
use super::config::MockConfig;
use super::outbox::{Outbox, Step};
use super::parse::{ClientMsg, FunctionResponse, RealtimeItem, SetupInfo};
use super::scenario::{Event, ScenarioCursor};
use super::vad::{Vad, VadEvent};
use super::wire::{self, Fatal};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

const HISTORY_LIMIT: usize = 64;
const CANCELLED_LIMIT: usize = 64;

/// What a resumption handle restores.
#[derive(Debug, Clone)]
pub(crate) struct SavedSession {
    pub history: VecDeque<(String, String)>,
    pub audio_bytes: u64,
    pub audio_hash: u64,
    /// Duration of all audio received, for `audioOffset`.
    pub audio_us: u64,
    pub tool_calls: u64,
    pub tools: Vec<String>,
    pub system_instruction: Option<String>,
    /// Client messages consumed after `setup`, across connections.
    pub messages: u64,
    /// Every audio chunk in order, with `record_audio_chunks` (else `None`, at no cost).
    pub audio_chunks: Option<AudioChunkLog>,
}

impl SavedSession {
    pub(crate) fn new(setup: &SetupInfo, record_audio_chunks: bool) -> Self {
        SavedSession {
            history: VecDeque::new(),
            audio_bytes: 0,
            audio_hash: super::audio::FNV_OFFSET,
            audio_us: 0,
            tool_calls: 0,
            tools: setup.tools.clone(),
            system_instruction: setup.system_instruction.clone(),
            messages: 0,
            audio_chunks: record_audio_chunks.then(AudioChunkLog::default),
        }
    }

    fn remember(&mut self, role: &str, text: &str) {
        if self.history.len() == HISTORY_LIMIT {
            self.history.pop_front();
        }
        self.history.push_back((role.to_string(), text.to_string()));
    }
}

struct PendingCall {
    id: String,
    name: String,
}

pub(crate) struct Model {
    cfg: Arc<MockConfig>,
    pub setup: SetupInfo,
    vertex: bool,
    pub state: SavedSession,
    vad: Vad,
    /// Audio (µs) inside the open manual activity.
    activity: Option<u64>,
    pending: Vec<PendingCall>,
    cancelled: VecDeque<String>,
    queued_replies: u32,
    continuous_us: u64,
    /// Load-mode answers since the connection last copied them into the stats.
    pub answers: AnswerCounts,
    pub scenario: ScenarioCursor,
}

/// Load-mode answers queued and skipped (see `audio`), so a load run can tell the mock's
/// shortfall from the client's.
#[derive(Debug, Default)]
pub(crate) struct AnswerCounts {
    pub queued: u64,
    pub skipped: u64,
}

impl Model {
    pub(crate) fn new(
        cfg: Arc<MockConfig>,
        setup: SetupInfo,
        vertex: bool,
        state: SavedSession,
        scenario: ScenarioCursor,
    ) -> Self {
        Model {
            vad: Vad::new(&setup.vad),
            cfg,
            setup,
            vertex,
            state,
            activity: None,
            pending: Vec::new(),
            cancelled: VecDeque::new(),
            queued_replies: 0,
            continuous_us: 0,
            answers: AnswerCounts::default(),
            scenario,
        }
    }

    /// Nothing queued or pending: a resumable handle may be issued.
    pub(crate) fn between_turns(&self) -> bool {
        self.queued_replies == 0 && self.pending.is_empty()
    }

    /// A reply's final `turnComplete` went out.
    pub(crate) fn reply_sent(&mut self) {
        self.queued_replies = self.queued_replies.saturating_sub(1);
    }

    /// Consumes a message into the session state and, if `react`, queues the model's answer
    /// (scenario lines matching the message pass `react = false`).
    pub(crate) fn handle(
        &mut self,
        msg: ClientMsg,
        react: bool,
        now: Instant,
        out: &mut Outbox,
    ) -> Result<(), Fatal> {
        self.state.messages += 1;
        match msg {
            // The connection rejects a second `setup` before it gets here; same answer anyway.
            ClientMsg::Setup(_) => Err(Fatal::invalid_argument()),
            ClientMsg::ClientContent { turns, turn_complete } => {
                for (role, text) in &turns {
                    self.state.remember(role, text);
                }
                if react {
                    self.barge_in(now, out);
                    if turn_complete {
                        let input = turns
                            .iter()
                            .rev()
                            .find(|(role, _)| role == "user")
                            .map(|(_, t)| t.clone())
                            .unwrap_or_default();
                        self.user_turn(&input, text_tokens(&input), "TEXT", now, out);
                    }
                }
                Ok(())
            }
            ClientMsg::RealtimeInput(items) => {
                for item in items {
                    self.realtime(item, react, now, out);
                }
                Ok(())
            }
            ClientMsg::ToolResponse(responses) => self.tool_response(responses, react, now, out),
            ClientMsg::ContextUpdate {
                system_instruction,
                tools,
            } => {
                if system_instruction.is_some() {
                    self.state.system_instruction = system_instruction;
                }
                if let Some(tools) = tools {
                    self.state.tools = tools;
                }
                Ok(())
            }
        }
    }

    fn realtime(&mut self, item: RealtimeItem, react: bool, now: Instant, out: &mut Outbox) {
        match item {
            RealtimeItem::Audio { pcm, rate } => {
                let start_us = self.state.audio_us;
                let chunk_us = (pcm.len() / 2) as u64 * 1_000_000 / u64::from(rate);
                self.state.audio_bytes += pcm.len() as u64;
                self.state.audio_hash = super::audio::fnv1a64(self.state.audio_hash, &pcm);
                self.state.audio_us += chunk_us;
                if let Some(log) = self.state.audio_chunks.as_mut() {
                    log.record(&pcm);
                }
                if let Some(inside) = self.activity.as_mut() {
                    *inside += chunk_us;
                }
                if react {
                    self.audio(&pcm, rate, start_us, chunk_us, now, out);
                }
            }
            RealtimeItem::Video => {}
            RealtimeItem::Text(text) => {
                if let Some(rest) = text.strip_prefix("ping:") {
                    if react {
                        let pong = wire::model_turn(json!([{"text": format!("pong:{rest}")}]), false);
                        out.push(now, Step::Send(pong), false);
                    }
                    return;
                }
                self.state.remember("user", &text);
                if react {
                    self.barge_in(now, out);
                    self.user_turn(&text, text_tokens(&text), "TEXT", now, out);
                }
            }
            // The activity bracket is session state: it is tracked even when a scenario line
            // replaces the acknowledgements.
            RealtimeItem::ActivityStart if self.setup.vad.disabled && self.activity.is_none() => {
                self.activity = Some(0);
                if react {
                    let ack = wire::voice_activity("ACTIVITY_START", self.state.audio_us);
                    out.push(now, Step::Send(ack), false);
                    self.barge_in(now, out);
                }
            }
            RealtimeItem::ActivityEnd if self.setup.vad.disabled => match self.activity.take() {
                Some(0) if react => self.empty_activity(now, out),
                Some(speech_us) if react => self.utterance_end(self.state.audio_us, speech_us, now, out),
                _ => {}
            },
            RealtimeItem::AudioStreamEnd
                if react && !self.setup.vad.disabled && !self.cfg.answer_audio_continuously =>
            {
                if let Some(VadEvent::End { offset_us, speech_us }) = self.vad.flush(self.state.audio_us) {
                    self.vad_signal("VAD_SIGNAL_TYPE_EOS", now, out);
                    self.utterance_end(offset_us, speech_us, now, out);
                }
            }
            RealtimeItem::ActivityStart | RealtimeItem::ActivityEnd | RealtimeItem::AudioStreamEnd => {}
        }
    }

    fn audio(&mut self, pcm: &[u8], rate: u32, start_us: u64, chunk_us: u64, now: Instant, out: &mut Outbox) {
        if self.cfg.answer_audio_continuously {
            self.continuous_us += chunk_us;
            while self.continuous_us >= 1_000_000 {
                self.continuous_us -= 1_000_000;
                if self.queued_replies < 2 {
                    let usage = wire::usage(25, 25, "AUDIO", "AUDIO", self.vertex);
                    self.audio_reply(OUTPUT_RATE as usize, Vec::new(), true, usage, now, out);
                    self.answers.queued += 1;
                } else {
                    self.answers.skipped += 1;
                }
            }
        } else if !self.setup.vad.disabled {
            let mut events = Vec::new();
            self.vad.push(pcm, rate, start_us, &mut events);
            for event in events {
                match event {
                    VadEvent::Start { offset_us } => {
                        self.vad_signal("VAD_SIGNAL_TYPE_SOS", now, out);
                        let ack = wire::voice_activity("ACTIVITY_START", offset_us);
                        out.push(now, Step::Send(ack), false);
                        self.barge_in(now, out);
                    }
                    VadEvent::End { offset_us, speech_us } => {
                        self.vad_signal("VAD_SIGNAL_TYPE_EOS", now, out);
                        self.utterance_end(offset_us, speech_us, now, out);
                    }
                }
            }
        }
    }

    /// Vertex `explicitVadSignal`: the server VAD's own start/end-of-speech events.
    fn vad_signal(&self, kind: &str, now: Instant, out: &mut Outbox) {
        if self.setup.explicit_vad_signal {
            let signal = json!({"voiceActivityDetectionSignal": {"vadSignalType": kind}});
            out.push(now, Step::Send(signal), false);
        }
    }

    /// An activity without audio: the real service ends the turn, then fails the session.
    fn empty_activity(&mut self, now: Instant, out: &mut Outbox) {
        let ack = wire::voice_activity("ACTIVITY_END", self.state.audio_us);
        out.push(now, Step::Send(ack), false);
        let message = wire::turn_complete(Some(json!({})));
        out.push(
            now,
            Step::TurnComplete {
                message,
                ends_reply: false,
            },
            false,
        );
        let reason = wire::PRECONDITION_FAILED.to_string();
        out.push(now, Step::Close { code: 1007, reason }, false);
    }

    /// The end of an utterance: ack, transcription, then a user turn with the transcript.
    fn utterance_end(&mut self, offset_us: u64, speech_us: u64, now: Instant, out: &mut Outbox) {
        out.push(
            now,
            Step::Send(wire::voice_activity("ACTIVITY_END", offset_us)),
            false,
        );
        let secs = speech_us as f64 / 1e6;
        let secs_text = format!("{secs:.2}");
        let transcript = self
            .cfg
            .audio_transcript
            .replace("{secs:.2}", &secs_text)
            .replace("{secs}", &secs_text);
        if self.setup.input_transcription {
            let words: Vec<&str> = transcript.split_inclusive(' ').collect();
            let interim = words[..words.len().div_ceil(2)].concat();
            let interim = json!({"text": interim.trim_end()});
            out.push(
                now,
                Step::Send(wire::server_content("interimInputTranscription", interim)),
                false,
            );
            let done = json!({"text": transcript, "finished": true});
            out.push(
                now,
                Step::Send(wire::server_content("inputTranscription", done)),
                false,
            );
        }
        self.state.remember("user", &transcript);
        self.user_turn(&transcript, (secs * 25.0).ceil() as u64, "AUDIO", now, out);
    }

    fn user_turn(
        &mut self,
        input: &str,
        prompt_tokens: u64,
        prompt_modality: &str,
        now: Instant,
        out: &mut Outbox,
    ) {
        if self.scenario.fire(&[Event::Turn], now, out) {
            return;
        }
        let tool = self
            .state
            .tools
            .iter()
            .find(|name| !name.is_empty() && input.contains(name.as_str()))
            .cloned();
        match tool {
            Some(name) => self.call_tool(name, input, now, out),
            None => {
                let reply = self.cfg.reply_text.replace("{input}", input);
                self.reply(&reply, prompt_tokens, prompt_modality, now, out);
            }
        }
    }

    fn call_tool(&mut self, name: String, input: &str, now: Instant, out: &mut Outbox) {
        self.state.tool_calls += 1;
        let id = format!("function-call-{}", self.state.tool_calls);
        if self.setup.resumption.is_some() {
            out.push(now, Step::Send(wire::resumption_update(None)), false);
        }
        let call =
            json!({"toolCall": {"functionCalls": [{"id": id, "name": name, "args": {"input": input}}]}});
        out.push(now, Step::Send(call), false);
        self.pending.push(PendingCall { id, name });
    }

    /// Answered calls stop being pending even when a scenario replaces the reply (`react`
    /// false), so the session can become resumable again.
    fn tool_response(
        &mut self,
        responses: Vec<FunctionResponse>,
        react: bool,
        now: Instant,
        out: &mut Outbox,
    ) -> Result<(), Fatal> {
        let mut results = Vec::new();
        for response in responses {
            let index = self.pending.iter().position(|call| match &response.id {
                Some(id) => &call.id == id,
                None => call.name == response.name,
            });
            let Some(index) = index else {
                if response.id.as_ref().is_some_and(|id| self.cancelled.contains(id)) {
                    continue;
                }
                if !react {
                    continue;
                }
                return Err(Fatal::invalid_argument());
            };
            let name = if response.will_continue {
                self.pending[index].name.clone()
            } else {
                self.pending.remove(index).name
            };
            if !response.silent {
                results.push(format!("Tool {name} returned {}", response.response));
            }
        }
        if react && !results.is_empty() {
            let reply = results.join(" ");
            self.reply(&reply, text_tokens(&reply), "TEXT", now, out);
        }
        Ok(())
    }

    /// Barge-in: drop the queued reply, cancel pending calls, end the turn.
    fn barge_in(&mut self, now: Instant, out: &mut Outbox) {
        if self.setup.no_interruption || self.between_turns() {
            return;
        }
        out.drop_replies();
        self.queued_replies = 0;
        out.push(
            now,
            Step::Send(wire::server_content("interrupted", json!(true))),
            false,
        );
        if !self.pending.is_empty() {
            let ids: Vec<String> = self.pending.drain(..).map(|call| call.id).collect();
            out.push(
                now,
                Step::Send(json!({"toolCallCancellation": {"ids": ids}})),
                false,
            );
            for id in ids {
                if self.cancelled.len() == CANCELLED_LIMIT {
                    self.cancelled.pop_front();
                }
                self.cancelled.push_back(id);
            }
        }
        out.push(
            now,
            Step::TurnComplete {
                message: wire::turn_complete(None),
                ends_reply: false,
            },
            false,
        );
    }

    fn reply(
        &mut self,
        text: &str,
        prompt_tokens: u64,
        prompt_modality: &str,
        now: Instant,
        out: &mut Outbox,
    ) {
        self.state.remember("model", text);
        let fragments: Vec<&str> = text.split_inclusive(' ').collect();
        if self.setup.text_modality {
            let start = self.reply_start(now, out);
            self.queued_replies += 1;
            for part in fragments.chunks(3) {
                out.push(
                    start,
                    Step::Send(wire::model_turn(json!([{"text": part.concat()}]), self.vertex)),
                    true,
                );
            }
            out.push(
                start,
                Step::Send(wire::server_content("generationComplete", json!(true))),
                true,
            );
            let usage = wire::usage(
                prompt_tokens,
                text_tokens(text),
                prompt_modality,
                "TEXT",
                self.vertex,
            );
            out.push(
                start,
                Step::TurnComplete {
                    message: wire::turn_complete(Some(usage)),
                    ends_reply: true,
                },
                true,
            );
        } else {
            let millis = (60 * fragments.len() as u64).max(240);
            let samples = (millis * OUTPUT_RATE / 1000) as usize;
            let usage = wire::usage(
                prompt_tokens,
                (millis * 25).div_ceil(1000),
                prompt_modality,
                "AUDIO",
                self.vertex,
            );
            let transcript = if self.setup.output_transcription {
                fragments
            } else {
                Vec::new()
            };
            let paced = self.cfg.realtime_output;
            self.audio_reply(samples, transcript, paced, usage, now, out);
        }
    }

    /// Replies queue behind replies still being sent (`NO_INTERRUPTION`, load mode).
    /// A reply opens with the non-resumable update when resumption is on.
    fn reply_start(&self, now: Instant, out: &mut Outbox) -> Instant {
        let start = out.reply_tail().map_or(now, |tail| tail.max(now));
        if self.setup.resumption.is_some() {
            out.push(start, Step::Send(wire::resumption_update(None)), true);
        }
        start
    }

    /// Queues `samples` of tone with transcript fragments spread over the chunks.
    fn audio_reply(
        &mut self,
        samples: usize,
        transcript: Vec<&str>,
        paced: bool,
        usage: Value,
        now: Instant,
        out: &mut Outbox,
    ) {
        let start = self.reply_start(now, out);
        self.queued_replies += 1;
        let chunk = (self.cfg.audio_chunk_ms.max(1) as usize * OUTPUT_RATE as usize / 1000).max(1);
        let chunks = samples.div_ceil(chunk);
        let at = |sample: usize| {
            if paced {
                start + Duration::from_micros(sample as u64 * 1_000_000 / OUTPUT_RATE)
            } else {
                start
            }
        };
        for i in 0..chunks {
            let first = i * chunk;
            let words = &transcript[i * transcript.len() / chunks..(i + 1) * transcript.len() / chunks];
            let step = Step::Audio {
                start_sample: first as u64,
                samples: chunk.min(samples - first),
                // Chunks without a word of their own carry no transcription field.
                transcript: (!words.is_empty()).then(|| words.concat()),
            };
            out.push(at(first), step, true);
        }
        let last = (chunks.saturating_sub(1)) * chunk;
        out.push(
            at(last),
            Step::Send(wire::server_content("generationComplete", json!(true))),
            true,
        );
        out.push(
            at(samples),
            Step::TurnComplete {
                message: wire::turn_complete(Some(usage)),
                ends_reply: true,
            },
            true,
        );
    }
}

fn text_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4).max(1)
}
