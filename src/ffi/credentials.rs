//! The C credential callback as a transport [`CredentialProvider`]: the callback runs on a
//! library thread (`gemini-live-cb-rt`), never on a network thread, and its bytes are
//! checked like any credential.

use super::error::gemini_live_result;
use super::runtime;
use crate::transport::{check_secret_text, CredentialProvider, Secret};
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// Asked for a fresh credential (API key, ephemeral token or Vertex access token, matching the
/// configured backend) before every connection attempt, including reconnects.
///
/// Write the credential's bytes (no NUL needed; printable ASCII, space to `~`, only: it goes in
/// an HTTP header) into `buf`, which holds `cap` bytes, set `*out_len` to their number and return
/// `GEMINI_LIVE_RESULT_OK`. Other bytes fail that attempt like an error code does. Return any other result
/// code to fail that attempt (the first connection then fails with
/// `GEMINI_LIVE_RESULT_CREDENTIAL`; a reconnect attempt is retried per the reconnect policy).
///
/// Threads: runs on a library thread (`gemini-live-cb-rt`), never on a network thread,
/// possibly concurrently for different sessions; it may block (e.g. to fetch a token).
/// `buf` and `out_len` are valid only during the call. Must not unwind or longjmp.
pub type gemini_live_credential_callback = Option<
    unsafe extern "C" fn(userdata: *mut c_void, buf: *mut c_char, cap: usize, out_len: *mut usize) -> u32,
>;

/// Size of the buffer handed to the credential callback.
pub const GEMINI_LIVE_CREDENTIAL_MAX: usize = 16384;

type CallbackFn = unsafe extern "C" fn(*mut c_void, *mut c_char, usize, *mut usize) -> u32;

#[derive(Clone, Copy)]
struct SendPtr(*mut c_void);
// SAFETY: the pointer is only handed back to the application's own callback, which the
// application documents as callable from any thread.
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

/// A `gemini_live_credential_callback` and its userdata.
#[derive(Clone, Copy)]
struct CredentialCallback {
    f: CallbackFn,
    userdata: SendPtr,
}

/// The provider that asks `f` (with `userdata`) for every credential.
pub(super) fn provider(f: CallbackFn, userdata: *mut c_void) -> CredentialProvider {
    let callback = CredentialCallback {
        f,
        userdata: SendPtr(userdata),
    };
    Arc::new(move || callback.call())
}

impl CredentialCallback {
    fn call(self) -> Result<Secret, String> {
        let cb = self;
        let result = runtime::run_on_callback_thread(move || {
            let cb = cb; // capture the whole value (it is Send), not its raw-pointer field
            let mut buf = vec![0u8; GEMINI_LIVE_CREDENTIAL_MAX];
            let mut len = 0usize;
            // SAFETY: `buf` holds `cap` writable bytes and `len` is a valid out-pointer; the
            // application promised the callback is safe to call from any thread.
            let code = unsafe { (cb.f)(cb.userdata.0, buf.as_mut_ptr().cast(), buf.len(), &mut len) };
            if code != 0 {
                let name = gemini_live_result::from_u32(code)
                    .map_or("an unknown code", |r| r.name().trim_end_matches('\0'));
                return Err(format!("the credential callback returned {code} ({name})"));
            }
            if len == 0 || len > buf.len() {
                return Err(format!(
                    "the credential callback returned a length of {len} (must be 1..={})",
                    buf.len()
                ));
            }
            buf.truncate(len);
            let text = String::from_utf8(buf)
                .map_err(|_| "the credential callback returned invalid UTF-8".to_owned())?;
            check_secret_text(&text, "credential the callback returned").map_err(|e| e.to_string())?;
            Ok(Secret::new(text))
        });
        result.unwrap_or_else(|| Err("the credential callback could not run".to_owned()))
    }
}
