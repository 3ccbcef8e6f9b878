//! End to end against the mock: every client message the session sends, and the server
//! messages the built-in model answers them with, through the public Rust API.

mod common;

use common::*;
use gemini_live::protocol::{
    ActivityDetection, Content, FunctionResponse, Modality, Scheduling, SessionConfig,
};
use gemini_live::session::{SessionEvent, SessionPhase};
use gemini_live_mock::MockConfig;
use serde_json::json;

#[tokio::test]
async fn text_turn_streams_text_then_generation_complete_usage_and_turn_complete() {
    let mock = mock(MockConfig::default()).await;
    let (session, mut rx) = open(&mock, text_session()).await;
    assert_eq!(session.phase(), SessionPhase::Active);
    let first = until(&mut rx, "connected", |e| {
        matches!(e, SessionEvent::Connected { .. })
    })
    .await;
    let phases: Vec<_> = first
        .iter()
        .filter_map(|e| {
            if let SessionEvent::PhaseChanged(p) = e {
                Some(*p)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        phases,
        [
            SessionPhase::Connecting,
            SessionPhase::SetupSent,
            SessionPhase::Active
        ],
        "subscribers see the whole life: {first:?}"
    );

    session
        .send_client_content(vec![Content::text("user", "Hello there")], true)
        .await
        .unwrap();
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    let text = model_text(&seen);
    assert_eq!(text.trim(), "You said: Hello there");
    let pos = |f: fn(&SessionEvent) -> bool| seen.iter().position(f).unwrap();
    let last_text = seen
        .iter()
        .rposition(|e| matches!(e, SessionEvent::Text(_)))
        .unwrap();
    assert!(last_text < pos(|e| matches!(e, SessionEvent::GenerationComplete)));
    assert!(
        pos(|e| matches!(e, SessionEvent::GenerationComplete))
            < pos(|e| matches!(e, SessionEvent::UsageMetadata(_)))
    );
    assert!(
        matches!(seen.iter().find(|e| matches!(e, SessionEvent::UsageMetadata(_))), Some(SessionEvent::UsageMetadata(u)) if u.total_token_count.is_some())
    );
    assert_eq!(mock.stats().messages.client_content, 1);
}

#[tokio::test]
async fn history_seeding_does_not_start_a_turn_and_realtime_text_does() {
    let mock = mock(MockConfig::default()).await;
    let (session, mut rx) = open(&mock, text_session()).await;
    session
        .send_client_content(
            vec![
                Content::text("user", "What is the capital of France?"),
                Content::text("model", "Paris"),
            ],
            false,
        )
        .await
        .unwrap();
    session.send_text("and of Italy?").await.unwrap();
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    let text = model_text(&seen);
    assert_eq!(text.trim(), "You said: and of Italy?");
    let stats = mock.stats();
    assert_eq!(
        (
            stats.messages.client_content,
            stats.messages.realtime_text,
            stats.turns_completed
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn audio_turn_gets_voice_activity_transcriptions_and_24khz_audio() {
    let mock = mock(MockConfig {
        audio_transcript: "hello from audio".into(),
        ..MockConfig::default()
    })
    .await;
    let mut config = SessionConfig::new("gemini-2.5-flash-native-audio-preview-12-2025");
    config.input_audio_transcription = true;
    config.output_audio_transcription = true;
    let (session, mut rx) = open(&mock, config).await;
    let mut sent = Vec::new();
    for chunk in speech(600).chunks(640).chain(silence(800).chunks(640)) {
        sent.extend_from_slice(chunk);
        session.send_audio(chunk.to_vec()).await.unwrap();
    }
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    assert!(seen.iter().any(
        |e| matches!(e, SessionEvent::VoiceActivity { started: true, kind, .. } if kind == "ACTIVITY_START")
    ));
    assert!(seen
        .iter()
        .any(|e| matches!(e, SessionEvent::VoiceActivity { started: false, .. })));
    assert!(seen
        .iter()
        .any(|e| matches!(e, SessionEvent::InputTranscription { interim: true, .. })));
    assert!(seen.iter().any(|e| matches!(e, SessionEvent::InputTranscription { text, finished: true, interim: false, .. } if text == "hello from audio")));
    let audio: usize = seen
        .iter()
        .map(|e| {
            if let SessionEvent::Audio { data, mime_type } = e {
                assert_eq!(mime_type, "audio/pcm;rate=24000");
                data.len()
            } else {
                0
            }
        })
        .sum();
    assert!(
        audio >= 11_520,
        "at least 240 ms of 24 kHz audio, got {audio} bytes"
    );
    let transcript: String = seen
        .iter()
        .filter_map(|e| {
            if let SessionEvent::OutputTranscription { text, .. } = e {
                Some(text.as_str())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(transcript.trim(), "You said: hello from audio");
    let stats = mock.stats();
    let s = stats.sessions.values().next().unwrap();
    assert_eq!(
        (s.audio_bytes, s.audio_fnv1a64),
        (sent.len() as u64, fnv1a64(&sent))
    );
}

#[tokio::test]
async fn manual_activity_brackets_a_turn_and_stream_end_video_are_delivered() {
    let mock = mock(MockConfig {
        audio_transcript: "manual turn".into(),
        ..MockConfig::default()
    })
    .await;
    let mut config = text_session();
    config.activity_detection = ActivityDetection::Manual;
    config.input_audio_transcription = true;
    let (session, mut rx) = open(&mock, config).await;
    session
        .send_video(vec![0xff, 0xd8, 0xff, 0xe0, 0, 1])
        .await
        .unwrap();
    session.signal_activity_start().await.unwrap();
    session.send_audio(speech(300)).await.unwrap();
    session.signal_activity_end().await.unwrap();
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    assert!(seen
        .iter()
        .any(|e| matches!(e, SessionEvent::Text(t) if t.contains("manual"))));
    session.signal_audio_stream_end().await.unwrap();
    assert!(
        mock.wait_for(|s| s.messages.audio_stream_end == 1, DEADLINE)
            .await
    );
    let m = mock.stats().messages;
    assert_eq!(
        (
            m.realtime_video,
            m.activity_start,
            m.activity_end,
            m.realtime_audio
        ),
        (1, 1, 1, 1)
    );
}

#[tokio::test]
async fn tool_call_round_trip_and_context_update() {
    let mock = mock(MockConfig::default()).await;
    let mut config = text_session();
    config.tools =
        vec![json!({"functionDeclarations": [{"name": "get_weather", "description": "Weather by city"}]})];
    let (session, mut rx) = open(&mock, config).await;
    session.send_text("please get_weather for Paris").await.unwrap();
    let seen = until(&mut rx, "tool call", |e| {
        matches!(e, SessionEvent::ToolCall { .. })
    })
    .await;
    let SessionEvent::ToolCall {
        id, name, args_json, ..
    } = seen.last().unwrap().clone()
    else {
        unreachable!()
    };
    assert_eq!((id.as_str(), name.as_str()), ("function-call-1", "get_weather"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&args_json).unwrap()["input"],
        "please get_weather for Paris"
    );
    session
        .send_tool_response(vec![FunctionResponse {
            id: Some(id.clone()),
            name: name.clone(),
            response: json!({"output": "sunny, 21C"}),
            scheduling: Some(Scheduling::WhenIdle),
            will_continue: None,
            parts: Vec::new(),
        }])
        .await
        .unwrap();
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    let text = model_text(&seen);
    assert!(text.contains("Tool get_weather returned"), "{text}");
    assert_eq!(mock.stats().tool_responses[0].response["output"], "sunny, 21C");

    session.update_instruction("Be terse").await.unwrap();
    assert!(
        mock.wait_for(
            |s| s.last_system_instruction.as_deref() == Some("Be terse"),
            DEADLINE
        )
        .await
    );
    session.update_context(None, Some(&[])).await.unwrap();
    assert!(mock.wait_for(|s| s.messages.context_update == 2, DEADLINE).await);
}

#[tokio::test]
async fn barge_in_interrupts_then_cancels_pending_calls_then_completes_the_turn() {
    let mock = mock(MockConfig {
        realtime_output: true,
        ..MockConfig::default()
    })
    .await;
    let mut config = SessionConfig::new("m");
    config.response_modality = Some(Modality::Audio);
    config.tools = vec![json!({"functionDeclarations": [{"name": "lookup"}]})];
    let (session, mut rx) = open(&mock, config).await;
    session
        .send_text("a long question that makes a long answer with many words in it")
        .await
        .unwrap();
    until(&mut rx, "first audio", |e| {
        matches!(e, SessionEvent::Audio { .. })
    })
    .await;
    session.send_text("stop").await.unwrap();
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    let interrupted = seen
        .iter()
        .position(|e| *e == SessionEvent::Interrupted)
        .expect("interrupted");
    assert!(
        seen[interrupted..]
            .iter()
            .all(|e| !matches!(e, SessionEvent::Audio { .. })),
        "no old audio after interrupted"
    );

    session.send_text("call lookup now").await.unwrap();
    until(&mut rx, "tool call", |e| {
        matches!(e, SessionEvent::ToolCall { .. })
    })
    .await;
    session.send_text("never mind").await.unwrap();
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    let order: Vec<&str> = seen
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Interrupted => Some("interrupted"),
            SessionEvent::ToolCallCancellation { .. } => Some("cancellation"),
            SessionEvent::TurnComplete { .. } => Some("turn_complete"),
            _ => None,
        })
        .collect();
    assert_eq!(order, ["interrupted", "cancellation", "turn_complete"]);
}

#[tokio::test]
async fn raw_messages_and_resumption_updates() {
    let mock = mock(MockConfig::default()).await;
    let mut config = text_session();
    config.session_resumption = Some(Default::default());
    let (session, mut rx) = open(&mock, config).await;
    let seen = until(&mut rx, "resumable handle", |e| {
        matches!(
            e,
            SessionEvent::ResumptionUpdate {
                resumable: true,
                handle: Some(_),
                ..
            }
        )
    })
    .await;
    assert!(!seen.is_empty());
    let raw = gemini_live::protocol::encode_raw(&json!({"realtime_input": {"text": "raw hello"}})).unwrap();
    session.send_message(raw).await.unwrap();
    let seen = until(&mut rx, "turn complete", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    assert!(seen
        .iter()
        .any(|e| matches!(e, SessionEvent::Text(t) if t.contains("raw"))));
    assert!(seen
        .iter()
        .any(|e| matches!(e, SessionEvent::ResumptionUpdate { resumable: false, .. })));
    session.disconnect().await.unwrap();
    let seen = until(&mut rx, "closed", SessionEvent::is_closed).await;
    assert!(seen.contains(&SessionEvent::PhaseChanged(SessionPhase::Closing)));
    assert!(matches!(
        seen.last(),
        Some(SessionEvent::Closed { code: 1000, .. })
    ));
    session.join().await.unwrap();
    assert_eq!(session.phase(), SessionPhase::Closed);
}
