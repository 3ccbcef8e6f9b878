//! Sessions that survive: goAway, 1011 and a TCP drop in one session, resumed transparently,
//! with every audio byte reaching the server exactly once and in order.

mod common;

use common::*;
use gemini_live::protocol::{Content, SessionResumption};
use gemini_live::session::{CloseClass, ErrorCode, SessionEvent, SessionPhase};
use gemini_live::transport::{connect, Auth, Secret};
use gemini_live_mock::MockConfig;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Quiet noise (below the mock's VAD threshold) that differs byte to byte, so the hash
/// proves order.
fn noise(chunk: usize, bytes: usize) -> Vec<u8> {
    (0..bytes / 2)
        .flat_map(|i| {
            let v = (((i * 31 + chunk * 17) % 200) as i16) - 100;
            v.to_le_bytes()
        })
        .collect()
}

/// A mock server with the given fault list (`FaultSpec` JSON).
async fn mock_with_faults(faults: serde_json::Value) -> gemini_live_mock::MockServer {
    let faults = serde_json::from_value(faults).expect("valid fault specs");
    mock(MockConfig {
        faults,
        ..MockConfig::default()
    })
    .await
}

#[tokio::test]
async fn audio_survives_go_away_1011_and_a_tcp_drop_exactly_once() {
    let mock = mock_with_faults(serde_json::json!([
        {"kind": "go_away", "connection": 1, "after_messages": 40, "time_left_ms": 2000},
        {"kind": "close_1011", "connection": 2, "after_messages": 40},
        {"kind": "drop_tcp", "connection": 3, "after_messages": 40}
    ]))
    .await;
    let mut session_config = text_session();
    session_config.session_resumption = Some(SessionResumption {
        handle: None,
        transparent: true,
    });
    let mut config = client_config(&mock, session_config);
    let fetched = Arc::new(AtomicUsize::new(0));
    let counter = fetched.clone();
    config.endpoint.credential_provider = Some(Arc::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Ok(Secret::new("fresh-key"))
    }));
    config.endpoint.auth = Auth::ApiKey(Secret::new("unused"));
    let (session, mut rx) = connect(config).await.unwrap();

    let mut sent = Vec::new();
    for i in 0..200 {
        let chunk = noise(i, 640);
        sent.extend_from_slice(&chunk);
        session.send_audio(chunk).await.unwrap();
    }
    let total = sent.len() as u64;
    let hash = fnv1a64(&sent);
    let all_arrived = mock
        .wait_for(
            |s| {
                s.sessions
                    .values()
                    .any(|x| x.audio_bytes == total && x.connections >= 4)
            },
            DEADLINE,
        )
        .await;
    let stats = mock.stats();
    assert!(all_arrived, "audio did not all arrive: {stats:#?}");
    let s = stats.sessions.values().find(|x| x.audio_bytes == total).unwrap();
    assert_eq!(s.audio_fnv1a64, hash, "every byte exactly once, in order");
    assert_eq!(stats.resumptions_ok, 3);

    // The session is still one session: a turn works, and the app saw three resumed reconnects.
    session
        .send_client_content(vec![Content::text("user", "still there?")], true)
        .await
        .unwrap();
    let seen = until(&mut rx, "the reply", |e| {
        matches!(e, SessionEvent::TurnComplete { .. })
    })
    .await;
    let resumed = seen
        .iter()
        .filter(|e| matches!(e, SessionEvent::Reconnected { resumed: true, .. }))
        .count();
    assert_eq!(resumed, 3, "{seen:#?}");
    assert!(seen.iter().any(|e| matches!(e, SessionEvent::GoAway { .. })));
    assert!(!seen.iter().any(SessionEvent::is_closed));
    assert_eq!(session.phase(), SessionPhase::Active);
    assert_eq!(
        fetched.load(Ordering::SeqCst),
        4,
        "a fresh credential for every connection"
    );
    assert_eq!(session.dropped_audio(), 0);
}

#[tokio::test]
async fn an_unknown_handle_is_fatal_and_not_retried() {
    let mock = mock(MockConfig::default()).await;
    let mut session_config = text_session();
    session_config.session_resumption = Some(SessionResumption {
        handle: Some("no-such-handle".into()),
        transparent: false,
    });
    match connect(client_config(&mock, session_config)).await {
        Err(gemini_live::transport::Error::ServerClosed { code: 1008, reason }) => {
            assert_eq!(reason, "BidiGenerateContent session not found")
        }
        other => panic!("expected 1008 session not found, got {other:?}"),
    }
    assert_eq!(mock.stats().connections_accepted, 1);
}

#[tokio::test]
async fn a_retry_budget_ends_the_session_with_a_clear_error() {
    // The first connection drops; every later credential fetch fails, so reconnects fail.
    let mock = mock_with_faults(serde_json::json!([
        {"kind": "drop_tcp", "connection": 1, "after_messages": 1}
    ]))
    .await;
    let mut session_config = text_session();
    session_config.session_resumption = Some(SessionResumption::default());
    let mut config = client_config(&mock, session_config);
    config.reconnect.max_attempts = 3;
    config.reconnect.initial_backoff = std::time::Duration::from_millis(10);
    // The first connection lives a moment only; here it counts as healthy, so all three
    // attempts are spent on the failing credential.
    config.reconnect.stable_after = std::time::Duration::ZERO;
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = attempts.clone();
    config.endpoint.credential_provider = Some(Arc::new(move || {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            Ok(Secret::new("k"))
        } else {
            Err("token service unavailable".into())
        }
    }));
    let (session, mut rx) = connect(config).await.unwrap();
    session.send_text("hello").await.unwrap();
    let seen = until(&mut rx, "closed", SessionEvent::is_closed).await;
    let reconnecting = seen
        .iter()
        .filter(|e| matches!(e, SessionEvent::Reconnecting { .. }))
        .count();
    assert_eq!(reconnecting, 3);
    let failed_attempts = seen
        .iter()
        .filter(|e| {
            matches!(
                e,
                SessionEvent::Error {
                    code: ErrorCode::Connection,
                    fatal: false,
                    ..
                }
            )
        })
        .count();
    assert_eq!(failed_attempts, 3, "each failed attempt is reported");
    assert!(seen.iter().any(|e| matches!(e, SessionEvent::Error { code: ErrorCode::RetriesExhausted, fatal: true, message } if message.contains("token service unavailable"))));
    assert!(matches!(
        seen.last(),
        Some(SessionEvent::Closed {
            class: CloseClass::Retryable,
            ..
        })
    ));
}

#[tokio::test]
async fn a_server_that_stalls_after_go_away_is_left_before_its_deadline() {
    let mock = mock_with_faults(serde_json::json!([
        {"kind": "stall_after_go_away", "connection": 1, "after_messages": 1, "time_left_ms": 600}
    ]))
    .await;
    let mut session_config = text_session();
    session_config.session_resumption = Some(SessionResumption::default());
    let (session, mut rx) = open(&mock, session_config).await;
    session.send_text("first").await.unwrap();
    until(&mut rx, "goAway", |e| matches!(e, SessionEvent::GoAway { .. })).await;
    session.send_text("second").await.unwrap();
    let seen = until(
        &mut rx,
        "the reply on the new connection",
        |e| matches!(e, SessionEvent::Text(t) if t.contains("second")),
    )
    .await;
    assert!(seen
        .iter()
        .any(|e| matches!(e, SessionEvent::Reconnected { resumed: true, .. })));
    assert_eq!(mock.stats().resumptions_ok, 1);
}

#[tokio::test]
async fn audio_over_the_replay_bounds_is_dropped_counted_and_reported() {
    let mock = mock_with_faults(serde_json::json!([
        {"kind": "drop_tcp", "connection": 1, "after_messages": 20}
    ]))
    .await;
    let mut session_config = text_session();
    session_config.session_resumption = Some(SessionResumption {
        handle: None,
        transparent: true,
    });
    let mut config = client_config(&mock, session_config);
    config.reconnect.replay_max_bytes = 8 * 1024;
    let (session, mut rx) = connect(config).await.unwrap();
    for i in 0..100 {
        session.send_audio(noise(i, 640)).await.unwrap();
    }
    let seen = until(&mut rx, "reconnected", |e| {
        matches!(e, SessionEvent::Reconnected { .. })
    })
    .await;
    let dropped = session.dropped_audio();
    assert!(dropped > 0, "a bound this small must drop audio");
    let reported = seen.iter().find_map(|e| match e {
        SessionEvent::Error {
            code: ErrorCode::ReplayOverflow,
            fatal: false,
            message,
        } => Some(message.clone()),
        _ => None,
    });
    assert!(
        reported.is_some_and(|m| m.starts_with(&dropped.to_string())),
        "{seen:#?}"
    );
}
