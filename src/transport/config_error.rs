//! Why a configuration was refused: what [`super::ConfigBuilder`] and the checks it uses return.

use std::path::PathBuf;

/// A configuration the transport refuses, found before anything connects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A value outside its rules: `field` names it, `reason` says why (never a secret's text).
    #[error("invalid `{field}`: {reason}")]
    InvalidArgument { field: &'static str, reason: String },
    /// A credential (API key, token) that cannot go in an HTTP header. The message says where
    /// the bad character is and what kind it is, never the credential's text.
    #[error("the {what} {reason}")]
    Credential { what: String, reason: String },
    /// Neither a credential nor a credential provider was set.
    #[error(
        "no credentials: set an API key, an ephemeral token, Vertex credentials or a credential provider"
    )]
    NoCredentials,
    /// The model name is empty or blank.
    #[error("no model set")]
    NoModel,
    /// A plain-text (`ws://`, `http://`) base URL to a host other than loopback, without
    /// `allow_insecure`. `url` is redacted.
    #[error("refusing plain-text {url:?}: ws:// is only allowed to loopback unless insecure connections are enabled")]
    PlainText { url: String },
    /// A setting only Vertex AI accepts, on a Gemini API session (the service would close the
    /// connection with 1007).
    #[error("`{field}` is a Vertex AI setting; the Gemini API refuses it")]
    VertexOnly { field: &'static str },
    /// The CA file or the TLS setup.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The `setup` message alone is above the message limit.
    #[error(
        "the setup message (system instruction, tools, merged setup JSON) encodes to {size} bytes, \
         above the limit of {limit} bytes per message"
    )]
    SetupTooLarge { size: usize, limit: usize },
}

impl ConfigError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        ConfigError::InvalidArgument {
            field,
            reason: reason.into(),
        }
    }
}

/// Why the TLS configuration could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read CA file {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("bad PEM in CA file {}: {reason}", path.display())]
    BadPem { path: PathBuf, reason: String },
    #[error("bad certificate in CA file {}: {reason}", path.display())]
    BadCertificate { path: PathBuf, reason: String },
    #[error("no certificates in CA file {}", path.display())]
    NoCertificate { path: PathBuf },
    #[error("TLS setup: {0}")]
    Setup(String),
}
