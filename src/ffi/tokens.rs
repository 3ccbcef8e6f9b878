//! Minting ephemeral tokens for clients (`auth_tokens.create`): a backend holds the API key,
//! mints a short-lived, limited token and hands its name to a browser or phone app, which
//! connects with `gemini_live_config_set_ephemeral_token`.

use super::error::{gemini_live_result, Error};
use super::ptr::{check_out, try_nonempty_str, try_opt_str, try_ref, write_out};
use super::runtime;
use crate::transport::{create_auth_token, RestEndpoint, Secret, TlsConfig, TokenRequest};
use serde::Deserialize;
use std::ffi::{c_char, CString};
use std::time::Duration;

/// A minted ephemeral token (opaque): its name and expiry times. Freed with
/// `gemini_live_auth_token_free`.
pub struct gemini_live_auth_token {
    _private: [u8; 0],
}

struct Minted {
    name: CString,
    expire_time: i64,
    new_session_expire_time: i64,
}

/// The JSON of `request_json`: every key optional.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RequestJson {
    uses: Option<u32>,
    expire_seconds: Option<u32>,
    new_session_expire_seconds: Option<u32>,
    setup: Option<serde_json::Value>,
    field_mask: Option<String>,
    base_url: Option<String>,
    api_version: Option<String>,
    allow_insecure: bool,
    ca_file: Option<String>,
}

/// Mints an ephemeral token with `api_key`: a blocking REST call to the Gemini API's
/// `auth_tokens` resource, bounded by `timeout_ms` (0: 30 s). On success `*out` receives the
/// token, owned by the caller.
///
/// `request_json` (NULL: the service's defaults) is a JSON object, every key optional:
/// - `"uses"`: new sessions the token may open (default 1; 0 is unlimited; resuming a session
///   does not count);
/// - `"expire_seconds"`: how long sessions opened with it may run (default 1800; under 20 h);
/// - `"new_session_expire_seconds"`: how long it may open new sessions (default 60);
/// - `"setup"`: setup fields to lock, as the `setup` message's JSON (camelCase, e.g.
///   `{"model":"models/gemini-live-2.5-flash-preview","generationConfig":{"temperature":0.7}}`);
/// - `"field_mask"`: the locked paths, comma-separated (`"model,generationConfig.temperature"`);
///   absent with a `"setup"`, the whole setup is locked;
/// - `"base_url"` (e.g. the mock's `gemini_live_mock_server_http_url`), `"api_version"`
///   (default `"v1alpha"`), `"allow_insecure"` (plain `http` to a non-loopback host),
///   `"ca_file"` (a PEM file of extra CAs, as `gemini_live_config_set_ca_file`).
///
/// Threads: any thread that is not inside an event or credential callback. Errors:
/// `NULL_ARGUMENT` (api_key, out), `INVALID_UTF8`, `INVALID_JSON` (request_json),
/// `INVALID_ARGUMENT` (an empty or unsendable key, a bad URL), `CONFIG` (plain text to a remote
/// host), `TLS`, `CONNECT_FAILED`, `TIMEOUT`, `PROTOCOL` (an answer without a token), and
/// `HTTP` when the service refused: the error object carries the HTTP status
/// (`gemini_live_error_http_status`) and the service's message (`gemini_live_error_reason`).
/// The API key never appears in messages.
#[no_mangle]
pub extern "C" fn gemini_live_auth_token_create(
    api_key: *const c_char,
    request_json: *const c_char,
    timeout_ms: u32,
    out: *mut *mut gemini_live_auth_token,
) -> gemini_live_result {
    crate::ffi_result! {
        check_out(out, "out")?;
        let key = Secret::new(unsafe { try_nonempty_str(api_key, "api_key")? });
        let request: RequestJson = match unsafe { try_opt_str(request_json, "request_json")? } {
            None => RequestJson::default(),
            Some(text) => serde_json::from_str(text).map_err(|e| Error::json(format!("`request_json`: {e}")))?,
        };
        if request.expire_seconds == Some(0) || request.new_session_expire_seconds == Some(0) {
            return Err(Error::invalid("`expire_seconds` and `new_session_expire_seconds` must be positive"));
        }
        let tls = match &request.ca_file {
            Some(path) => TlsConfig::with_ca_file(path),
            None => TlsConfig::system(),
        }
        .map_err(|e| Error::from(crate::transport::ConfigError::from(e)))?;
        let endpoint = RestEndpoint {
            base_url: request.base_url,
            api_version: request.api_version,
            allow_insecure: request.allow_insecure,
            tls,
        };
        let req = TokenRequest {
            uses: request.uses,
            expire_after: request.expire_seconds.map(|s| Duration::from_secs(s.into())),
            new_session_expire_after: request.new_session_expire_seconds.map(|s| Duration::from_secs(s.into())),
            setup: request.setup,
            field_mask: request.field_mask,
        };
        let timeout = Duration::from_millis(if timeout_ms == 0 { 30_000 } else { u64::from(timeout_ms) });
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel(1);
        // The request runs on the IO runtime; this thread only waits.
        runtime::io().spawn(async move {
            let _ = done_tx.send(create_auth_token(&key, &req, &endpoint, timeout).await);
        });
        let minted = match done_rx.recv() {
            Ok(result) => result.map_err(Error::from)?,
            Err(_) => return Err(Error::new(gemini_live_result::Internal, "the mint task failed")),
        };
        let name = CString::new(minted.name.expose())
            .map_err(|_| Error::new(gemini_live_result::Protocol, "the token name holds a NUL"))?;
        let token = Box::new(Minted {
            name,
            expire_time: minted.expire_time,
            new_session_expire_time: minted.new_session_expire_time,
        });
        unsafe { write_out(out, Box::into_raw(token).cast()) };
        Ok(())
    }
}

unsafe fn minted<'a>(ptr: *const gemini_live_auth_token) -> Result<&'a Minted, Error> {
    try_ref(ptr.cast::<Minted>(), "token")
}

/// The token's name (`auth_tokens/...`), the credential to hand to the client. Borrowed: valid
/// until `gemini_live_auth_token_free`. NULL if `token` is NULL. Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_auth_token_name(token: *const gemini_live_auth_token) -> *const c_char {
    crate::ffi_panic_boundary! {
        match unsafe { minted(token) } {
            Ok(t) => t.name.as_ptr(),
            Err(e) => {
                super::error::report(e);
                std::ptr::null()
            }
        }
    }
}

/// When sessions opened with the token stop being accepted, in Unix seconds (UTC). 0 if
/// `token` is NULL. Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_auth_token_expire_time(token: *const gemini_live_auth_token) -> i64 {
    crate::ffi_panic_boundary! {
        unsafe { minted(token) }.map_or(0, |t| t.expire_time)
    }
}

/// Until when the token may open new sessions, in Unix seconds (UTC). 0 if `token` is NULL.
/// Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_auth_token_new_session_expire_time(
    token: *const gemini_live_auth_token,
) -> i64 {
    crate::ffi_panic_boundary! {
        unsafe { minted(token) }.map_or(0, |t| t.new_session_expire_time)
    }
}

/// Frees a token (its name is wiped first). NULL is a no-op. Thread: any; not twice.
#[no_mangle]
pub extern "C" fn gemini_live_auth_token_free(token: *mut gemini_live_auth_token) {
    crate::ffi_panic_boundary! {
        if !token.is_null() {
            let t = unsafe { Box::from_raw(token.cast::<Minted>()) };
            let mut bytes = t.name.into_bytes();
            bytes.iter_mut().for_each(|b| *b = 0);
        }
    }
}
