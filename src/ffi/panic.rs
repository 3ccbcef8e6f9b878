//! The panic boundary: every exported function runs its body inside
//! [`ffi_panic_boundary!`](crate::ffi_panic_boundary), so a Rust panic never unwinds into C.
//! A caught panic returns `GEMINI_LIVE_RESULT_PANIC` (with the panic text as the last error
//! message) or the type's neutral value (NULL, 0, false) for functions that return no code.

use super::error::{gemini_live_result, report, Error};
use std::any::Any;

/// The value a function returns when its body panicked.
pub(crate) trait PanicOrDefault {
    fn panic_value() -> Self;
}

impl PanicOrDefault for gemini_live_result {
    fn panic_value() -> Self {
        gemini_live_result::Panic
    }
}

impl PanicOrDefault for () {
    fn panic_value() -> Self {}
}

impl PanicOrDefault for bool {
    fn panic_value() -> Self {
        false
    }
}

impl PanicOrDefault for usize {
    fn panic_value() -> Self {
        0
    }
}

impl PanicOrDefault for u64 {
    fn panic_value() -> Self {
        0
    }
}

impl PanicOrDefault for i64 {
    fn panic_value() -> Self {
        0
    }
}

impl PanicOrDefault for u32 {
    fn panic_value() -> Self {
        0
    }
}

impl PanicOrDefault for u16 {
    fn panic_value() -> Self {
        0
    }
}

impl<T> PanicOrDefault for *const T {
    fn panic_value() -> Self {
        std::ptr::null()
    }
}

impl<T> PanicOrDefault for *mut T {
    fn panic_value() -> Self {
        std::ptr::null_mut()
    }
}

/// Records a caught panic as the last error.
pub(crate) fn record_panic(payload: Box<dyn Any + Send>) {
    let text = panic_text(&payload);
    report(Error::new(
        gemini_live_result::Panic,
        format!("internal panic (please report a bug): {text}"),
    ));
}

pub(crate) fn panic_text(payload: &Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_owned()
    }
}

/// Runs the body of an exported function, catching panics. Use it inside the body so that
/// the `extern "C"` signature stays visible to cbindgen.
#[macro_export]
#[doc(hidden)]
macro_rules! ffi_panic_boundary {
    ( $($body:tt)* ) => {
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| { $($body)* })) {
            Ok(value) => value,
            Err(payload) => {
                $crate::ffi::panic::record_panic(payload);
                <_ as $crate::ffi::panic::PanicOrDefault>::panic_value()
            }
        }
    };
}

/// [`ffi_panic_boundary!`] for bodies written as `Result<(), Error>` with `?`: the error's code
/// is returned and its message becomes the thread's last error.
#[macro_export]
#[doc(hidden)]
macro_rules! ffi_result {
    ( $($body:tt)* ) => {
        $crate::ffi_panic_boundary! {
            $crate::ffi::error::into_result((|| -> ::std::result::Result<(), $crate::ffi::error::Error> {
                $($body)*
            })())
        }
    };
}
