//! Where to connect and how to authenticate: the Gemini API (API key or ephemeral token),
//! Vertex AI (OAuth bearer), or a custom base URL (proxies, the mock server).

use super::secret::{CredentialProvider, Secret};
use crate::session::SessionError;
use std::fmt;
use url::Url;

const GEMINI_HOST: &str = "generativelanguage.googleapis.com";
const USER_AGENT: &str = concat!("gemini-live/", env!("CARGO_PKG_VERSION"));

/// The service and the credential form.
#[derive(Clone, Debug)]
pub enum Auth {
    /// Gemini API key, sent as the `x-goog-api-key` header.
    ApiKey(Secret),
    /// Gemini API ephemeral token (`auth_tokens/...`), sent as `Authorization: Token ...` to the
    /// `BidiGenerateContentConstrained` method (API version `v1alpha`).
    EphemeralToken(Secret),
    /// Vertex AI with an OAuth2 access token (`Authorization: Bearer ...`).
    Vertex {
        project: String,
        location: String,
        access_token: Secret,
    },
}

/// A complete description of the endpoint.
#[derive(Clone)]
pub struct Endpoint {
    pub auth: Auth,
    /// Replaces scheme, host and path prefix, e.g. `ws://127.0.0.1:8080` or
    /// `https://proxy.example.com/gemini`. `http`/`ws` schemes are plain text.
    pub base_url: Option<String>,
    /// Overrides the default API version (`v1beta`, `v1alpha` for tokens, `v1beta1` for Vertex).
    pub api_version: Option<String>,
    /// Allows plain-text `ws://` to a host other than loopback. Off by default.
    pub allow_insecure: bool,
    /// Asked for a fresh credential before each (re)connection; replaces the secret in `auth`.
    pub credential_provider: Option<CredentialProvider>,
    /// Extra request headers.
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("auth", &self.auth)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("allow_insecure", &self.allow_insecure)
            .field("credential_provider", &self.credential_provider.is_some())
            .finish()
    }
}

/// What the connector needs: the URL, the headers and the backend-qualified model name.
#[derive(Debug, Clone)]
pub struct ConnectTarget {
    pub url: Url,
    pub headers: Vec<(String, Secretish)>,
    pub model_name: String,
}

/// A header value that may be a secret (printed redacted).
#[derive(Clone)]
pub struct Secretish {
    pub value: String,
    pub secret: bool,
}

impl fmt::Debug for Secretish {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret {
            f.write_str("<redacted>")
        } else {
            write!(f, "{:?}", self.value)
        }
    }
}

impl Endpoint {
    /// The Gemini API with an API key.
    pub fn gemini(api_key: impl Into<String>) -> Self {
        Self::with_auth(Auth::ApiKey(Secret::new(api_key)))
    }

    pub fn with_auth(auth: Auth) -> Self {
        Endpoint {
            auth,
            base_url: None,
            api_version: None,
            allow_insecure: false,
            credential_provider: None,
            headers: Vec::new(),
        }
    }

    /// Builds the target for one connection attempt, using `fresh` (from the credential
    /// provider) in place of the configured secret when given.
    pub fn target(&self, model: &str, fresh: Option<Secret>) -> Result<ConnectTarget, SessionError> {
        let secret = |configured: &Secret| fresh.clone().unwrap_or_else(|| configured.clone());
        let (host, path, model_name, auth_header) = match &self.auth {
            Auth::ApiKey(key) => {
                let version = self.api_version.as_deref().unwrap_or("v1beta");
                (
                    GEMINI_HOST.to_owned(),
                    format!(
                        "ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent"
                    ),
                    gemini_model_name(model),
                    ("x-goog-api-key", secret(key).expose().to_owned()),
                )
            }
            Auth::EphemeralToken(token) => {
                let version = self.api_version.as_deref().unwrap_or("v1alpha");
                (
                    GEMINI_HOST.to_owned(),
                    format!(
                        "ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContentConstrained"
                    ),
                    gemini_model_name(model),
                    ("authorization", format!("Token {}", secret(token).expose())),
                )
            }
            Auth::Vertex {
                project,
                location,
                access_token,
            } => {
                let version = self.api_version.as_deref().unwrap_or("v1beta1");
                (
                    vertex_host(location),
                    format!("ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent"),
                    vertex_model_name(model, project, location),
                    (
                        "authorization",
                        format!("Bearer {}", secret(access_token).expose()),
                    ),
                )
            }
        };
        if model.trim().is_empty() {
            return Err(SessionError::Config("model is empty".into()));
        }
        let url = match &self.base_url {
            None => Url::parse(&format!("wss://{host}/{path}"))
                .map_err(|e| SessionError::Config(e.to_string()))?,
            Some(base) => join_base(base, &path, self.allow_insecure)?,
        };
        let mut headers = vec![
            (
                auth_header.0.to_owned(),
                Secretish {
                    value: auth_header.1,
                    secret: true,
                },
            ),
            (
                "user-agent".to_owned(),
                Secretish {
                    value: USER_AGENT.to_owned(),
                    secret: false,
                },
            ),
            (
                "x-goog-api-client".to_owned(),
                Secretish {
                    value: USER_AGENT.to_owned(),
                    secret: false,
                },
            ),
        ];
        for (k, v) in &self.headers {
            headers.push((
                k.to_ascii_lowercase(),
                Secretish {
                    value: v.clone(),
                    secret: false,
                },
            ));
        }
        Ok(ConnectTarget {
            url,
            headers,
            model_name,
        })
    }
}

fn gemini_model_name(model: &str) -> String {
    if model.starts_with("models/") || model.starts_with("tunedModels/") {
        model.to_owned()
    } else {
        format!("models/{model}")
    }
}

fn vertex_model_name(model: &str, project: &str, location: &str) -> String {
    if model.starts_with("projects/") {
        model.to_owned()
    } else if model.starts_with("publishers/") {
        format!("projects/{project}/locations/{location}/{model}")
    } else {
        format!("projects/{project}/locations/{location}/publishers/google/models/{model}")
    }
}

fn vertex_host(location: &str) -> String {
    match location {
        "" | "global" => "aiplatform.googleapis.com".to_owned(),
        "us" | "eu" => format!("aiplatform.{location}.rep.googleapis.com"),
        region => format!("{region}-aiplatform.googleapis.com"),
    }
}

/// Joins a base URL and the method path the way go-genai does (no double slash), mapping
/// `http`→`ws` and `https`→`wss`, and refusing plain text to non-loopback hosts unless allowed.
fn join_base(base: &str, path: &str, allow_insecure: bool) -> Result<Url, SessionError> {
    let mut url = Url::parse(base).map_err(|e| SessionError::Config(format!("base URL {base:?}: {e}")))?;
    let scheme = match url.scheme() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        other => {
            return Err(SessionError::Config(format!(
                "base URL scheme {other:?} is not ws, wss, http or https"
            )))
        }
    };
    if scheme == "ws" && !allow_insecure && !is_loopback(&url) {
        return Err(SessionError::Config(format!(
            "refusing plain-text {base:?}: ws:// is only allowed to loopback unless insecure connections are enabled"
        )));
    }
    url.set_scheme(scheme)
        .map_err(|_| SessionError::Config("cannot set URL scheme".into()))?;
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}/{path}"));
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(t: &'a ConnectTarget, name: &str) -> &'a str {
        &t.headers.iter().find(|(k, _)| k == name).unwrap().1.value
    }

    #[test]
    fn gemini_api_key_target() {
        let t = Endpoint::gemini("KEY")
            .target("gemini-live-2.5-flash-preview", None)
            .unwrap();
        assert_eq!(
            t.url.as_str(),
            "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
        );
        assert_eq!(header(&t, "x-goog-api-key"), "KEY");
        assert_eq!(t.model_name, "models/gemini-live-2.5-flash-preview");
        assert!(!format!("{t:?}").contains("KEY\""), "key must be redacted: {t:?}");
    }

    #[test]
    fn ephemeral_token_target_uses_v1alpha_constrained() {
        let e = Endpoint::with_auth(Auth::EphemeralToken(Secret::new("auth_tokens/abc")));
        let t = e
            .target("models/m", Some(Secret::new("auth_tokens/fresh")))
            .unwrap();
        assert!(t
            .url
            .path()
            .ends_with("v1alpha.GenerativeService.BidiGenerateContentConstrained"));
        assert_eq!(header(&t, "authorization"), "Token auth_tokens/fresh");
        assert_eq!(t.model_name, "models/m");
    }

    #[test]
    fn vertex_target_uses_regional_host_and_resource_name() {
        let e = Endpoint::with_auth(Auth::Vertex {
            project: "P".into(),
            location: "us-central1".into(),
            access_token: Secret::new("ya29"),
        });
        let t = e.target("gemini-live-2.5-flash-native-audio", None).unwrap();
        assert_eq!(
            t.url.as_str(),
            "wss://us-central1-aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
        );
        assert_eq!(header(&t, "authorization"), "Bearer ya29");
        assert_eq!(
            t.model_name,
            "projects/P/locations/us-central1/publishers/google/models/gemini-live-2.5-flash-native-audio"
        );
        assert_eq!(vertex_host("global"), "aiplatform.googleapis.com");
        assert_eq!(vertex_host("eu"), "aiplatform.eu.rep.googleapis.com");
    }

    #[test]
    fn base_url_override_and_insecure_rule() {
        let mut e = Endpoint::gemini("k");
        e.base_url = Some("ws://127.0.0.1:9000".into());
        e.api_version = Some("v1".into());
        let t = e.target("m", None).unwrap();
        assert_eq!(
            t.url.as_str(),
            "ws://127.0.0.1:9000/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"
        );
        e.base_url = Some("https://proxy.example.com/gemini/".into());
        assert!(e
            .target("m", None)
            .unwrap()
            .url
            .as_str()
            .starts_with("wss://proxy.example.com/gemini/ws/"));
        e.base_url = Some("ws://10.0.0.5:80".into());
        assert!(matches!(e.target("m", None), Err(SessionError::Config(_))));
        e.allow_insecure = true;
        assert!(e.target("m", None).is_ok());
        e.base_url = Some("ftp://x".into());
        assert!(e.target("m", None).is_err());
    }
}
