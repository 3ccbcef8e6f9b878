//! `gemini_live_result`: the result code of every fallible function, and the thread-local
//! last-error message.

use crate::session::SessionError;
use crate::transport::{ConfigError, Error as TransportError};
use std::cell::RefCell;
use std::ffi::{c_char, CString};

/// The result of a fallible `gemini_live_*` function. `GEMINI_LIVE_RESULT_OK` (0) is success;
/// every failure has its own stable number, which never changes meaning in later releases
/// (retired numbers are never reused). After a failure, `gemini_live_last_error_message()` on
/// the same thread describes it, and `gemini_live_last_error_take()` hands it out as an owned
/// `gemini_live_error` with its data (the close code and reason of a server's close).
///
/// In C this is a `uint32_t`; compare against the `GEMINI_LIVE_RESULT_*` values.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum gemini_live_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// An argument was out of range, empty, malformed, or an unknown enum value. (Arguments
    /// over a size limit get `GEMINI_LIVE_RESULT_TOO_LARGE`.)
    InvalidArgument = 3,
    /// A JSON argument did not parse, or did not have the required shape.
    InvalidJson = 4,
    /// The session's outgoing queue is full; nothing was queued. Retry later.
    QueueFull = 5,
    /// The session is closed (or closing): nothing more can be sent or received.
    Closed = 6,
    /// A deadline passed (connect, setup, or a pull with a timeout).
    Timeout = 7,
    /// DNS, TCP, the TLS handshake or the WebSocket upgrade failed, or the connection broke
    /// before `setupComplete` without a close frame.
    ConnectFailed = 8,
    /// The server closed the connection (bad credentials, unknown model, ...). The error object
    /// (`gemini_live_last_error_take`) carries the close code and the server's reason verbatim.
    ServerClosed = 9,
    /// The server broke the protocol (e.g. it did not answer `setup` with `setupComplete`).
    Protocol = 10,
    /// The configuration is incomplete or inconsistent (no credentials, no model, bad URL).
    Config = 11,
    /// A TLS setting is unusable: the custom CA file is unreadable, holds bad PEM, a bad
    /// certificate or none (at `gemini_live_config_set_ca_file`, or at connect if the file
    /// changed since).
    Tls = 12,
    /// An operating-system I/O failure (e.g. the mock server could not bind).
    Io = 13,
    /// A Rust panic was caught at the boundary; the library is still usable.
    Panic = 14,
    /// An unexpected internal failure.
    Internal = 15,
    /// A caller-supplied buffer was too small.
    BufferTooSmall = 16,
    /// The credential callback failed or returned an unusable credential.
    Credential = 17,
    /// A message would exceed the largest client message the session sends
    /// (`GEMINI_LIVE_MAX_MESSAGE_BYTES` of encoded JSON unless changed with
    /// `gemini_live_config_set_max_message_bytes`), or an argument is over its documented size
    /// limit. Nothing was sent or queued; the last error message gives the size and the limit.
    /// Split the data into smaller calls.
    TooLarge = 18,
    /// A REST request (minting an ephemeral token) got an HTTP error from the service. The
    /// error object carries the HTTP status (`gemini_live_error_http_status`) and the service's
    /// message verbatim (`gemini_live_error_reason`).
    Http = 19,
}

impl gemini_live_result {
    /// The stable name of the code, e.g. `"GEMINI_LIVE_RESULT_QUEUE_FULL"`.
    pub fn name(self) -> &'static str {
        use gemini_live_result::*;
        match self {
            Ok => "GEMINI_LIVE_RESULT_OK\0",
            NullArgument => "GEMINI_LIVE_RESULT_NULL_ARGUMENT\0",
            InvalidUtf8 => "GEMINI_LIVE_RESULT_INVALID_UTF8\0",
            InvalidArgument => "GEMINI_LIVE_RESULT_INVALID_ARGUMENT\0",
            InvalidJson => "GEMINI_LIVE_RESULT_INVALID_JSON\0",
            QueueFull => "GEMINI_LIVE_RESULT_QUEUE_FULL\0",
            Closed => "GEMINI_LIVE_RESULT_CLOSED\0",
            Timeout => "GEMINI_LIVE_RESULT_TIMEOUT\0",
            ConnectFailed => "GEMINI_LIVE_RESULT_CONNECT_FAILED\0",
            ServerClosed => "GEMINI_LIVE_RESULT_SERVER_CLOSED\0",
            Protocol => "GEMINI_LIVE_RESULT_PROTOCOL\0",
            Config => "GEMINI_LIVE_RESULT_CONFIG\0",
            Tls => "GEMINI_LIVE_RESULT_TLS\0",
            Io => "GEMINI_LIVE_RESULT_IO\0",
            Panic => "GEMINI_LIVE_RESULT_PANIC\0",
            Internal => "GEMINI_LIVE_RESULT_INTERNAL\0",
            BufferTooSmall => "GEMINI_LIVE_RESULT_BUFFER_TOO_SMALL\0",
            Credential => "GEMINI_LIVE_RESULT_CREDENTIAL\0",
            TooLarge => "GEMINI_LIVE_RESULT_TOO_LARGE\0",
            Http => "GEMINI_LIVE_RESULT_HTTP\0",
        }
    }

    /// The code for a raw number, if it is one.
    pub fn from_u32(value: u32) -> Option<Self> {
        use gemini_live_result::*;
        Some(match value {
            0 => Ok,
            1 => NullArgument,
            2 => InvalidUtf8,
            3 => InvalidArgument,
            4 => InvalidJson,
            5 => QueueFull,
            6 => Closed,
            7 => Timeout,
            8 => ConnectFailed,
            9 => ServerClosed,
            10 => Protocol,
            11 => Config,
            12 => Tls,
            13 => Io,
            14 => Panic,
            15 => Internal,
            16 => BufferTooSmall,
            17 => Credential,
            18 => TooLarge,
            19 => Http,
            _ => return None,
        })
    }
}

/// A failure inside an exported function: its code, message, and (for a server's close) the
/// close code and the server's reason.
#[derive(Debug, Clone)]
pub(crate) struct Error {
    pub code: gemini_live_result,
    pub message: String,
    pub close: Option<(u16, String)>,
    /// For `Http`: the HTTP status and the service's message.
    pub http: Option<(u16, String)>,
}

impl Error {
    pub fn new(code: gemini_live_result, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            close: None,
            http: None,
        }
    }
    pub fn null(name: &str) -> Self {
        Self::new(gemini_live_result::NullArgument, format!("`{name}` is NULL"))
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(gemini_live_result::InvalidArgument, message)
    }
    pub fn json(message: impl Into<String>) -> Self {
        Self::new(gemini_live_result::InvalidJson, message)
    }
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(gemini_live_result::TooLarge, message)
    }
    pub fn closed() -> Self {
        Self::new(gemini_live_result::Closed, "the session is closed")
    }
}

/// Each session-layer failure has one result code (exhaustive: a new variant must be mapped).
impl From<SessionError> for Error {
    fn from(e: SessionError) -> Self {
        use gemini_live_result as R;
        let code = match &e {
            SessionError::ChannelClosed => R::Closed,
            SessionError::QueueFull => R::QueueFull,
            SessionError::InvalidTransition { .. } => R::Internal,
            SessionError::InvalidInput(_) => R::InvalidArgument,
            SessionError::MessageTooLarge { .. } => R::TooLarge,
        };
        Error::new(code, e.to_string())
    }
}

/// Each refusal of the builder as the result code the C setters document.
impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        use gemini_live_result as R;
        let code = match &e {
            ConfigError::InvalidArgument { .. } | ConfigError::Credential { .. } => R::InvalidArgument,
            ConfigError::NoCredentials
            | ConfigError::NoModel
            | ConfigError::PlainText { .. }
            | ConfigError::VertexOnly { .. } => R::Config,
            ConfigError::Tls(_) => R::Tls,
            ConfigError::SetupTooLarge { .. } => R::TooLarge,
        };
        Error::new(code, e.to_string())
    }
}

/// Each transport failure has one result code (exhaustive: a new variant must be mapped); a
/// server's close keeps its code and reason as data.
impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        use gemini_live_result as R;
        let code = match &e {
            TransportError::Config(config) => return Error::from(config.clone()),
            TransportError::Credential(_) => R::Credential,
            TransportError::Connect(_) => R::ConnectFailed,
            TransportError::Timeout(_) => R::Timeout,
            TransportError::Protocol(_) => R::Protocol,
            TransportError::ServerClosed { .. } => R::ServerClosed,
            TransportError::Session(session) => return Error::from(session.clone()),
            TransportError::Http { .. } => R::Http,
        };
        Error {
            code,
            message: e.to_string(),
            close: e.close().map(|(code, reason)| (code, reason.to_owned())),
            http: match &e {
                TransportError::Http { status, message } => Some((*status, message.clone())),
                _ => None,
            },
        }
    }
}

/// A failure taken from a thread with `gemini_live_last_error_take` (opaque, owned by the
/// caller): its result code, its message, and for a server's close the WebSocket close code
/// and the server's reason. Read it with the `gemini_live_error_*` accessors (any thread; it is
/// immutable), free it once with `gemini_live_error_free`.
///
/// Why an object as well as result codes: the result code alone (rustls-ffi style) says which
/// kind of failure happened, but not the data some failures carry (the close code and reason
/// of a server's refusal); an owned object (wasmtime style) carries them and, unlike the
/// thread-local message, can be taken in the same native call as the failing function, so
/// bindings whose threads migrate (Go goroutines) never depend on the calling OS thread.
pub struct gemini_live_error {
    result: gemini_live_result,
    message: CString,
    close_code: u16,
    reason: CString,
    http_status: u16,
}

fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', "\\0")).unwrap_or_default()
}

#[derive(Default)]
struct LastError {
    /// What `gemini_live_last_error_message` returns (kept after a take).
    message: CString,
    /// What `gemini_live_last_error_take` hands out, once.
    pending: Option<Box<gemini_live_error>>,
}

impl LastError {
    /// Whether `error` (with no close or HTTP data) is what this slot already holds, its
    /// object not yet taken: recording it again would change nothing a caller can see.
    fn repeats(&self, error: &Error) -> bool {
        match &self.pending {
            Some(object) => {
                object.result == error.code
                    && object.close_code == 0
                    && object.http_status == 0
                    && !error.message.contains("://")
                    && !error.message.contains('\0')
                    && self.message.as_bytes() == error.message.as_bytes()
            }
            None => false,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError::default());
}

/// Records `error` as this thread's last error and returns its code. URLs in the message are
/// printed without userinfo or query values (`redact_urls_in`), whichever layer wrote it; the
/// server's reason is kept verbatim.
pub(crate) fn report(error: Error) -> gemini_live_result {
    if error.close.is_none() && error.http.is_none() && LAST_ERROR.with(|slot| slot.borrow().repeats(&error))
    {
        // The same failure again with its object still untaken (a pull loop's TIMEOUT, every
        // time it finds nothing pending): the message and the object already describe it.
        return error.code;
    }
    let message = c_string(&crate::transport::redact_urls_in(&error.message));
    let (close_code, close_reason) = error.close.unwrap_or_default();
    let (http_status, http_message) = error.http.unwrap_or_default();
    let reason = if http_status != 0 {
        http_message
    } else {
        close_reason
    };
    let object = Box::new(gemini_live_error {
        result: error.code,
        message: message.clone(),
        close_code,
        reason: c_string(&reason),
        http_status,
    });
    LAST_ERROR.with(|slot| {
        *slot.borrow_mut() = LastError {
            message,
            pending: Some(object),
        }
    });
    error.code
}

/// Turns the outcome of an exported function's body into its result code.
pub(crate) fn into_result(outcome: Result<(), Error>) -> gemini_live_result {
    match outcome {
        Ok(()) => gemini_live_result::Ok,
        Err(e) => report(e),
    }
}

/// The message of the last failure on the calling thread: NUL-terminated UTF-8, never NULL
/// (an empty string when nothing failed yet on this thread).
///
/// Ownership: borrowed from the library; do not free it. It stays valid until the next call
/// on the same thread that fails (successful calls and `gemini_live_last_error_take` leave it
/// unchanged), so copy it if you need it longer. Thread: any; each thread has its own message.
///
/// For a `GEMINI_LIVE_RESULT_SERVER_CLOSED` failure the message has the form
/// `closed by server (<code>): <the server's reason, verbatim>`; read the close code and the
/// reason as data from `gemini_live_last_error_take` instead of parsing this text.
#[no_mangle]
pub extern "C" fn gemini_live_last_error_message() -> *const c_char {
    crate::ffi_panic_boundary! {
        LAST_ERROR.with(|slot| slot.borrow().message.as_ptr())
    }
}

/// Takes the last failure of the calling thread as an owned error object, or NULL when there
/// is none to take: nothing failed on this thread yet, or it was already taken.
///
/// Every failing `gemini_live_*` call (a result other than `GEMINI_LIVE_RESULT_OK`, or a NULL
/// or neutral return documented as a failure) records one; successful calls leave it in place,
/// so take it right after the failing call, on the same thread. Calling the failing function
/// and this one from one native function (as a C shim does for Go) makes the pair independent
/// of the thread the binding runs on.
///
/// Ownership: the caller owns the object; free it with `gemini_live_error_free`. Taking does
/// not change `gemini_live_last_error_message()`. Thread: any; each thread has its own.
#[no_mangle]
pub extern "C" fn gemini_live_last_error_take() -> *mut gemini_live_error {
    crate::ffi_panic_boundary! {
        LAST_ERROR.with(|slot| slot.borrow_mut().pending.take().map_or(std::ptr::null_mut(), Box::into_raw))
    }
}

/// The result code of the failure (never `GEMINI_LIVE_RESULT_OK`); `GEMINI_LIVE_RESULT_NULL_ARGUMENT`
/// if `error` is NULL. Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_error_result(error: *const gemini_live_error) -> gemini_live_result {
    crate::ffi_panic_boundary! {
        // SAFETY: a non-NULL `error` comes from `gemini_live_last_error_take` and is not freed.
        match unsafe { error.as_ref() } {
            Some(e) => e.result,
            None => gemini_live_result::NullArgument,
        }
    }
}

/// The failure's message: NUL-terminated UTF-8, the same text `gemini_live_last_error_message()`
/// gave for it, never NULL for a non-NULL `error` (NULL if `error` is NULL). Borrowed: valid
/// until `gemini_live_error_free(error)`. Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_error_message(error: *const gemini_live_error) -> *const c_char {
    crate::ffi_panic_boundary! {
        // SAFETY: as in `gemini_live_error_result`.
        match unsafe { error.as_ref() } {
            Some(e) => e.message.as_ptr(),
            None => std::ptr::null(),
        }
    }
}

/// The WebSocket close code of the server's close frame (e.g. 1007 for a refused API key, 1008
/// for a policy violation; 1005 when the frame carried no code) when the failure is
/// `GEMINI_LIVE_RESULT_SERVER_CLOSED`; 0 for every other failure (a connection that broke
/// without a close frame is `GEMINI_LIVE_RESULT_CONNECT_FAILED`), and if `error` is NULL (close
/// codes are never 0). Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_error_close_code(error: *const gemini_live_error) -> u16 {
    crate::ffi_panic_boundary! {
        // SAFETY: as in `gemini_live_error_result`.
        unsafe { error.as_ref() }.map_or(0, |e| e.close_code)
    }
}

/// The HTTP status of a REST request the service refused (e.g. 400 for a bad API key when
/// minting a token) when the failure is `GEMINI_LIVE_RESULT_HTTP`; 0 for every other failure
/// and if `error` is NULL. Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_error_http_status(error: *const gemini_live_error) -> u16 {
    crate::ffi_panic_boundary! {
        // SAFETY: as in `gemini_live_error_result`.
        unsafe { error.as_ref() }.map_or(0, |e| e.http_status)
    }
}

/// The server's close reason, verbatim (NUL-terminated UTF-8, possibly empty: servers may
/// close without one), when `gemini_live_error_close_code` is not 0; the service's error
/// message, verbatim, when `gemini_live_error_http_status` is not 0; an empty string for every
/// other failure. Never NULL for a non-NULL `error` (NULL if `error` is NULL). Borrowed: valid
/// until `gemini_live_error_free(error)`. Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_error_reason(error: *const gemini_live_error) -> *const c_char {
    crate::ffi_panic_boundary! {
        // SAFETY: as in `gemini_live_error_result`.
        match unsafe { error.as_ref() } {
            Some(e) => e.reason.as_ptr(),
            None => std::ptr::null(),
        }
    }
}

/// Frees an error object from `gemini_live_last_error_take`. NULL is a no-op. Thread: any;
/// not twice; strings borrowed from it become invalid.
#[no_mangle]
pub extern "C" fn gemini_live_error_free(error: *mut gemini_live_error) {
    crate::ffi_panic_boundary! {
        if !error.is_null() {
            // SAFETY: error objects are handed out by `Box::into_raw` in `gemini_live_last_error_take`.
            drop(unsafe { Box::from_raw(error) });
        }
    }
}

/// The stable name of a result code as a static NUL-terminated string, e.g.
/// `"GEMINI_LIVE_RESULT_QUEUE_FULL"`; `"GEMINI_LIVE_RESULT_UNKNOWN"` for a number that is not a
/// result code. Never NULL; never free it. Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_result_name(result: u32) -> *const c_char {
    crate::ffi_panic_boundary! {
        match gemini_live_result::from_u32(result) {
            Some(r) => r.name().as_ptr().cast(),
            None => c"GEMINI_LIVE_RESULT_UNKNOWN".as_ptr(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::TlsError;
    use std::ffi::CStr;

    fn taken() -> Box<gemini_live_error> {
        let e = gemini_live_last_error_take();
        assert!(!e.is_null());
        // SAFETY: just handed out by `gemini_live_last_error_take`.
        unsafe { Box::from_raw(e) }
    }

    #[test]
    fn each_transport_failure_keeps_its_code_and_close_data() {
        use gemini_live_result as R;
        let cases = [
            (ConfigError::NoModel.into(), R::Config),
            (ConfigError::invalid("base_url", "x").into(), R::InvalidArgument),
            (
                ConfigError::from(TlsError::NoCertificate { path: "x".into() }).into(),
                R::Tls,
            ),
            (TransportError::Credential("no token".into()), R::Credential),
            (TransportError::Connect("refused".into()), R::ConnectFailed),
            (TransportError::Timeout("t".into()), R::Timeout),
            (TransportError::Protocol("p".into()), R::Protocol),
            (SessionError::InvalidInput("i".into()).into(), R::InvalidArgument),
            (SessionError::QueueFull.into(), R::QueueFull),
        ];
        for (error, code) in cases {
            assert_eq!(report(Error::from(error)), code);
            let e = taken();
            assert_eq!((e.result, e.close_code, e.reason.as_bytes()), (code, 0, &b""[..]));
        }
        let closed = TransportError::ServerClosed {
            code: 1007,
            reason: "API key not valid. (1008): not a code".into(),
        };
        assert_eq!(report(Error::from(closed)), R::ServerClosed);
        let e = taken();
        assert_eq!(e.close_code, 1007);
        assert_eq!(
            e.reason.to_str().unwrap(),
            "API key not valid. (1008): not a code"
        );
        assert!(gemini_live_last_error_take().is_null(), "taken once");
        // SAFETY: the message is a NUL-terminated string owned by the library.
        let message = unsafe { CStr::from_ptr(gemini_live_last_error_message()) };
        assert_eq!(message, e.message.as_c_str(), "taking leaves the message");
    }

    #[test]
    fn a_repeated_failure_keeps_its_record_and_is_still_taken_once() {
        use gemini_live_result as R;
        let timeout = || Error::new(R::Timeout, "no event within 0 ms");
        assert_eq!(report(timeout()), R::Timeout);
        let first = gemini_live_last_error_message();
        assert_eq!(report(timeout()), R::Timeout);
        assert_eq!(
            gemini_live_last_error_message(),
            first,
            "the same record, not a new one"
        );
        let e = taken();
        assert_eq!(
            (e.result, e.message.to_str().unwrap()),
            (R::Timeout, "no event within 0 ms")
        );
        assert!(gemini_live_last_error_take().is_null(), "taken once");
        // Taken: the next one is recorded again, with an object of its own.
        assert_eq!(report(timeout()), R::Timeout);
        assert_eq!(taken().result, R::Timeout);
        // A different failure replaces it.
        assert_eq!(report(timeout()), R::Timeout);
        assert_eq!(report(Error::new(R::Timeout, "no event within 5 ms")), R::Timeout);
        assert_eq!(taken().message.to_str().unwrap(), "no event within 5 ms");
        assert_eq!(
            report(Error::new(R::QueueFull, "no event within 5 ms")),
            R::QueueFull
        );
        assert_eq!(taken().result, R::QueueFull);
    }
}
