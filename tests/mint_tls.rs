//! Minting over HTTPS uses the library's TLS configuration: a token endpoint whose certificate
//! is signed by a private CA is trusted with that CA file and refused without it; the API key
//! goes only in the request header and never into an error message. The endpoint is the
//! mock's REST side behind a TLS terminator on loopback.

use gemini_live::transport::{create_auth_token, Error, RestEndpoint, Secret, TlsConfig, TokenRequest};
use gemini_live_mock::{MockConfig, MockServer};
use std::path::Path;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

mod tls;

/// Accepts TLS on a loopback port and relays each connection's plain bytes to `upstream`.
async fn tls_terminator(upstream: String) -> String {
    let acceptor = tls::acceptor();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, upstream) = (acceptor.clone(), upstream.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    format!("https://localhost:{port}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minting_over_https_trusts_the_ca_file_and_nothing_else() {
    let mock = MockServer::start(MockConfig {
        api_keys: vec!["backend-key".into()],
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let upstream = mock.http_url().trim_start_matches("http://").to_owned();
    let base = tls_terminator(upstream).await;
    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem");
    let endpoint = |tls: TlsConfig| RestEndpoint {
        base_url: Some(base.clone()),
        api_version: None,
        allow_insecure: false,
        tls,
    };
    let key = Secret::new("backend-key");
    let timeout = Duration::from_secs(10);

    let minted = create_auth_token(
        &key,
        &TokenRequest::default(),
        &endpoint(TlsConfig::with_ca_file(&ca).unwrap()),
        timeout,
    )
    .await
    .expect("minted over https with the CA file");
    assert!(minted.name.expose().starts_with("auth_tokens/"));
    assert!(minted.new_session_expire_time < minted.expire_time);

    let refused = create_auth_token(
        &key,
        &TokenRequest::default(),
        &endpoint(TlsConfig::system().unwrap()),
        timeout,
    )
    .await
    .expect_err("the private CA is not trusted by default");
    assert!(matches!(refused, Error::Connect(_)), "{refused:?}");
    assert!(!refused.to_string().contains("backend-key"), "{refused}");

    let bad = create_auth_token(
        &Secret::new("wrong-key"),
        &TokenRequest::default(),
        &endpoint(TlsConfig::with_ca_file(&ca).unwrap()),
        timeout,
    )
    .await
    .expect_err("a bad key");
    match &bad {
        Error::Http { status, message } => {
            assert_eq!(*status, 400);
            assert_eq!(message, "API key not valid. Please pass a valid API key.");
        }
        other => panic!("{other:?}"),
    }
    assert!(!bad.to_string().contains("wrong-key"));
    assert_eq!(mock.stats().auth_tokens_issued, 1);
    mock.shutdown().await;
}
