//! Errors of the transport layer: everything that can go wrong opening a connection (TLS,
//! credentials, the endpoint, DNS/TCP/upgrade, deadlines, the server's answer to `setup`).
//! Each failure is constructed as its variant where it happens; no layer above inspects text.

use super::config_error::ConfigError;
use crate::session::SessionError;

/// Why connecting (or one connection attempt) failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The configuration is unusable: a bad base URL or scheme, plain text to a non-loopback
    /// host, an empty model, a header that cannot be sent, the TLS setup
    /// ([`ConfigError::Tls`]). Found before any byte goes out.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The credential provider failed, panicked, or returned an unusable credential.
    #[error("credential provider failed: {0}")]
    Credential(String),
    /// DNS, TCP, the TLS handshake or the WebSocket upgrade failed, or the connection broke
    /// before `setupComplete`.
    #[error("connection failed: {0}")]
    Connect(String),
    /// A deadline passed (connect or setup).
    #[error("timed out: {0}")]
    Timeout(String),
    /// The server broke the protocol (e.g. did not answer `setup` with `setupComplete`).
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The server closed the connection with a close frame; `code` is its WebSocket close code
    /// (1005 when the frame had none) and `reason` the server's text, verbatim.
    #[error("closed by server ({code}): {reason}")]
    ServerClosed { code: u16, reason: String },
    /// A REST call (minting an ephemeral token) got an HTTP error: its status and the
    /// service's message, verbatim.
    #[error("the service answered HTTP {status}: {message}")]
    Http { status: u16, message: String },
    /// A session-layer failure (e.g. a credential or Vertex setting that is not valid input).
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl Error {
    /// The close code and the server's reason, for [`Error::ServerClosed`].
    pub fn close(&self) -> Option<(u16, &str)> {
        match self {
            Error::ServerClosed { code, reason } => Some((*code, reason)),
            _ => None,
        }
    }
}
