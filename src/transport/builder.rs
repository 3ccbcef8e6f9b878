//! [`ConfigBuilder`]: the one place a [`ConnectConfig`] is checked. Each setter checks its
//! own value and leaves the builder unchanged when it refuses one; [`ConfigBuilder::build`]
//! checks what depends on several values. The C ABI's config setters are thin wrappers over it.

use super::config::{ConnectConfig, ReconnectPolicy};
use super::config_error::ConfigError;
use super::endpoint::{
    check_custom_header, check_plain_text, check_vertex_location, check_vertex_project, parse_base_url, Auth,
    Endpoint,
};
use super::secret::{check_secret_text, CredentialProvider, Secret};
use super::tls::TlsConfig;
use crate::protocol::SessionConfig;
use crate::session::BackpressureConfig;
use crate::session::{MAX_MESSAGE_BYTES, MIN_MESSAGE_BYTES};
use std::path::Path;
use std::time::Duration;

/// Builds a checked [`ConnectConfig`]:
///
/// ```no_run
/// # fn main() -> Result<(), gemini_live::transport::ConfigError> {
/// use gemini_live::protocol::SessionConfig;
/// use gemini_live::transport::ConfigBuilder;
/// use std::time::Duration;
///
/// let mut builder = ConfigBuilder::new(SessionConfig::new("gemini-live-2.5-flash-preview"));
/// builder.api_key("AIza...")?.connect_timeout(Duration::from_secs(5))?;
/// let config = builder.build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ConfigBuilder {
    /// Everything but the credentials, kept in the shape `build` returns.
    config: ConnectConfig,
    auth: Option<Auth>,
}

impl ConfigBuilder {
    /// The defaults of [`ConnectConfig::new`], no credentials yet.
    pub fn new(session: SessionConfig) -> Self {
        ConfigBuilder {
            config: ConnectConfig::new(session, Endpoint::gemini("")),
            auth: None,
        }
    }

    /// The `setup` settings (model, modality, tools...), sent as they are.
    pub fn session(&self) -> &SessionConfig {
        &self.config.session
    }

    pub fn session_mut(&mut self) -> &mut SessionConfig {
        &mut self.config.session
    }

    /// The model id or full name. Refused: blank.
    pub fn model(&mut self, model: &str) -> Result<&mut Self, ConfigError> {
        if model.trim().is_empty() {
            return Err(ConfigError::invalid("model", "is blank"));
        }
        self.config.session.model = model.to_owned();
        Ok(self)
    }

    /// The Gemini API with an API key; replaces earlier credentials. Refused: empty, or a
    /// character that cannot go in an HTTP header.
    pub fn api_key(&mut self, key: &str) -> Result<&mut Self, ConfigError> {
        let key = secret(key, "api_key")?;
        self.auth = Some(Auth::ApiKey(key));
        Ok(self)
    }

    /// The Gemini API with an ephemeral token; replaces earlier credentials. Refused as
    /// [`ConfigBuilder::api_key`].
    pub fn ephemeral_token(&mut self, token: &str) -> Result<&mut Self, ConfigError> {
        let token = secret(token, "token")?;
        self.auth = Some(Auth::EphemeralToken(token));
        Ok(self)
    }

    /// Vertex AI; replaces earlier credentials. `access_token` may be `None` when a
    /// credential provider supplies it. Refused: a project or location outside
    /// [`check_vertex_project`] and [`check_vertex_location`], an empty or unsendable token.
    pub fn vertex(
        &mut self,
        project: &str,
        location: &str,
        access_token: Option<&str>,
    ) -> Result<&mut Self, ConfigError> {
        check_vertex_project(project)?;
        check_vertex_location(location)?;
        let token = match access_token {
            Some(token) => secret(token, "access_token")?,
            None => Secret::new(""),
        };
        self.auth = Some(Auth::Vertex {
            project: project.to_owned(),
            location: location.to_owned(),
            access_token: token,
        });
        Ok(self)
    }

    /// Vertex AI in express mode with an API key (sent as `x-goog-api-key` to
    /// `aiplatform.googleapis.com`; the model becomes `publishers/google/models/...`); replaces
    /// earlier credentials. Refused as [`ConfigBuilder::api_key`].
    pub fn vertex_api_key(&mut self, key: &str) -> Result<&mut Self, ConfigError> {
        let key = secret(key, "api_key")?;
        self.auth = Some(Auth::VertexApiKey(key));
        Ok(self)
    }

    /// Adds a request header to the WebSocket upgrade (e.g. `x-goog-user-project`), replacing
    /// an earlier one of the same name (case-insensitive) and the library's default of that
    /// name (`user-agent`, `x-goog-api-client`). Refused: see [`check_custom_header`].
    pub fn header(&mut self, name: &str, value: &str) -> Result<&mut Self, ConfigError> {
        check_custom_header(name, value)?;
        let headers = &mut self.config.endpoint.headers;
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        headers.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// Removes every custom header.
    pub fn clear_headers(&mut self) -> &mut Self {
        self.config.endpoint.headers.clear();
        self
    }

    /// Asked for a fresh credential before every connection attempt; it replaces the secret of
    /// the configured backend (the Gemini API with an API key when none was set).
    pub fn credential_provider(&mut self, provider: Option<CredentialProvider>) -> &mut Self {
        self.config.endpoint.credential_provider = provider;
        self
    }

    /// Vertex AI with Application Default Credentials (see [`super::adc`]): replaces earlier
    /// credentials and the credential provider with one that fetches, caches and refreshes
    /// access tokens, asked before every connection. Its HTTP requests use the CA file set
    /// so far. Refused: a project or location as in [`ConfigBuilder::vertex`].
    pub fn vertex_adc(
        &mut self,
        project: &str,
        location: &str,
        options: super::adc::AdcOptions,
    ) -> Result<&mut Self, ConfigError> {
        self.vertex(project, location, None)?;
        let tls = match &self.config.tls {
            Some(tls) => tls.clone(),
            None => TlsConfig::system()?,
        };
        self.config.endpoint.credential_provider = Some(super::adc::adc_provider(options, tls));
        Ok(self)
    }

    /// Replaces scheme, host and path prefix of the service URL (`None`: the service's own).
    /// Refused: not a URL, or a scheme other than ws, wss, http, https. Plain text to a
    /// non-loopback host is refused by `build` unless [`ConfigBuilder::allow_insecure`].
    pub fn base_url(&mut self, url: Option<&str>) -> Result<&mut Self, ConfigError> {
        if let Some(url) = url {
            parse_base_url(url).map_err(|why| ConfigError::invalid("base_url", why))?;
        }
        self.config.endpoint.base_url = url.map(str::to_owned);
        Ok(self)
    }

    pub fn allow_insecure(&mut self, allow: bool) -> &mut Self {
        self.config.endpoint.allow_insecure = allow;
        self
    }

    /// The API version in the URL (`None`: the backend's default). Refused: empty, or other
    /// than ASCII letters, digits, `.`, `_` and `-`.
    pub fn api_version(&mut self, version: Option<&str>) -> Result<&mut Self, ConfigError> {
        if let Some(v) = version {
            let ok = !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
            if !ok {
                return Err(ConfigError::invalid(
                    "api_version",
                    format!("{v:?} is not a version name"),
                ));
            }
        }
        self.config.endpoint.api_version = version.map(str::to_owned);
        Ok(self)
    }

    /// Trusts a PEM file's CAs besides the system roots (`None`: the system roots only). The
    /// file is read now, once: connections and reconnects reuse what was read.
    pub fn ca_file(&mut self, path: Option<&Path>) -> Result<&mut Self, ConfigError> {
        self.config.tls = path.map(TlsConfig::with_ca_file).transpose()?;
        Ok(self)
    }

    /// TCP + TLS + WebSocket upgrade deadline. Refused: 0.
    pub fn connect_timeout(&mut self, timeout: Duration) -> Result<&mut Self, ConfigError> {
        self.config.connect_timeout = positive(timeout, "connect_timeout")?;
        Ok(self)
    }

    /// Deadline for `setup` and `setupComplete`. Refused: 0.
    pub fn setup_timeout(&mut self, timeout: Duration) -> Result<&mut Self, ConfigError> {
        self.config.setup_timeout = positive(timeout, "setup_timeout")?;
        Ok(self)
    }

    /// Deadline of every socket write. Refused: 0.
    pub fn write_timeout(&mut self, timeout: Duration) -> Result<&mut Self, ConfigError> {
        self.config.write_timeout = positive(timeout, "write_timeout")?;
        Ok(self)
    }

    /// Deadline of a graceful close. Refused: 0.
    pub fn close_timeout(&mut self, timeout: Duration) -> Result<&mut Self, ConfigError> {
        self.config.close_timeout = positive(timeout, "close_timeout")?;
        Ok(self)
    }

    /// Keepalive ping interval (`None`: no pings). Refused: 0.
    pub fn ping_interval(&mut self, interval: Option<Duration>) -> Result<&mut Self, ConfigError> {
        self.config.ping_interval = interval.map(|d| positive(d, "ping_interval")).transpose()?;
        Ok(self)
    }

    /// How long a silent connection lives (`None`: forever). Refused: 0.
    pub fn idle_timeout(&mut self, timeout: Option<Duration>) -> Result<&mut Self, ConfigError> {
        self.config.idle_timeout = timeout.map(|d| positive(d, "idle_timeout")).transpose()?;
        Ok(self)
    }

    /// Outgoing queue length in messages. Refused: outside 1..=65536.
    pub fn send_queue(&mut self, messages: usize) -> Result<&mut Self, ConfigError> {
        if !(1..=65_536).contains(&messages) {
            return Err(ConfigError::invalid(
                "send_queue",
                format!("{messages} is outside 1..=65536"),
            ));
        }
        self.config.send_queue = messages;
        Ok(self)
    }

    /// The largest client message, in bytes of encoded JSON. Refused: outside
    /// [`MIN_MESSAGE_BYTES`]..=[`MAX_MESSAGE_BYTES`].
    pub fn max_message_bytes(&mut self, bytes: usize) -> Result<&mut Self, ConfigError> {
        if !(MIN_MESSAGE_BYTES..=MAX_MESSAGE_BYTES).contains(&bytes) {
            return Err(ConfigError::invalid(
                "max_message_bytes",
                format!("{bytes} is outside {MIN_MESSAGE_BYTES}..={MAX_MESSAGE_BYTES}"),
            ));
        }
        self.config.max_message_bytes = bytes;
        Ok(self)
    }

    /// Paces audio sends to real time for PCM16 mono at `sample_rate` (16000 if 0), letting a
    /// burst of `burst_ms` through; `enable` false turns pacing off. Checked either way.
    /// Refused: a rate outside 8000..=48000, a burst above 60000 ms.
    pub fn audio_pacing(
        &mut self,
        enable: bool,
        sample_rate: u32,
        burst_ms: u32,
    ) -> Result<&mut Self, ConfigError> {
        let rate = if sample_rate == 0 { 16_000 } else { sample_rate };
        if !(8_000..=48_000).contains(&rate) {
            return Err(ConfigError::invalid(
                "sample_rate",
                format!("{rate} is outside 8000..=48000"),
            ));
        }
        if burst_ms > 60_000 {
            return Err(ConfigError::invalid(
                "burst_ms",
                format!("{burst_ms} is above 60000"),
            ));
        }
        self.config.audio_pacing = enable.then(|| BackpressureConfig::realtime_pcm16(rate, burst_ms));
        Ok(self)
    }

    /// Reconnects (with session resumption) after a lost connection or `goAway`, giving up
    /// after `max_attempts` consecutive failures. Refused: enabled with attempts outside
    /// 1..=1000. Disabled keeps the earlier attempt count.
    pub fn reconnect(&mut self, enable: bool, max_attempts: u32) -> Result<&mut Self, ConfigError> {
        if enable && !(1..=1000).contains(&max_attempts) {
            return Err(ConfigError::invalid(
                "max_attempts",
                format!("{max_attempts} is outside 1..=1000"),
            ));
        }
        self.config.reconnect.enabled = enable;
        if enable {
            self.config.reconnect.max_attempts = max_attempts;
        }
        Ok(self)
    }

    /// The reconnect budget (see [`ReconnectPolicy`]). Refused: a zero `window` or
    /// `max_per_window`.
    pub fn reconnect_budget(
        &mut self,
        stable_after: Duration,
        window: Duration,
        max_per_window: u32,
    ) -> Result<&mut Self, ConfigError> {
        let window = positive(window, "window")?;
        if max_per_window == 0 {
            return Err(ConfigError::invalid("max_per_window", "must be at least 1"));
        }
        let policy = &mut self.config.reconnect;
        policy.stable_after = stable_after;
        policy.window = window;
        policy.max_reconnects_per_window = max_per_window;
        Ok(self)
    }

    /// How long a planned move may hold new messages back. Refused: 0.
    pub fn migration_wait(&mut self, wait: Duration) -> Result<&mut Self, ConfigError> {
        self.config.reconnect.migration_wait = positive(wait, "migration_wait")?;
        Ok(self)
    }

    /// The replay buffer's bounds: at most `max_bytes` of JSON (up to 1 GiB)
    /// and nothing older than `max_age`; over either, the oldest audio is dropped. 0 keeps no
    /// audio for replay. Refused: `max_bytes` above the limit.
    pub fn replay_bounds(&mut self, max_bytes: usize, max_age: Duration) -> Result<&mut Self, ConfigError> {
        if max_bytes > MAX_REPLAY_BYTES {
            return Err(ConfigError::invalid(
                "max_bytes",
                format!("{max_bytes} is above {MAX_REPLAY_BYTES}"),
            ));
        }
        self.config.reconnect.replay_max_bytes = max_bytes;
        self.config.reconnect.replay_max_age = max_age;
        Ok(self)
    }

    /// The reconnect policy so far.
    pub fn reconnect_policy(&self) -> &ReconnectPolicy {
        &self.config.reconnect
    }

    /// The checked configuration. Refused: no credentials and no provider, no model, plain
    /// text to a non-loopback host without `allow_insecure`, a `setup` message above the
    /// message limit.
    pub fn build(&self) -> Result<ConnectConfig, ConfigError> {
        let auth = match (&self.auth, &self.config.endpoint.credential_provider) {
            (Some(auth), _) => auth.clone(),
            (None, Some(_)) => Auth::ApiKey(Secret::new("")),
            (None, None) => return Err(ConfigError::NoCredentials),
        };
        if self.config.session.model.trim().is_empty() {
            return Err(ConfigError::NoModel);
        }
        if !matches!(auth, Auth::Vertex { .. } | Auth::VertexApiKey(_)) {
            // The Gemini API closes the connection (1007) on these; the official SDKs refuse
            // them before connecting, and so do we.
            let session = &self.config.session;
            if session.session_resumption.as_ref().is_some_and(|r| r.transparent) {
                return Err(ConfigError::VertexOnly {
                    field: "session_resumption.transparent",
                });
            }
            if session.explicit_vad_signal.is_some() {
                return Err(ConfigError::VertexOnly {
                    field: "explicit_vad_signal",
                });
            }
        }
        let mut config = self.config.clone();
        config.endpoint.auth = auth;
        if let Some(base) = &config.endpoint.base_url {
            let (url, _) = parse_base_url(base).map_err(|why| ConfigError::invalid("base_url", why))?;
            check_plain_text(&url, base, config.endpoint.allow_insecure)?;
        }
        // The setup message is a client message too: refuse it here rather than have the
        // server reset the connection.
        let model_name = config.endpoint.model_name(&config.session.model);
        let size = crate::protocol::encode_setup(config.session.setup_object(&model_name))
            .json
            .len();
        if size > config.max_message_bytes {
            return Err(ConfigError::SetupTooLarge {
                size,
                limit: config.max_message_bytes,
            });
        }
        Ok(config)
    }
}

fn secret(text: &str, field: &'static str) -> Result<Secret, ConfigError> {
    if text.is_empty() {
        return Err(ConfigError::invalid(field, "is empty"));
    }
    check_secret_text(text, &format!("`{field}`"))?;
    Ok(Secret::new(text))
}

/// The largest replay buffer a session may keep (1 GiB of JSON, about 30 minutes of 16 kHz
/// audio): a sanity bound against a unit mistake, far above any sensible setting.
pub(crate) const MAX_REPLAY_BYTES: usize = 1 << 30;

fn positive(d: Duration, field: &'static str) -> Result<Duration, ConfigError> {
    if d.is_zero() {
        return Err(ConfigError::invalid(field, "must be above 0"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests;
