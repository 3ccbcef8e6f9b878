//! The C ABI (docs/c-api.md), in the style of rustls-ffi: one module per C object, a panic boundary
//! inside every exported function, checked pointers, a `repr(u32)` result enum and a
//! thread-local last-error message. The header `include/gemini_live.h` is generated from these
//! doc comments by cbindgen (see build.rs).
//!
//! Conventions (also in docs/c-api.md):
//! - Every fallible function returns `gemini_live_result`; out-params are written only on
//!   success; `gemini_live_last_error_message()` describes the last failure of the thread and
//!   `gemini_live_last_error_take()` hands it out as an owned `gemini_live_error` (result code,
//!   message, close code, server reason as data).
//! - Every `_new` has a `_free`; `_free(NULL)` is a no-op. Inputs are copied before returning.
//! - Send functions never wait on the network and may be called from any thread. When the
//!   connection is idle and nothing is queued, a send writes its frame itself, with one
//!   non-blocking write on the calling thread; otherwise it queues it.
//! - Events go to one callback per session, in order, on library callback threads, or are
//!   pulled with `gemini_live_session_next_event`.

#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]
// Exported functions are safe `extern "C" fn`s that check every pointer for NULL themselves
// (rustls-ffi style); the remaining contract (a non-NULL pointer is live) is C's to keep and is
// documented in the header.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

pub mod audio;
mod callback_pool;
pub mod config;
mod credentials;
pub mod dispatch;
pub mod enums;
pub mod error;
pub mod event;
#[cfg(unix)]
mod event_fd;
pub mod event_ring;
#[cfg(feature = "mock")]
pub mod mock;
#[doc(hidden)]
pub mod panic;
pub mod playout;
pub(crate) mod ptr;
pub(crate) mod runtime;
pub mod session;
mod session_rings;
pub mod tokens;
pub mod version;

use std::ffi::{c_char, CString};

/// Frees a string the library returned as owned (`gemini_live_session_get_id`,
/// `gemini_live_mock_server_stats_json`). NULL is a no-op. Never pass any other pointer.
/// Thread: any; not twice.
#[no_mangle]
pub extern "C" fn gemini_live_string_free(string: *mut c_char) {
    crate::ffi_panic_boundary! {
        if !string.is_null() {
            // SAFETY: strings returned as owned come from `CString::into_raw`.
            drop(unsafe { CString::from_raw(string) });
        }
    }
}
