//! Where to connect and how to authenticate: the Gemini API (API key or ephemeral token),
//! Vertex AI (OAuth bearer), or a custom base URL (proxies, the mock server).

use super::config_error::ConfigError;
use super::error::Error;
use super::secret::{CredentialProvider, Secret};
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
    /// Vertex AI with an OAuth2 access token (`Authorization: Bearer ...`). `project` and
    /// `location` must pass [`check_vertex_project`] and [`check_vertex_location`]
    /// ([`Auth::vertex`] checks them; [`Endpoint::target`] refuses them otherwise).
    Vertex {
        project: String,
        location: String,
        access_token: Secret,
    },
    /// Vertex AI in express mode: an API key sent as `x-goog-api-key` to the global host
    /// `aiplatform.googleapis.com`, the model named `publishers/google/models/...` (no project
    /// or location).
    VertexApiKey(Secret),
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
    /// Extra request headers, checked by [`check_custom_header`]; one that has the name of a
    /// default header (`user-agent`, `x-goog-api-client`) replaces it.
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("auth", &self.auth)
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("api_version", &self.api_version)
            .field("allow_insecure", &self.allow_insecure)
            .field("credential_provider", &self.credential_provider.is_some())
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// What the connector needs: the URL, the headers and the backend-qualified model name.
/// `Debug` prints the URL without userinfo or query values and the secret headers redacted.
#[derive(Clone)]
pub struct ConnectTarget {
    pub url: Url,
    pub headers: Vec<(String, Secretish)>,
    pub model_name: String,
}

impl fmt::Debug for ConnectTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectTarget")
            .field("url", &redact_url(self.url.as_str()))
            .field("headers", &self.headers)
            .field("model_name", &self.model_name)
            .finish()
    }
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

impl Auth {
    /// Vertex AI credentials, checked: a plain project id and region name (see
    /// [`check_vertex_project`], [`check_vertex_location`]) and an access token that can go in
    /// an HTTP header (see [`Secret::check`]; empty is allowed when a credential provider
    /// supplies it). Errors never contain the token.
    pub fn vertex(
        project: impl Into<String>,
        location: impl Into<String>,
        access_token: Secret,
    ) -> Result<Auth, ConfigError> {
        let (project, location) = (project.into(), location.into());
        check_vertex_project(&project)?;
        check_vertex_location(&location)?;
        access_token.check("access token")?;
        Ok(Auth::Vertex {
            project,
            location,
            access_token,
        })
    }
}

/// Checks a Vertex AI location: a plain region name (`us-central1`, `europe-west4`, `us`,
/// `global`) made of lowercase ASCII letters, digits and `-`, starting with a letter, at most
/// 63 characters. It becomes part of the host name, so anything else (a `:port`, a `/`, a `#`,
/// a `.`) is refused rather than letting it redirect the bearer token to another host.
pub fn check_vertex_location(location: &str) -> Result<(), ConfigError> {
    let ok = !location.is_empty()
        && location.len() <= 63
        && location.starts_with(|c: char| c.is_ascii_lowercase())
        && !location.ends_with('-')
        && location
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            "location",
            format!(
                "Vertex location {:?} is not a region name: use lowercase letters, digits and '-' \
                 (e.g. \"us-central1\" or \"global\")",
                printable(location)
            ),
        ))
    }
}

/// Checks a Vertex AI project: a project id or number (ASCII letters, digits and `-`, plus the
/// `.` and `:` of domain-scoped ids such as `example.com:my-project`), starting with a letter
/// or digit, at most 128 characters. No `/`, `?`, `#`, `%`, `@` or whitespace: the project goes
/// into resource names and must not change their shape.
pub fn check_vertex_project(project: &str) -> Result<(), ConfigError> {
    let ok = !project.is_empty()
        && project.len() <= 128
        && project.starts_with(|c: char| c.is_ascii_alphanumeric())
        && project
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':'));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::invalid(
            "project",
            format!(
                "Vertex project {:?} is not a project id: use letters, digits, '-' (and the '.' and \
                 ':' of domain-scoped ids)",
                printable(project)
            ),
        ))
    }
}

/// At most 64 characters of `text` for an error message.
fn printable(text: &str) -> String {
    let mut out: String = text.chars().take(64).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// `url` for messages and logs: userinfo (`user:password@`) becomes `***@`, every query value
/// becomes `***` (`?key=***`), and the fragment is dropped. Works on unparsable text too.
pub fn redact_url(url: &str) -> String {
    let (url, _fragment) = url.split_once('#').unwrap_or((url, ""));
    let (before_query, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = String::with_capacity(url.len());
    match before_query.split_once("://") {
        Some((scheme, rest)) => {
            out.push_str(scheme);
            out.push_str("://");
            let authority_end = rest.find('/').unwrap_or(rest.len());
            let (authority, path) = rest.split_at(authority_end);
            match authority.rsplit_once('@') {
                Some((_, host)) => {
                    out.push_str("***@");
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            out.push_str(path);
        }
        None => match before_query.rsplit_once('@') {
            // No scheme: still never print what could be `user:password@`.
            Some((_, host)) => {
                out.push_str("***@");
                out.push_str(host);
            }
            None => out.push_str(before_query),
        },
    }
    if let Some(query) = query {
        out.push('?');
        let redacted: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) => format!("{k}=***"),
                None => pair.to_owned(),
            })
            .collect();
        out.push_str(&redacted.join("&"));
    }
    out
}

/// `text` with every URL in it passed through [`redact_url`] (a URL runs from its
/// `scheme://` to the next whitespace or quote). For error messages that may quote a URL.
pub fn redact_urls_in(text: &str) -> String {
    if !text.contains("://") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        // The scheme: letters, digits, '+', '-', '.' right before "://".
        let scheme_start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |i| i + 1);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .map_or(rest.len(), |i| at + i);
        out.push_str(&rest[..scheme_start]);
        out.push_str(&redact_url(&rest[scheme_start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
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

    /// The backend-qualified model name `setup` carries (`models/...`, `projects/...`).
    pub fn model_name(&self, model: &str) -> String {
        match &self.auth {
            Auth::ApiKey(_) | Auth::EphemeralToken(_) => gemini_model_name(model),
            Auth::Vertex {
                project, location, ..
            } => vertex_model_name(model, project, location),
            Auth::VertexApiKey(_) => vertex_express_model_name(model),
        }
    }

    /// Builds the target for one connection attempt, using `fresh` (from the credential
    /// provider) in place of the configured secret when given.
    pub fn target(&self, model: &str, fresh: Option<Secret>) -> Result<ConnectTarget, Error> {
        let secret = |configured: &Secret| fresh.clone().unwrap_or_else(|| configured.clone());
        if let Some(fresh) = &fresh {
            fresh.check("credential")?;
        }
        let (host, path, auth_header) = match &self.auth {
            Auth::ApiKey(key) => {
                key.check("API key")?;
                let version = self.api_version.as_deref().unwrap_or("v1beta");
                (
                    GEMINI_HOST.to_owned(),
                    format!(
                        "ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent"
                    ),
                    ("x-goog-api-key", secret(key).expose().to_owned()),
                )
            }
            Auth::EphemeralToken(token) => {
                token.check("ephemeral token")?;
                let version = self.api_version.as_deref().unwrap_or("v1alpha");
                (
                    GEMINI_HOST.to_owned(),
                    format!(
                        "ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContentConstrained"
                    ),
                    ("authorization", format!("Token {}", secret(token).expose())),
                )
            }
            Auth::Vertex {
                project,
                location,
                access_token,
            } => {
                check_vertex_project(project)?;
                check_vertex_location(location)?;
                access_token.check("access token")?;
                let version = self.api_version.as_deref().unwrap_or("v1beta1");
                (
                    vertex_host(location),
                    format!("ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent"),
                    (
                        "authorization",
                        format!("Bearer {}", secret(access_token).expose()),
                    ),
                )
            }
            Auth::VertexApiKey(key) => {
                key.check("API key")?;
                let version = self.api_version.as_deref().unwrap_or("v1beta1");
                (
                    vertex_host("global"),
                    format!("ws/google.cloud.aiplatform.{version}.LlmBidiService/BidiGenerateContent"),
                    ("x-goog-api-key", secret(key).expose().to_owned()),
                )
            }
        };
        if model.trim().is_empty() {
            return Err(ConfigError::NoModel.into());
        }
        let url = match &self.base_url {
            None => Url::parse(&format!("wss://{host}/{path}"))
                .map_err(|e| ConfigError::invalid("host", e.to_string()))?,
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
            check_custom_header(k, v)?;
            let name = k.to_ascii_lowercase();
            // A default header of the same name (`user-agent`, ...) gives way.
            headers.retain(|(existing, _)| *existing != name);
            // Printed redacted: an application header may carry a proxy's credential.
            headers.push((
                name,
                Secretish {
                    value: v.clone(),
                    secret: true,
                },
            ));
        }
        Ok(ConnectTarget {
            url,
            headers,
            model_name: self.model_name(model),
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

fn vertex_express_model_name(model: &str) -> String {
    if model.starts_with("publishers/") || model.starts_with("projects/") {
        model.to_owned()
    } else {
        format!("publishers/google/models/{model}")
    }
}

/// Header names the library sets itself (credentials, the WebSocket handshake, HTTP framing):
/// a custom header may not replace them.
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "x-goog-api-key",
    "proxy-authorization",
    "cookie",
    "host",
    "connection",
    "upgrade",
    "content-length",
    "transfer-encoding",
    "te",
    "trailer",
    "keep-alive",
    "proxy-connection",
    "expect",
];

/// Checks a custom request header: the name an HTTP token (letters, digits and
/// ``!#$%&'*+-.^_`|~``), not one the library sets itself (credentials: `authorization`,
/// `x-goog-api-key`; the handshake: `host`, `connection`, `upgrade`, `sec-websocket-*`; HTTP
/// framing); the value visible ASCII, spaces and tabs, not starting or ending with whitespace,
/// at most 8192 bytes (no CR, LF, NUL or other control character: they would split or end the
/// header).
pub fn check_custom_header(name: &str, value: &str) -> Result<(), ConfigError> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || name.len() > 256 || !name.bytes().all(token) {
        return Err(ConfigError::invalid(
            "header name",
            format!("{:?} is not an HTTP header name", printable(name)),
        ));
    }
    let lower = name.to_ascii_lowercase();
    if RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("sec-websocket-") {
        return Err(ConfigError::invalid(
            "header name",
            format!("{lower:?} is set by the library (credentials or the WebSocket handshake)"),
        ));
    }
    if value.len() > 8192 {
        return Err(ConfigError::invalid(
            "header value",
            format!("the value of {lower:?} is {} bytes, above 8192", value.len()),
        ));
    }
    if let Some(at) = value
        .bytes()
        .position(|b| !(b == b'\t' || (b' '..=b'~').contains(&b)))
    {
        return Err(ConfigError::invalid(
            "header value",
            format!("the value of {lower:?} has a control or non-ASCII byte at offset {at}"),
        ));
    }
    if value.starts_with([' ', '\t']) || value.ends_with([' ', '\t']) {
        return Err(ConfigError::invalid(
            "header value",
            format!("the value of {lower:?} starts or ends with whitespace"),
        ));
    }
    Ok(())
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
fn join_base(base: &str, path: &str, allow_insecure: bool) -> Result<Url, ConfigError> {
    let (mut url, scheme) = parse_base_url(base).map_err(|why| ConfigError::invalid("base_url", why))?;
    check_plain_text(&url, base, allow_insecure)?;
    url.set_scheme(scheme)
        .map_err(|_| ConfigError::invalid("base_url", format!("cannot use the scheme {scheme}")))?;
    let prefix = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{prefix}/{path}"));
    Ok(url)
}

/// Parses a base URL and names the WebSocket scheme it maps to (`http`→`ws`,
/// `https`→`wss`). `Err` says why, with the URL redacted.
pub(crate) fn parse_base_url(base: &str) -> Result<(Url, &'static str), String> {
    let url = Url::parse(base).map_err(|e| format!("{:?}: {e}", redact_url(base)))?;
    let scheme = match url.scheme() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        other => return Err(format!("scheme {other:?} is not ws, wss, http or https")),
    };
    Ok((url, scheme))
}

/// Refuses plain text (`ws`, `http`) to a host other than loopback unless `allow_insecure`.
pub(crate) fn check_plain_text(url: &Url, base: &str, allow_insecure: bool) -> Result<(), ConfigError> {
    if matches!(url.scheme(), "ws" | "http") && !allow_insecure && !is_loopback(url) {
        return Err(ConfigError::PlainText {
            url: redact_url(base),
        });
    }
    Ok(())
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
    fn vertex_express_target_uses_global_host_key_header_and_publisher_model() {
        let e = Endpoint::with_auth(Auth::VertexApiKey(Secret::new("AQ.key")));
        let t = e.target("gemini-live-2.5-flash-native-audio", None).unwrap();
        assert_eq!(
            t.url.as_str(),
            "wss://aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
        );
        assert_eq!(header(&t, "x-goog-api-key"), "AQ.key");
        assert!(!t.headers.iter().any(|(k, _)| k == "authorization"));
        assert_eq!(
            t.model_name,
            "publishers/google/models/gemini-live-2.5-flash-native-audio"
        );
        assert_eq!(
            e.model_name("publishers/google/models/x"),
            "publishers/google/models/x"
        );
        assert_eq!(
            header(
                &e.target("m", Some(Secret::new("fresh"))).unwrap(),
                "x-goog-api-key"
            ),
            "fresh"
        );
    }

    #[test]
    fn custom_headers_are_checked_and_replace_defaults() {
        let mut e = Endpoint::gemini("k");
        e.headers = vec![
            ("X-Goog-User-Project".into(), "quota-proj".into()),
            ("User-Agent".into(), "app/1".into()),
        ];
        let t = e.target("m", None).unwrap();
        assert_eq!(header(&t, "x-goog-user-project"), "quota-proj");
        assert_eq!(header(&t, "user-agent"), "app/1");
        assert_eq!(t.headers.iter().filter(|(k, _)| k == "user-agent").count(), 1);
        assert_eq!(header(&t, "x-goog-api-key"), "k");
        assert!(!format!("{t:?}").contains("quota-proj"), "{t:?}");
        for (name, value) in [
            ("", "v"),
            ("bad name", "v"),
            ("x:y", "v"),
            ("x\r\ny", "v"),
            ("Authorization", "Bearer x"),
            ("x-goog-api-key", "k2"),
            ("Host", "evil"),
            ("Sec-WebSocket-Key", "x"),
            ("upgrade", "h2c"),
            ("x-ok", "a\r\nInjected: 1"),
            ("x-ok", "a\0b"),
            ("x-ok", "caf\u{e9}"),
            ("x-ok", " padded"),
        ] {
            assert!(
                check_custom_header(name, value).is_err(),
                "{name:?}: {value:?} must be refused"
            );
        }
        assert!(check_custom_header("x-goog-user-project", "p-1").is_ok());
        assert!(check_custom_header("x-empty", "").is_ok());
        assert!(check_custom_header("x-tab", "a\tb").is_ok());
        // The transport checks them too.
        e.headers = vec![("authorization".into(), "Bearer stolen".into())];
        assert!(e.target("m", None).is_err());
    }

    #[test]
    fn vertex_project_and_location_are_plain_names() {
        for ok in [
            "us-central1",
            "global",
            "us",
            "eu",
            "europe-west4",
            "asia-northeast1",
        ] {
            assert!(check_vertex_location(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "127.0.0.1:18799/x#",
            "evil.example.com#",
            "US-CENTRAL1",
            "us central1",
            "us/x",
            "us-central1.",
            "-us",
            "us-",
            "1us",
            "us?x",
            "us@x",
            "us%2f",
            "üs",
        ] {
            assert!(
                matches!(
                    check_vertex_location(bad),
                    Err(ConfigError::InvalidArgument {
                        field: "location",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        for ok in ["my-project", "123456789012", "example.com:my-project", "P"] {
            assert!(check_vertex_project(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "p/x", "p?x", "p#x", "p%2f", "p@x", "p x", "p\n", "-p", ".p", "ü",
        ] {
            assert!(
                matches!(
                    check_vertex_project(bad),
                    Err(ConfigError::InvalidArgument { field: "project", .. })
                ),
                "{bad:?}"
            );
        }
        // The transport refuses them too, so Rust users cannot send the token elsewhere.
        let e = Endpoint::with_auth(Auth::Vertex {
            project: "p".into(),
            location: "127.0.0.1:18799/x#".into(),
            access_token: Secret::new("ya29"),
        });
        assert!(matches!(
            e.target("m", None),
            Err(Error::Config(ConfigError::InvalidArgument {
                field: "location",
                ..
            }))
        ));
        assert!(Auth::vertex("p", "127.0.0.1:18799/x#", Secret::new("ya29")).is_err());
        assert!(Auth::vertex("p", "us-central1", Secret::new("ya29\n")).is_err());
        assert!(Auth::vertex("p", "us-central1", Secret::new("ya29")).is_ok());
    }

    #[test]
    fn bad_credentials_fail_target_without_echo() {
        let e = Endpoint::gemini("AIzaSecr\u{e9}t");
        let err = e.target("m", None).unwrap_err();
        assert!(
            matches!(err, Error::Config(ConfigError::Credential { .. })),
            "{err:?}"
        );
        assert!(!err.to_string().contains("Secr"), "{err}");
        let ok = Endpoint::gemini("k");
        assert!(
            ok.target("m", Some(Secret::new("fresh\r\n"))).is_err(),
            "fresh secrets too"
        );
    }

    #[test]
    fn urls_in_messages_lose_userinfo_and_query_values() {
        assert_eq!(
            redact_url("ws://user:hunter2@10.0.0.5:80/p?key=AIza123&x=1#frag"),
            "ws://***@10.0.0.5:80/p?key=***&x=***"
        );
        assert_eq!(redact_url("wss://example.com/gemini"), "wss://example.com/gemini");
        assert_eq!(redact_url("user:pw@host"), "***@host");
        assert_eq!(
            redact_urls_in("refusing \"ws://u:pw@h:1/x?key=k\" now; see https://a.b/c"),
            "refusing \"ws://***@h:1/x?key=***\" now; see https://a.b/c"
        );
        let mut e = Endpoint::gemini("k");
        e.base_url = Some("ws://admin:hunter2@10.0.0.5:80/?key=AIzaSecret".into());
        let err = e.target("m", None).unwrap_err().to_string();
        assert!(!err.contains("hunter2") && !err.contains("AIzaSecret"), "{err}");
        assert!(err.contains("10.0.0.5"), "{err}");
        e.base_url = Some("ws://admin:hunter2@[::1".into());
        let err = e.target("m", None).unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(!format!("{e:?}").contains("hunter2"));
        e.base_url = Some("ws://admin:hunter2@127.0.0.1:9/".into());
        assert!(!format!("{:?}", e.target("m", None).unwrap()).contains("hunter2"));
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
        assert!(matches!(e.target("m", None), Err(Error::Config(_))));
        e.allow_insecure = true;
        assert!(e.target("m", None).is_ok());
        e.base_url = Some("ftp://x".into());
        assert!(e.target("m", None).is_err());
    }
}
