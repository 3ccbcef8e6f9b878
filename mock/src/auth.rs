//! Routing on the upgrade request's path and credential checks.
//!
//! Auth failures never fail the upgrade: like the real service the mock answers 101 and then
//! closes 1007 (bad credentials) or 1008 (none). Only an unknown path gets an HTTP 404.

use super::config::MockConfig;
use super::rest::Registry;
use super::wire::{self, Fatal};
use tokio_tungstenite::tungstenite::handshake::server::Request;

/// Which Live endpoint a connection targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `…GenerativeService.BidiGenerateContent` (Gemini API key).
    Gemini,
    /// `…GenerativeService.BidiGenerateContentConstrained` (ephemeral token).
    Constrained,
    /// `…LlmBidiService/BidiGenerateContent` (Vertex, bearer token or express API key).
    Vertex,
}

/// What the upgrade request told us.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub endpoint: Endpoint,
    /// The version segment (`v1beta`, `v1alpha`, `v1`, `v1beta1`), used in error texts.
    pub version: String,
    key: Option<String>,
    token: Option<String>,
    bearer: Option<String>,
}

/// Routes on the path suffix, whatever the prefix (`//ws/…` included) and version segment.
pub(crate) fn route(req: &Request) -> Option<Route> {
    let path = req.uri().path();
    let endpoint = if path.ends_with("GenerativeService.BidiGenerateContentConstrained") {
        Endpoint::Constrained
    } else if path.ends_with("GenerativeService.BidiGenerateContent") {
        Endpoint::Gemini
    } else if path.ends_with("LlmBidiService/BidiGenerateContent") {
        Endpoint::Vertex
    } else {
        return None;
    };
    let version = path
        .rsplit('/')
        .flat_map(|segment| segment.split('.'))
        .find(|part| part.starts_with('v') && part[1..].starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or("v1beta")
        .to_string();

    let mut route = Route {
        endpoint,
        version,
        key: None,
        token: None,
        bearer: None,
    };
    if let Some(query) = req.uri().query() {
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "key" => route.key = non_empty(&value),
                "access_token" => route.token = non_empty(&value),
                _ => {}
            }
        }
    }
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(key) = header("x-goog-api-key") {
        route.key = route.key.or_else(|| non_empty(key));
    }
    if let Some(auth) = header("authorization") {
        let (scheme, value) = auth.split_once(' ').unwrap_or((auth, ""));
        if scheme.eq_ignore_ascii_case("token") {
            route.token = route.token.or_else(|| non_empty(value));
        } else if scheme.eq_ignore_ascii_case("bearer") {
            route.bearer = non_empty(value);
        }
    }
    Some(route)
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

fn listed(allowed: &[String], value: &str) -> bool {
    allowed.is_empty() || allowed.iter().any(|a| a == value)
}

/// Checks the credentials; on success returns the ephemeral token to consume at setup, if any.
/// Tokens the mock's REST side issued follow their own rules (expiry, uses); others the lists.
pub(crate) fn check(route: &Route, cfg: &MockConfig, issued: &Registry) -> Result<Option<String>, Fatal> {
    let missing = || Fatal::new(1008, wire::MISSING_CREDENTIALS);
    let bad_key = || Fatal::new(1007, wire::BAD_API_KEY);
    match route.endpoint {
        Endpoint::Gemini => {
            let key = route.key.as_deref().ok_or_else(missing)?;
            listed(&cfg.api_keys, key).then_some(None).ok_or_else(bad_key)
        }
        Endpoint::Constrained => {
            // The Python SDK sends the token as `Authorization: Token` and as `x-goog-api-key`.
            let token = route
                .token
                .as_deref()
                .or(route.key.as_deref())
                .ok_or_else(missing)?;
            if issued.auth_token(token).is_some() {
                return match issued.check_connect(token) {
                    Ok(()) => Ok(Some(token.to_string())),
                    Err(_) => Err(Fatal::new(1007, wire::TOKEN_EXPIRED)),
                };
            }
            if listed(&cfg.ephemeral_tokens, token) {
                Ok(Some(token.to_string()))
            } else {
                Err(bad_key())
            }
        }
        Endpoint::Vertex => match (&route.bearer, &route.key) {
            (Some(bearer), _) if issued.access_token_valid(bearer).is_some() => {
                match issued.access_token_valid(bearer) {
                    Some(true) => Ok(None),
                    _ => Err(Fatal::new(1007, wire::BAD_BEARER)),
                }
            }
            (Some(bearer), _) => listed(&cfg.bearer_tokens, bearer)
                .then_some(None)
                .ok_or_else(|| Fatal::new(1007, wire::BAD_BEARER)),
            // Vertex express mode: an API key.
            (None, Some(key)) => listed(&cfg.api_keys, key).then_some(None).ok_or_else(bad_key),
            (None, None) => Err(missing()),
        },
    }
}
