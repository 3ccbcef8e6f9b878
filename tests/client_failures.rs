//! End to end against the mock: auth forms, refusals, timeouts, server closes, malformed and
//! oversized frames — each must surface as a clear error with the server's words, never a hang.

mod common;

use common::*;
use gemini_live::session::{CloseClass, ErrorCode, SessionEvent};
use gemini_live::transport::{connect, Auth, Endpoint, Error as TransportError, Secret};
use gemini_live_mock::{FaultSpec, MockConfig, ScenarioLine};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn bad_and_missing_api_keys_are_refused_with_the_servers_reason() {
    let mock = mock(MockConfig {
        api_keys: vec!["good".into()],
        ..MockConfig::default()
    })
    .await;
    let mut config = client_config(&mock, text_session());
    config.endpoint.auth = Auth::ApiKey(Secret::new("wrong"));
    match connect(config.clone()).await {
        Err(TransportError::ServerClosed { code: 1007, reason }) => {
            assert_eq!(reason, "API key not valid. Please pass a valid API key.")
        }
        other => panic!("expected 1007, got {other:?}"),
    }
    config.endpoint.auth = Auth::ApiKey(Secret::new(""));
    match connect(config.clone()).await {
        Err(TransportError::ServerClosed { code: 1008, reason }) => {
            assert!(reason.contains("unregistered callers"))
        }
        other => panic!("expected 1008, got {other:?}"),
    }
    config.endpoint.auth = Auth::ApiKey(Secret::new("good"));
    assert!(connect(config).await.is_ok());
}

#[tokio::test]
async fn ephemeral_tokens_are_single_use_and_fetched_per_connection() {
    let mock = mock(MockConfig {
        ephemeral_tokens: vec!["auth_tokens/a".into(), "auth_tokens/b".into()],
        ..MockConfig::default()
    })
    .await;
    let mut endpoint = Endpoint::with_auth(Auth::EphemeralToken(Secret::new("auth_tokens/a")));
    endpoint.base_url = Some(mock.base_url());
    let mut config = gemini_live::transport::ConnectConfig::new(text_session(), endpoint);
    let (session, _rx) = connect(config.clone()).await.expect("first use of the token");
    session.disconnect().await.unwrap();
    session.join().await.unwrap();
    assert!(
        matches!(
            connect(config.clone()).await,
            Err(TransportError::ServerClosed { code: 1007, .. })
        ),
        "a used token is refused"
    );

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    config.endpoint.credential_provider = Some(Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Secret::new("auth_tokens/b"))
    }));
    assert!(
        connect(config).await.is_ok(),
        "the provider's fresh token is used"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn vertex_bearer_gets_a_server_session_id() {
    let mock = mock(MockConfig::default()).await;
    let mut endpoint = Endpoint::with_auth(Auth::Vertex {
        project: "p".into(),
        location: "us-central1".into(),
        access_token: Secret::new("ya29.token"),
    });
    endpoint.base_url = Some(mock.base_url());
    let (session, mut rx) = connect(gemini_live::transport::ConnectConfig::new(
        text_session(),
        endpoint,
    ))
    .await
    .unwrap();
    let seen = until(&mut rx, "connected", |e| {
        matches!(e, SessionEvent::Connected { .. })
    })
    .await;
    assert!(
        matches!(seen.last().unwrap(), SessionEvent::Connected { session_id: Some(id), .. } if !id.is_empty())
    );
    assert!(session.server_session_id().is_some());
    let setup = mock.stats().last_setup.unwrap();
    assert_eq!(
        setup["setup"]["model"]
            .as_str()
            .unwrap_or_else(|| setup["model"].as_str().unwrap()),
        "projects/p/locations/us-central1/publishers/google/models/gemini-live-2.5-flash-preview"
    );
}

#[tokio::test]
async fn unknown_model_is_fatal_with_the_servers_reason() {
    let mock = mock(MockConfig {
        known_models: vec!["gemini-live-2.5-flash-preview".into()],
        ..MockConfig::default()
    })
    .await;
    let mut session = text_session();
    session.model = "no-such-model".into();
    match connect(client_config(&mock, session)).await {
        Err(TransportError::ServerClosed { code: 1008, reason }) => {
            assert!(reason.contains("is not found"), "{reason}")
        }
        other => panic!("expected 1008, got {other:?}"),
    }
}

#[tokio::test]
async fn setup_without_an_answer_times_out() {
    // A WebSocket server that accepts and then never answers `setup`.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        std::future::pending::<()>().await;
        drop(ws);
    });
    let mut endpoint = Endpoint::gemini("k");
    endpoint.base_url = Some(format!("ws://{addr}"));
    let mut config = gemini_live::transport::ConnectConfig::new(text_session(), endpoint);
    config.setup_timeout = Duration::from_millis(300);
    assert!(matches!(connect(config).await, Err(TransportError::Timeout(_))));
    server.abort();
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut endpoint = Endpoint::gemini("k");
    endpoint.base_url = Some(format!("ws://{addr}"));
    let config = gemini_live::transport::ConnectConfig::new(text_session(), endpoint);
    assert!(matches!(connect(config).await, Err(TransportError::Connect(_))));
}

#[tokio::test]
async fn server_close_mid_stream_without_resumption_ends_the_session_with_its_reason() {
    let line: ScenarioLine = serde_json::from_value(serde_json::json!({
        "on": "clientContent", "close": {"code": 1011, "reason": "Internal error occurred."}
    }))
    .unwrap();
    let mock = mock(MockConfig {
        scenario: vec![line],
        ..MockConfig::default()
    })
    .await;
    let (session, mut rx) = open(&mock, text_session()).await;
    session
        .send_client_content(vec![gemini_live::protocol::Content::text("user", "hi")], true)
        .await
        .unwrap();
    let seen = until(&mut rx, "closed", SessionEvent::is_closed).await;
    assert_eq!(
        seen.last(),
        Some(&SessionEvent::Closed {
            code: 1011,
            reason: "Internal error occurred.".into(),
            class: CloseClass::Retryable
        })
    );
    assert!(
        session.send_text("after").await.is_err(),
        "sends after the end fail"
    );
}

#[tokio::test]
async fn fatal_close_mid_stream_reports_an_error_then_closed() {
    let line: ScenarioLine = serde_json::from_value(serde_json::json!({
        "on": "realtimeInput.text", "close": {"code": 1007, "reason": "Request contains an invalid argument."}
    }))
    .unwrap();
    let mock = mock(MockConfig {
        scenario: vec![line],
        ..MockConfig::default()
    })
    .await;
    let mut config = text_session();
    config.session_resumption = Some(Default::default());
    let (session, mut rx) = open(&mock, config).await;
    session.send_text("boom").await.unwrap();
    let seen = until(&mut rx, "closed", SessionEvent::is_closed).await;
    assert!(seen.iter().any(|e| matches!(
        e,
        SessionEvent::Error {
            code: ErrorCode::ServerClosed,
            fatal: true,
            ..
        }
    )));
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, SessionEvent::Reconnecting { .. })),
        "fatal closes are never retried"
    );
    assert!(matches!(
        seen.last(),
        Some(SessionEvent::Closed {
            code: 1007,
            class: CloseClass::Fatal,
            ..
        })
    ));
}

#[tokio::test]
async fn malformed_frames_are_reported_and_the_session_continues() {
    let mock = mock(MockConfig {
        faults: vec![serde_json::from_str(r#"{"kind":"malformed_frame","after_messages":1}"#).unwrap()],
        ..MockConfig::default()
    })
    .await;
    let (session, mut rx) = open(&mock, text_session()).await;
    session.send_text("first").await.unwrap();
    until(&mut rx, "malformed frame error", |e| {
        matches!(
            e,
            SessionEvent::Error {
                code: ErrorCode::MalformedFrame,
                fatal: false,
                ..
            }
        )
    })
    .await;
    session.send_text("second").await.unwrap();
    let seen = until(
        &mut rx,
        "a reply to the second turn",
        |e| matches!(e, SessionEvent::Text(t) if t.contains("second")),
    )
    .await;
    assert!(!seen.iter().any(SessionEvent::is_closed));
}

#[tokio::test]
async fn oversized_frames_end_the_session_with_a_clear_error() {
    let fault: FaultSpec =
        serde_json::from_str(r#"{"kind":"oversized_frame","after_messages":1,"bytes":70000}"#).unwrap();
    let mock = mock(MockConfig {
        faults: vec![fault],
        ..MockConfig::default()
    })
    .await;
    let mut config = client_config(&mock, text_session());
    config.max_frame_bytes = 64 * 1024;
    let (session, mut rx) = connect(config).await.unwrap();
    session.send_text("hi").await.unwrap();
    let seen = until(&mut rx, "closed", SessionEvent::is_closed).await;
    assert!(seen.iter().any(|e| matches!(
        e,
        SessionEvent::Error {
            code: ErrorCode::FrameTooLarge,
            fatal: true,
            ..
        }
    )));
}

#[tokio::test]
async fn go_away_without_resumption_is_reported_then_the_server_closes() {
    let mock = mock(MockConfig {
        connection_lifetime_ms: Some(600),
        go_away_time_left_ms: 300,
        ..MockConfig::default()
    })
    .await;
    let (_session, mut rx) = open(&mock, text_session()).await;
    let seen = until(&mut rx, "closed", SessionEvent::is_closed).await;
    assert!(seen.iter().any(
        |e| matches!(e, SessionEvent::GoAway { time_left: Some(t) } if *t == Duration::from_millis(300))
    ));
    match seen.last() {
        Some(SessionEvent::Closed {
            code: 1008,
            reason,
            class: CloseClass::Retryable,
        }) => {
            assert!(reason.starts_with("Connection aborted because the client failed to close the connection after receiving a GoAway"))
        }
        other => panic!("expected the goAway 1008 close, got {other:?}"),
    }
}

#[test]
fn api_keys_never_appear_in_debug_output() {
    let endpoint = Endpoint::gemini("AIzaSuperSecretKey");
    let config = gemini_live::transport::ConnectConfig::new(text_session(), endpoint);
    assert!(!format!("{config:?}").contains("SuperSecret"));
}

#[tokio::test]
async fn a_late_pong_never_kills_a_healthy_session() {
    let fault: FaultSpec = serde_json::from_str(r#"{"kind":"pong_delay","delay_ms":1500}"#).unwrap();
    let mock = mock(MockConfig {
        faults: vec![fault],
        ..MockConfig::default()
    })
    .await;
    let mut config = client_config(&mock, text_session());
    config.ping_interval = Some(Duration::from_millis(50));
    let (session, mut rx) = connect(config).await.unwrap();
    session.send_text("are you still there").await.unwrap();
    let seen = until(&mut rx, "the reply", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    assert!(!seen
        .iter()
        .any(|e| matches!(e, SessionEvent::Closed { .. } | SessionEvent::Error { .. })));
    assert_eq!(session.phase(), gemini_live::session::SessionPhase::Active);
}
