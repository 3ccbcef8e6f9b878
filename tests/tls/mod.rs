//! The test TLS identity (`tests/fixtures/tls`: a private CA and a loopback server certificate
//! it signed, valid for 100 years), for tests that run a `wss://` or `https://` peer.
#![allow(dead_code)]

use std::sync::Arc;

pub const CA_PEM: &str = include_str!("../fixtures/tls/ca.pem");
const SERVER_PEM: &str = include_str!("../fixtures/tls/server.pem");
const SERVER_KEY: &str = include_str!("../fixtures/tls/server.key");

/// A TLS acceptor presenting the loopback server certificate.
pub fn acceptor() -> tokio_rustls::TlsAcceptor {
    let certs = rustls_pemfile::certs(&mut SERVER_PEM.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("server certificate");
    let key = rustls_pemfile::private_key(&mut SERVER_KEY.as_bytes())
        .expect("server key")
        .expect("a key");
    let config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server config");
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}
