//! Driving the C ABI from Rust tests: the same `extern "C"` functions a C program calls,
//! wrapped just enough to keep the tests readable. Sessions use pull mode
//! (`gemini_live_session_next_event`), and every wait has a deadline.
#![allow(dead_code)]

use gemini_live::ffi::config::*;
use gemini_live::ffi::enums::gemini_live_event_kind;
use gemini_live::ffi::enums::*;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::event::{gemini_live_event, gemini_live_event_free};
use gemini_live::ffi::session::*;
use std::ffi::{CStr, CString};
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(20);

/// The last error message of this thread.
pub fn last_error() -> String {
    let p = gemini_live::ffi::error::gemini_live_last_error_message();
    if p.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

#[track_caller]
pub fn ok(result: gemini_live_result) {
    assert_eq!(result, gemini_live_result::Ok, "{}", last_error());
}

pub fn cstr(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

/// A config owned by the test.
pub struct Config(pub *mut gemini_live_config);

impl Config {
    /// A text-modality config pointed at `base_url` with a test key.
    pub fn for_mock(base_url: &str) -> Config {
        let mut raw = std::ptr::null_mut();
        ok(gemini_live_config_new(&mut raw));
        let c = Config(raw);
        ok(gemini_live_config_set_api_key(c.0, cstr("test-key").as_ptr()));
        ok(gemini_live_config_set_base_url(c.0, cstr(base_url).as_ptr()));
        ok(gemini_live_config_set_response_modality(
            c.0,
            gemini_live_modality::Text as u32,
        ));
        c
    }

    pub fn resumption(self, transparent: bool) -> Config {
        ok(gemini_live_config_set_session_resumption(
            self.0,
            true,
            std::ptr::null(),
            transparent,
        ));
        self
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        gemini_live_config_free(self.0);
    }
}

/// The fields of an event the tests look at, copied out of the borrowed view.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: gemini_live_event_kind,
    pub text: String,
    /// AUDIO: the bytes and their rate.
    pub audio: Vec<u8>,
    pub sample_rate: u32,
    pub fatal: bool,
    pub error_kind: u32,
    pub close_code: u32,
    pub resumed: bool,
    pub resent_messages: u64,
    pub resent_bytes: u64,
    pub lost_messages: u64,
    pub lost_bytes: u64,
}

impl Event {
    fn copy(e: &gemini_live_event) -> Event {
        let text = if e.text.is_null() {
            String::new()
        } else {
            let bytes = unsafe { std::slice::from_raw_parts(e.text.cast::<u8>(), e.text_len) };
            String::from_utf8_lossy(bytes).into_owned()
        };
        let audio = if e.data.is_null() {
            Vec::new()
        } else {
            unsafe { std::slice::from_raw_parts(e.data, e.data_len) }.to_vec()
        };
        Event {
            kind: e.kind,
            text,
            audio,
            sample_rate: e.sample_rate,
            fatal: e.fatal,
            error_kind: e.error_kind as u32,
            close_code: e.close_code,
            resumed: e.resumed,
            resent_messages: e.resent_messages,
            resent_bytes: e.resent_bytes,
            lost_messages: e.lost_messages,
            lost_bytes: e.lost_bytes,
        }
    }

    pub fn is(&self, kind: gemini_live_event_kind) -> bool {
        self.kind == kind
    }
}

/// A pull-mode session.
pub struct Session(pub *mut gemini_live_session);

// The C ABI allows every session function from any thread.
unsafe impl Send for Session {}
unsafe impl Sync for Session {}

impl Session {
    pub fn open(config: &Config) -> Result<Session, (gemini_live_result, String)> {
        let mut raw = std::ptr::null_mut();
        let result = gemini_live_session_new(config.0, None, std::ptr::null_mut(), None, &mut raw);
        if result == gemini_live_result::Ok {
            Ok(Session(raw))
        } else {
            Err((result, last_error()))
        }
    }

    /// The next event within `timeout`, or None.
    pub fn next(&self, timeout: Duration) -> Option<Event> {
        let mut raw: *mut gemini_live_event = std::ptr::null_mut();
        let ms = timeout.as_millis().min(u128::from(u32::MAX)) as u32;
        if gemini_live_session_next_event(self.0, ms, &mut raw) != gemini_live_result::Ok {
            return None;
        }
        let event = Event::copy(unsafe { &*raw });
        gemini_live_event_free(raw);
        Some(event)
    }

    /// Events until one matches `pred` (inclusive), within `DEADLINE`; panics otherwise.
    #[track_caller]
    pub fn until(&self, what: &str, pred: impl Fn(&Event) -> bool) -> Vec<Event> {
        let deadline = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Some(event) = self.next(left) else { break };
            let done = pred(&event);
            let closed = event.is(gemini_live_event_kind::Closed);
            seen.push(event);
            if done {
                return seen;
            }
            if closed {
                break;
            }
        }
        panic!("no {what} within {DEADLINE:?}; saw {seen:#?}");
    }

    pub fn send_audio(&self, pcm: &[u8]) -> gemini_live_result {
        gemini_live_session_send_audio(self.0, pcm.as_ptr(), pcm.len(), 16_000)
    }

    pub fn send_jpeg(&self, data: &[u8]) -> gemini_live_result {
        gemini_live_session_send_video(self.0, data.as_ptr(), data.len(), cstr("image/jpeg").as_ptr())
    }

    pub fn send_text(&self, text: &str) -> gemini_live_result {
        gemini_live_session_send_realtime_text(self.0, cstr(text).as_ptr())
    }

    pub fn close(&self) -> gemini_live_result {
        gemini_live_session_close(self.0)
    }

    pub fn phase(&self) -> u32 {
        let mut phase = gemini_live_phase::Disconnected;
        ok(gemini_live_session_get_phase(self.0, &mut phase));
        phase as u32
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        gemini_live_session_free(self.0);
    }
}

/// A scripted server on a loopback port of its own: `serve` gets the listener on a
/// current-thread runtime in a thread of its own. Returns the `ws://` URL and the thread.
pub fn loopback_server<T, F, Fut>(serve: F) -> (String, std::thread::JoinHandle<T>)
where
    T: Send + 'static,
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("ws://{}", listener.local_addr().expect("local address"));
    listener.set_nonblocking(true).expect("nonblocking");
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            serve(listener).await
        })
    });
    (url, thread)
}
