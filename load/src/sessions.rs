//! Library sessions driven through the C ABI, exactly as a C program would: a config, its
//! setters, `gemini_live_session_new` with an event callback and a userdata finalizer, sends,
//! `gemini_live_session_free`. Each session's counters live in its userdata.

use super::clock::now_ns;
use super::codec::Codec;
use gemini_live::ffi::audio::{
    gemini_live_audio_format, gemini_live_config_set_output_audio_format, gemini_live_session_send_audio_ex,
};
use gemini_live::ffi::config::*;
use gemini_live::ffi::enums::gemini_live_event_kind;
use gemini_live::ffi::enums::*;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::event::gemini_live_event;
use gemini_live::ffi::session::*;
use std::ffi::{c_void, CStr, CString};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

/// Per-session counters, written by the event callback.
#[derive(Default)]
pub struct Counters {
    pub audio_bytes: AtomicU64,
    pub audio_events: AtomicU64,
    pub turns: AtomicU64,
    pub pongs: AtomicU64,
    pub errors: AtomicU64,
    pub closed: AtomicU64,
    /// Round trips `send_realtime_text("ping:<ns>")` → `TEXT "pong:<ns>"`, in ns.
    pub rtts: Mutex<Vec<u64>>,
    /// Events out of order (see `Order`).
    pub order_errors: AtomicU64,
    /// Replies arrive as the service's 24 kHz PCM16 (no output format set).
    pcm_replies: bool,
    order: Mutex<Order>,
}

/// What the order check remembers of one session. The mock answers in order, so: `CONNECTED`
/// comes once, before any reply; pongs carry strictly increasing send times (one thread sends
/// every session's pings in time order); with PCM every turn holds exactly one answer's audio
/// (audio moved across a `TURN_COMPLETE` would break it); nothing follows `CLOSED`.
#[derive(Default)]
struct Order {
    connected: bool,
    closed: bool,
    last_pong: u64,
    turn_audio: u64,
}

/// Audio bytes of one answer of the mock in load mode at 24 kHz PCM16 (1 s).
const ANSWER_BYTES: u64 = 48_000;

/// The event callback: counts; for a pong, the round trip from the timestamp it carries; and
/// checks the order (`Order`).
unsafe extern "C" fn on_event(userdata: *mut c_void, event: *const gemini_live_event) {
    let now = now_ns();
    let c = &*(userdata as *const Counters);
    let ev = &*event;
    // One callback at a time per session (the library's promise), so this lock never waits;
    // a violation of that promise would show as a broken order, not a deadlock.
    let mut order = c.order.lock().unwrap();
    let mut in_order = !order.closed;
    match ev.kind {
        gemini_live_event_kind::Connected => {
            in_order &= !order.connected;
            order.connected = true;
        }
        gemini_live_event_kind::Audio => {
            in_order &= order.connected;
            order.turn_audio += ev.data_len as u64;
            c.audio_bytes.fetch_add(ev.data_len as u64, Relaxed);
            c.audio_events.fetch_add(1, Relaxed);
        }
        gemini_live_event_kind::TurnComplete => {
            // Only PCM replies arrive in whole answers (a converted format's filter holds a
            // tail back across turns).
            if c.pcm_replies {
                in_order &= order.turn_audio == ANSWER_BYTES;
            }
            order.turn_audio = 0;
            c.turns.fetch_add(1, Relaxed);
        }
        gemini_live_event_kind::Text if !ev.text.is_null() => {
            let text = std::slice::from_raw_parts(ev.text as *const u8, ev.text_len);
            if let Some(sent) = text
                .strip_prefix(b"pong:")
                .and_then(|t| std::str::from_utf8(t).ok())
                .and_then(|t| t.parse::<u64>().ok())
            {
                in_order &= sent > order.last_pong;
                order.last_pong = sent;
                c.pongs.fetch_add(1, Relaxed);
                c.rtts.lock().unwrap().push(now.saturating_sub(sent));
            }
        }
        gemini_live_event_kind::Error => {
            c.errors.fetch_add(1, Relaxed);
        }
        gemini_live_event_kind::Closed => {
            order.closed = true;
            c.closed.fetch_add(1, Relaxed);
        }
        _ => {}
    }
    if !in_order {
        c.order_errors.fetch_add(1, Relaxed);
    }
}

/// The userdata finalizer: releases the callback's reference to the counters.
unsafe extern "C" fn free_counters(userdata: *mut c_void) {
    drop(Arc::from_raw(userdata as *const Counters));
}

fn check(r: gemini_live_result, what: &str) -> Result<(), String> {
    if r == gemini_live_result::Ok {
        return Ok(());
    }
    let msg = unsafe { CStr::from_ptr(gemini_live::ffi::error::gemini_live_last_error_message()) };
    Err(format!("{what}: {r:?}: {}", msg.to_string_lossy()))
}

/// A config pointed at the mock (owned; freed on drop).
pub struct Config(*mut gemini_live_config);
// SAFETY: the library documents configs as readable from any thread once built.
unsafe impl Send for Config {}
unsafe impl Sync for Config {}

impl Config {
    /// With a codec other than PCM, reply audio is delivered in its format.
    pub fn new(base_url: &str, codec: Codec, inline: bool) -> Result<Config, String> {
        let mut cfg = std::ptr::null_mut();
        check(gemini_live_config_new(&mut cfg), "config_new")?;
        let cfg = Config(cfg);
        let key = CString::new("load-test-key").unwrap();
        let url = CString::new(base_url).map_err(|e| e.to_string())?;
        let model = CString::new("models/gemini-live-load").unwrap();
        check(gemini_live_config_set_api_key(cfg.0, key.as_ptr()), "set_api_key")?;
        check(
            gemini_live_config_set_base_url(cfg.0, url.as_ptr()),
            "set_base_url",
        )?;
        check(gemini_live_config_set_model(cfg.0, model.as_ptr()), "set_model")?;
        check(
            gemini_live_config_set_response_modality(cfg.0, gemini_live_modality::Audio as u32),
            "set_response_modality",
        )?;
        if inline {
            check(
                gemini_live_config_set_delivery(cfg.0, gemini_live_delivery::Inline as u32),
                "set_delivery",
            )?;
        }
        if let Some(format) = codec.format() {
            check(
                gemini_live_config_set_output_audio_format(cfg.0, &format),
                "set_output_audio_format",
            )?;
        }
        Ok(cfg)
    }
}

impl Drop for Config {
    fn drop(&mut self) {
        gemini_live_config_free(self.0);
    }
}

/// One connected session and its counters.
pub struct Session {
    ptr: *mut gemini_live_session,
    pub counters: Arc<Counters>,
    /// The format of `send_audio`'s frames (`None`: 16 kHz PCM16, the plain call).
    format: Option<gemini_live_audio_format>,
}
// SAFETY: the C ABI allows sends from any thread.
unsafe impl Send for Session {}
unsafe impl Sync for Session {}

impl Session {
    /// `gemini_live_session_new`: blocks until `setupComplete`.
    pub fn connect(config: &Config, codec: Codec) -> Result<Session, String> {
        let counters = Arc::new(Counters {
            pcm_replies: codec.format().is_none(),
            ..Counters::default()
        });
        let userdata = Arc::into_raw(counters.clone()) as *mut c_void;
        let mut ptr = std::ptr::null_mut();
        let r = gemini_live_session_new(config.0, Some(on_event), userdata, Some(free_counters), &mut ptr);
        if let Err(e) = check(r, "session_new") {
            // On failure the caller keeps the userdata.
            unsafe { drop(Arc::from_raw(userdata as *const Counters)) };
            return Err(e);
        }
        Ok(Session {
            ptr,
            counters,
            format: codec.format(),
        })
    }

    /// One frame in the session's codec (see `Codec::frame`).
    pub fn send_audio(&self, frame: &[u8]) -> gemini_live_result {
        match &self.format {
            None => gemini_live_session_send_audio(self.ptr, frame.as_ptr(), frame.len(), 16_000),
            Some(format) => gemini_live_session_send_audio_ex(self.ptr, frame.as_ptr(), frame.len(), format),
        }
    }

    /// `ping:<ns>` as realtime text (NUL-terminated in `buf`).
    pub fn send_ping(&self, buf: &mut Vec<u8>) -> gemini_live_result {
        buf.clear();
        let _ = std::io::Write::write_fmt(buf, format_args!("ping:{}\0", now_ns()));
        gemini_live_session_send_realtime_text(self.ptr, buf.as_ptr() as *const _)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        gemini_live_session_free(self.ptr);
    }
}

/// Connects `n` sessions using `threads` threads; fails on the first error.
pub fn connect_all(config: &Config, codec: Codec, n: usize, threads: usize) -> Result<Vec<Session>, String> {
    let next = AtomicU64::new(0);
    let slots: Vec<Mutex<Option<Session>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let failure = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..threads.min(n) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Relaxed) as usize;
                if i >= n || failure.lock().unwrap().is_some() {
                    return;
                }
                match Session::connect(config, codec) {
                    Ok(session) => *slots[i].lock().unwrap() = Some(session),
                    Err(e) => *failure.lock().unwrap() = Some(e),
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap() {
        return Err(e);
    }
    Ok(slots
        .into_iter()
        .map(|s| s.into_inner().unwrap().expect("connected"))
        .collect())
}
