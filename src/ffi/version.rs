//! The library version. The header's `GEMINI_LIVE_VERSION*` macros are emitted by build.rs
//! from the same Cargo version.

use std::ffi::c_char;

const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library version as a static NUL-terminated string, e.g. `"0.1.0"` (compare with the
/// `GEMINI_LIVE_VERSION` macro of the header you compiled against). Never NULL; never free it.
/// Thread: any.
#[no_mangle]
pub extern "C" fn gemini_live_version() -> *const c_char {
    crate::ffi_panic_boundary! {
        VERSION.as_ptr().cast()
    }
}
