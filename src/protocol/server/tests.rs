//! Decoding wire vectors (server frames as the service sends them), and frames that must not fail.

use super::*;
use crate::protocol::{Blob, FieldIssue};
use std::time::Duration;

/// The single part of a one-part turn.
fn only_part(m: ServerMessage) -> ServerPart {
    let mut parts = m.server_content.unwrap().model_turn.unwrap().parts;
    assert_eq!(parts.len(), 1, "{parts:?}");
    parts.remove(0)
}

fn decode(s: &str) -> ServerMessage {
    ServerMessage::decode(s.as_bytes()).unwrap()
}

#[test]
fn setup_complete_vectors_3_and_4() {
    let m = decode(r#"{"setupComplete":{"sessionId":"f162d11d-434a-4212-8a31-f1a4843cad11"}}"#);
    assert_eq!(
        m.setup_complete.unwrap().session_id.as_deref(),
        Some("f162d11d-434a-4212-8a31-f1a4843cad11")
    );
    let m = decode("{\n  \"setupComplete\": {}\n}");
    assert_eq!(m.setup_complete, Some(SetupComplete::default()));
}

#[test]
fn text_turn_with_usage_vector_5() {
    let m = decode(r#"{"serverContent":{"modelTurn":{"parts":[{"text":"Yes, I'"}]}}}"#);
    assert_eq!(only_part(m), ServerPart::Text("Yes, I'".into()));
    let m = decode(
        r#"{"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":515,"responseTokenCount":38,"totalTokenCount":553,"promptTokensDetails":[{"modality":"TEXT","tokenCount":515}],"responseTokensDetails":[{"modality":"TEXT","tokenCount":38}]}}"#,
    );
    assert!(m.server_content.unwrap().turn_complete);
    let u = m.usage_metadata.unwrap();
    assert_eq!(
        (u.prompt_token_count, u.response_token_count, u.total_token_count),
        (Some(515), Some(38), Some(553))
    );
    assert_eq!(u.response_tokens_details[0].token_count, Some(38));
}

#[test]
fn vertex_usage_spelling() {
    let m = decode(
        r#"{"usageMetadata":{"candidatesTokenCount":"7","candidatesTokensDetails":[{"modality":"AUDIO","tokenCount":7}],"trafficType":"ON_DEMAND"}}"#,
    );
    let u = m.usage_metadata.unwrap();
    assert_eq!(u.response_token_count, Some(7));
    assert_eq!(u.response_tokens_details[0].modality, "AUDIO");
}

#[test]
fn audio_with_transcription_vector_9() {
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AQD+/w=="}}]},"outputTranscription":{"text":"Hello there"}}}"#,
    );
    let sc = m.server_content.unwrap();
    assert_eq!(sc.output_transcription.unwrap().text, "Hello there");
    assert_eq!(
        sc.model_turn.unwrap().parts,
        vec![ServerPart::InlineData(Blob {
            mime_type: "audio/pcm;rate=24000".into(),
            data: vec![1, 0, 0xfe, 0xff]
        })]
    );
}

#[test]
fn transcriptions_vector_10() {
    let m = decode(r#"{"serverContent":{"interimInputTranscription":{"text":"And so"}}}"#);
    assert_eq!(
        m.server_content
            .unwrap()
            .interim_input_transcription
            .unwrap()
            .text,
        "And so"
    );
    let m = decode(
        r#"{"serverContent":{"inputTranscription":{"text":"And so, my fellow Americans","finished":true}}}"#,
    );
    assert!(m.server_content.unwrap().input_transcription.unwrap().finished);
}

#[test]
fn voice_activity_vector_11() {
    let m =
        decode(r#"{"serverContent":{},"voiceActivity":{"type":"ACTIVITY_START","audioOffset":"0.440s"}}"#);
    assert!(m.server_content.is_some());
    let va = m.voice_activity.unwrap();
    assert_eq!(va.activity_type, "ACTIVITY_START");
    assert_eq!(va.audio_offset, Some(Duration::from_millis(440)));
    let m = decode(r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_SOS"}}"#);
    assert_eq!(
        m.voice_activity_detection_signal.unwrap().vad_signal_type,
        "VAD_SIGNAL_TYPE_SOS"
    );
}

#[test]
fn barge_in_and_tool_call_vectors_12_and_13() {
    assert!(
        decode(r#"{"serverContent":{"interrupted":true}}"#)
            .server_content
            .unwrap()
            .interrupted
    );
    let m = decode(r#"{"toolCallCancellation":{"ids":["function-call-5831923424298605773"]}}"#);
    assert_eq!(
        m.tool_call_cancellation.unwrap().ids,
        vec!["function-call-5831923424298605773"]
    );
    let m = decode(
        r#"{"toolCall":{"functionCalls":[{"name":"get_current_weather","args":{"location":"Redmond, WA"},"id":"function-call-5831923424298605773"}]}}"#,
    );
    let call = &m.tool_call.unwrap().function_calls[0];
    assert_eq!(call.name, "get_current_weather");
    assert_eq!(call.args.as_ref().unwrap().get(), r#"{"location":"Redmond, WA"}"#);
}

#[test]
fn code_and_thought_parts_vectors_14_and_15() {
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"parts":[{"executableCode":{"language":"PYTHON","code":"print(1)"}}]}}}"#,
    );
    let ServerPart::ExecutableCode(code) = only_part(m) else {
        panic!("not code")
    };
    assert_eq!(
        (code.label.as_deref(), code.text.as_deref(), code.json.as_str()),
        (
            Some("PYTHON"),
            Some("print(1)"),
            r#"{"language":"PYTHON","code":"print(1)"}"#
        )
    );
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"parts":[{"text":"**Planning** the reply","thought":true}]}}}"#,
    );
    assert_eq!(only_part(m), ServerPart::Thought("**Planning** the reply".into()));
}

#[test]
fn resumption_go_away_and_status_vector_16() {
    let m = decode(r#"{"sessionResumptionUpdate":{"newHandle":"CiQ3ZGE0","resumable":true}}"#);
    let u = m.session_resumption_update.unwrap();
    assert_eq!((u.new_handle.as_deref(), u.resumable), (Some("CiQ3ZGE0"), true));
    let u = decode(r#"{"sessionResumptionUpdate":{}}"#)
        .session_resumption_update
        .unwrap();
    assert!(!u.resumable && u.new_handle.is_none());
    let u = decode(r#"{"sessionResumptionUpdate":{"newHandle":"test_handle","resumable":"true","lastConsumedClientMessageIndex":"123456789"}}"#)
        .session_resumption_update
        .unwrap();
    assert_eq!(u.last_consumed_client_message_index, Some(123456789));
    assert!(u.resumable);
    let g = decode(r#"{"goAway":{"timeLeft":"50s"}}"#).go_away.unwrap();
    assert_eq!(g.time_left, Some(Duration::from_secs(50)));
    let sc = decode(r#"{"serverContent":{"turnComplete":true,"interactionStatus":"IDLE","turnCompleteReason":"NEED_MORE_INPUT","waitingForInput":true}}"#)
        .server_content
        .unwrap();
    assert_eq!(sc.interaction_status.as_deref(), Some("IDLE"));
    assert_eq!(sc.turn_complete_reason.as_deref(), Some("NEED_MORE_INPUT"));
    assert!(sc.waiting_for_input);
}

#[test]
fn snake_case_and_unknown_fields_are_accepted() {
    let m = decode(
        r#"{"server_content":{"model_turn":{"parts":[{"inline_data":{"mime_type":"audio/pcm","data":"AQD-_w"}}]},"turn_complete":true},"brandNewThing":{"x":1}}"#,
    );
    assert_eq!(m.unknown.len(), 1);
    assert_eq!(m.unknown[0].0, "brandNewThing");
    assert_eq!(m.unknown[0].1.get(), r#"{"x":1}"#);
    let sc = m.server_content.unwrap();
    assert!(sc.turn_complete);
    let ServerPart::InlineData(blob) = &sc.model_turn.unwrap().parts[0] else {
        panic!("not audio");
    };
    assert_eq!(blob.data, vec![1, 0, 0xfe, 0xff]);
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    for bad in ["", "{", "[1,2]", "\"x\""] {
        assert!(
            ServerMessage::decode(bad.as_bytes()).is_err(),
            "{bad:?} should fail"
        );
    }
}

fn issues(m: &ServerMessage) -> Vec<String> {
    m.issues.iter().map(FieldIssue::to_string).collect()
}

#[test]
fn out_of_range_numbers_leave_their_field_absent_and_the_frame_whole() {
    let m = decode(r#"{"goAway":{"timeLeft":"1e30s"},"usageMetadata":{"totalTokenCount":3}}"#);
    assert_eq!(m.go_away, Some(GoAway { time_left: None }));
    assert_eq!(m.usage_metadata.as_ref().unwrap().total_token_count, Some(3));
    assert_eq!(issues(&m), [r#"goAway.timeLeft: "1e30s" is out of range"#]);

    let m =
        decode(r#"{"serverContent":{},"voiceActivity":{"type":"ACTIVITY_START","audioOffset":"1e300s"}}"#);
    assert!(m.server_content.is_some());
    let va = m.voice_activity.as_ref().unwrap();
    assert_eq!(
        (va.activity_type.as_str(), va.audio_offset),
        ("ACTIVITY_START", None)
    );
    assert_eq!(
        issues(&m),
        [r#"voiceActivity.audioOffset: "1e300s" is out of range"#]
    );

    // Numbers too large even for f64 (serde_json alone would refuse the frame).
    let m = decode(r#"{"goAway":{"timeLeft":1e400},"voiceActivity":{"audioOffset":-3}}"#);
    assert!(m.go_away.is_some() && m.voice_activity.is_some());
    assert_eq!(
        issues(&m),
        [
            "goAway.timeLeft: 1e400 is out of range",
            "voiceActivity.audioOffset: -3 is out of range"
        ]
    );
}

#[test]
fn integers_beyond_int64_are_issues_not_failed_frames() {
    let digits = "9".repeat(100);
    let m = decode(&format!(
        r#"{{"sessionResumptionUpdate":{{"newHandle":"h","resumable":true,"lastConsumedClientMessageIndex":"{digits}"}},"usageMetadata":{{"promptTokenCount":1e30,"responseTokensDetails":[{{"modality":"TEXT","tokenCount":18446744073709551615}}]}}}}"#
    ));
    let u = m.session_resumption_update.as_ref().unwrap();
    assert_eq!(u.new_handle.as_deref(), Some("h"));
    assert_eq!(u.last_consumed_client_message_index, None);
    let usage = m.usage_metadata.as_ref().unwrap();
    assert_eq!(usage.prompt_token_count, None);
    assert_eq!(usage.response_tokens_details[0].modality, "TEXT");
    assert_eq!(usage.response_tokens_details[0].token_count, None);
    let found = issues(&m);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with(r#"sessionResumptionUpdate.lastConsumedClientMessageIndex: "9999"#));
    assert!(found[0].ends_with(r#"…" is out of range"#), "{}", found[0]);
    assert_eq!(found[1], "usageMetadata.promptTokenCount: 1e30 is out of range");
    assert_eq!(
        found[2],
        "usageMetadata.responseTokensDetails[].tokenCount: 18446744073709551615 is out of range"
    );
}

#[test]
fn adjacent_text_parts_of_one_kind_merge_empty_parts_vanish_and_signatures_stay() {
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"parts":[{"text":"a"},{"text":"b"},{},{"text":""},{"thoughtSignature":"c2ln"},{"text":"t1","thought":true},{"thought":true,"text":"t2"},{"text":"c"},{"inlineData":{"data":""}},{"functionCall":{}},null,{"text":"d"}]}}}"#,
    );
    assert_eq!(
        m.server_content.unwrap().model_turn.unwrap().parts,
        vec![
            ServerPart::Text("ab".into()),
            ServerPart::ThoughtSignature("c2ln".into()),
            ServerPart::Thought("t1t2".into()),
            ServerPart::Text("cd".into()),
        ]
    );
}

#[test]
fn parts_keep_their_order_and_unknown_part_kinds_surface_raw() {
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"role":"model","parts":[{"text":"a"},{"functionCall":{"name":"f","args":{ "z": 1, "a": [ 2 ] }}},{"text":"b","partMetadata":{"x":1}},{"videoMetadata":{"fps":1}},{"text":"c"}]}}}"#,
    );
    let turn = m.server_content.unwrap().model_turn.unwrap();
    assert_eq!(turn.role.as_deref(), Some("model"));
    let [ServerPart::Text(a), ServerPart::FunctionCall(call), ServerPart::Text(b), ServerPart::Other(video), ServerPart::Text(c)] =
        &turn.parts[..]
    else {
        panic!("{:?}", turn.parts);
    };
    assert_eq!((a.as_str(), b.as_str(), c.as_str()), ("a", "b", "c"));
    assert_eq!(call.name, "f");
    assert_eq!(call.args.as_ref().unwrap().compact(), r#"{"z":1,"a":[2]}"#);
    assert_eq!(video, r#"{"videoMetadata":{"fps":1}}"#);
}

#[test]
fn empty_list_entries_are_skipped() {
    let m = decode(
        r#"{"toolCall":{"functionCalls":[{},{"name":"f"},{}]},"toolCallCancellation":{"ids":["","x",""]},"usageMetadata":{"promptTokensDetails":[{},{"modality":"AUDIO"}]}}"#,
    );
    assert_eq!(m.tool_call.unwrap().function_calls.len(), 1);
    assert_eq!(m.tool_call_cancellation.unwrap().ids, ["x"]);
    assert_eq!(m.usage_metadata.unwrap().prompt_tokens_details.len(), 1);
}

#[test]
fn field_types_decode_on_their_own_too() {
    let g: GoAway = serde_json::from_str(r#"{"timeLeft":"1e30s"}"#).unwrap();
    assert_eq!(g.time_left, None);
    let g: GoAway = serde_json::from_str(r#"{"time_left":"2s"}"#).unwrap();
    assert_eq!(g.time_left, Some(Duration::from_secs(2)));
}

#[test]
fn both_usage_spellings_in_one_frame_keep_the_frame_and_the_first_value() {
    // The official SDK's test frame: both spellings at once.
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"parts":[{"text":"hi"}]},"turnComplete":true},"usageMetadata":{"responseTokenCount":5,"candidatesTokenCount":7,"response_token_count":9,"trafficType":"ON_DEMAND","serviceTier":"standard","cacheTokensDetails":[{"modality":"TEXT","tokenCount":2}],"toolUsePromptTokensDetails":[{"modality":"TEXT","tokenCount":3}]}}"#,
    );
    assert!(m.issues.is_empty(), "{:?}", issues(&m));
    let u = m.usage_metadata.as_ref().unwrap();
    assert_eq!(u.response_token_count, Some(5));
    assert_eq!(u.traffic_type.as_deref(), Some("ON_DEMAND"));
    assert_eq!(u.service_tier.as_deref(), Some("standard"));
    assert_eq!(u.cache_tokens_details[0].token_count, Some(2));
    assert_eq!(u.tool_use_prompt_tokens_details[0].token_count, Some(3));
    let sc = m.server_content.unwrap();
    assert!(sc.turn_complete);
    assert_eq!(sc.model_turn.unwrap().parts, [ServerPart::Text("hi".into())]);
    // The first *usable* value wins: an unusable first spelling does not hide the second.
    let u = decode(r#"{"usageMetadata":{"candidatesTokenCount":"x","responseTokenCount":4}}"#)
        .usage_metadata
        .unwrap();
    assert_eq!(u.response_token_count, Some(4));
}

#[test]
fn duplicate_keys_and_both_spellings_take_the_first_everywhere() {
    let m = decode(
        r#"{"serverContent":{"inputTranscription":{"text":"a","text":"b","languageCode":"en-US","language_code":"fr-FR"},"turnComplete":true,"turn_complete":false},"serverContent":{"interrupted":true},"goAway":{"timeLeft":"1s","time_left":"2s"},"x":1,"x":2}"#,
    );
    assert!(m.issues.is_empty(), "{:?}", issues(&m));
    let sc = m.server_content.unwrap();
    let t = sc.input_transcription.unwrap();
    assert_eq!(
        (t.text.as_str(), t.language_code.as_deref()),
        ("a", Some("en-US"))
    );
    assert!(sc.turn_complete && !sc.interrupted);
    assert_eq!(m.go_away.unwrap().time_left, Some(Duration::from_secs(1)));
    assert_eq!(
        m.unknown.len(),
        2,
        "unknown fields are kept verbatim, duplicates included"
    );
}

#[test]
fn a_field_of_the_wrong_type_is_an_issue_and_the_rest_arrives() {
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"parts":[{"text":5},{"inlineData":{"mimeType":7,"data":"!!"}},{"text":"ok","thought":"yes"},{"inlineData":[1]},{"functionCall":"f"}]},"inputTranscription":{"text":["x"],"words":{"a":1},"finished":true},"turnComplete":true,"generationComplete":{}},"usageMetadata":[],"toolCall":{"functionCalls":{"id":"1"}},"setupComplete":"yes","goAway":{"timeLeft":"3s"}}"#,
    );
    let found = issues(&m);
    let fields: Vec<&str> = found.iter().map(|i| i.split(':').next().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "serverContent.modelTurn.parts[].text",
            "serverContent.modelTurn.parts[].inlineData.mimeType",
            "serverContent.modelTurn.parts[].inlineData.data",
            "serverContent.modelTurn.parts[].inlineData",
            "serverContent.modelTurn.parts[].functionCall",
            "serverContent.inputTranscription.text",
            "serverContent.generationComplete",
            "usageMetadata",
        ],
        "{found:?}"
    );
    // toolCall.functionCalls and setupComplete: counted beyond the first eight.
    assert_eq!(m.issues.omitted(), 2, "{found:?}");
    let sc = m.server_content.unwrap();
    assert!(sc.turn_complete);
    assert_eq!(sc.model_turn.unwrap().parts, [ServerPart::Text("ok".into())]);
    let t = sc.input_transcription.unwrap();
    assert!(t.finished && t.text.is_empty());
    assert_eq!(m.go_away.unwrap().time_left, Some(Duration::from_secs(3)));
    assert!(m.usage_metadata.is_none() && m.setup_complete.is_none());
}

#[test]
fn containers_of_the_wrong_type_and_deep_unknown_fields_are_issues() {
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    for frame in [
        format!(r#"{{"serverContent":[{deep}],"goAway":{{}}}}"#),
        format!(r#"{{"serverContent":"x","newThing":{deep},"goAway":{{}}}}"#),
        format!(
            r#"{{"serverContent":{{"modelTurn":{{"parts":{{"a":{deep}}}}},"later":{deep}}},"goAway":{{}}}}"#
        ),
        format!(
            r#"{{"serverContent":{{"modelTurn":{{"parts":[{{"text":"t","x":{deep}}}]}}}},"goAway":{{}}}}"#
        ),
    ] {
        let m = ServerMessage::decode(frame.as_bytes()).unwrap();
        assert!(m.go_away.is_some(), "{}", &frame[..60]);
        assert!(!m.issues.is_empty() || m.server_content.is_some());
    }
}

#[test]
fn every_new_field_decodes() {
    let m = decode(
        r#"{"setupComplete":{"sessionId":"s","voiceConsentSignature":{"signature":"sig"}},"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}},{"text":"a","thoughtSignature":"c2ln"},{"functionCall":{"id":"c","name":"f","willContinue":true,"partialArgs":[{"jsonPath":"$.x","stringValue":"P"}]}},{"codeExecutionResult":{"outcome":"OUTCOME_OK","output":"2","id":"r"}},{"fileData":{"fileUri":"gs://b/f","mimeType":"video/mp4","displayName":"f"}},{"toolCall":{"x":1}},{"toolResponse":{"y":2}}]},"outputTranscription":{"text":"t","languageCode":"en","speakerLabel":"S1","words":[{"word":"t","startOffset":"0s","endOffset":"1s"}]},"waitingForInput":true,"futureField":{"z":3}}}"#,
    );
    assert!(m.issues.is_empty(), "{:?}", issues(&m));
    let s = m.setup_complete.unwrap();
    assert_eq!(s.voice_consent_signature.as_deref(), Some("sig"));
    let sc = m.server_content.unwrap();
    assert!(sc.waiting_for_input && !sc.turn_complete);
    assert_eq!(sc.unknown[0].0, "futureField");
    let t = sc.output_transcription.unwrap();
    assert_eq!(
        (t.language_code.as_deref(), t.speaker_label.as_deref()),
        (Some("en"), Some("S1"))
    );
    assert_eq!(
        t.words.unwrap().get(),
        r#"[{"word":"t","startOffset":"0s","endOffset":"1s"}]"#
    );
    let parts = sc.model_turn.unwrap().parts;
    assert_eq!(
        parts[0],
        ServerPart::InlineData(Blob {
            mime_type: "image/jpeg".into(),
            data: vec![0xff, 0xd8, 0xff]
        })
    );
    assert_eq!(parts[1], ServerPart::Text("a".into()));
    assert_eq!(parts[2], ServerPart::ThoughtSignature("c2ln".into()));
    let ServerPart::FunctionCall(call) = &parts[3] else {
        panic!()
    };
    let streamed = call.streamed.as_ref().unwrap();
    assert!(streamed.will_continue);
    assert_eq!(
        streamed.partial_args.as_ref().unwrap().get(),
        r#"[{"jsonPath":"$.x","stringValue":"P"}]"#
    );
    let ServerPart::CodeExecutionResult(r) = &parts[4] else {
        panic!()
    };
    assert_eq!(
        (r.label.as_deref(), r.text.as_deref(), r.id.as_deref()),
        (Some("OUTCOME_OK"), Some("2"), Some("r"))
    );
    let ServerPart::FileData(f) = &parts[5] else {
        panic!()
    };
    assert_eq!(
        (f.text.as_deref(), f.mime_type.as_deref()),
        (Some("gs://b/f"), Some("video/mp4"))
    );
    assert_eq!(parts[6], ServerPart::ServerToolCall(r#"{"x":1}"#.into()));
    assert_eq!(parts[7], ServerPart::ServerToolResponse(r#"{"y":2}"#.into()));
}

#[test]
fn hostile_frames_cost_one_field_at_most() {
    // A lone surrogate (valid JSON syntax, not a string Rust can hold) in a MIME type: that
    // field is an issue, the data still arrives (and is not taken for audio downstream).
    let m = decode(
        r#"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"image/\udc80","data":"AAEC"}}]},"turnComplete":true}}"#,
    );
    assert_eq!(issues(&m).len(), 1, "{:?}", issues(&m));
    assert!(issues(&m)[0].starts_with("serverContent.modelTurn.parts[].inlineData.mimeType"));
    let sc = m.server_content.unwrap();
    assert!(sc.turn_complete);
    assert_eq!(
        sc.model_turn.unwrap().parts,
        [ServerPart::InlineData(Blob {
            mime_type: String::new(),
            data: vec![0, 1, 2]
        })]
    );
    // Base64 of bytes that are not UTF-8 as a MIME type is just an odd string.
    let m = decode(r#"{"serverContent":{"inputTranscription":{"text":"x","languageCode":"/w=="}}}"#);
    assert_eq!(
        m.server_content
            .unwrap()
            .input_transcription
            .unwrap()
            .language_code
            .as_deref(),
        Some("/w==")
    );
    // Raw bytes that are not UTF-8 make the frame not JSON: a frame error, never a panic.
    let mut bad = br#"{"serverContent":{"inputTranscription":{"text":""#.to_vec();
    bad.extend_from_slice(&[0xff, 0xfe]);
    bad.extend_from_slice(br#""}}}"#);
    assert!(ServerMessage::decode(&bad).is_err());
    // A huge word list is kept as its text (one allocation of its size), not parsed.
    let words = vec![r#"{"word":"w","startOffset":"0s","endOffset":"1s"}"#; 100_000].join(",");
    let frame = format!(r#"{{"serverContent":{{"outputTranscription":{{"text":"t","words":[{words}]}}}}}}"#);
    let m = decode(&frame);
    let t = m.server_content.unwrap().output_transcription.unwrap();
    assert_eq!(t.words.unwrap().get().len(), words.len() + 2);
    // Both spellings with different values, and wrong types in every new field.
    let m = decode(
        r#"{"setupComplete":{"voiceConsentSignature":{"signature":5}},"serverContent":{"outputTranscription":{"text":"t","languageCode":1,"speakerLabel":[],"words":"x"},"turnCompleteReason":{},"interactionStatus":true,"waitingForInput":[1]},"toolCall":{"functionCalls":[{"id":"1","willContinue":{},"partialArgs":"no"}]},"usageMetadata":{"trafficType":1,"serviceTier":[],"cacheTokensDetails":7,"responseTokenCount":1,"candidatesTokenCount":2}}"#,
    );
    assert!(m.setup_complete.is_some() && m.tool_call.is_some());
    assert_eq!(m.usage_metadata.as_ref().unwrap().response_token_count, Some(1));
    assert!(issues(&m).len() >= 8, "{:?}", issues(&m));
}

#[test]
fn what_serde_json_cannot_stream_costs_its_container_not_the_frame() {
    for (frame, field) in [
        (
            r#"{"serverContent":{"modelTurn":{"parts":[{"text":"kept"},{"inlineData":{"mimeType":"audio/pcm","data":"\udc80"}}]},"turnComplete":true},"goAway":{}}"#,
            "serverContent.modelTurn.parts[].inlineData: ",
        ),
        (r#"{"serverContent":1e400,"goAway":{}}"#, "serverContent: 1e400"),
        (
            r#"{"serverContent":{"modelTurn":{"parts":[{"text":"kept"},{"inlineData":{"data":1e400}}]},"turnComplete":true},"goAway":{}}"#,
            "serverContent.modelTurn.parts[].inlineData: ",
        ),
        (
            r#"{"serverContent":{"modelTurn":{"parts":[{"text":"kept"},-1e999]},"turnComplete":true},"goAway":{}}"#,
            "serverContent.modelTurn.parts[]: -1e999",
        ),
        (
            r#"{"serverContent":{"modelTurn":{"parts":1e999,"role":"model"},"turnComplete":true},"goAway":{}}"#,
            "serverContent.modelTurn.parts: 1e999",
        ),
    ] {
        let m = decode(frame);
        assert!(m.go_away.is_some(), "{frame}");
        let found = issues(&m);
        assert_eq!(found.len(), 1, "{frame}: {found:?}");
        assert!(found[0].starts_with(field), "{frame}: {found:?}");
        if let Some(sc) = m.server_content {
            assert!(sc.turn_complete, "{frame}");
            let parts = sc.model_turn.unwrap().parts;
            assert!(
                parts.is_empty() || parts == [ServerPart::Text("kept".into())],
                "{parts:?}"
            );
        }
    }
    // Still not JSON: both passes fail, with the first pass's error.
    assert!(ServerMessage::decode(br#"{"serverContent":{}} x"#).is_err());
}
