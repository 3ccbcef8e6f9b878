//! `gemini_live_result`: the result code of every fallible function, and the thread-local
//! last-error message.

use crate::session::SessionError;
use std::cell::RefCell;
use std::ffi::{c_char, CString};

/// The result of a fallible `gemini_live_*` function. `GEMINI_LIVE_RESULT_OK` (0) is success;
/// every failure has its own stable number, which never changes meaning in later releases
/// (retired numbers are never reused). After a failure, `gemini_live_last_error_message()` on
/// the same thread describes it.
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
    /// DNS, TCP, TLS or the WebSocket upgrade failed.
    ConnectFailed = 8,
    /// The server closed the connection (bad credentials, unknown model, ...). The last error
    /// message carries the close code and the server's reason verbatim.
    ServerClosed = 9,
    /// The server broke the protocol (e.g. it did not answer `setup` with `setupComplete`).
    Protocol = 10,
    /// The configuration is incomplete or inconsistent (no credentials, no model, bad URL).
    Config = 11,
    /// A TLS setting is unusable (custom CA file unreadable or holding no certificate).
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
            _ => return None,
        })
    }
}

/// A failure inside an exported function: its code and message.
#[derive(Debug, Clone)]
pub(crate) struct Error {
    pub code: gemini_live_result,
    pub message: String,
}

impl Error {
    pub fn new(code: gemini_live_result, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
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

impl From<SessionError> for Error {
    fn from(e: SessionError) -> Self {
        use gemini_live_result as R;
        let code = match &e {
            SessionError::ChannelClosed => R::Closed,
            SessionError::QueueFull => R::QueueFull,
            SessionError::InvalidTransition { .. } => R::Internal,
            SessionError::InvalidInput(_) => R::InvalidArgument,
            SessionError::MessageTooLarge { .. } => R::TooLarge,
            SessionError::Config(m) if m.starts_with("credential provider") => R::Credential,
            SessionError::Config(m) if is_tls_message(m) => R::Tls,
            SessionError::Config(_) => R::Config,
            SessionError::Timeout(_) => R::Timeout,
            SessionError::Connect(_) => R::ConnectFailed,
            SessionError::ServerClosed { .. } => R::ServerClosed,
            SessionError::Protocol(_) => R::Protocol,
        };
        Error::new(code, e.to_string())
    }
}

fn is_tls_message(m: &str) -> bool {
    m.contains("CA file") || m.starts_with("TLS") || m.contains("certificate")
}

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Records `message` as this thread's last error. URLs in it are printed without userinfo or
/// query values (`redact_urls_in`), whichever layer wrote the message.
pub(crate) fn set_last_error(message: &str) {
    let message = crate::transport::redact_urls_in(message);
    let c = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = c);
}

/// Records `error` and returns its code.
pub(crate) fn report(error: Error) -> gemini_live_result {
    set_last_error(&error.message);
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
/// on the same thread that fails (successful calls leave it unchanged), so copy it if you need
/// it longer. Thread: any; each thread has its own message.
///
/// For a `GEMINI_LIVE_RESULT_SERVER_CLOSED` failure the message has the form
/// `closed by server (<code>): <the server's reason, verbatim>`.
#[no_mangle]
pub extern "C" fn gemini_live_last_error_message() -> *const c_char {
    crate::ffi_panic_boundary! {
        LAST_ERROR.with(|slot| slot.borrow().as_ptr())
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
