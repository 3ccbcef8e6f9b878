//! The crate's layering, checked from the source: each layer imports only the layers below
//! it, and no two modules import each other, directly or through others.
//!
//! Layers, bottom up: `protocol` and `audio` (leaves), `session`, `transport`, `ffi`. The
//! graph is built from `crate::…` and `super::…` paths in the code (comments and
//! `#[cfg(test)]` modules excluded), at the granularity of files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("protocol", &[]),
    ("audio", &[]),
    ("session", &["protocol"]),
    ("transport", &["protocol", "session"]),
    ("ffi", &["protocol", "audio", "session", "transport"]),
];

/// A source file as a module path, e.g. `["session", "handle"]`.
type Module = Vec<String>;

fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)] mod tests { … }`.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module path the code names: `crate::a::b…` and `super::x…`, resolved to the longest
/// prefix that is a known module, plus the members of `use super::{a, b}` groups.
fn references(module: &Module, code: &str, known: &BTreeSet<Module>) -> BTreeSet<Module> {
    let mut found = BTreeSet::new();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    for (start, _) in code.match_indices("crate::").chain(code.match_indices("super::")) {
        if start > 0 && code[..start].ends_with(|c: char| ident(c) || c == ':') {
            continue;
        }
        let base = if code[start..].starts_with("crate::") {
            Vec::new()
        } else {
            // `super` is the parent module (for a `mod.rs`, the module path already names
            // its directory, so the rule is the same).
            module[..module.len() - 1].to_vec()
        };
        let rest = &code[start + 7..];
        let in_path = |c: &char| ident(*c) || matches!(c, ':' | '{' | ',' | ' ' | '}' | '\n');
        let mut path_text: String = rest.chars().take_while(in_path).collect();
        if let Some(end) = path_text.find('}') {
            path_text.truncate(end);
        }
        let (head, group) = match path_text.find('{') {
            Some(at) => (&path_text[..at], Some(&path_text[at + 1..])),
            None => (path_text.as_str(), None),
        };
        let segments: Vec<&str> = head
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.chars().all(ident))
            .collect();
        let mut candidates = vec![segments.iter().map(|s| s.to_string()).collect::<Vec<_>>()];
        if let Some(group) = group {
            for member in group.split(',') {
                let member = member.trim().split("::").next().unwrap_or("").trim();
                if !member.is_empty() && member.chars().all(ident) {
                    let mut c: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
                    c.push(member.to_owned());
                    candidates.push(c);
                }
            }
        }
        for candidate in candidates {
            let mut full = base.clone();
            full.extend(candidate);
            while !full.is_empty() && !known.contains(&full) {
                full.pop();
            }
            if !full.is_empty() && &full != module {
                found.insert(full);
            }
        }
    }
    found
}

fn graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: Vec<(Module, String)> = files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "lib.rs"))
        .map(|f| (module_of(&src, f), code_of(&std::fs::read_to_string(f).unwrap())))
        .collect();
    let known: BTreeSet<Module> = modules.iter().map(|(m, _)| m.clone()).collect();
    modules
        .iter()
        .map(|(m, code)| (m.clone(), references(m, code, &known)))
        .collect()
}

#[test]
fn each_layer_imports_only_the_layers_below_it() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut violations = Vec::new();
    for (module, uses) in graph() {
        let layer = module[0].as_str();
        let Some(may_use) = allowed.get(layer) else {
            violations.push(format!(
                "src/{} is in no layer of tests/layers.rs",
                module.join("/")
            ));
            continue;
        };
        for used in uses {
            let other = used[0].as_str();
            if other != layer && !may_use.contains(&other) {
                violations.push(format!("{} uses {}", module.join("::"), used.join("::")));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering violations:\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_module_imports_itself_through_others() {
    let graph = graph();
    // Edges between a module and its own parent are skipped: a parent declares and re-exports
    // its children, and children reach their siblings through those re-exports. Cycles among
    // siblings, and across layers, are what this finds.
    let mut cycles = Vec::new();
    for start in graph.keys() {
        // Depth-first search for a path back to `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if is_parent_of(next, &at) || is_parent_of(&at, next) {
                    continue;
                }
                if next == start {
                    let mut cycle: Vec<String> = path.iter().map(|m| m.join("::")).collect();
                    cycle.push(start.join("::"));
                    cycles.push(cycle.join(" → "));
                } else if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

fn is_parent_of(parent: &Module, child: &Module) -> bool {
    child.len() > parent.len() && child.starts_with(parent)
}
