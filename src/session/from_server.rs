//! Turning one decoded server message into the events an application reacts to.
//!
//! Order within one message: setup, voice activity, `interrupted` (so players flush before
//! anything else), input transcription, model parts, output transcription, tool calls and
//! cancellations, usage, generation/turn completion, resumption, goAway, then anything unknown.

use super::events::SessionEvent;
use crate::protocol::{Part, ServerMessage};
use bytes::Bytes;
use serde_json::{Map, Value};

/// Appends the events for `message` to `out`.
pub fn events_from_message(message: ServerMessage, out: &mut Vec<SessionEvent>) {
    let ServerMessage {
        setup_complete,
        server_content,
        tool_call,
        tool_call_cancellation,
        go_away,
        session_resumption_update,
        usage_metadata,
        voice_activity,
        voice_activity_detection_signal,
        error,
        unknown,
    } = message;

    if let Some(s) = setup_complete {
        out.push(SessionEvent::Connected {
            session_id: s.session_id,
        });
    }
    if let Some(va) = voice_activity {
        let started = va.activity_type.ends_with("START");
        out.push(SessionEvent::VoiceActivity {
            kind: va.activity_type,
            started,
            audio_offset: va.audio_offset,
        });
    }
    if let Some(sig) = voice_activity_detection_signal {
        let started = sig.vad_signal_type.ends_with("SOS");
        out.push(SessionEvent::VoiceActivity {
            kind: sig.vad_signal_type,
            started,
            audio_offset: None,
        });
    }
    let mut completion = Vec::new();
    if let Some(sc) = server_content {
        if sc.interrupted {
            out.push(SessionEvent::Interrupted);
        }
        if let Some(t) = sc.interim_input_transcription {
            out.push(SessionEvent::InputTranscription {
                text: t.text,
                finished: t.finished,
                interim: true,
            });
        }
        if let Some(t) = sc.input_transcription {
            out.push(SessionEvent::InputTranscription {
                text: t.text,
                finished: t.finished,
                interim: false,
            });
        }
        if let Some(turn) = sc.model_turn {
            for part in turn.parts {
                part_events(part, out);
            }
        }
        if let Some(t) = sc.output_transcription {
            out.push(SessionEvent::OutputTranscription {
                text: t.text,
                finished: t.finished,
            });
        }
        let mut extra = Map::new();
        if let Some(g) = sc.grounding_metadata {
            extra.insert("groundingMetadata".into(), g);
        }
        if let Some(u) = sc.url_context_metadata {
            extra.insert("urlContextMetadata".into(), u);
        }
        if !extra.is_empty() {
            out.push(raw(Value::Object(
                [("serverContent".to_owned(), Value::Object(extra))]
                    .into_iter()
                    .collect(),
            )));
        }
        if sc.generation_complete {
            completion.push(SessionEvent::GenerationComplete);
        }
        if sc.turn_complete {
            completion.push(SessionEvent::TurnComplete {
                reason: sc.turn_complete_reason,
                interaction_status: sc.interaction_status,
                waiting_for_input: sc.waiting_for_input,
            });
        }
    }
    if let Some(tc) = tool_call {
        for call in tc.function_calls {
            out.push(SessionEvent::ToolCall {
                id: call.id,
                name: call.name,
                args_json: call.args.to_string(),
            });
        }
    }
    if let Some(c) = tool_call_cancellation {
        out.push(SessionEvent::ToolCallCancellation { ids: c.ids });
    }
    if let Some(u) = usage_metadata {
        out.push(SessionEvent::UsageMetadata(u));
    }
    out.append(&mut completion);
    if let Some(r) = session_resumption_update {
        out.push(SessionEvent::ResumptionUpdate {
            handle: r.new_handle.filter(|h| !h.is_empty()),
            resumable: r.resumable,
            last_consumed_index: r.last_consumed_client_message_index,
        });
    }
    if let Some(g) = go_away {
        out.push(SessionEvent::GoAway {
            time_left: g.time_left,
        });
    }
    if let Some(e) = error {
        out.push(raw(Value::Object(
            [("error".to_owned(), e)].into_iter().collect(),
        )));
    }
    if !unknown.is_empty() {
        out.push(raw(Value::Object(unknown)));
    }
}

fn part_events(part: Part, out: &mut Vec<SessionEvent>) {
    if let Some(text) = part.text {
        out.push(if part.thought {
            SessionEvent::Thought(text)
        } else {
            SessionEvent::Text(text)
        });
    }
    if let Some(blob) = part.inline_data {
        out.push(SessionEvent::Audio {
            data: Bytes::from(blob.data),
            mime_type: blob.mime_type,
        });
    }
    if let Some(call) = part.function_call {
        out.push(SessionEvent::ToolCall {
            id: call.id,
            name: call.name,
            args_json: call.args.to_string(),
        });
    }
    let mut extra = Map::new();
    for (key, value) in [
        ("executableCode", part.executable_code),
        ("codeExecutionResult", part.code_execution_result),
        ("fileData", part.file_data),
    ] {
        if let Some(v) = value {
            extra.insert(key.to_owned(), v);
        }
    }
    if !extra.is_empty() {
        out.push(raw(Value::Object(extra)));
    }
}

fn raw(value: Value) -> SessionEvent {
    SessionEvent::Raw(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(json: &str) -> Vec<SessionEvent> {
        let mut out = Vec::new();
        events_from_message(ServerMessage::decode(json.as_bytes()).unwrap(), &mut out);
        out
    }

    #[test]
    fn usage_comes_before_turn_complete_and_every_field_is_read() {
        let e = events(
            r#"{"serverContent":{"modelTurn":{"parts":[{"text":"hi"}]},"generationComplete":true,"turnComplete":true},"usageMetadata":{"totalTokenCount":3}}"#,
        );
        assert!(matches!(e[0], SessionEvent::Text(ref t) if t == "hi"));
        assert!(matches!(e[1], SessionEvent::UsageMetadata(_)));
        assert_eq!(e[2], SessionEvent::GenerationComplete);
        assert!(matches!(e[3], SessionEvent::TurnComplete { .. }));
    }

    #[test]
    fn code_parts_and_unknown_fields_surface_raw() {
        let e = events(
            r#"{"serverContent":{"modelTurn":{"parts":[{"executableCode":{"language":"PYTHON","code":"x"}}]}},"newThing":1}"#,
        );
        assert_eq!(e.len(), 2);
        assert!(matches!(&e[0], SessionEvent::Raw(j) if j.contains("executableCode")));
        assert!(matches!(&e[1], SessionEvent::Raw(j) if j.contains("newThing")));
    }

    #[test]
    fn voice_activity_and_signals_map_to_one_kind() {
        let e =
            events(r#"{"serverContent":{},"voiceActivity":{"type":"ACTIVITY_END","audioOffset":"6.680s"}}"#);
        assert!(matches!(
            &e[0],
            SessionEvent::VoiceActivity { started: false, .. }
        ));
        let e = events(r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_SOS"}}"#);
        assert!(matches!(&e[0], SessionEvent::VoiceActivity { started: true, .. }));
    }
}
