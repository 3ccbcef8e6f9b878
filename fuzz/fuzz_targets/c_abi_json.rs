//! Fuzzes every C ABI entry point that takes JSON from the application: the config's tools
//! and raw setup merge, and the session's client content, tool response, context update and
//! raw message sends. Each call must return a result code — never panic (the boundary would
//! turn a panic into `GEMINI_LIVE_RESULT_PANIC`, which this target treats as a crash) and never
//! corrupt memory.
#![no_main]

use gemini_live::ffi::config::*;
use gemini_live::ffi::error::gemini_live_result;
use gemini_live::ffi::mock::*;
use gemini_live::ffi::session::*;
use libfuzzer_sys::fuzz_target;
use once_cell::sync::Lazy;
use std::ffi::{c_char, CString};
use std::ptr;

/// Lives for the whole run (kept reachable so LeakSanitizer does not report it).
struct Fixture {
    _mock: *mut gemini_live_mock_server,
    config: *mut gemini_live_config,
    session: *mut gemini_live_session,
}
// SAFETY: the fuzzer calls the target from one thread; the library objects are thread-safe.
unsafe impl Send for Fixture {}
unsafe impl Sync for Fixture {}

/// One mock server and one pull-mode session (never pulled: its queues fill and sends then
/// report QUEUE_FULL, which still runs every validation first).
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
    Fixture {
        _mock: mock,
        config,
        session,
    }
});

fn check(what: &str, r: gemini_live_result) {
    assert_ne!(r, gemini_live_result::Panic, "{what} panicked");
}

fuzz_target!(|data: &[u8]| {
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
