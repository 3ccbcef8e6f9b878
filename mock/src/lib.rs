//! A protocol-faithful local Gemini Live server for tests, examples and CI.
//!
//! It speaks the wire protocol of the real service: the three
//! endpoint paths, auth closes, lenient proto3-JSON parsing (optionally strict), binary server
//! frames, a deterministic built-in model (described in docs/mock.md: text and audio replies,
//! VAD, transcriptions, tool calls, barge-in), session resumption, goAway, scripted scenarios
//! and fault injection, plus test aids the real service lacks: emulated network latency
//! ([`LatencySpec`]), a server that stops reading ([`FaultKind::StopReading`]) and per-chunk
//! audio accounting ([`SessionStats::audio_chunks`]). It is independent of the client modules:
//! it works on `serde_json::Value`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use gemini_live_mock::{MockConfig, MockServer};
//! let server = MockServer::start(MockConfig::default()).await?;
//! let url = format!("{}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=k", server.base_url());
//! # let _ = url;
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod audio;
mod auth;
mod chunks;
mod config;
mod connection;
mod faults;
mod latency;
mod model;
mod outbox;
mod parse;
mod rest;
mod resumption;
mod scenario;
mod server;
mod stats;
mod vad;
mod wire;

pub use chunks::{AudioChunk, AUDIO_CHUNK_LIMIT};
pub use config::{CloseSpec, FaultKind, FaultSpec, LatencySpec, MockConfig, ScenarioLine};
pub use stats::{CloseRecord, MessageCounts, MockStats, SessionStats, ToolResponseRecord};

use connection::ServerState;
use resumption::ResumptionStore;
use scenario::Scenario;
use stats::StatsHub;
use std::collections::HashSet;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running mock server on the current tokio runtime.
pub struct MockServer {
    addr: SocketAddr,
    rest: Arc<rest::RestShared>,
    stats: StatsHub,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Binds `config.bind` and starts accepting on the current tokio runtime.
    /// Fails on a bind error, an invalid scenario or a fault that could never fire.
    pub async fn start(config: MockConfig) -> io::Result<MockServer> {
        let scenario = Scenario::load(&config)?;
        faults::validate(&config.faults)?;
        let listener = TcpListener::bind(&config.bind).await?;
        let addr = listener.local_addr()?;
        let stats = StatsHub::new();
        let registry = Arc::new(rest::Registry::default());
        let rest_listener = TcpListener::bind((addr.ip(), 0)).await?;
        let rest_addr = rest_listener.local_addr()?;
        let rest = Arc::new(rest::RestShared {
            settings: rest::RestSettings {
                api_keys: config.api_keys.clone(),
                access_token_lifetime: Duration::from_millis(config.access_token_lifetime_ms),
            },
            registry: registry.clone(),
            stats: stats.clone(),
            addr: loopback(rest_addr),
        });
        let shared = Arc::new(ServerState {
            registry,
            resumption: ResumptionStore::new(Duration::from_millis(config.resumption_handle_ttl_ms)),
            cfg: Arc::new(config),
            scenario: Arc::new(scenario),
            stats: stats.clone(),
            used_tokens: Mutex::new(HashSet::new()),
        });
        let (stop, stopped) = watch::channel(false);
        let rest_task = tokio::spawn(rest::accept_loop(rest_listener, rest.clone(), stopped.clone()));
        let ws_task = tokio::spawn(server::accept_loop(listener, shared, stopped));
        let task = tokio::spawn(async move {
            let _ = tokio::join!(ws_task, rest_task);
        });
        Ok(MockServer {
            addr,
            rest,
            stats,
            stop,
            task: Some(task),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://HOST:PORT` (an unspecified bind address is reported as loopback).
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(if addr.is_ipv4() {
                [127, 0, 0, 1].into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        format!("ws://{addr}")
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> MockStats {
        self.stats.snapshot()
    }

    /// `http://HOST:PORT` of the REST side (a listener of its own): ephemeral-token minting
    /// (`POST /v1alpha/auth_tokens`), the OAuth token endpoint (`POST /token`) and the metadata
    /// server (`/computeMetadata/v1/...`; point `GCE_METADATA_HOST` at `HOST:PORT`).
    pub fn http_url(&self) -> String {
        format!("http://{}", self.rest.addr)
    }

    /// Makes a test credentials file's JSON: `"service_account"` (a new RSA key whose
    /// signatures the token endpoint checks) or `"authorized_user"` (a refresh token); both
    /// name this mock's token endpoint as `token_uri`. Any other kind is `InvalidInput`.
    pub fn credentials_json(&self, kind: &str) -> io::Result<String> {
        match kind {
            "service_account" => rest::new_service_account(&self.rest),
            "authorized_user" => Ok(rest::new_authorized_user(&self.rest)),
            other => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("unknown credentials kind {other:?} (service_account, authorized_user)"),
            )),
        }
    }

    /// Waits until `pred` holds (re-evaluated on every stats change) or `timeout` passes.
    pub async fn wait_for<F: Fn(&MockStats) -> bool>(&self, pred: F, timeout: Duration) -> bool {
        self.stats.wait_for(pred, timeout).await
    }

    /// Stops accepting, closes every connection (1001) and waits for them (at most ~3 s).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// `addr` with an unspecified IP reported as loopback.
fn loopback(mut addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            [127, 0, 0, 1].into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    addr
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// [`MockServer`] for callers without a tokio runtime (the C ABI): it owns a runtime with one
/// worker thread named `gemini-live-mock`. Do not call it from inside an async context.
pub struct BlockingMockServer {
    runtime: tokio::runtime::Runtime,
    server: Option<MockServer>,
}

impl BlockingMockServer {
    pub fn start(config: MockConfig) -> io::Result<BlockingMockServer> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("gemini-live-mock")
            .enable_all()
            .build()?;
        let server = runtime.block_on(MockServer::start(config))?;
        Ok(BlockingMockServer {
            runtime,
            server: Some(server),
        })
    }

    fn server(&self) -> &MockServer {
        self.server.as_ref().expect("present until shutdown")
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.server().local_addr()
    }

    pub fn base_url(&self) -> String {
        self.server().base_url()
    }

    pub fn http_url(&self) -> String {
        self.server().http_url()
    }

    pub fn credentials_json(&self, kind: &str) -> io::Result<String> {
        self.server().credentials_json(kind)
    }

    pub fn stats(&self) -> MockStats {
        self.server().stats()
    }

    pub fn wait_for<F: Fn(&MockStats) -> bool>(&self, pred: F, timeout: Duration) -> bool {
        self.runtime.block_on(self.server().wait_for(pred, timeout))
    }

    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}

impl Drop for BlockingMockServer {
    fn drop(&mut self) {
        self.stop();
    }
}
