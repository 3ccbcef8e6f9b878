//! Checked conversions of C arguments: NULL checks, `const char *` to `&str` with a UTF-8
//! check, `{ptr, len}` byte slices, and length caps. Every helper names the argument in its
//! error message.

use super::error::{gemini_live_result, Error};
use std::ffi::{c_char, CStr};

/// Largest string or buffer accepted by any function (the default message limit: nothing
/// larger can be sent in one message). Over it: `TOO_LARGE`.
pub(crate) const MAX_INPUT_BYTES: usize = crate::session::MAX_MESSAGE_BYTES;

/// `&T` from a pointer, or `NULL_ARGUMENT`.
///
/// # Safety
/// A non-NULL `ptr` must point to a live `T`.
pub(crate) unsafe fn try_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T, Error> {
    ptr.as_ref().ok_or_else(|| Error::null(name))
}

/// `&mut T` from a pointer, or `NULL_ARGUMENT`.
///
/// # Safety
/// A non-NULL `ptr` must point to a live `T` not aliased elsewhere during the call.
pub(crate) unsafe fn try_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T, Error> {
    ptr.as_mut().ok_or_else(|| Error::null(name))
}

/// Checks an out-pointer for NULL (it is written only on success).
pub(crate) fn check_out<T>(ptr: *mut T, name: &str) -> Result<(), Error> {
    if ptr.is_null() {
        Err(Error::null(name))
    } else {
        Ok(())
    }
}

/// A required NUL-terminated UTF-8 string.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string.
pub(crate) unsafe fn try_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::null(name));
    }
    let bytes = CStr::from_ptr(ptr).to_bytes();
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::too_large(format!(
            "`{name}` is {} bytes, longer than the limit of {MAX_INPUT_BYTES} bytes",
            bytes.len()
        )));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        Error::new(
            gemini_live_result::InvalidUtf8,
            format!("`{name}` is not valid UTF-8 ({e})"),
        )
    })
}

/// An optional string: NULL is `None`.
///
/// # Safety
/// As [`try_str`].
pub(crate) unsafe fn try_opt_str<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        try_str(ptr, name).map(Some)
    }
}

/// A required, non-empty string.
///
/// # Safety
/// As [`try_str`].
pub(crate) unsafe fn try_nonempty_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    let s = try_str(ptr, name)?;
    if s.is_empty() {
        return Err(Error::invalid(format!("`{name}` is empty")));
    }
    Ok(s)
}

/// A non-empty byte buffer `{ptr, len}` of at most `max` bytes.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes.
pub(crate) unsafe fn try_bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
    max: usize,
) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return Err(Error::null(name));
    }
    if len == 0 {
        return Err(Error::invalid(format!("`{name}` is empty (length 0)")));
    }
    if len > max {
        return Err(Error::too_large(format!(
            "`{name}` is {len} bytes, more than the limit of {max}"
        )));
    }
    Ok(std::slice::from_raw_parts(ptr, len))
}

/// Parses JSON text from a C string.
///
/// # Safety
/// As [`try_str`].
pub(crate) unsafe fn try_json(ptr: *const c_char, name: &str) -> Result<serde_json::Value, Error> {
    let text = try_str(ptr, name)?;
    serde_json::from_str(text).map_err(|e| Error::json(format!("`{name}` is not valid JSON: {e}")))
}

/// Writes `value` through a checked out-pointer.
///
/// # Safety
/// `out` must be valid for writes (checked non-NULL by [`check_out`] first).
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) {
    out.write(value);
}
