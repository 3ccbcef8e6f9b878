//! REST calls beside the Live WebSocket: an HTTP/1.1 client (hyper) on the library's rustls
//! configuration (so a custom CA file applies), and minting ephemeral tokens
//! (`POST {base}/{version}/auth_tokens`).

use super::config_error::ConfigError;
use super::endpoint::{check_plain_text, redact_url};
use super::error::Error;
use super::secret::Secret;
use super::tls::TlsConfig;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const GEMINI_REST_BASE: &str = "https://generativelanguage.googleapis.com";
/// Largest response body read.
const RESPONSE_LIMIT: usize = 1024 * 1024;

/// An HTTP client for REST calls, on a [`TlsConfig`].
#[derive(Clone)]
pub(crate) struct HttpClient {
    inner: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
}

/// An HTTP answer: status and body.
pub(crate) struct HttpReply {
    pub status: u16,
    pub body: Bytes,
}

impl HttpClient {
    pub(crate) fn new(tls: &TlsConfig) -> HttpClient {
        // hyper-rustls sets the ALPN protocols itself (HTTP/1.1 only here).
        let mut config = (*tls.client_config()).clone();
        config.alpn_protocols.clear();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http()
            .enable_http1()
            .build();
        // No pooled connections: token requests are rare, and a pooled connection would be
        // tied to the runtime of the request that opened it.
        HttpClient {
            inner: Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(0)
                .build(https),
        }
    }

    /// Sends `req` and reads the whole answer, within `timeout`. Transport failures become
    /// [`Error::Connect`] / [`Error::Timeout`] with the URL redacted.
    pub(crate) async fn send(
        &self,
        req: Request<Full<Bytes>>,
        timeout: Duration,
    ) -> Result<HttpReply, Error> {
        let url = redact_url(&req.uri().to_string());
        let call = async {
            let resp = self
                .inner
                .request(req)
                .await
                .map_err(|e| Error::Connect(format!("{url}: {}", error_chain(&e))))?;
            let status = resp.status().as_u16();
            let body = Limited::new(resp.into_body(), RESPONSE_LIMIT)
                .collect()
                .await
                .map_err(|e| Error::Connect(format!("{url}: reading the answer: {e}")))?
                .to_bytes();
            Ok(HttpReply { status, body })
        };
        tokio::time::timeout(timeout, call)
            .await
            .map_err(|_| Error::Timeout(format!("{url}: no answer within {} ms", timeout.as_millis())))?
    }
}

/// The error and its sources, one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The message of a Google JSON error (`{"error":{"message":...}}`), an OAuth error
/// (`{"error":"...","error_description":"..."}`), or the body's text.
pub(crate) fn service_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Some(m) = v.pointer("/error/message").and_then(Value::as_str) {
            return m.to_owned();
        }
        if let Some(e) = v.get("error").and_then(Value::as_str) {
            return match v.get("error_description").and_then(Value::as_str) {
                Some(d) => format!("{e}: {d}"),
                None => e.to_owned(),
            };
        }
    }
    text.trim().chars().take(2000).collect()
}

/// What to ask for when minting an ephemeral token. The defaults are the service's: one use,
/// 30 minutes, new sessions within 60 s, nothing locked.
#[derive(Clone, Debug, Default)]
pub struct TokenRequest {
    /// New sessions the token may open; 0 is unlimited. `None`: the service's default (1).
    pub uses: Option<u32>,
    /// How long the token is valid. `None`: the service's default (30 min).
    pub expire_after: Option<Duration>,
    /// How long the token may open new sessions. `None`: the service's default (60 s).
    pub new_session_expire_after: Option<Duration>,
    /// `bidiGenerateContentSetup`: setup fields to lock (a JSON object in the wire's camelCase,
    /// e.g. `{"model":"models/x","generationConfig":{"temperature":0.7}}`).
    pub setup: Option<Value>,
    /// `fieldMask`: the locked paths, comma-separated; `None` with a setup locks all of it.
    pub field_mask: Option<String>,
}

/// Where the mint request goes.
#[derive(Clone, Debug)]
pub struct RestEndpoint {
    /// Replaces scheme, host and path prefix (`http://127.0.0.1:PORT` for the mock). Plain
    /// `http` only to loopback unless `allow_insecure`.
    pub base_url: Option<String>,
    /// Default `v1alpha`.
    pub api_version: Option<String>,
    pub allow_insecure: bool,
    pub tls: TlsConfig,
}

/// A minted token: its name (the credential) and when it stops working.
#[derive(Clone, Debug)]
pub struct MintedToken {
    /// `auth_tokens/...`: pass it as the ephemeral token.
    pub name: Secret,
    /// Unix seconds after which sessions opened with it are rejected.
    pub expire_time: i64,
    /// Unix seconds after which it opens no new session.
    pub new_session_expire_time: i64,
}

fn rfc3339(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn unix(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The request body, in the wire's camelCase, with the absolute times the service takes.
fn request_body(req: &TokenRequest, now: SystemTime) -> Result<(Value, SystemTime, SystemTime), ConfigError> {
    let at = |after: Option<Duration>, default: u64, what: &'static str| {
        now.checked_add(after.unwrap_or(Duration::from_secs(default)))
            .ok_or_else(|| ConfigError::invalid(what, "too far in the future"))
    };
    let expire = at(req.expire_after, 30 * 60, "expire_after")?;
    let new_session = at(req.new_session_expire_after, 60, "new_session_expire_after")?;
    let mut body = json!({
        "expireTime": rfc3339(expire),
        "newSessionExpireTime": rfc3339(new_session),
        "uses": req.uses.unwrap_or(1),
    });
    if let Some(setup) = &req.setup {
        body["bidiGenerateContentSetup"] = setup.clone();
        if let Some(mask) = &req.field_mask {
            body["fieldMask"] = Value::String(mask.clone());
        }
    }
    Ok((body, expire, new_session))
}

/// Mints an ephemeral token with `api_key` (`auth_tokens.create`). Answers other than 2xx
/// become [`Error::Http`] with the status and the service's message verbatim.
pub async fn create_auth_token(
    api_key: &Secret,
    req: &TokenRequest,
    endpoint: &RestEndpoint,
    timeout: Duration,
) -> Result<MintedToken, Error> {
    api_key.check("API key")?;
    if api_key.expose().trim().is_empty() {
        return Err(ConfigError::NoCredentials.into());
    }
    if let Some(setup) = &req.setup {
        if !setup.is_object() {
            return Err(ConfigError::invalid("setup", "the locked setup must be a JSON object").into());
        }
    }
    if req.field_mask.is_some() && req.setup.is_none() {
        return Err(ConfigError::invalid("field_mask", "a field mask needs a locked setup").into());
    }
    let base = endpoint.base_url.as_deref().unwrap_or(GEMINI_REST_BASE);
    let mut url = url::Url::parse(base)
        .map_err(|e| ConfigError::invalid("base_url", format!("{:?}: {e}", redact_url(base))))?;
    match url.scheme() {
        "https" | "wss" => url.set_scheme("https").ok(),
        "http" | "ws" => url.set_scheme("http").ok(),
        other => {
            return Err(
                ConfigError::invalid("base_url", format!("unsupported scheme {other:?} (use https)")).into(),
            )
        }
    };
    check_plain_text(&url, base, endpoint.allow_insecure)?;
    let version = endpoint.api_version.as_deref().unwrap_or("v1alpha");
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ConfigError::invalid("api_version", format!("{version:?} is not an API version")).into());
    }
    let path = format!("{}/{version}/auth_tokens", url.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(None);

    let (body, expire, new_session) = request_body(req, SystemTime::now())?;
    let request = Request::post(url.as_str())
        .header("content-type", "application/json")
        .header("x-goog-api-key", api_key.expose())
        .header("user-agent", concat!("gemini-live/", env!("CARGO_PKG_VERSION")))
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| Error::Protocol(format!("building the request: {e}")))?;
    let client = HttpClient::new(&endpoint.tls);
    let reply = client.send(request, timeout).await?;
    if !(200..300).contains(&reply.status) {
        return Err(Error::Http {
            status: reply.status,
            message: service_message(&reply.body),
        });
    }
    let answer: Value = serde_json::from_slice(&reply.body)
        .map_err(|e| Error::Protocol(format!("auth_tokens answer is not JSON: {e}")))?;
    let name = answer
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::Protocol("auth_tokens answer has no token name".into()))?;
    let time = |field: &str, requested: SystemTime| {
        answer
            .get(field)
            .and_then(Value::as_str)
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map_or(unix(requested), |t| t.timestamp())
    };
    Ok(MintedToken {
        name: Secret::new(name),
        expire_time: time("expireTime", expire),
        new_session_expire_time: time("newSessionExpireTime", new_session),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_carries_absolute_times_and_the_mask_only_with_a_setup() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let req = TokenRequest {
            uses: Some(0),
            expire_after: Some(Duration::from_secs(120)),
            new_session_expire_after: Some(Duration::from_secs(10)),
            setup: Some(json!({"model": "models/m"})),
            field_mask: Some("model".into()),
        };
        let (body, expire, new_session) = request_body(&req, now).unwrap();
        assert_eq!(body["uses"], 0);
        assert_eq!(body["expireTime"], "2027-01-15T08:02:00Z");
        assert_eq!(body["newSessionExpireTime"], "2027-01-15T08:00:10Z");
        assert_eq!(body["bidiGenerateContentSetup"]["model"], "models/m");
        assert_eq!(body["fieldMask"], "model");
        assert_eq!(unix(expire) - unix(new_session), 110);
        let (plain, _, _) = request_body(&TokenRequest::default(), now).unwrap();
        let far = TokenRequest {
            expire_after: Some(Duration::MAX),
            ..TokenRequest::default()
        };
        assert!(request_body(&far, now).is_err());
        assert_eq!(plain["uses"], 1);
        assert!(plain.get("fieldMask").is_none() && plain.get("bidiGenerateContentSetup").is_none());
    }

    #[test]
    fn service_messages_are_taken_verbatim() {
        assert_eq!(
            service_message(
                br#"{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}"#
            ),
            "API key not valid."
        );
        assert_eq!(
            service_message(br#"{"error":"invalid_grant","error_description":"Bad"}"#),
            "invalid_grant: Bad"
        );
        assert_eq!(service_message(b" plain "), "plain");
    }
}
