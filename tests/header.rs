//! The committed header must be exactly what build.rs generates, and its version macros must
//! match Cargo.toml.

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/gemini_live.h"));

#[test]
fn committed_header_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/include/gemini_live.h");
    if std::env::var_os("GEMINI_LIVE_UPDATE_HEADER").is_some() {
        std::fs::write(path, GENERATED).expect("cannot write include/gemini_live.h");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != GENERATED {
        panic!(
            "include/gemini_live.h is stale (it differs from the header build.rs generates).\n\
             Refresh it with:\n\n    scripts/regen-header.sh\n\n\
             (which runs `GEMINI_LIVE_UPDATE_HEADER=1 cargo test --test header`) and commit it."
        );
    }
}

fn define(name: &str) -> String {
    let prefix = format!("#define {name} ");
    GENERATED
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("{name} missing from the header"))
        .trim()
        .to_owned()
}

#[test]
fn version_macros_match_cargo_toml() {
    let manifest = include_str!("../Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("version in Cargo.toml");
    let parts: Vec<&str> = version.split(['.', '-']).collect();
    assert_eq!(define("GEMINI_LIVE_VERSION_MAJOR"), parts[0]);
    assert_eq!(define("GEMINI_LIVE_VERSION_MINOR"), parts[1]);
    assert_eq!(define("GEMINI_LIVE_VERSION_PATCH"), parts[2]);
    assert_eq!(define("GEMINI_LIVE_VERSION"), format!("\"{version}\""));
    assert_eq!(
        define("GEMINI_LIVE_VERSION_NUMBER"),
        "((GEMINI_LIVE_VERSION_MAJOR << 16) | (GEMINI_LIVE_VERSION_MINOR << 8) | GEMINI_LIVE_VERSION_PATCH)"
    );
    let runtime = unsafe { std::ffi::CStr::from_ptr(gemini_live::ffi::version::gemini_live_version()) };
    assert_eq!(runtime.to_str().unwrap(), version);
}

#[test]
fn every_exported_function_is_documented() {
    let lines: Vec<&str> = GENERATED.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let is_decl = line.contains(" gemini_live_")
            && line.contains('(')
            && !line.starts_with(' ')
            && !line.starts_with("typedef")
            && !line.starts_with('#')
            && !line.starts_with('/');
        if is_decl {
            assert!(
                i > 0 && lines[i - 1].trim_end().ends_with("*/"),
                "undocumented: {line}"
            );
        }
    }
}

/// Every name the header defines is prefixed (`GEMINI_LIVE_`/`gemini_live_`): a C header is one
/// namespace with the application's own, so an unprefixed `MIN_RATE` or `CHUNK_MS` would clash.
#[test]
fn every_defined_name_is_prefixed() {
    let prefixed = |name: &str| name.starts_with("GEMINI_LIVE") || name.starts_with("gemini_live");
    let mut unprefixed = Vec::new();
    for line in GENERATED.lines() {
        let name = if let Some(rest) = line.strip_prefix("#define ") {
            rest.split(|c: char| c.is_whitespace() || c == '(').next()
        } else if let Some(rest) = line.strip_prefix("typedef ") {
            match rest.split_once("(*") {
                // A function pointer: `typedef R (*name)(params...`.
                Some((_, after)) => after.split(')').next(),
                None => rest
                    .trim_end_matches(';')
                    .rsplit([' ', '*'])
                    .find(|s| !s.is_empty()),
            }
        } else if line.starts_with("enum ") || line.starts_with("struct ") {
            line.split_whitespace().nth(1)
        } else {
            None
        };
        if let Some(name) = name.map(|n| n.trim_matches(|c: char| !c.is_alphanumeric() && c != '_')) {
            if !name.is_empty() && !prefixed(name) && name != "GEMINI_LIVE_H" {
                unprefixed.push(name.to_owned());
            }
        }
    }
    assert!(
        unprefixed.is_empty(),
        "unprefixed names in the header: {unprefixed:?}"
    );
}
