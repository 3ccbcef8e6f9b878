//! The shared library exports only `gemini_live_*` symbols and carries the major version in its
//! soname (Linux).

#[test]
#[cfg(target_os = "linux")]
fn cdylib_exports_only_gemini_live_symbols() {
    // target/<profile>/deps/exports-HASH → target/<profile>/libgemini_live.so
    let exe = std::env::current_exe().unwrap();
    let lib = exe.parent().unwrap().parent().unwrap().join("libgemini_live.so");
    assert!(lib.exists(), "{} not built", lib.display());
    let out = std::process::Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(&lib)
        .output()
        .expect("nm (binutils) is needed for this test");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().nth(2)).collect();
    assert!(names.len() > 40, "too few symbols: {names:?}");
    let foreign: Vec<&&str> = names.iter().filter(|n| !n.starts_with("gemini_live_")).collect();
    assert!(foreign.is_empty(), "symbols outside gemini_live_*: {foreign:?}");
    for f in [
        "gemini_live_session_new",
        "gemini_live_version",
        "gemini_live_mock_server_start",
    ] {
        assert!(names.contains(&f), "{f} is not exported");
    }

    let out = std::process::Command::new("readelf").arg("-d").arg(&lib).output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stdout);
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        assert!(
            text.contains(&format!("[libgemini_live.so.{major}]")),
            "soname lacks the major version: {text}"
        );
    }
}
