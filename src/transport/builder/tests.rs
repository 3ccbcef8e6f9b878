//! Every refusal of the builder, by variant and field.

use super::*;
use crate::transport::TlsError;
use std::sync::Arc;

fn builder() -> ConfigBuilder {
    let mut b = ConfigBuilder::new(SessionConfig::new("m"));
    b.api_key("k").unwrap();
    b
}

#[track_caller]
fn invalid<T: std::fmt::Debug>(result: Result<T, ConfigError>, expected: &str) {
    match result {
        Err(ConfigError::InvalidArgument { field, .. }) => assert_eq!(field, expected),
        other => panic!("expected an invalid `{expected}`, got {other:?}"),
    }
}

#[test]
fn defaults_build_with_credentials_only() {
    let config = builder().build().unwrap();
    let defaults = ConnectConfig::new(SessionConfig::new("m"), Endpoint::gemini(""));
    assert_eq!(config.connect_timeout, defaults.connect_timeout);
    assert_eq!(config.reconnect, defaults.reconnect);
    assert_eq!(config.max_message_bytes, MAX_MESSAGE_BYTES);
    assert!(config.tls.is_none());
    assert!(matches!(config.endpoint.auth, Auth::ApiKey(ref k) if k.expose() == "k"));
}

#[test]
fn credentials_are_required_and_checked_without_echo() {
    let b = ConfigBuilder::new(SessionConfig::new("m"));
    assert_eq!(b.build().unwrap_err(), ConfigError::NoCredentials);
    let mut with_provider = b.clone();
    with_provider.credential_provider(Some(Arc::new(|| Ok(Secret::new("fresh")))));
    assert!(with_provider.build().is_ok(), "a provider alone is enough");

    let mut b = builder();
    invalid(b.api_key(""), "api_key");
    invalid(b.ephemeral_token(""), "token");
    for bad in ["Secr\u{e9}t", "Secret\n", "\tSecret"] {
        for result in [
            b.api_key(bad).map(|_| ()),
            b.ephemeral_token(bad).map(|_| ()),
            b.vertex("p", "us-central1", Some(bad)).map(|_| ()),
        ] {
            let e = result.unwrap_err();
            assert!(matches!(e, ConfigError::Credential { .. }), "{e:?}");
            assert!(!e.to_string().contains("Secr"), "echoes: {e}");
        }
    }
    // Refusals leave the earlier credentials in place.
    assert!(matches!(b.build().unwrap().endpoint.auth, Auth::ApiKey(ref k) if k.expose() == "k"));
}

#[test]
fn vertex_names_are_checked() {
    let mut b = builder();
    invalid(b.vertex("p", "127.0.0.1:18799/x#", Some("t")), "location");
    invalid(b.vertex("p/x", "us-central1", Some("t")), "project");
    invalid(b.vertex("p", "us-central1", Some("")), "access_token");
    b.vertex("p", "us-central1", None).unwrap();
    assert_eq!(
        b.build().unwrap().endpoint.model_name("m"),
        "projects/p/locations/us-central1/publishers/google/models/m"
    );
}

#[test]
fn urls_are_checked_at_the_setter_and_the_plain_text_rule_at_build() {
    let mut b = builder();
    invalid(b.base_url(Some("not a url")), "base_url");
    invalid(b.base_url(Some("ftp://example.com")), "base_url");
    let e = b.base_url(Some("ws://u:hunter2@[::1")).unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    b.base_url(Some("ws://user:hunter2@10.0.0.5:80/")).unwrap();
    let e = b.build().unwrap_err();
    assert!(matches!(e, ConfigError::PlainText { .. }), "{e:?}");
    assert!(
        e.to_string().contains("plain-text") && !e.to_string().contains("hunter2"),
        "{e}"
    );
    b.allow_insecure(true);
    assert!(b.build().is_ok());
    b.base_url(Some("ws://127.0.0.1:9"))
        .unwrap()
        .allow_insecure(false);
    assert!(b.build().is_ok(), "loopback is fine");
    b.base_url(None).unwrap();
    assert_eq!(b.build().unwrap().endpoint.base_url, None);

    invalid(b.api_version(Some("")), "api_version");
    invalid(b.api_version(Some("v1/x")), "api_version");
    b.api_version(Some("v1alpha")).unwrap();
}

#[test]
fn ranges_are_checked() {
    let mut b = builder();
    let zero = Duration::ZERO;
    invalid(b.connect_timeout(zero), "connect_timeout");
    invalid(b.setup_timeout(zero), "setup_timeout");
    invalid(b.write_timeout(zero), "write_timeout");
    invalid(b.close_timeout(zero), "close_timeout");
    invalid(b.ping_interval(Some(zero)), "ping_interval");
    invalid(b.idle_timeout(Some(zero)), "idle_timeout");
    invalid(b.migration_wait(zero), "migration_wait");
    invalid(b.send_queue(0), "send_queue");
    invalid(b.send_queue(65_537), "send_queue");
    invalid(b.max_message_bytes(MIN_MESSAGE_BYTES - 1), "max_message_bytes");
    invalid(b.max_message_bytes(MAX_MESSAGE_BYTES + 1), "max_message_bytes");
    invalid(b.audio_pacing(true, 7_999, 0), "sample_rate");
    invalid(b.audio_pacing(false, 48_001, 0), "sample_rate");
    invalid(b.audio_pacing(true, 0, 60_001), "burst_ms");
    invalid(b.reconnect(true, 0), "max_attempts");
    invalid(b.reconnect(true, 1001), "max_attempts");
    invalid(b.reconnect_budget(zero, zero, 1), "window");
    invalid(
        b.reconnect_budget(zero, Duration::from_secs(1), 0),
        "max_per_window",
    );
    invalid(b.model(" "), "model");
    assert_eq!(
        b.build().unwrap().connect_timeout,
        Duration::from_secs(10),
        "unchanged"
    );

    b.ping_interval(None).unwrap().idle_timeout(None).unwrap();
    b.connect_timeout(Duration::from_millis(1)).unwrap();
    b.reconnect(false, 0).unwrap();
    b.audio_pacing(true, 0, 100).unwrap();
    let c = b.build().unwrap();
    assert_eq!((c.ping_interval, c.idle_timeout), (None, None));
    assert_eq!(c.connect_timeout, Duration::from_millis(1));
    assert!(!c.reconnect.enabled);
    assert!(c.audio_pacing.is_some());
}

#[test]
fn an_empty_model_or_an_oversized_setup_is_refused_at_build() {
    let mut b = builder();
    b.session_mut().model = String::new();
    assert_eq!(b.build().unwrap_err(), ConfigError::NoModel);
    b.model("m")
        .unwrap()
        .max_message_bytes(MIN_MESSAGE_BYTES)
        .unwrap();
    b.session_mut().system_instruction = Some("x".repeat(MIN_MESSAGE_BYTES));
    match b.build() {
        Err(ConfigError::SetupTooLarge { size, limit }) => {
            assert!(size > limit && limit == MIN_MESSAGE_BYTES)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_ca_file_is_read_once_at_the_setter() {
    let mut b = builder();
    let e = b.ca_file(Some(Path::new("/nonexistent/ca.pem"))).unwrap_err();
    assert!(
        matches!(e, ConfigError::Tls(TlsError::Unreadable { .. })),
        "{e:?}"
    );
    let path = std::env::temp_dir().join(format!("gemini-live-builder-{}.pem", std::process::id()));
    std::fs::write(&path, "no PEM here").unwrap();
    let e = b.ca_file(Some(&path)).unwrap_err();
    assert!(
        matches!(e, ConfigError::Tls(TlsError::NoCertificate { .. })),
        "{e:?}"
    );
    let _ = std::fs::remove_file(&path);
    assert!(b.build().unwrap().tls.is_none(), "refusals leave it unset");
}

#[test]
fn every_config_built_shares_the_roots_read_at_the_setter() {
    let path = std::env::temp_dir().join(format!("gemini-live-builder-ca-{}.pem", std::process::id()));
    std::fs::write(&path, include_str!("../../../tests/fixtures/tls/ca.pem")).unwrap();
    let mut b = builder();
    b.ca_file(Some(&path)).unwrap();
    std::fs::remove_file(&path).unwrap();
    let (first, second) = (b.build().unwrap(), b.clone().build().unwrap());
    let (first, second) = (first.tls.unwrap(), second.tls.unwrap());
    assert_eq!(first.ca_file(), Some(path.as_path()));
    assert!(Arc::ptr_eq(&first.client_config(), &second.client_config()));
}
