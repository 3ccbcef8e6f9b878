//! Generates the C header into `$OUT_DIR/gemini_live.h` with cbindgen (pinned) and sets the
//! shared library's soname. `tests/header.rs` checks that the committed `include/gemini_live.h`
//! matches; `scripts/regen-header.sh` refreshes it.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=build.rs");

    let version = env::var("CARGO_PKG_VERSION").expect("CARGO_PKG_VERSION");
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("major");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("minor");
    let patch = env::var("CARGO_PKG_VERSION_PATCH").expect("patch");

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libgemini_live.so.{major}");
    }

    let mut config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cannot read cbindgen.toml");
    config.after_includes = Some(format!(
        "\n/** The version of this header: major, minor and patch, as in Cargo.toml. */\n\
         #define GEMINI_LIVE_VERSION_MAJOR {major}\n\
         #define GEMINI_LIVE_VERSION_MINOR {minor}\n\
         #define GEMINI_LIVE_VERSION_PATCH {patch}\n\
         /** The version as a string; compare with gemini_live_version() at run time. */\n\
         #define GEMINI_LIVE_VERSION \"{version}\"\n\
         /** The version as one number, (major << 16) | (minor << 8) | patch, for #if checks. */\n\
         #define GEMINI_LIVE_VERSION_NUMBER \
         ((GEMINI_LIVE_VERSION_MAJOR << 16) | (GEMINI_LIVE_VERSION_MINOR << 8) | GEMINI_LIVE_VERSION_PATCH)\n"
    ));
    match cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
    {
        Ok(bindings) => {
            bindings.write_to_file(out_dir.join("gemini_live.h"));
        }
        Err(e) => panic!("cbindgen failed: {e}"),
    }
}
