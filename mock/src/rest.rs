//! The service's REST side, on its own loopback listener: ephemeral-token minting
//! (`POST /{version}/auth_tokens`), an OAuth 2.0 token endpoint (`POST /token`: the JWT-bearer
//! grant of service accounts, checked against the public keys of test accounts the mock made,
//! and the refresh-token grant of user credentials), and a GCE metadata-server emulation
//! (`GET /computeMetadata/v1/...`, `Metadata-Flavor: Google`).
//!
//! Tokens issued here are kept in [`Registry`], which the Live endpoint consults: ephemeral
//! tokens within their uses, expiry and locked setup; access tokens until they expire.

use super::stats::StatsHub;
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use rand::Rng;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Largest request body the REST side reads.
const BODY_LIMIT: usize = 256 * 1024;
/// Defaults of the real service for a token request without them.
const DEFAULT_EXPIRE: Duration = Duration::from_secs(30 * 60);
const DEFAULT_NEW_SESSION_EXPIRE: Duration = Duration::from_secs(60);
/// Neither expiry may be this far ahead.
const MAX_EXPIRE: Duration = Duration::from_secs(20 * 60 * 60);
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOUD_PLATFORM: &str = "https://www.googleapis.com/auth/cloud-platform";

/// An ephemeral token the mock issued.
#[derive(Debug, Clone)]
pub(crate) struct AuthToken {
    /// New sessions it may still open; `None`: unlimited (`uses: 0`).
    pub uses_left: Option<u64>,
    pub expire: SystemTime,
    pub new_session_expire: SystemTime,
    /// `bidiGenerateContentSetup`, if the token locks the setup.
    pub setup: Option<Value>,
    /// `fieldMask` (comma-separated paths); absent with a setup: the whole setup is locked.
    pub field_mask: Option<Vec<String>>,
}

/// Why an issued ephemeral token cannot open what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    Expired,
    NewSessionExpired,
    UsedUp,
}

/// Tokens and keys the REST side handed out, shared with the Live endpoint.
#[derive(Default)]
pub(crate) struct Registry {
    inner: Mutex<RegistryInner>,
}

#[derive(Default)]
struct RegistryInner {
    auth_tokens: HashMap<String, AuthToken>,
    /// Access tokens (OAuth and metadata server) and when they expire.
    access_tokens: HashMap<String, SystemTime>,
    /// Service-account e-mail → PKCS#1 DER public key.
    service_accounts: HashMap<String, Vec<u8>>,
    /// Refresh token → (client id, client secret) of test user credentials.
    users: HashMap<String, (String, String)>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, RegistryInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The issued ephemeral token `name`, if the mock issued it (regardless of its state).
    pub(crate) fn auth_token(&self, name: &str) -> Option<AuthToken> {
        self.lock().auth_tokens.get(name).cloned()
    }

    /// Checks an issued token at connect time (expiry only: uses count at setup).
    pub(crate) fn check_connect(&self, name: &str) -> Result<(), TokenRefusal> {
        match self.lock().auth_tokens.get(name) {
            Some(t) if SystemTime::now() >= t.expire => Err(TokenRefusal::Expired),
            _ => Ok(()),
        }
    }

    /// Takes one use of an issued token for a new session.
    pub(crate) fn open_session(&self, name: &str) -> Result<(), TokenRefusal> {
        let mut inner = self.lock();
        let Some(token) = inner.auth_tokens.get_mut(name) else {
            return Ok(());
        };
        let now = SystemTime::now();
        if now >= token.expire {
            return Err(TokenRefusal::Expired);
        }
        if now >= token.new_session_expire {
            return Err(TokenRefusal::NewSessionExpired);
        }
        match &mut token.uses_left {
            None => Ok(()),
            Some(0) => Err(TokenRefusal::UsedUp),
            Some(n) => {
                *n -= 1;
                Ok(())
            }
        }
    }

    /// `Some(true)`: an issued, unexpired access token; `Some(false)`: issued and expired;
    /// `None`: not one the mock issued.
    pub(crate) fn access_token_valid(&self, token: &str) -> Option<bool> {
        self.lock()
            .access_tokens
            .get(token)
            .map(|expiry| SystemTime::now() < *expiry)
    }

    fn issue_access_token(&self, lifetime: Duration) -> String {
        let token = format!("ya29.mock-{}", random_id(24));
        self.lock()
            .access_tokens
            .insert(token.clone(), SystemTime::now() + lifetime);
        token
    }
}

/// Applies a token's locked setup fields to a client's `setup` object: without a field mask
/// every field of the token's setup replaces the client's; with one, only the listed paths
/// (`model`, `generationConfig.temperature`, ...).
pub(crate) fn apply_locked_setup(token: &AuthToken, setup: &mut Value) {
    let Some(locked) = &token.setup else { return };
    let Some(target) = setup.as_object_mut() else {
        return;
    };
    match &token.field_mask {
        None => {
            if let Some(fields) = locked.as_object() {
                for (k, v) in fields {
                    target.insert(k.clone(), v.clone());
                }
            }
        }
        Some(paths) => {
            for path in paths {
                let parts: Vec<&str> = path.split('.').collect();
                let Some(value) = parts.iter().try_fold(locked, |v, p| v.get(*p)) else {
                    continue;
                };
                let mut slot = &mut *target;
                for p in &parts[..parts.len() - 1] {
                    let entry = slot.entry(p.to_string()).or_insert_with(|| json!({}));
                    if !entry.is_object() {
                        *entry = json!({});
                    }
                    slot = entry.as_object_mut().expect("made an object above");
                }
                slot.insert(parts[parts.len() - 1].to_string(), value.clone());
            }
        }
    }
}

/// Settings of the REST side, from [`MockConfig`](super::MockConfig).
#[derive(Clone)]
pub(crate) struct RestSettings {
    pub api_keys: Vec<String>,
    pub access_token_lifetime: Duration,
}

pub(crate) struct RestShared {
    pub settings: RestSettings,
    pub registry: Arc<Registry>,
    pub stats: StatsHub,
    pub addr: SocketAddr,
}

pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<RestShared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tasks = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                tasks.spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(handle(req, &shared).await) }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    tasks.abort_all();
}

fn reply(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        "content-type",
        "application/json; charset=UTF-8".parse().expect("static"),
    );
    resp
}

/// Google's JSON error envelope.
fn google_error(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let name = match status.as_u16() {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        _ => "UNKNOWN",
    };
    reply(
        status,
        &json!({"error": {"code": status.as_u16(), "message": message, "status": name}}),
    )
}

/// The OAuth 2.0 error form (RFC 6749, section 5.2).
fn oauth_error(error: &str, description: &str) -> Response<Full<Bytes>> {
    reply(
        StatusCode::BAD_REQUEST,
        &json!({"error": error, "error_description": description}),
    )
}

async fn handle(req: Request<Incoming>, shared: &RestShared) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    if path.starts_with("/computeMetadata/") || path == "/" {
        return metadata(&req, &path, shared);
    }
    if method == Method::POST && path.ends_with("/auth_tokens") {
        return mint(req, shared).await;
    }
    if method == Method::POST && path == "/token" {
        return oauth(req, shared).await;
    }
    google_error(StatusCode::NOT_FOUND, "Requested entity was not found.")
}

async fn body_of(req: Request<Incoming>) -> Result<Bytes, Response<Full<Bytes>>> {
    match Limited::new(req.into_body(), BODY_LIMIT).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(_) => Err(google_error(
            StatusCode::BAD_REQUEST,
            "Request body too large or unreadable.",
        )),
    }
}

fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339()
}

fn parse_time(body: &Value, field: &str) -> Result<Option<SystemTime>, String> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(SystemTime::from(t)))
            .map_err(|_| {
                format!("Invalid value at '{field}' (type.googleapis.com/google.protobuf.Timestamp), \"{s}\"")
            }),
        Some(other) => Err(format!(
            "Invalid value at '{field}' (type.googleapis.com/google.protobuf.Timestamp), {other}"
        )),
    }
}

async fn mint(req: Request<Incoming>, shared: &RestShared) -> Response<Full<Bytes>> {
    let key = req
        .headers()
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .map(str::to_string)
        .or_else(|| {
            req.uri().query().and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "key")
                    .map(|(_, v)| v.into_owned())
            })
        })
        .filter(|k| !k.is_empty());
    let Some(key) = key else {
        return google_error(StatusCode::FORBIDDEN, super::wire::MISSING_CREDENTIALS);
    };
    if !shared.settings.api_keys.is_empty() && !shared.settings.api_keys.contains(&key) {
        return google_error(StatusCode::BAD_REQUEST, super::wire::BAD_API_KEY);
    }
    let body = match body_of(req).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => return google_error(StatusCode::BAD_REQUEST, "Invalid JSON payload received."),
    };
    let now = SystemTime::now();
    let expire = match parse_time(&body, "expireTime") {
        Ok(t) => t.unwrap_or(now + DEFAULT_EXPIRE),
        Err(m) => return google_error(StatusCode::BAD_REQUEST, &m),
    };
    let new_session_expire = match parse_time(&body, "newSessionExpireTime") {
        Ok(t) => t.unwrap_or(now + DEFAULT_NEW_SESSION_EXPIRE),
        Err(m) => return google_error(StatusCode::BAD_REQUEST, &m),
    };
    for (field, t) in [
        ("expire_time", expire),
        ("new_session_expire_time", new_session_expire),
    ] {
        if t <= now {
            return google_error(
                StatusCode::BAD_REQUEST,
                &format!("{field} must be in the future."),
            );
        }
        if t > now + MAX_EXPIRE {
            return google_error(
                StatusCode::BAD_REQUEST,
                &format!("{field} must be less than 20 hours in the future."),
            );
        }
    }
    let uses = match body.get("uses") {
        None | Some(Value::Null) => 1,
        Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
            Some(n) if n <= i32::MAX as u64 => n,
            _ => return google_error(StatusCode::BAD_REQUEST, "Invalid value at 'uses' (TYPE_INT32)."),
        },
    };
    let setup = body
        .get("bidiGenerateContentSetup")
        .filter(|v| !v.is_null())
        .cloned();
    if setup.as_ref().is_some_and(|s| !s.is_object()) {
        return google_error(
            StatusCode::BAD_REQUEST,
            "Invalid value at 'bidi_generate_content_setup': expected an object.",
        );
    }
    let field_mask = match body.get("fieldMask") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            s.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>(),
        ),
        Some(_) => return google_error(StatusCode::BAD_REQUEST, "Invalid value at 'field_mask'."),
    };
    if field_mask.is_some() && setup.is_none() {
        return google_error(
            StatusCode::BAD_REQUEST,
            "field_mask requires bidi_generate_content_setup.",
        );
    }
    let name = format!("auth_tokens/{}", random_id(32));
    let token = AuthToken {
        uses_left: (uses != 0).then_some(uses),
        expire,
        new_session_expire,
        setup,
        field_mask,
    };
    shared.registry.lock().auth_tokens.insert(name.clone(), token);
    shared.stats.update(|s| s.auth_tokens_issued += 1);
    reply(
        StatusCode::OK,
        &json!({
            "name": name,
            "uses": uses,
            "expireTime": rfc3339(expire),
            "newSessionExpireTime": rfc3339(new_session_expire),
        }),
    )
}

async fn oauth(req: Request<Incoming>, shared: &RestShared) -> Response<Full<Bytes>> {
    let body = match body_of(req).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let lifetime = shared.settings.access_token_lifetime;
    let result = match form.get("grant_type").map(String::as_str) {
        Some(JWT_BEARER) => check_assertion(form.get("assertion").map(String::as_str).unwrap_or(""), shared),
        Some("refresh_token") => {
            let users = &shared.registry.lock().users;
            match (
                form.get("refresh_token"),
                form.get("client_id"),
                form.get("client_secret"),
            ) {
                (Some(r), Some(id), Some(secret)) => match users.get(r) {
                    Some((i, s)) if i == id && s == secret => Ok(()),
                    Some(_) => Err(("invalid_client", "The OAuth client was not found.")),
                    None => Err(("invalid_grant", "Bad Request")),
                },
                _ => Err(("invalid_request", "Missing required parameter.")),
            }
        }
        _ => Err(("unsupported_grant_type", "Invalid grant_type.")),
    };
    match result {
        Ok(()) => {
            let token = shared.registry.issue_access_token(lifetime);
            shared.stats.update(|s| s.oauth_tokens_issued += 1);
            reply(
                StatusCode::OK,
                &json!({"access_token": token, "expires_in": lifetime.as_secs(), "token_type": "Bearer"}),
            )
        }
        Err((error, description)) => {
            shared.stats.update(|s| s.oauth_grants_refused += 1);
            oauth_error(error, description)
        }
    }
}

/// Verifies a service account's JWT assertion: RS256, signed by a key the mock made, issued by
/// that account, for this token endpoint, unexpired, asking for the cloud-platform scope.
fn check_assertion(jwt: &str, shared: &RestShared) -> Result<(), (&'static str, &'static str)> {
    const BAD: (&str, &str) = ("invalid_grant", "Invalid JWT Signature.");
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = jwt.split('.');
    let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err((
            "invalid_request",
            "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
        ));
    };
    let decode = |p: &str| b64.decode(p.trim_end_matches('=')).ok();
    let header: Value = decode(h)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(BAD)?;
    let claims: Value = decode(c)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(BAD)?;
    let signature = decode(s).ok_or(BAD)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(BAD);
    }
    let iss = claims.get("iss").and_then(Value::as_str).ok_or(BAD)?;
    let key = shared
        .registry
        .lock()
        .service_accounts
        .get(iss)
        .cloned()
        .ok_or(("invalid_grant", "Invalid grant: account not found"))?;
    let public = ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, key);
    let signed = &jwt[..h.len() + 1 + c.len()];
    public.verify(signed.as_bytes(), &signature).map_err(|_| BAD)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i64;
    let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or(0);
    let iat = claims.get("iat").and_then(Value::as_i64).unwrap_or(i64::MAX);
    if exp <= now || iat > now + 300 || exp - iat > 3600 {
        return Err((
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
        ));
    }
    let aud = claims.get("aud").and_then(Value::as_str).unwrap_or("");
    if aud != format!("http://{}/token", shared.addr) {
        return Err(("invalid_grant", "Invalid JWT: Failed audience check."));
    }
    let scope = claims.get("scope").and_then(Value::as_str).unwrap_or("");
    if !scope.split(' ').any(|s| s == CLOUD_PLATFORM) {
        return Err((
            "invalid_scope",
            "Invalid OAuth scope or ID token audience provided.",
        ));
    }
    Ok(())
}

fn metadata(req: &Request<Incoming>, path: &str, shared: &RestShared) -> Response<Full<Bytes>> {
    let flavored = req.headers().get("metadata-flavor").and_then(|v| v.to_str().ok()) == Some("Google");
    let text = |status: StatusCode, body: String| {
        let mut resp = Response::new(Full::new(Bytes::from(body)));
        *resp.status_mut() = status;
        resp.headers_mut()
            .insert("metadata-flavor", "Google".parse().expect("static"));
        resp
    };
    if !flavored {
        return text(
            StatusCode::FORBIDDEN,
            "Missing required header: Metadata-Flavor\n".into(),
        );
    }
    match path.trim_end_matches('/') {
        "" => text(StatusCode::OK, "computeMetadata/\n".into()),
        "/computeMetadata/v1/project/project-id" => text(StatusCode::OK, "mock-project".into()),
        "/computeMetadata/v1/instance/service-accounts/default/token" => {
            let lifetime = shared.settings.access_token_lifetime;
            let token = shared.registry.issue_access_token(lifetime);
            shared.stats.update(|s| s.metadata_tokens_issued += 1);
            let mut resp = reply(
                StatusCode::OK,
                &json!({"access_token": token, "expires_in": lifetime.as_secs(), "token_type": "Bearer"}),
            );
            resp.headers_mut()
                .insert("metadata-flavor", "Google".parse().expect("static"));
            resp
        }
        _ => text(StatusCode::NOT_FOUND, "Not Found\n".into()),
    }
}

fn random_id(len: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// A new test service account: an RSA-2048 key made now, registered so the token endpoint
/// accepts assertions it signs. Returns the key file's JSON (`token_uri` points at this mock).
pub(crate) fn new_service_account(shared: &RestShared) -> std::io::Result<String> {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::EncodePrivateKey;
    let mut rng = rand::thread_rng();
    let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(std::io::Error::other)?;
    let pem = key
        .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
        .map_err(std::io::Error::other)?;
    let public = key
        .to_public_key()
        .to_pkcs1_der()
        .map_err(std::io::Error::other)?;
    let id = random_id(8);
    let email = format!("sa-{id}@mock-project.iam.gserviceaccount.com");
    shared
        .registry
        .lock()
        .service_accounts
        .insert(email.clone(), public.as_bytes().to_vec());
    Ok(json!({
        "type": "service_account",
        "project_id": "mock-project",
        "private_key_id": random_id(40),
        "private_key": pem.as_str(),
        "client_email": email,
        "client_id": format!("1{}", rng.gen_range(10_000_000u64..99_999_999)),
        "auth_uri": format!("http://{}/auth", shared.addr),
        "token_uri": format!("http://{}/token", shared.addr),
    })
    .to_string())
}

/// New test user credentials (the `authorized_user` file `gcloud auth application-default
/// login` writes), registered with the token endpoint; `token_uri` points at this mock.
pub(crate) fn new_authorized_user(shared: &RestShared) -> String {
    let (id, secret, refresh) = (
        format!("{}.apps.googleusercontent.com", random_id(12)),
        random_id(24),
        format!("1//{}", random_id(40)),
    );
    shared
        .registry
        .lock()
        .users
        .insert(refresh.clone(), (id.clone(), secret.clone()));
    json!({
        "type": "authorized_user",
        "client_id": id,
        "client_secret": secret,
        "refresh_token": refresh,
        "quota_project_id": "mock-project",
        "token_uri": format!("http://{}/token", shared.addr),
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(uses: Option<u64>, expire_in: i64, new_session_in: i64) -> AuthToken {
        let at = |secs: i64| {
            if secs >= 0 {
                SystemTime::now() + Duration::from_secs(secs as u64)
            } else {
                SystemTime::now() - Duration::from_secs((-secs) as u64)
            }
        };
        AuthToken {
            uses_left: uses,
            expire: at(expire_in),
            new_session_expire: at(new_session_in),
            setup: None,
            field_mask: None,
        }
    }

    #[test]
    fn issued_tokens_follow_uses_and_both_expiries() {
        let r = Registry::default();
        let add = |name: &str, t: AuthToken| r.lock().auth_tokens.insert(name.into(), t);
        add("two", token(Some(2), 600, 60));
        add("unlimited", token(None, 600, 60));
        add("expired", token(Some(1), -1, -1));
        add("resume-only", token(Some(1), 600, -1));
        assert_eq!(r.open_session("two"), Ok(()));
        assert_eq!(r.open_session("two"), Ok(()));
        assert_eq!(r.open_session("two"), Err(TokenRefusal::UsedUp));
        for _ in 0..5 {
            assert_eq!(r.open_session("unlimited"), Ok(()));
        }
        assert_eq!(r.check_connect("expired"), Err(TokenRefusal::Expired));
        assert_eq!(r.open_session("expired"), Err(TokenRefusal::Expired));
        // Past newSessionExpireTime a token still connects (to resume) but opens nothing new.
        assert_eq!(r.check_connect("resume-only"), Ok(()));
        assert_eq!(
            r.open_session("resume-only"),
            Err(TokenRefusal::NewSessionExpired)
        );
        assert!(r.auth_token("never-issued").is_none());
    }

    #[test]
    fn access_tokens_expire() {
        let r = Registry::default();
        let live = r.issue_access_token(Duration::from_secs(60));
        let dead = r.issue_access_token(Duration::ZERO);
        assert_eq!(r.access_token_valid(&live), Some(true));
        assert_eq!(r.access_token_valid(&dead), Some(false));
        assert_eq!(r.access_token_valid("ya29.other"), None);
    }

    #[test]
    fn locked_fields_replace_the_clients() {
        let mut t = token(None, 600, 60);
        t.setup =
            Some(json!({"model": "models/locked", "generationConfig": {"temperature": 0.1, "topK": 3}}));
        let client = json!({"model": "models/mine", "generationConfig": {"temperature": 0.9, "topP": 0.5}});
        let mut whole = client.clone();
        apply_locked_setup(&t, &mut whole);
        assert_eq!(whole["model"], "models/locked");
        assert_eq!(whole["generationConfig"], json!({"temperature": 0.1, "topK": 3}));
        t.field_mask = Some(vec!["generationConfig.temperature".into()]);
        let mut masked = client.clone();
        apply_locked_setup(&t, &mut masked);
        assert_eq!(masked["model"], "models/mine");
        assert_eq!(
            masked["generationConfig"],
            json!({"temperature": 0.1, "topP": 0.5})
        );
    }
}
