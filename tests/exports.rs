//! The shared library exports only `gemini_live_*` symbols and carries the major version in its
//! soname (Linux).

#[test]
#[cfg(target_os = "linux")]
fn cdylib_exports_only_gemini_live_symbols() {
    // target/<profile-dir>/deps/exports-HASH → target/<profile-dir>/libgemini_live.so. The
    // library checked is the one of the profile this test runs under (`debug` for `cargo test`,
    // `release` for `cargo test --release`, a custom profile's own directory otherwise).
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    // With `--target <triple>` the layout is target/<triple>/<profile-dir>; cargo marks the
    // target directory itself with CACHEDIR.TAG.
    let parent = profile_dir.parent().unwrap();
    let (target_dir, triple) = match parent.parent() {
        Some(up) if !parent.join("CACHEDIR.TAG").exists() && up.join("CACHEDIR.TAG").exists() => {
            (up, parent.file_name().and_then(|t| t.to_str()))
        }
        _ => (parent, None),
    };
    let dir_name = profile_dir.file_name().unwrap().to_str().unwrap();
    let profile = match dir_name {
        "debug" => "dev",
        other => other,
    };
    let lib = profile_dir.join("libgemini_live.so");
    // `cargo test` builds the rlib the tests link, not necessarily the shared library (and a
    // library left from an earlier build may be stale): build it for this profile. Cheap when
    // it is up to date.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = std::process::Command::new(cargo);
    build
        .args(["build", "--lib", "--profile", profile, "--manifest-path"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    if let Some(triple) = triple {
        build.args(["--target", triple]);
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building the {profile} shared library failed");
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
