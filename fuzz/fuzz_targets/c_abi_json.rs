//! Fuzzes every C ABI entry point that takes JSON from the application: the config's tools
//! and raw setup merge, and the session's client content, tool response, context update and
//! raw message sends. Each call must return a result code — never panic (the boundary would
//! turn a panic into `GEMINI_LIVE_RESULT_PANIC`, which this target treats as a crash) and never
//! corrupt memory.
#![no_main]

use gemini_live::ffi::config::*;
use gemini_live::ffi::enums::*;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::event::{gemini_live_event, gemini_live_event_free};
use gemini_live::ffi::enums::gemini_live_event_kind;
use gemini_live::ffi::mock::*;
use gemini_live::ffi::session::*;
use libfuzzer_sys::fuzz_target;
use once_cell::sync::Lazy;
use std::ffi::{c_char, CString};
use std::ptr;
use std::time::{Duration, Instant};

/// Lives for the whole run (kept reachable so LeakSanitizer does not report it).
struct Fixture {
    config: *mut gemini_live_config,
    session: *mut gemini_live_session,
}
// SAFETY: the fuzzer calls the target from one thread; the library objects are thread-safe.
unsafe impl Send for Fixture {}
unsafe impl Sync for Fixture {}

/// One session, opened against a mock server and then closed: every send still runs all of
/// its validation before it reports CLOSED, and nothing runs in the background. A live session
/// would keep its connection, the mock and their timers busy on other threads, whose coverage
/// would steer the search differently from run to run; closed, a fixed seed replays exactly.
static FIXTURE: Lazy<Fixture> = Lazy::new(|| {
    let mut mock = ptr::null_mut();
    assert_eq!(
        gemini_live_mock_server_start(c"{}".as_ptr(), &mut mock),
        gemini_live_result::Ok
    );
    let mut config = ptr::null_mut();
    assert_eq!(gemini_live_config_new(&mut config), gemini_live_result::Ok);
    gemini_live_config_set_api_key(config, c"fuzz-key".as_ptr());
    gemini_live_config_set_base_url(config, gemini_live_mock_server_url(mock));
    gemini_live_config_set_model(config, c"fuzz-model".as_ptr());
    let mut session = ptr::null_mut();
    let r = gemini_live_session_new(config, None, ptr::null_mut(), None, &mut session);
    assert_eq!(r, gemini_live_result::Ok);
    assert_eq!(gemini_live_session_close(session), gemini_live_result::Ok);
    wait_until_closed(session);
    wait_until_disconnected(mock);
    gemini_live_mock_server_free(mock);
    Fixture { config, session }
});

/// Waits until the mock has seen the connection end, so that no teardown is still running on
/// the library's threads when the search starts; panics after 10 s.
fn wait_until_disconnected(mock: *mut gemini_live_mock_server) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let mut json: *mut c_char = ptr::null_mut();
        assert_eq!(
            gemini_live_mock_server_stats_json(mock, &mut json),
            gemini_live_result::Ok
        );
        // SAFETY: a successful call yields a NUL-terminated string, freed right after.
        let stats = unsafe { std::ffi::CStr::from_ptr(json) }
            .to_string_lossy()
            .into_owned();
        gemini_live::ffi::gemini_live_string_free(json);
        let open: serde_json::Value = serde_json::from_str(&stats).expect("stats are JSON");
        if open["connections_open"] == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("the mock still had a connection open after 10 s");
}

/// Pulls events until CLOSED (the session task has ended); panics after 10 s.
fn wait_until_closed(session: *mut gemini_live_session) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let mut event: *mut gemini_live_event = ptr::null_mut();
        let ms = left.as_millis().min(u128::from(u32::MAX)) as u32;
        if gemini_live_session_next_event(session, ms, &mut event) != gemini_live_result::Ok {
            continue;
        }
        // SAFETY: a successful pull yields a valid event, freed right after reading its kind.
        let closed = unsafe { (*event).kind } == gemini_live_event_kind::Closed;
        gemini_live_event_free(event);
        if closed {
            return;
        }
    }
    panic!("the fuzz fixture's session did not close within 10 s");
}

fn check(what: &str, r: gemini_live_result) {
    assert_ne!(r, gemini_live_result::Panic, "{what} panicked");
}

fuzz_target!(
    // Set up before the first input, so the set-up's coverage (timing-dependent: connecting,
    // closing) is not counted as that input's.
    init: {
        Lazy::force(&FIXTURE);
    },
    |data: &[u8]| {
    let text: Vec<u8> = data.iter().copied().filter(|b| *b != 0).collect();
    let json = CString::new(text).expect("no NUL bytes left");
    let p: *const c_char = json.as_ptr();
    let f = &*FIXTURE;
    check("set_tools_json", gemini_live_config_set_tools_json(f.config, p));
    check(
        "merge_setup_json",
        gemini_live_config_merge_setup_json(f.config, p),
    );
    check(
        "send_client_content",
        gemini_live_session_send_client_content(f.session, p, false),
    );
    check(
        "send_tool_response",
        gemini_live_session_send_tool_response(f.session, c"id".as_ptr(), c"f".as_ptr(), p, 0, -1),
    );
    check(
        "send_context_update",
        gemini_live_session_send_context_update(f.session, ptr::null(), p),
    );
    check("send_raw_json", gemini_live_session_send_raw_json(f.session, p));
});
