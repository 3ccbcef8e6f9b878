//! Application Default Credentials for Vertex AI, found the way Google's SDKs find them:
//! an explicit credentials file, else the file `GOOGLE_APPLICATION_CREDENTIALS` names, else
//! gcloud's well-known file (`$CLOUDSDK_CONFIG` or `~/.config/gcloud`, or `%APPDATA%\gcloud`),
//! else the metadata server (`GCE_METADATA_HOST`, default `metadata.google.internal`).
//!
//! A service-account key is parsed and used for signing by `gcp_auth` (ring's RSA
//! PKCS#1 v1.5 SHA-256); the signed JWT assertion goes to the file's `token_uri`. User
//! credentials (`authorized_user`) use the refresh-token grant, and the metadata server its
//! token path. All three requests go over the library's HTTP client (its TLS configuration,
//! the token endpoint's error message kept verbatim). Tokens are cached and refreshed [`REFRESH_MARGIN`] before they expire; the
//! [`CredentialProvider`] asks before every connection, so a reconnect gets a fresh one.

use super::error::Error;
use super::rest::{service_message, HttpClient};
use super::secret::{CredentialProvider, Secret};
use super::tls::TlsConfig;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A token is refreshed this long before it expires.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(20);
const CLOUD_PLATFORM: &str = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the credentials come from.
#[derive(Clone, Debug, Default)]
pub struct AdcOptions {
    /// A credentials file to use instead of the search (service-account key or
    /// `authorized_user` JSON).
    pub credentials_file: Option<PathBuf>,
}

enum Source {
    /// The key (parsed and held by `gcp_auth`, which signs), the account and its token URI.
    ServiceAccount {
        account: Box<gcp_auth::CustomServiceAccount>,
        email: String,
        key_id: String,
        token_uri: String,
    },
    User {
        client_id: String,
        client_secret: Secret,
        refresh_token: Secret,
        token_uri: String,
    },
    Metadata {
        host: String,
    },
}

struct Cached {
    token: Secret,
    refresh_at: Instant,
}

struct State {
    options: AdcOptions,
    http: HttpClient,
    source: Option<Source>,
    cached: Option<Cached>,
}

/// A credential provider that hands out Vertex access tokens from Application Default
/// Credentials. Discovery happens at the first call (on a blocking thread), not here.
pub fn adc_provider(options: AdcOptions, tls: TlsConfig) -> CredentialProvider {
    let state = Arc::new(tokio::sync::Mutex::new(State {
        options,
        http: HttpClient::new(&tls),
        source: None,
        cached: None,
    }));
    Arc::new(move || {
        let state = state.clone();
        let fetch = async move {
            state.lock().await.token().await.map_err(|e| match e {
                // The caller adds "credential provider failed".
                Error::Credential(message) => message,
                other => other.to_string(),
            })
        };
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle.block_on(fetch),
            Err(_) => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("no runtime for the credential request: {e}"))?
                .block_on(fetch),
        }
    })
}

fn credential(message: impl Into<String>) -> Error {
    Error::Credential(message.into())
}

/// The file the search finds, if any: `GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's.
fn find_file() -> Result<Option<PathBuf>, Error> {
    if let Some(path) = std::env::var_os("GOOGLE_APPLICATION_CREDENTIALS").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(credential(format!(
                "GOOGLE_APPLICATION_CREDENTIALS names {}, which is not a readable file",
                path.display()
            )));
        }
        return Ok(Some(path));
    }
    let dir = if let Some(dir) = std::env::var_os("CLOUDSDK_CONFIG").filter(|p| !p.is_empty()) {
        Some(PathBuf::from(dir))
    } else if cfg!(windows) {
        std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("gcloud"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config").join("gcloud"))
    };
    Ok(dir
        .map(|d| d.join("application_default_credentials.json"))
        .filter(|p| p.is_file()))
}

fn load_file(path: &Path) -> Result<Source, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        credential(format!(
            "cannot read the credentials file {}: {e}",
            path.display()
        ))
    })?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|_| credential(format!("the credentials file {} is not JSON", path.display())))?;
    let field = |name: &str| json.get(name).and_then(Value::as_str).unwrap_or("").to_owned();
    // Both file kinds may name their own token endpoint (a test or a private deployment).
    let token_uri = || {
        Some(field("token_uri"))
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_TOKEN_URI.to_owned())
    };
    match field("type").as_str() {
        "service_account" => {
            // gcp_auth's errors name the failing step, never the key.
            let account = gcp_auth::CustomServiceAccount::from_json(&text)
                .map_err(|e| credential(format!("the service-account file {}: {e}", path.display())))?;
            let email = field("client_email");
            if email.is_empty() {
                return Err(credential(format!(
                    "the service-account file {} has no client_email",
                    path.display()
                )));
            }
            let token_uri = token_uri();
            Ok(Source::ServiceAccount {
                account: Box::new(account),
                email,
                key_id: field("private_key_id"),
                token_uri,
            })
        }
        "authorized_user" => {
            let (client_id, client_secret, refresh_token) =
                (field("client_id"), field("client_secret"), field("refresh_token"));
            if client_id.is_empty() || client_secret.is_empty() || refresh_token.is_empty() {
                return Err(credential(format!(
                    "the user credentials file {} lacks client_id, client_secret or refresh_token",
                    path.display()
                )));
            }
            let token_uri = token_uri();
            Ok(Source::User {
                client_id,
                client_secret: Secret::new(client_secret),
                refresh_token: Secret::new(refresh_token),
                token_uri,
            })
        }
        other => Err(credential(format!(
            "the credentials file {} has type {other:?}; supported: service_account, authorized_user",
            path.display()
        ))),
    }
}

/// The JWT-bearer assertion of a service account (RFC 7523): RS256 over the header and claims,
/// signed by `gcp_auth`'s signer with the account's key; valid for one hour.
fn assertion(signer: &gcp_auth::Signer, email: &str, key_id: &str, token_uri: &str) -> Result<String, Error> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
    if !key_id.is_empty() {
        header["kid"] = Value::String(key_id.to_owned());
    }
    let iat = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": email,
        "scope": CLOUD_PLATFORM,
        "aud": token_uri,
        "iat": iat,
        "exp": iat + 3600,
    });
    let mut jwt = b64.encode(header.to_string());
    jwt.push('.');
    jwt.push_str(&b64.encode(claims.to_string()));
    let signature = signer
        .sign(jwt.as_bytes())
        .map_err(|e| credential(format!("signing the service-account assertion failed: {e}")))?;
    jwt.push('.');
    jwt.push_str(&b64.encode(signature));
    Ok(jwt)
}

/// An access token answer: `access_token` and `expires_in` (seconds).
fn parse_token(body: &[u8]) -> Result<(Secret, Duration), Error> {
    let json: Value =
        serde_json::from_slice(body).map_err(|_| credential("the token endpoint's answer is not JSON"))?;
    let token = json
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| credential("the token endpoint's answer has no access_token"))?;
    let expires_in = json.get("expires_in").and_then(Value::as_u64).unwrap_or(3600);
    Ok((Secret::new(token), Duration::from_secs(expires_in)))
}

impl State {
    async fn token(&mut self) -> Result<Secret, Error> {
        if let Some(cached) = &self.cached {
            if Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        if self.source.is_none() {
            let file = match &self.options.credentials_file {
                Some(path) => Some(path.clone()),
                None => find_file()?,
            };
            self.source = Some(match file {
                Some(path) => load_file(&path)?,
                None => Source::Metadata {
                    host: std::env::var("GCE_METADATA_HOST")
                        .ok()
                        .filter(|h| !h.is_empty())
                        .unwrap_or_else(|| "metadata.google.internal".to_owned()),
                },
            });
        }
        let started = Instant::now();
        let (token, lifetime) = match self.source.as_ref().expect("set above") {
            Source::ServiceAccount {
                account,
                email,
                key_id,
                token_uri,
            } => {
                let assertion = assertion(account.signer(), email, key_id, token_uri)?;
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", JWT_BEARER)
                    .append_pair("assertion", &assertion)
                    .finish();
                let req = Request::post(token_uri.as_str())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Full::new(Bytes::from(body)))
                    .map_err(|e| credential(format!("bad token_uri: {e}")))?;
                self.exchange(req).await?
            }
            Source::User {
                client_id,
                client_secret,
                refresh_token,
                token_uri,
            } => {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", client_id)
                    .append_pair("client_secret", client_secret.expose())
                    .append_pair("refresh_token", refresh_token.expose())
                    .finish();
                let req = Request::post(token_uri.as_str())
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Full::new(Bytes::from(body)))
                    .map_err(|e| credential(format!("bad token_uri: {e}")))?;
                self.exchange(req).await?
            }
            Source::Metadata { host } => {
                let url = format!("http://{host}/computeMetadata/v1/instance/service-accounts/default/token");
                let req = Request::get(url.as_str())
                    .header("metadata-flavor", "Google")
                    .body(Full::new(Bytes::new()))
                    .map_err(|e| credential(format!("bad GCE_METADATA_HOST {host:?}: {e}")))?;
                self.exchange(req).await.map_err(|e| {
                    credential(format!(
                        "no credentials file was found (GOOGLE_APPLICATION_CREDENTIALS, gcloud's \
                         application_default_credentials.json) and the metadata server failed: {}",
                        match e {
                            Error::Credential(message) => message,
                            other => other.to_string(),
                        }
                    ))
                })?
            }
        };
        let refresh_at = started + lifetime.saturating_sub(REFRESH_MARGIN);
        self.cached = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    async fn exchange(&self, req: Request<Full<Bytes>>) -> Result<(Secret, Duration), Error> {
        let reply = self
            .http
            .send(req, REQUEST_TIMEOUT)
            .await
            .map_err(|e| credential(e.to_string()))?;
        if !(200..300).contains(&reply.status) {
            return Err(credential(format!(
                "the token endpoint answered HTTP {}: {}",
                reply.status,
                service_message(&reply.body)
            )));
        }
        parse_token(&reply.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers_parse_and_never_echo_the_token() {
        let (t, d) =
            parse_token(br#"{"access_token":"ya29.x","expires_in":2,"token_type":"Bearer"}"#).unwrap();
        assert_eq!((t.expose(), d), ("ya29.x", Duration::from_secs(2)));
        let e = parse_token(br#"{"expires_in":2}"#).unwrap_err().to_string();
        assert!(e.contains("no access_token"), "{e}");
    }

    #[test]
    fn files_of_other_types_are_refused_by_type() {
        let path = std::env::temp_dir().join(format!("gemini-live-adc-{}.json", std::process::id()));
        std::fs::write(&path, r#"{"type":"external_account","secret":"TopSecret"}"#).unwrap();
        let e = load_file(&path).err().unwrap().to_string();
        let _ = std::fs::remove_file(&path);
        assert!(e.contains("external_account") && !e.contains("TopSecret"), "{e}");
    }
}
