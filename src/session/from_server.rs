//! Turning one decoded server message into the events an application reacts to.
//!
//! Order within one message: field issues (a non-fatal error per field that was left out, so
//! the application knows before it reads the fields), setup, voice activity, `interrupted` (so
//! players flush before anything else), input transcription, model parts, output
//! transcription, tool calls and cancellations, usage, generation/turn completion, resumption,
//! goAway, then anything unknown.

use super::events::{CallFragment, ErrorCode, SessionEvent, TranscriptionDetails};
use crate::protocol::{
    FieldIssues, FunctionCall, JsonObject, RawJson, ServerMessage, ServerPart, Transcription,
};
use bytes::Bytes;

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
        issues,
    } = message;

    issue_events(issues, out);
    if let Some(s) = setup_complete {
        out.push(SessionEvent::Connected {
            session_id: s.session_id,
            voice_consent_signature: s.voice_consent_signature,
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
            let (text, finished, details) = transcription(t);
            out.push(SessionEvent::InputTranscription {
                text,
                finished,
                interim: true,
                details,
            });
        }
        if let Some(t) = sc.input_transcription {
            let (text, finished, details) = transcription(t);
            out.push(SessionEvent::InputTranscription {
                text,
                finished,
                interim: false,
                details,
            });
        }
        if let Some(turn) = sc.model_turn {
            // One event per part: reserving exactly avoids doubling a large list's buffer.
            out.reserve(turn.parts.len());
            out.extend(turn.parts.into_iter().map(part_event));
        }
        if let Some(t) = sc.output_transcription {
            let (text, finished, details) = transcription(t);
            out.push(SessionEvent::OutputTranscription {
                text,
                finished,
                details,
            });
        }
        if let Some(g) = sc.grounding_metadata {
            out.push(SessionEvent::GroundingMetadata(g.into_compact_string()));
        }
        if let Some(u) = sc.url_context_metadata {
            out.push(SessionEvent::UrlContextMetadata(u.into_compact_string()));
        }
        let mut extra = JsonObject::default();
        for (key, value) in sc.unknown {
            extra.add_raw(&key, value);
        }
        if let Some(extra) = extra.finish() {
            let mut wrapper = JsonObject::default();
            wrapper.add("serverContent", &extra);
            out.extend(wrapper.finish().map(SessionEvent::Raw));
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
        } else if sc.turn_complete_reason.is_some() || sc.interaction_status.is_some() || sc.waiting_for_input
        {
            completion.push(SessionEvent::TurnStatus {
                reason: sc.turn_complete_reason,
                interaction_status: sc.interaction_status,
                waiting_for_input: sc.waiting_for_input,
            });
        }
    }
    if let Some(tc) = tool_call {
        out.reserve(tc.function_calls.len());
        out.extend(tc.function_calls.into_iter().map(tool_call_event));
    }
    if let Some(c) = tool_call_cancellation {
        out.push(SessionEvent::ToolCallCancellation { ids: c.ids });
    }
    if let Some(u) = usage_metadata {
        out.push(SessionEvent::UsageMetadata(Box::new(u)));
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
        let mut wrapper = JsonObject::default();
        wrapper.add_raw("error", e);
        out.extend(wrapper.finish().map(SessionEvent::Raw));
    }
    let mut fields = JsonObject::default();
    for (key, value) in unknown {
        fields.add_raw(&key, value);
    }
    out.extend(fields.finish().map(SessionEvent::Raw));
}

fn transcription(t: Transcription) -> (String, bool, Option<Box<TranscriptionDetails>>) {
    let details = (t.language_code.is_some() || t.speaker_label.is_some() || t.words.is_some()).then(|| {
        Box::new(TranscriptionDetails {
            language_code: t.language_code,
            speaker_label: t.speaker_label,
            words_json: t.words.map(RawJson::into_compact_string),
        })
    });
    (t.text, t.finished, details)
}

/// Whether inline data with this MIME type is PCM audio (`audio/pcm`, `audio/pcm;rate=24000`).
pub fn is_pcm(mime_type: &str) -> bool {
    mime_type
        .get(..9)
        .is_some_and(|p| p.eq_ignore_ascii_case("audio/pcm"))
        && matches!(mime_type.as_bytes().get(9), None | Some(b';' | b' '))
}

/// A non-fatal error per field that was left out of the frame (the session goes on).
fn issue_events(issues: FieldIssues, out: &mut Vec<SessionEvent>) {
    let (kept, omitted) = issues.into_parts();
    let error = |message| SessionEvent::Error {
        code: ErrorCode::MalformedFrame,
        message,
        fatal: false,
    };
    out.extend(kept.iter().map(|issue| error(issue.to_string())));
    if omitted > 0 {
        out.push(error(format!(
            "{omitted} more fields of this frame were left out for the same reasons"
        )));
    }
}

fn part_event(part: ServerPart) -> SessionEvent {
    match part {
        ServerPart::Text(text) => SessionEvent::Text(text),
        ServerPart::Thought(text) => SessionEvent::Thought(text),
        ServerPart::InlineData(blob) if is_pcm(&blob.mime_type) => SessionEvent::Audio {
            data: Bytes::from(blob.data),
            mime_type: blob.mime_type,
        },
        ServerPart::InlineData(blob) => SessionEvent::InlineData {
            data: Bytes::from(blob.data),
            mime_type: blob.mime_type,
        },
        ServerPart::FunctionCall(call) => tool_call_event(*call),
        ServerPart::ThoughtSignature(s) => SessionEvent::ThoughtSignature(s),
        ServerPart::ExecutableCode(d) => SessionEvent::ExecutableCode(d),
        ServerPart::CodeExecutionResult(d) => SessionEvent::CodeExecutionResult(d),
        ServerPart::FileData(d) => SessionEvent::FileData(d),
        ServerPart::ServerToolCall(j) => SessionEvent::ServerToolCall(j),
        ServerPart::ServerToolResponse(j) => SessionEvent::ServerToolResponse(j),
        ServerPart::Other(json) => SessionEvent::Raw(json),
    }
}

fn tool_call_event(call: FunctionCall) -> SessionEvent {
    SessionEvent::ToolCall {
        id: call.id,
        name: call.name,
        // Absent arguments have always been reported as JSON `null`.
        args_json: call
            .args
            .map_or_else(|| "null".to_owned(), RawJson::into_compact_string),
        fragment: call.streamed.map(|s| {
            Box::new(CallFragment {
                will_continue: s.will_continue,
                partial_args_json: s.partial_args.map(RawJson::into_compact_string),
            })
        }),
    }
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
    fn images_are_never_audio_and_statuses_arrive_without_turn_complete() {
        let e = events(
            r#"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}},{"inlineData":{"mimeType":"audio/pcm","data":"AAA="}},{"inlineData":{"data":"AAA="}}]},"interactionStatus":"IN_PROGRESS","unknownInside":1}}"#,
        );
        assert!(matches!(&e[0], SessionEvent::InlineData { mime_type, .. } if mime_type == "image/jpeg"));
        assert!(matches!(&e[1], SessionEvent::Audio { .. }));
        assert!(matches!(&e[2], SessionEvent::InlineData { mime_type, .. } if mime_type.is_empty()));
        assert_eq!(
            e[3],
            SessionEvent::Raw(r#"{"serverContent":{"unknownInside":1}}"#.into())
        );
        assert_eq!(
            e[4],
            SessionEvent::TurnStatus {
                reason: None,
                interaction_status: Some("IN_PROGRESS".into()),
                waiting_for_input: false
            }
        );
        assert!(is_pcm("audio/pcm;rate=24000") && is_pcm("AUDIO/PCM") && !is_pcm("audio/pcmx"));
    }

    #[test]
    fn code_parts_and_unknown_fields_surface_raw() {
        let e = events(
            r#"{"serverContent":{"modelTurn":{"parts":[{"executableCode":{"language":"PYTHON","code":"x"}}]}},"newThing":1}"#,
        );
        assert_eq!(e.len(), 2);
        assert!(matches!(&e[0], SessionEvent::ExecutableCode(c) if c.text.as_deref() == Some("x")));
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

    #[test]
    fn field_issues_come_first_as_non_fatal_errors_and_the_frame_still_arrives() {
        let e = events(
            r#"{"serverContent":{"modelTurn":{"parts":[{"text":"still here"}]}},"goAway":{"timeLeft":"1e30s"}}"#,
        );
        assert_eq!(
            e,
            [
                SessionEvent::Error {
                    code: ErrorCode::MalformedFrame,
                    message: r#"goAway.timeLeft: "1e30s" is out of range"#.into(),
                    fatal: false,
                },
                SessionEvent::Text("still here".into()),
                SessionEvent::GoAway { time_left: None },
            ]
        );
    }

    #[test]
    fn a_flood_of_issues_is_summarized() {
        let details = vec![r#"{"tokenCount":"x"}"#; 20].join(",");
        let e = events(&format!(
            r#"{{"usageMetadata":{{"promptTokensDetails":[{details}]}}}}"#
        ));
        let errors: Vec<_> = e
            .iter()
            .filter_map(|e| match e {
                SessionEvent::Error {
                    message,
                    fatal: false,
                    ..
                } => Some(message.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(errors.len(), crate::protocol::FieldIssues::KEPT + 1, "{errors:?}");
        assert_eq!(
            errors[0],
            r#"usageMetadata.promptTokensDetails[].tokenCount: "x" is not an integer"#
        );
        assert!(errors.last().unwrap().starts_with("12 more fields"), "{errors:?}");
        assert!(matches!(e.last(), Some(SessionEvent::UsageMetadata(_))));
    }

    #[test]
    fn opaque_json_surfaces_compact_in_wire_order() {
        let e = events(
            r#"{"toolCall":{"functionCalls":[{"id":"1","name":"f","args":{"b": 1, "a": "x y"}},{"name":"g"}]},"serverContent":{"groundingMetadata":{"q": [1]}},"error":{"code":3},"zNew":1,"aNew":[ ]}"#,
        );
        assert_eq!(
            e,
            [
                SessionEvent::GroundingMetadata(r#"{"q":[1]}"#.into()),
                SessionEvent::ToolCall {
                    id: "1".into(),
                    name: "f".into(),
                    args_json: r#"{"b":1,"a":"x y"}"#.into(),
                    fragment: None,
                },
                SessionEvent::ToolCall {
                    id: String::new(),
                    name: "g".into(),
                    args_json: "null".into(),
                    fragment: None,
                },
                SessionEvent::Raw(r#"{"error":{"code":3}}"#.into()),
                SessionEvent::Raw(r#"{"zNew":1,"aNew":[]}"#.into()),
            ]
        );
    }
}
