//! The mock server driven by a raw tokio-tungstenite client (no client-library code), on
//! loopback with port 0. Every wait is a frame read under a deadline, never a sleep.

use futures_util::{SinkExt, StreamExt};
use gemini_live_mock::{BlockingMockServer, MockConfig, MockServer, MockStats};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

mod rawws;
use rawws::{send, Ws, CONSTRAINED, GEMINI, VERTEX};

const DEADLINE: Duration = Duration::from_secs(5);

#[derive(Debug)]
enum Frame {
    Json(Value),
    Close(u16, String),
    /// The stream ended without a close frame.
    Gone,
}

async fn start(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock starts")
}

async fn connect(server: &MockServer, path: &str, headers: &[(&'static str, &str)]) -> Ws {
    rawws::connect(server, path, headers, DEADLINE).await
}

async fn next(ws: &mut Ws) -> Frame {
    loop {
        match tokio::time::timeout(DEADLINE, ws.next())
            .await
            .expect("a frame before the deadline")
        {
            Some(Ok(Message::Binary(data))) => {
                return Frame::Json(serde_json::from_slice(&data).expect("server JSON"))
            }
            Some(Ok(Message::Text(_))) => panic!("server frames must be binary"),
            Some(Ok(Message::Close(Some(frame)))) => {
                return Frame::Close(frame.code.into(), frame.reason.to_string())
            }
            Some(Ok(Message::Close(None))) => return Frame::Close(1005, String::new()),
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return Frame::Gone,
        }
    }
}

async fn recv(ws: &mut Ws) -> Value {
    match next(ws).await {
        Frame::Json(value) => value,
        other => panic!("expected a message, got {other:?}"),
    }
}

async fn expect_close(ws: &mut Ws) -> (u16, String) {
    loop {
        match next(ws).await {
            Frame::Close(code, reason) => return (code, reason),
            Frame::Json(_) => continue,
            Frame::Gone => panic!("stream ended without a close frame"),
        }
    }
}

/// Messages up to and including the first one matching `last`.
async fn recv_until(ws: &mut Ws, last: impl Fn(&Value) -> bool) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let message = recv(ws).await;
        let done = last(&message);
        seen.push(message);
        if done {
            return seen;
        }
    }
}

fn is_turn_complete(m: &Value) -> bool {
    m.pointer("/serverContent/turnComplete") == Some(&json!(true))
}

fn has(m: &Value, pointer: &str) -> bool {
    m.pointer(pointer).is_some()
}

/// Connects on the Gemini path with a key and completes `setup`.
async fn session(server: &MockServer, setup: Value) -> Ws {
    let mut ws = connect(server, &format!("{GEMINI}?key=k"), &[]).await;
    send(&mut ws, json!({ "setup": setup })).await;
    assert_eq!(recv(&mut ws).await, json!({"setupComplete": {}}));
    ws
}

fn text_setup() -> Value {
    json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}})
}

fn tone(ms: u32, rate: u32) -> Vec<u8> {
    let n = rate * ms / 1000;
    (0..n)
        .flat_map(|i| ((8000.0 * (i as f64 * 0.3).sin()) as i16).to_le_bytes())
        .collect()
}

fn silence(ms: u32, rate: u32) -> Vec<u8> {
    vec![0; (rate * ms / 1000 * 2) as usize]
}

fn audio(pcm: &[u8]) -> Value {
    use base64::Engine;
    json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": base64::engine::general_purpose::STANDARD.encode(pcm)}}})
}

/// Sends audio in 20 ms messages.
async fn stream_audio(ws: &mut Ws, pcm: &[u8]) {
    for chunk in pcm.chunks(640) {
        send(ws, audio(chunk)).await;
    }
}

fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn model_text(messages: &[Value]) -> String {
    messages
        .iter()
        .filter_map(|m| {
            m.pointer("/serverContent/modelTurn/parts/0/text")
                .and_then(Value::as_str)
        })
        .collect()
}

async fn wait(server: &MockServer, pred: impl Fn(&MockStats) -> bool) {
    assert!(
        server.wait_for(pred, DEADLINE).await,
        "stats condition not reached: {:#?}",
        server.stats()
    );
}

#[tokio::test]
async fn paths_and_auth_forms() {
    let server = start(MockConfig {
        api_keys: vec!["good".into()],
        bearer_tokens: vec!["oauth".into()],
        ..Default::default()
    })
    .await;
    let setup = json!({"setup": {"model": "models/m"}});
    for path in [
        format!("{GEMINI}?key=good"),
        format!("/{GEMINI}?key=good"),
        "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent?key=good".to_string(),
    ] {
        let mut ws = connect(&server, &path, &[]).await;
        send(&mut ws, setup.clone()).await;
        assert_eq!(recv(&mut ws).await, json!({"setupComplete": {}}), "{path}");
    }
    let mut ws = connect(&server, GEMINI, &[("x-goog-api-key", "good")]).await;
    send(&mut ws, setup.clone()).await;
    assert!(has(&recv(&mut ws).await, "/setupComplete"));

    // Vertex: bearer token, sessionId in setupComplete; express mode with an API key.
    let mut ws = connect(&server, VERTEX, &[("authorization", "Bearer oauth")]).await;
    send(
        &mut ws,
        json!({"setup": {"model": "projects/p/locations/us-central1/publishers/google/models/g"}}),
    )
    .await;
    let complete = recv(&mut ws).await;
    assert_eq!(complete["setupComplete"]["sessionId"].as_str().unwrap().len(), 36);
    let mut ws = connect(&server, &format!("/{VERTEX}"), &[("x-goog-api-key", "good")]).await;
    send(&mut ws, setup.clone()).await;
    assert!(has(&recv(&mut ws).await, "/setupComplete/sessionId"));

    let mut ws = connect(&server, &format!("{GEMINI}?key=bad"), &[]).await;
    assert_eq!(
        expect_close(&mut ws).await,
        (
            1007,
            "API key not valid. Please pass a valid API key.".to_string()
        )
    );
    let mut ws = connect(&server, VERTEX, &[("authorization", "Bearer nope")]).await;
    assert_eq!(expect_close(&mut ws).await.0, 1007);
    let mut ws = connect(&server, GEMINI, &[]).await;
    let (code, reason) = expect_close(&mut ws).await;
    assert_eq!(code, 1008);
    assert_eq!(reason.len(), 123);
    assert!(
        reason.starts_with("Method doesn't allow unregistered callers")
            && reason.ends_with("or other form of API c")
    );

    let err = tokio_tungstenite::connect_async(format!("{}/ws/unknown?key=good", server.base_url()))
        .await
        .unwrap_err();
    match err {
        WsError::Http(response) => assert_eq!(response.status(), 404),
        other => panic!("expected HTTP 404, got {other:?}"),
    }
    wait(&server, |s| s.closes_sent.len() == 3 && s.setups_completed == 6).await;
    server.shutdown().await;
}

#[tokio::test]
async fn ephemeral_token_is_single_use_but_resume_is_free() {
    let server = start(MockConfig {
        ephemeral_tokens: vec!["auth_tokens/t1".into()],
        ..Default::default()
    })
    .await;
    let setup = json!({"setup": {"model": "models/m", "sessionResumption": {}}});
    let mut first = connect(
        &server,
        &format!("{CONSTRAINED}?access_token=auth_tokens/t1"),
        &[],
    )
    .await;
    send(&mut first, setup.clone()).await;
    assert!(has(&recv(&mut first).await, "/setupComplete"));
    let handle = recv(&mut first).await["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_string();

    let mut second = connect(&server, CONSTRAINED, &[("authorization", "Token auth_tokens/t1")]).await;
    send(&mut second, setup.clone()).await;
    let (code, reason) = expect_close(&mut second).await;
    assert_eq!(code, 1007);
    assert!(reason.contains("expired"), "{reason}");

    first.close(None).await.unwrap();
    assert!(matches!(next(&mut first).await, Frame::Gone | Frame::Close(..)));
    let mut resumed = connect(&server, CONSTRAINED, &[("authorization", "Token auth_tokens/t1")]).await;
    send(
        &mut resumed,
        json!({"setup": {"model": "models/m", "sessionResumption": {"handle": handle}}}),
    )
    .await;
    assert!(has(&recv(&mut resumed).await, "/setupComplete"));

    let mut wrong = connect(
        &server,
        &format!("{CONSTRAINED}?access_token=auth_tokens/other"),
        &[],
    )
    .await;
    assert_eq!(expect_close(&mut wrong).await.0, 1007);
    assert_eq!(server.stats().resumptions_ok, 1);
}

#[tokio::test]
async fn setup_must_come_first_and_json_must_parse() {
    let server = start(MockConfig::default()).await;
    let mut ws = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(&mut ws, audio(&silence(20, 16_000))).await;
    assert_eq!(
        expect_close(&mut ws).await,
        (1007, "Request contains an invalid argument.".to_string())
    );

    let mut ws = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    ws.send(Message::Text("{\"setup\": {".into())).await.unwrap();
    let (code, reason) = expect_close(&mut ws).await;
    assert_eq!(code, 1007);
    assert!(reason.starts_with("Invalid JSON payload received."), "{reason}");

    let mut ws = session(&server, json!({"model": "models/m"})).await;
    send(&mut ws, json!({"setup": {"model": "models/m"}})).await;
    assert_eq!(expect_close(&mut ws).await.0, 1007);

    let server = start(MockConfig {
        known_models: vec!["gemini-live".into()],
        ..Default::default()
    })
    .await;
    let mut ws = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(&mut ws, json!({"setup": {"model": "models/other"}})).await;
    let (code, reason) = expect_close(&mut ws).await;
    assert_eq!(code, 1008);
    assert!(reason.starts_with("models/other is not found for API version v1beta, or is not supported for bidiGenerateContent. Call ModelService"));
    assert!(reason.len() <= 123);
}

#[tokio::test]
async fn strict_mode_rejects_unknown_fields_with_the_real_reason() {
    let server = start(MockConfig {
        strict: true,
        ..Default::default()
    })
    .await;
    let mut ws = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(
        &mut ws,
        json!({"setup": {"model": "models/m", "sessionResumption": {"transparent": true}}}),
    )
    .await;
    assert_eq!(
        expect_close(&mut ws).await,
        (1007, "Invalid JSON payload received. Unknown name \"transparent\" at 'setup.session_resumption': Cannot find field.".to_string())
    );
    let mut ws = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(&mut ws, json!({"setup": {"model": "models/m", "bogusField": 1}})).await;
    assert_eq!(
        expect_close(&mut ws).await.1,
        "Invalid JSON payload received. Unknown name \"bogusField\" at 'setup': Cannot find field."
    );

    // Vertex accepts `transparent`; vector 1 (JS, camelCase) passes the strict table.
    let mut ws = connect(&server, VERTEX, &[("authorization", "Bearer t")]).await;
    send(
        &mut ws,
        json!({"setup": {"model": "m", "sessionResumption": {"transparent": true}}}),
    )
    .await;
    assert!(has(&recv(&mut ws).await, "/setupComplete"));
    let vector1 = json!({"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","generationConfig":{"responseModalities":["AUDIO"],"speechConfig":{"voiceConfig":{"prebuiltVoiceConfig":{"voiceName":"Puck"}},"languageCode":"en-US"}},"systemInstruction":{"parts":[{"text":"You are helpful."}],"role":"user"},"tools":[{"functionDeclarations":[{"name":"get_weather","behavior":"NON_BLOCKING"}]}],"sessionResumption":{},"inputAudioTranscription":{},"outputAudioTranscription":{},"realtimeInputConfig":{"automaticActivityDetection":{"disabled":true}},"contextWindowCompression":{"slidingWindow":{}}}});
    let mut ws = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(&mut ws, vector1).await;
    assert!(has(&recv(&mut ws).await, "/setupComplete"));
}

#[tokio::test]
async fn python_spellings_and_reference_vectors() {
    let server = start(MockConfig {
        strict: true,
        ..Default::default()
    })
    .await;
    // Vector 2 (Python: snake_case nesting, numeric int64), resumption without a handle.
    let setup = json!({"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","generationConfig":{"responseModalities":["AUDIO"],"temperature":0.7,"mediaResolution":"MEDIA_RESOLUTION_LOW","speechConfig":{"voice_config":{"prebuilt_voice_config":{"voice_name":"Kore"}},"language_code":"en-US"},"thinkingConfig":{"include_thoughts":false,"thinking_budget":0},"enableAffectiveDialog":true},"sessionResumption":{},"realtimeInputConfig":{"automatic_activity_detection":{"disabled":true,"start_of_speech_sensitivity":"START_SENSITIVITY_LOW","end_of_speech_sensitivity":"END_SENSITIVITY_HIGH","prefix_padding_ms":20,"silence_duration_ms":100},"activity_handling":"NO_INTERRUPTION","turn_coverage":"TURN_INCLUDES_ALL_INPUT"},"contextWindowCompression":{"trigger_tokens":25600,"sliding_window":{"target_tokens":"12800"}},"proactivity":{"proactive_audio":true},"tools":[{"functionDeclarations":[{"name":"get_weather","parameters":{"type":"OBJECT","properties":{"some_field":{"type":"STRING"}}}}]}]});
    let mut ws = session(&server, setup).await;
    assert!(recv(&mut ws).await["sessionResumptionUpdate"]["resumable"] == json!(true));

    // Vector 7: one 20 ms chunk in three encodings; vector 8: manual bracket, video, text.
    send(&mut ws, json!({"realtimeInput":{"activityStart":{}}})).await;
    assert_eq!(recv(&mut ws).await["voiceActivity"]["type"], "ACTIVITY_START");
    send(
        &mut ws,
        json!({"realtimeInput":{"audio":{"data":"AAH//w==","mimeType":"audio/pcm;rate=16000"}}}),
    )
    .await;
    send(
        &mut ws,
        json!({"realtime_input":{"audio":{"data":"AAH__w==","mime_type":"audio/pcm;rate=16000"}}}),
    )
    .await;
    send(
        &mut ws,
        json!({"realtimeInput":{"mediaChunks":[{"mimeType":"audio/pcm;rate=16000","data":"AAH//w"}]}}),
    )
    .await;
    send(
        &mut ws,
        json!({"realtimeInput":{"video":{"data":"/9j/4A==","mimeType":"image/jpeg"}}}),
    )
    .await;
    send(&mut ws, json!({"realtimeInput":{"activityEnd":{}}})).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(turn[0]["voiceActivity"]["type"], "ACTIVITY_END");
    let expected: Vec<u8> = [0u8, 1, 255, 255].repeat(3);
    wait(&server, |s| {
        s.sessions
            .values()
            .any(|v| v.audio_bytes == 12 && v.audio_fnv1a64 == fnv1a64(&expected))
    })
    .await;

    // Vector 13, Python spelling, answering a call the model made.
    send(
        &mut ws,
        json!({"realtimeInput":{"text":"call get_weather please"}}),
    )
    .await;
    let call = recv_until(&mut ws, |m| has(m, "/toolCall")).await.pop().unwrap();
    let id = call["toolCall"]["functionCalls"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(id, "function-call-1");
    send(&mut ws, json!({"tool_response":{"functionResponses":[{"will_continue":false,"scheduling":"WHEN_IDLE","id":id,"name":"get_weather","response":{"temp":21}}]}})).await;
    recv_until(&mut ws, is_turn_complete).await;
    send(&mut ws, json!({"realtimeInput":{"audioStreamEnd":true}})).await;
    wait(&server, |s| {
        let m = &s.messages;
        (
            m.activity_start,
            m.activity_end,
            m.realtime_audio,
            m.realtime_video,
            m.realtime_text,
            m.tool_response,
            m.audio_stream_end,
        ) == (1, 1, 3, 1, 1, 1, 1)
            && s.tool_responses.len() == 1
            && s.tool_responses[0].response == json!({"temp": 21})
    })
    .await;
}

#[tokio::test]
async fn text_turn_sequence_gemini_and_vertex_naming() {
    let server = start(MockConfig::default()).await;
    let mut ws = session(&server, text_setup()).await;
    send(&mut ws, json!({"clientContent":{"turns":[{"parts":[{"text":"Hello what should we talk about?"}],"role":"user"}],"turnComplete":true}})).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    let n = turn.len();
    assert!(n >= 4, "several fragments, generationComplete, turnComplete");
    assert_eq!(model_text(&turn), "You said: Hello what should we talk about?");
    assert!(turn[..n - 2]
        .iter()
        .all(|m| has(m, "/serverContent/modelTurn/parts/0/text")));
    assert_eq!(
        turn[n - 2],
        json!({"serverContent": {"generationComplete": true}})
    );
    assert_eq!(turn[n - 1]["serverContent"], json!({"turnComplete": true}));
    let usage = &turn[n - 1]["usageMetadata"];
    assert_eq!(usage["responseTokenCount"], 11);
    assert_eq!(
        usage["totalTokenCount"],
        usage["promptTokenCount"].as_u64().unwrap() + 11
    );

    // History seeding without generation, then Vertex naming.
    send(&mut ws, json!({"clientContent":{"turns":[{"role":"user","parts":[{"text":"What is the capital of France?"}]},{"role":"model","parts":[{"text":"Paris"}]}],"turnComplete":false}})).await;
    wait(&server, |s| s.texts_received.iter().any(|t| t == "Paris")).await;
    let mut ws = connect(&server, VERTEX, &[("authorization", "Bearer t")]).await;
    send(&mut ws, json!({"setup": text_setup()})).await;
    recv(&mut ws).await;
    send(&mut ws, json!({"realtimeInput": {"text": "hi"}})).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(turn[0]["serverContent"]["modelTurn"]["role"], "model");
    assert!(has(turn.last().unwrap(), "/usageMetadata/candidatesTokenCount"));
}

#[tokio::test]
async fn audio_reply_chunks_and_output_transcription() {
    let server = start(MockConfig {
        pretty: true,
        ..Default::default()
    })
    .await;
    let mut ws = session(
        &server,
        json!({"model": "models/m", "outputAudioTranscription": {}}),
    )
    .await;
    send(
        &mut ws,
        json!({"realtimeInput": {"text": "one two three four five six seven"}}),
    )
    .await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    // 9 words → 540 ms → 12,960 samples → 5,760 + 5,760 + 1,440 samples.
    let chunks: Vec<&Value> = turn
        .iter()
        .filter(|m| has(m, "/serverContent/modelTurn/parts/0/inlineData"))
        .collect();
    let sizes: Vec<usize> = chunks
        .iter()
        .map(|m| {
            let blob = &m["serverContent"]["modelTurn"]["parts"][0]["inlineData"];
            assert_eq!(blob["mimeType"], "audio/pcm;rate=24000");
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(blob["data"].as_str().unwrap())
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(sizes, vec![11_520, 11_520, 2_880]);
    let transcript: String = chunks
        .iter()
        .filter_map(|m| m["serverContent"]["outputTranscription"]["text"].as_str())
        .collect();
    assert_eq!(transcript, "You said: one two three four five six seven");
    assert_eq!(
        turn[turn.len() - 2],
        json!({"serverContent": {"generationComplete": true}})
    );
    assert_eq!(
        turn.last().unwrap()["usageMetadata"]["responseTokensDetails"][0]["modality"],
        "AUDIO"
    );
}

#[tokio::test]
async fn vad_turn_with_input_transcription_and_audio_hash() {
    let server = start(MockConfig::default()).await;
    let setup = json!({"model": "models/m", "inputAudioTranscription": {}, "generationConfig": {"responseModalities": "text"},
        "realtimeInputConfig": {"automaticActivityDetection": {"silenceDurationMs": "100"}}});
    let mut ws = session(&server, setup).await;
    let mut pcm = silence(200, 16_000);
    pcm.extend(tone(500, 16_000));
    pcm.extend(silence(300, 16_000));
    stream_audio(&mut ws, &pcm).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(
        turn[0],
        json!({"serverContent": {}, "voiceActivity": {"type": "ACTIVITY_START", "audioOffset": "0.200s"}})
    );
    assert_eq!(
        turn[1]["voiceActivity"],
        json!({"type": "ACTIVITY_END", "audioOffset": "0.800s"})
    );
    assert_eq!(
        turn[2]["serverContent"]["interimInputTranscription"]["text"],
        "[speech"
    );
    assert_eq!(
        turn[3]["serverContent"]["inputTranscription"],
        json!({"text": "[speech 0.50s]", "finished": true})
    );
    assert_eq!(model_text(&turn), "You said: [speech 0.50s]");
    let hash = fnv1a64(&pcm);
    wait(&server, |s| {
        s.sessions
            .values()
            .any(|v| v.audio_bytes == pcm.len() as u64 && v.audio_fnv1a64 == hash)
    })
    .await;

    // audioStreamEnd ends a pending utterance at once.
    stream_audio(&mut ws, &tone(300, 16_000)).await;
    assert_eq!(recv(&mut ws).await["voiceActivity"]["type"], "ACTIVITY_START");
    send(&mut ws, json!({"realtimeInput": {"audioStreamEnd": true}})).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(turn[0]["voiceActivity"]["type"], "ACTIVITY_END");
    assert_eq!(
        turn[2]["serverContent"]["inputTranscription"]["text"],
        "[speech 0.30s]"
    );
}

#[tokio::test]
async fn vertex_explicit_vad_signal() {
    let server = start(MockConfig::default()).await;
    let mut ws = connect(&server, VERTEX, &[("authorization", "Bearer t")]).await;
    send(&mut ws, json!({"setup": {"model": "m", "explicitVadSignal": true, "generationConfig": {"responseModalities": ["TEXT"]},
        "realtimeInputConfig": {"automaticActivityDetection": {"silenceDurationMs": 100}}}})).await;
    recv(&mut ws).await;
    let mut pcm = tone(300, 16_000);
    pcm.extend(silence(200, 16_000));
    stream_audio(&mut ws, &pcm).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    let kinds: Vec<&str> = turn[..4]
        .iter()
        .map(|m| {
            m.pointer("/voiceActivityDetectionSignal/vadSignalType")
                .or(m.pointer("/voiceActivity/type"))
                .and_then(Value::as_str)
                .unwrap()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "VAD_SIGNAL_TYPE_SOS",
            "ACTIVITY_START",
            "VAD_SIGNAL_TYPE_EOS",
            "ACTIVITY_END"
        ]
    );
}

#[tokio::test]
async fn manual_activity_and_empty_activity_precondition() {
    let server = start(MockConfig::default()).await;
    let setup = json!({"model": "models/m", "inputAudioTranscription": {}, "generationConfig": {"responseModalities": ["TEXT"]},
        "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}}});
    let mut ws = session(&server, setup).await;
    stream_audio(&mut ws, &tone(100, 16_000)).await; // outside: only counted
    send(&mut ws, json!({"realtimeInput": {"activityStart": {}}})).await;
    assert_eq!(
        recv(&mut ws).await["voiceActivity"],
        json!({"type": "ACTIVITY_START", "audioOffset": "0.100s"})
    );
    stream_audio(&mut ws, &tone(300, 16_000)).await;
    send(&mut ws, json!({"realtimeInput": {"activityEnd": {}}})).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(
        turn[0]["voiceActivity"],
        json!({"type": "ACTIVITY_END", "audioOffset": "0.400s"})
    );
    assert_eq!(
        turn[2]["serverContent"]["inputTranscription"]["text"],
        "[speech 0.30s]"
    );
    assert_eq!(model_text(&turn), "You said: [speech 0.30s]");

    send(&mut ws, json!({"realtimeInput": {"activityStart": {}}})).await;
    send(&mut ws, json!({"realtimeInput": {"activityEnd": {}}})).await;
    let rest = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(
        rest.last().unwrap(),
        &json!({"serverContent": {"turnComplete": true}, "usageMetadata": {}})
    );
    assert_eq!(
        expect_close(&mut ws).await,
        (1007, "Precondition check failed.".to_string())
    );
}

#[tokio::test]
async fn tool_call_round_trip_context_update_and_wrong_id() {
    let server = start(MockConfig::default()).await;
    let setup = json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]},
        "tools": [{"functionDeclarations": [{"name": "get_weather"}]}]});
    let mut ws = session(&server, setup).await;
    send(&mut ws, json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": "get_weather for Redmond"}]}], "turnComplete": true}})).await;
    let call = recv(&mut ws).await;
    assert_eq!(
        call,
        json!({"toolCall": {"functionCalls": [{"id": "function-call-1", "name": "get_weather", "args": {"input": "get_weather for Redmond"}}]}})
    );
    send(&mut ws, json!({"toolResponse": {"functionResponses": [{"id": "function-call-1", "name": "get_weather", "response": {"output": "sunny"}, "scheduling": "WHEN_IDLE"}]}})).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(
        model_text(&turn),
        r#"Tool get_weather returned {"output":"sunny"}"#
    );

    // contextUpdate replaces tools and the system instruction.
    send(&mut ws, json!({"contextUpdate": {"systemInstruction": {"parts": [{"text": "Be terse"}], "role": "user"}, "tools": {"tools": [{"functionDeclarations": [{"name": "lookup"}]}]}}})).await;
    send(&mut ws, json!({"realtimeInput": {"text": "lookup it"}})).await;
    let call = recv(&mut ws).await;
    assert_eq!(call["toolCall"]["functionCalls"][0]["name"], "lookup");
    assert_eq!(call["toolCall"]["functionCalls"][0]["id"], "function-call-2");
    assert_eq!(
        server.stats().last_system_instruction.as_deref(),
        Some("Be terse")
    );
    assert_eq!(
        server.stats().tool_responses[0].id.as_deref(),
        Some("function-call-1")
    );

    send(&mut ws, json!({"toolResponse": {"functionResponses": [{"id": "function-call-99", "name": "lookup", "response": {}}]}})).await;
    assert_eq!(
        expect_close(&mut ws).await,
        (1007, "Request contains an invalid argument.".to_string())
    );
}

#[tokio::test]
async fn barge_in_interrupts_reply_and_cancels_calls() {
    let server = start(MockConfig {
        realtime_output: true,
        audio_chunk_ms: 40,
        ..Default::default()
    })
    .await;
    let setup = json!({"model": "models/m", "tools": [{"functionDeclarations": [{"name": "get_weather"}]}]});
    let mut ws = session(&server, setup).await;
    send(&mut ws, json!({"realtimeInput": {"text": "tell me a long story about many things that happened once upon a time"}})).await;
    assert!(has(
        &recv(&mut ws).await,
        "/serverContent/modelTurn/parts/0/inlineData"
    ));
    send(&mut ws, json!({"realtimeInput": {"text": "stop"}})).await;
    let mut after = Vec::new();
    loop {
        let m = recv(&mut ws).await;
        if has(&m, "/serverContent/interrupted") {
            break;
        }
        after.push(m); // audio already in flight before the server read "stop"
    }
    assert!(after.len() < 5, "the old reply stops: {}", after.len());
    assert_eq!(
        recv(&mut ws).await,
        json!({"serverContent": {"turnComplete": true}})
    );
    let next_turn = recv_until(&mut ws, is_turn_complete).await;
    assert!(next_turn.iter().all(|m| !has(m, "/serverContent/interrupted")));

    // A pending tool call is cancelled: interrupted, toolCallCancellation, turnComplete.
    send(&mut ws, json!({"realtimeInput": {"text": "get_weather now"}})).await;
    assert!(has(&recv(&mut ws).await, "/toolCall"));
    send(&mut ws, json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": "never mind"}]}], "turnComplete": true}})).await;
    assert_eq!(
        recv(&mut ws).await,
        json!({"serverContent": {"interrupted": true}})
    );
    assert_eq!(
        recv(&mut ws).await,
        json!({"toolCallCancellation": {"ids": ["function-call-1"]}})
    );
    assert_eq!(
        recv(&mut ws).await,
        json!({"serverContent": {"turnComplete": true}})
    );
    // A late response to the cancelled call is ignored, not fatal.
    send(&mut ws, json!({"toolResponse": {"functionResponses": [{"id": "function-call-1", "name": "get_weather", "response": {}}]}})).await;
    recv_until(&mut ws, is_turn_complete).await;
    wait(&server, |s| s.interruptions == 2 && s.messages.tool_response == 1).await;
}

#[tokio::test]
async fn vad_speech_start_interrupts_and_no_interruption_queues() {
    let server = start(MockConfig {
        realtime_output: true,
        audio_chunk_ms: 40,
        ..Default::default()
    })
    .await;
    let setup = json!({"model": "models/m", "realtimeInputConfig": {"automaticActivityDetection": {"silenceDurationMs": 100}}});
    let mut ws = session(&server, setup).await;
    send(&mut ws, json!({"realtimeInput": {"text": "a long story with many many words to keep the tone going for a while"}})).await;
    assert!(has(
        &recv(&mut ws).await,
        "/serverContent/modelTurn/parts/0/inlineData"
    ));
    stream_audio(&mut ws, &tone(100, 16_000)).await;
    let before = recv_until(&mut ws, |m| has(m, "/serverContent/interrupted")).await;
    assert_eq!(
        before[before.len() - 2]["voiceActivity"]["type"],
        "ACTIVITY_START"
    );
    assert_eq!(
        recv(&mut ws).await,
        json!({"serverContent": {"turnComplete": true}})
    );
    stream_audio(&mut ws, &silence(200, 16_000)).await;
    let after = recv_until(&mut ws, |m| {
        m.pointer("/voiceActivity/type") == Some(&json!("ACTIVITY_END"))
    })
    .await;
    assert_eq!(
        after.len(),
        1,
        "no audio of the old reply after interrupted: {after:?}"
    );
    recv_until(&mut ws, is_turn_complete).await;

    // NO_INTERRUPTION: the second reply waits for the first.
    let setup = json!({"model": "models/m", "outputAudioTranscription": {}, "realtimeInputConfig": {"activityHandling": "no_interruption"}});
    let mut ws = session(&server, setup).await;
    send(&mut ws, json!({"realtimeInput": {"text": "first"}})).await;
    send(&mut ws, json!({"realtimeInput": {"text": "second"}})).await;
    let transcript = |turn: &[Value]| -> String {
        turn.iter()
            .filter_map(|m| {
                m.pointer("/serverContent/outputTranscription/text")
                    .and_then(Value::as_str)
            })
            .collect()
    };
    let first = recv_until(&mut ws, is_turn_complete).await;
    let second = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(
        (transcript(&first).as_str(), transcript(&second).as_str()),
        ("You said: first", "You said: second")
    );
    assert!(first
        .iter()
        .chain(&second)
        .all(|m| !has(m, "/serverContent/interrupted")));
}

#[tokio::test]
async fn resumption_handles_restore_and_errors() {
    let server = start(MockConfig::default()).await;
    let setup = json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": {}});
    let mut ws = session(&server, setup.clone()).await;
    let first = recv(&mut ws).await;
    assert_eq!(first["sessionResumptionUpdate"]["resumable"], true);
    send(&mut ws, json!({"realtimeInput": {"text": "remember me"}})).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    assert_eq!(turn[0], json!({"sessionResumptionUpdate": {}}));
    assert!(
        turn.iter().all(|m| !has(m, "/sessionResumptionUpdate/newHandle")),
        "no handle during generation"
    );
    let update = recv(&mut ws).await;
    let handle = update["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!has(
        &update,
        "/sessionResumptionUpdate/lastConsumedClientMessageIndex"
    ));

    // The old socket is still open: the new one gets 1011.
    let mut clash = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    let resume = json!({"setup": {"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": {"handle": handle}}});
    send(&mut clash, resume.clone()).await;
    assert_eq!(
        expect_close(&mut clash).await,
        (1011, "Internal error occurred.".to_string())
    );

    // Audio after the last handle is not in the saved state: resuming rolls it back, and the
    // client's replay then counts every byte exactly once.
    let pcm = silence(100, 16_000);
    stream_audio(&mut ws, &pcm).await;
    wait(&server, |s| s.sessions.values().any(|v| v.audio_bytes == 3_200)).await;
    ws.close(None).await.unwrap();
    assert!(matches!(next(&mut ws).await, Frame::Gone | Frame::Close(..)));
    let mut resumed = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(&mut resumed, resume).await;
    assert_eq!(recv(&mut resumed).await, json!({"setupComplete": {}}));
    assert!(has(
        &recv(&mut resumed).await,
        "/sessionResumptionUpdate/newHandle"
    ));
    wait(&server, |s| s.sessions.values().any(|v| v.audio_bytes == 0)).await;
    stream_audio(&mut resumed, &pcm).await;
    let hash = fnv1a64(&pcm);
    wait(&server, |s| {
        s.sessions
            .values()
            .any(|v| v.audio_bytes == 3_200 && v.audio_fnv1a64 == hash)
    })
    .await;
    let stats = server.stats();
    assert_eq!(stats.sessions.len(), 1);
    let session_stats = stats.sessions.values().next().unwrap();
    assert_eq!((session_stats.history_len, session_stats.connections), (2, 2));

    let mut unknown = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(
        &mut unknown,
        json!({"setup": {"model": "models/m", "sessionResumption": {"handle": "bogus"}}}),
    )
    .await;
    assert_eq!(
        expect_close(&mut unknown).await,
        (1008, "BidiGenerateContent session not found".to_string())
    );
    wait(&server, |s| s.resumptions_ok == 1 && s.resumptions_failed == 2).await;

    // Transparent mode (Vertex): the index of the last consumed message, as a string.
    let mut vx = connect(&server, VERTEX, &[("authorization", "Bearer t")]).await;
    send(&mut vx, json!({"setup": {"model": "m", "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": {"transparent": true}}})).await;
    recv(&mut vx).await;
    recv(&mut vx).await;
    send(
        &mut vx,
        json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": "seed"}]}]}}),
    )
    .await;
    send(&mut vx, json!({"realtimeInput": {"text": "go"}})).await;
    recv_until(&mut vx, is_turn_complete).await;
    let update = recv(&mut vx).await;
    assert_eq!(
        update["sessionResumptionUpdate"]["lastConsumedClientMessageIndex"],
        "1"
    );
}

#[tokio::test]
async fn resume_right_after_dropping_the_socket() {
    let server = start(MockConfig::default()).await;
    let mut ws = session(&server, json!({"model": "models/m", "sessionResumption": {}})).await;
    let handle = recv(&mut ws).await["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_string();
    drop(ws); // no close frame: the mock learns of it from the FIN
    let mut again = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(
        &mut again,
        json!({"setup": {"model": "models/m", "sessionResumption": {"handle": handle}}}),
    )
    .await;
    assert_eq!(recv(&mut again).await, json!({"setupComplete": {}}));
}

#[tokio::test]
async fn handle_ttl_expires() {
    let server = start(MockConfig {
        resumption_handle_ttl_ms: 0,
        ..Default::default()
    })
    .await;
    let mut ws = session(&server, json!({"model": "models/m", "sessionResumption": {}})).await;
    let handle = recv(&mut ws).await["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_string();
    drop(ws);
    let mut again = connect(&server, &format!("{GEMINI}?key=k"), &[]).await;
    send(
        &mut again,
        json!({"setup": {"model": "models/m", "sessionResumption": {"handle": handle}}}),
    )
    .await;
    assert_eq!(expect_close(&mut again).await.0, 1008);
}

#[tokio::test]
async fn go_away_then_close_at_connection_lifetime() {
    let server = start(MockConfig {
        connection_lifetime_ms: Some(600),
        go_away_time_left_ms: 300,
        ..Default::default()
    })
    .await;
    let started = Instant::now();
    let mut ws = session(&server, json!({"model": "models/m"})).await;
    assert_eq!(recv(&mut ws).await, json!({"goAway": {"timeLeft": "0.300s"}}));
    assert!(started.elapsed() >= Duration::from_millis(250));
    let (code, reason) = expect_close(&mut ws).await;
    assert!(started.elapsed() >= Duration::from_millis(550));
    assert_eq!(code, 1008);
    assert_eq!(reason.len(), 123);
    assert!(reason.ends_with("once the session durat"));
}

#[tokio::test]
async fn fault_kinds() {
    let faults = json!([
        {"connection": 1, "after_messages": 2, "kind": "close_1011"},
        {"connection": 2, "after_ms": 50, "kind": "drop_tcp"},
        {"connection": 3, "kind": "go_away", "time_left_ms": 200},
        {"connection": 4, "kind": "go_away_then_stall", "time_left_ms": 1000},
        {"connection": 5, "kind": "malformed_frame"},
        {"connection": 6, "kind": "oversized_frame", "bytes": 100000},
        {"connection": 7, "kind": "pong_delay", "delay_ms": 300}
    ]);
    let config: MockConfig = serde_json::from_value(json!({"faults": faults, "reply_text": "ok"})).unwrap();
    let server = start(config).await;
    let setup = json!({"model": "models/m", "generationConfig": {"responseModalities": ["TEXT"]}});

    let mut ws = session(&server, setup.clone()).await;
    send(&mut ws, json!({"realtimeInput": {"text": "one"}})).await;
    recv_until(&mut ws, is_turn_complete).await;
    send(&mut ws, json!({"realtimeInput": {"text": "two"}})).await;
    assert_eq!(
        expect_close(&mut ws).await,
        (1011, "Internal error occurred.".to_string())
    );

    let mut ws = session(&server, setup.clone()).await;
    assert!(matches!(next(&mut ws).await, Frame::Gone));

    let mut ws = session(&server, setup.clone()).await;
    assert_eq!(recv(&mut ws).await, json!({"goAway": {"timeLeft": "0.200s"}}));
    assert_eq!(expect_close(&mut ws).await.0, 1008);

    let mut ws = session(&server, setup.clone()).await;
    assert_eq!(recv(&mut ws).await, json!({"goAway": {"timeLeft": "1s"}}));
    send(&mut ws, json!({"realtimeInput": {"text": "anyone?"}})).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(300), ws.next())
            .await
            .is_err(),
        "stalled server stays silent"
    );

    let mut ws = session(&server, setup.clone()).await;
    match tokio::time::timeout(DEADLINE, ws.next()).await.unwrap() {
        Some(Ok(Message::Binary(data))) => assert!(serde_json::from_slice::<Value>(&data).is_err()),
        other => panic!("expected a malformed binary frame, got {other:?}"),
    }

    let mut ws = session(&server, setup.clone()).await;
    match tokio::time::timeout(DEADLINE, ws.next()).await.unwrap() {
        Some(Ok(Message::Binary(data))) => {
            assert_eq!(data.len(), 100_000);
            assert!(serde_json::from_slice::<Value>(&data).is_ok());
        }
        other => panic!("expected an oversized frame, got {other:?}"),
    }

    let mut ws = session(&server, setup).await;
    wait(&server, |s| {
        s.connections_accepted == 7 && s.setups_completed == 7
    })
    .await;
    let sent = Instant::now();
    ws.send(Message::Ping(vec![7].into())).await.unwrap();
    match tokio::time::timeout(DEADLINE, ws.next()).await.unwrap() {
        Some(Ok(Message::Pong(data))) => assert_eq!(&data[..], &[7]),
        other => panic!("expected a pong, got {other:?}"),
    }
    assert!(
        sent.elapsed() >= Duration::from_millis(280),
        "pong delayed: {:?}",
        sent.elapsed()
    );
}

#[tokio::test]
async fn scenario_file_lines() {
    let dir = std::env::temp_dir().join(format!("gemini-live-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.jsonl");
    std::fs::write(
        &path,
        [
            r#"# comments and blank lines are skipped"#,
            r#"{"on": "setup", "send": {"serverContent": {"modelTurn": {"parts": [{"text": "welcome"}]}}}}"#,
            r#"{"on": "realtimeInput.text", "send": {"serverContent": {"modelTurn": {"parts": [{"text": "scripted"}]}}}, "connection": 1}"#,
            r#"{"on": "realtimeInput.text", "send": {"serverContent": {"turnComplete": true}}, "delay_ms": 50, "connection": 1}"#,
            r#"{"on": "message:2", "close": {"code": 1011, "reason": "scripted close"}, "connection": 1}"#,
            r#"{"on": "turn", "raw": "{not json", "connection": 2}"#,
            r#"{"on": "clientContent", "drop": true, "connection": 2}"#,
            "",
        ]
        .join("\n"),
    )
    .unwrap();
    let server = start(MockConfig {
        scenario_file: Some(path),
        ..Default::default()
    })
    .await;
    let mut ws = session(&server, json!({"model": "models/m"})).await;
    assert_eq!(model_text(&[recv(&mut ws).await]), "welcome");
    let started = Instant::now();
    send(&mut ws, json!({"realtimeInput": {"text": "hi"}})).await;
    assert_eq!(model_text(&[recv(&mut ws).await]), "scripted");
    assert!(is_turn_complete(&recv(&mut ws).await));
    assert!(started.elapsed() >= Duration::from_millis(45));
    send(&mut ws, json!({"realtimeInput": {"text": "again"}})).await;
    // message:2 replaces the reply with a close (the text line also fires first).
    assert_eq!(expect_close(&mut ws).await, (1011, "scripted close".to_string()));

    let mut ws = session(&server, json!({"model": "models/m"})).await;
    assert_eq!(model_text(&[recv(&mut ws).await]), "welcome");
    send(&mut ws, json!({"realtimeInput": {"text": "hello"}})).await;
    match tokio::time::timeout(DEADLINE, ws.next()).await.unwrap() {
        Some(Ok(Message::Binary(data))) => assert_eq!(&data[..], b"{not json"),
        other => panic!("expected the raw line, got {other:?}"),
    }
    send(&mut ws, json!({"clientContent": {"turnComplete": true}})).await;
    assert!(matches!(next(&mut ws).await, Frame::Gone));
    std::fs::remove_dir_all(&dir).ok();

    let bad = MockServer::start(
        serde_json::from_value(json!({"scenario": [{"on": "nope", "drop": true}]})).unwrap(),
    )
    .await;
    assert_eq!(bad.err().unwrap().kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn ping_marker_and_continuous_audio_mode() {
    let server = start(MockConfig {
        answer_audio_continuously: true,
        ..Default::default()
    })
    .await;
    let mut ws = session(&server, json!({"model": "models/m"})).await;
    send(&mut ws, json!({"realtimeInput": {"text": "ping:42"}})).await;
    assert_eq!(
        recv(&mut ws).await,
        json!({"serverContent": {"modelTurn": {"parts": [{"text": "pong:42"}]}}})
    );
    assert!(server.stats().texts_received.is_empty());

    let started = Instant::now();
    stream_audio(&mut ws, &silence(1000, 16_000)).await;
    let turn = recv_until(&mut ws, is_turn_complete).await;
    let audio_messages = turn
        .iter()
        .filter(|m| has(m, "/serverContent/modelTurn/parts/0/inlineData"))
        .count();
    assert_eq!(audio_messages, 5); // 1 s in 240 ms chunks
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "paced in real time"
    );
}

#[test]
fn blocking_server_runs_its_own_runtime() {
    let server = BlockingMockServer::start(MockConfig::default()).unwrap();
    assert!(server.base_url().starts_with("ws://127.0.0.1:"));
    assert_eq!(
        server.local_addr().port(),
        server
            .base_url()
            .rsplit(':')
            .next()
            .unwrap()
            .parse::<u16>()
            .unwrap()
    );
    let url = format!("{}{GEMINI}?key=k", server.base_url());
    let client = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
            send(&mut ws, json!({"setup": {"model": "models/m"}})).await;
            recv(&mut ws).await
        })
    });
    assert!(server.wait_for(|s| s.setups_completed == 1, DEADLINE));
    assert_eq!(client.join().unwrap(), json!({"setupComplete": {}}));
    let json = serde_json::to_value(server.stats()).unwrap();
    assert_eq!(json["connections_accepted"], 1);
    let session = json["sessions"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    assert_eq!(session["audio_fnv1a64_hex"], "cbf29ce484222325"); // no audio yet: the FNV offset basis
    server.shutdown();
}

#[tokio::test]
async fn binary_prints_its_url_and_serves() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-live-mock"))
        .args(["--port", "0", "--pretty", "--exit-on-stdin-eof"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(DEADLINE, line)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = line
        .trim_end()
        .strip_prefix("gemini-live-mock listening on ")
        .unwrap()
        .to_string();
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("{url}{GEMINI}?key=k"))
        .await
        .unwrap();
    send(&mut ws, json!({"setup": {"model": "models/m"}})).await;
    assert_eq!(recv(&mut ws).await, json!({"setupComplete": {}}));
    drop(child.stdin.take()); // stdin EOF: the mock closes its connections and exits
    assert_eq!(expect_close(&mut ws).await.0, 1001);
    let status = tokio::time::timeout(DEADLINE, tokio::task::spawn_blocking(move || child.wait()))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(status.success());
}
