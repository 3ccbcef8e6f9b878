//! gemini-live: a client for the Gemini Live API (real-time, two-way audio, video, text and
//! tool calls over one WebSocket), with a C ABI for C, C++, Go and Swift.
//!
//! The session reconnects, follows `goAway`, resumes with the server's handles and re-sends
//! what the server may not have read; events reach the application losslessly, in order, with
//! backpressure. The layers, bottom up (each imports only those below it; `tests/layers.rs`
//! checks it):
//!
//! - [`protocol`]: the wire messages, encoded and decoded field by field.
//! - [`audio`]: format conversion (resampling, G.711, float) and the playout buffer.
//! - [`session`]: what the application holds: [`SessionHandle`], [`SessionEvent`]s on an
//!   [`EventStream`], the phase machine, audio pacing. No I/O.
//! - [`transport`]: endpoints, credentials, TLS, and the connection loop behind [`connect`].
//! - [`ffi`]: the C ABI (`include/gemini_live.h`).
//!
//! The mock Live server used by the tests and the demo is its own crate, `gemini-live-mock`.
//!
//! # Example
//!
//! One text turn against the bundled mock server (against Gemini, use
//! `Endpoint::gemini(api_key)` and leave `base_url` unset). `examples/rust_session.rs` is the
//! same program, run by the test command:
//!
//! ```no_run
//! use gemini_live::{connect, ConnectConfig, Content, Endpoint, SessionConfig, SessionEvent};
//! use gemini_live_mock::{MockConfig, MockServer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockServer::start(MockConfig::default()).await?;
//! let mut endpoint = Endpoint::gemini("any-key");
//! endpoint.base_url = Some(mock.base_url());
//! let session = SessionConfig::new("gemini-live-2.5-flash-preview");
//!
//! let (handle, mut events) = connect(ConnectConfig::new(session, endpoint)).await?;
//! handle.send_client_content(vec![Content::text("user", "Hello!")], true).await?;
//! while let Some(event) = events.recv().await {
//!     match event {
//!         SessionEvent::OutputTranscription { text, .. } => print!("{text}"),
//!         SessionEvent::Text(text) => print!("{text}"),
//!         SessionEvent::TurnComplete { .. } => break,
//!         _ => {}
//!     }
//! }
//! handle.shutdown(std::time::Duration::from_secs(2)).await;
//! # mock.shutdown().await;
//! # Ok(())
//! # }
//! ```

pub mod audio;
pub mod ffi;
pub mod protocol;
pub mod session;
pub mod transport;

pub use protocol::{Content, FunctionCall, FunctionResponse, Modality, SessionConfig};
pub use session::{
    CloseClass, ErrorCode, EventStream, SessionError, SessionEvent, SessionHandle, SessionPhase,
};
pub use transport::{
    connect, Auth, ConfigBuilder, ConfigError, ConnectConfig, Endpoint, Error, ReconnectPolicy,
};
