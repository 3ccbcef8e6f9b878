//! C access to the bundled mock Live server (the `gemini-live-mock` crate), for tests and
//! offline CI. Compiled only with the `mock` cargo feature (on by default): a product build made
//! with `--no-default-features` exports none of these functions, though the header still
//! declares them.

use super::error::{gemini_live_result, Error};
use super::ptr::{check_out, try_ref, try_str, write_out};
use gemini_live_mock::{BlockingMockServer, MockConfig};
use std::ffi::{c_char, CString};
use std::time::Duration;

/// A running mock Gemini Live server (opaque), on its own runtime and thread.
pub struct gemini_live_mock_server {
    _private: [u8; 0],
}

struct Mock {
    server: BlockingMockServer,
    url: CString,
    http_url: CString,
}

unsafe fn mock_ref<'a>(ptr: *const gemini_live_mock_server) -> Result<&'a Mock, Error> {
    try_ref(ptr.cast::<Mock>(), "server")
}

/// Starts a mock server. `config_json` is a JSON object of mock settings (all optional,
/// snake_case, e.g. `{"api_keys":["k"],"audio_transcript":"what is the weather in Paris"}`;
/// see docs/mock.md, "Options"); NULL uses the defaults (a free loopback port, any
/// non-empty API key accepted). On success `*out` receives the server, owned by the caller and
/// stopped with `gemini_live_mock_server_free`.
///
/// Threads: any thread that is not inside an event callback. Errors: `NULL_ARGUMENT` (out),
/// `INVALID_UTF8`, `INVALID_JSON` (not JSON, unknown types or a bad scenario), `IO` (cannot
/// bind).
#[no_mangle]
pub extern "C" fn gemini_live_mock_server_start(
    config_json: *const c_char,
    out: *mut *mut gemini_live_mock_server,
) -> gemini_live_result {
    crate::ffi_result! {
        check_out(out, "out")?;
        let config: MockConfig = if config_json.is_null() {
            MockConfig::default()
        } else {
            let text = unsafe { try_str(config_json, "config_json")? };
            serde_json::from_str(text).map_err(|e| Error::json(format!("`config_json`: {e}")))?
        };
        let server = BlockingMockServer::start(config).map_err(|e| {
            let code = if e.kind() == std::io::ErrorKind::InvalidData || e.kind() == std::io::ErrorKind::InvalidInput {
                gemini_live_result::InvalidJson
            } else {
                gemini_live_result::Io
            };
            Error::new(code, format!("cannot start the mock server: {e}"))
        })?;
        let url = CString::new(server.base_url()).map_err(|_| Error::new(gemini_live_result::Internal, "bad URL"))?;
        let http_url = CString::new(server.http_url()).map_err(|_| Error::new(gemini_live_result::Internal, "bad URL"))?;
        let mock = Box::new(Mock { server, url, http_url });
        unsafe { write_out(out, Box::into_raw(mock).cast()) };
        Ok(())
    }
}

/// The server's base URL, `ws://127.0.0.1:PORT`, for `gemini_live_config_set_base_url`.
/// Borrowed: valid until `gemini_live_mock_server_free`. NULL if `server` is NULL.
#[no_mangle]
pub extern "C" fn gemini_live_mock_server_url(server: *const gemini_live_mock_server) -> *const c_char {
    crate::ffi_panic_boundary! {
        match unsafe { mock_ref(server) } {
            Ok(m) => m.url.as_ptr(),
            Err(e) => {
                super::error::report(e);
                std::ptr::null()
            }
        }
    }
}

/// The base URL of the server's REST side, `http://127.0.0.1:PORT` (a listener of its own):
/// pass it as `"base_url"` to `gemini_live_auth_token_create`, and its `127.0.0.1:PORT` part as
/// `GCE_METADATA_HOST` to reach its metadata-server emulation. Its OAuth token endpoint is
/// `/token` (the `token_uri` of `gemini_live_mock_server_credentials_json`'s files).
/// Borrowed: valid until `gemini_live_mock_server_free`. NULL if `server` is NULL.
#[no_mangle]
pub extern "C" fn gemini_live_mock_server_http_url(server: *const gemini_live_mock_server) -> *const c_char {
    crate::ffi_panic_boundary! {
        match unsafe { mock_ref(server) } {
            Ok(m) => m.http_url.as_ptr(),
            Err(e) => {
                super::error::report(e);
                std::ptr::null()
            }
        }
    }
}

/// Makes a test credentials file's JSON for Application Default Credentials and writes it to
/// `*out` (owned by the caller, freed with `gemini_live_string_free`): `kind` is
/// `"service_account"` (a key made now, RSA-2048, whose JWT assertions the mock's token
/// endpoint verifies) or `"authorized_user"` (a refresh token it accepts). Both name the mock's
/// token endpoint as `token_uri`. Write it to a file for `gemini_live_config_set_vertex_adc`.
///
/// Threads: any. Errors: `NULL_ARGUMENT`, `INVALID_UTF8`, `INVALID_ARGUMENT` (unknown kind),
/// `INTERNAL` (key generation failed).
#[no_mangle]
pub extern "C" fn gemini_live_mock_server_credentials_json(
    server: *const gemini_live_mock_server,
    kind: *const c_char,
    out: *mut *mut c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let m = unsafe { mock_ref(server)? };
        let kind = unsafe { try_str(kind, "kind")? };
        check_out(out, "out")?;
        let json = m.server.credentials_json(kind).map_err(|e| {
            let code = if e.kind() == std::io::ErrorKind::InvalidInput {
                gemini_live_result::InvalidArgument
            } else {
                gemini_live_result::Internal
            };
            Error::new(code, e.to_string())
        })?;
        let c = CString::new(json).map_err(|_| Error::new(gemini_live_result::Internal, "NUL in credentials"))?;
        unsafe { write_out(out, c.into_raw()) };
        Ok(())
    }
}

/// Writes a JSON snapshot of the server's counters to `*out` (connections, setups, messages
/// by kind under `"messages"`, tool responses, closes sent, texts received, ...). The string is
/// owned by the caller and freed with `gemini_live_string_free`.
///
/// Threads: any. Errors: `NULL_ARGUMENT`.
#[no_mangle]
pub extern "C" fn gemini_live_mock_server_stats_json(
    server: *const gemini_live_mock_server,
    out: *mut *mut c_char,
) -> gemini_live_result {
    crate::ffi_result! {
        let m = unsafe { mock_ref(server)? };
        check_out(out, "out")?;
        let json = serde_json::to_string(&m.server.stats())
            .map_err(|e| Error::new(gemini_live_result::Internal, e.to_string()))?;
        let c = CString::new(json).map_err(|_| Error::new(gemini_live_result::Internal, "NUL in stats"))?;
        unsafe { write_out(out, c.into_raw()) };
        Ok(())
    }
}

/// Waits until the number at `json_pointer` (RFC 6901, e.g. `/messages/realtime_text` or
/// `/setups_completed`) in the stats snapshot is at least `at_least`, or until `timeout_ms`
/// passes. Re-evaluated on every change of the counters, without polling.
///
/// Threads: any thread that is not inside an event callback. Errors: `NULL_ARGUMENT`,
/// `INVALID_UTF8`, `TIMEOUT` (the value stayed below; the message shows it).
#[no_mangle]
pub extern "C" fn gemini_live_mock_server_wait_for(
    server: *const gemini_live_mock_server,
    json_pointer: *const c_char,
    at_least: i64,
    timeout_ms: u32,
) -> gemini_live_result {
    crate::ffi_result! {
        let m = unsafe { mock_ref(server)? };
        let pointer = unsafe { try_str(json_pointer, "json_pointer")? };
        let value_of = |stats: &gemini_live_mock::MockStats| -> Option<i64> {
            let v = serde_json::to_value(stats).ok()?;
            let x = v.pointer(pointer)?;
            x.as_i64().or_else(|| x.as_array().map(|a| a.len() as i64))
        };
        let ok = m.server.wait_for(
            |stats| value_of(stats).is_some_and(|v| v >= at_least),
            Duration::from_millis(u64::from(timeout_ms)),
        );
        if ok {
            Ok(())
        } else {
            let now = value_of(&m.server.stats());
            Err(Error::new(
                gemini_live_result::Timeout,
                format!("{pointer} is {now:?}, not >= {at_least}, after {timeout_ms} ms"),
            ))
        }
    }
}

/// Stops the server (open connections get close 1001) and frees it. NULL is a no-op.
/// Threads: any thread that is not inside an event callback; not twice.
#[no_mangle]
pub extern "C" fn gemini_live_mock_server_free(server: *mut gemini_live_mock_server) {
    crate::ffi_panic_boundary! {
        if !server.is_null() {
            let mock = unsafe { Box::from_raw(server.cast::<Mock>()) };
            mock.server.shutdown();
        }
    }
}
