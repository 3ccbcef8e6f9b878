#!/usr/bin/env bash
# Every test, from a clean clone: the Rust unit and end-to-end suites (mock server on loopback),
# and a bounded fuzz run of each fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
step() { printf '\n=== %s ===\n' "$*"; }

step "setup"
bash scripts/setup.sh --with-fuzz

step "rust: format and lints"
cargo fmt --all --check
bash scripts/check-docs.sh
cargo clippy --workspace --all-targets -- -D warnings
CARGO_TARGET_DIR=target/no-default-features cargo clippy -p gemini-live --no-default-features --lib -- -D warnings

step "rust: build and test"
cargo build --all-targets
cargo test
bash tests/conformance/run.sh   # our frames against the official SDK's (google-genai from PyPI)
env -u GEMINI_API_KEY cargo run --quiet --example rust_session   # the README's Rust example, against the mock
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet

step "C API: C tests (plain, ASan+UBSan, valgrind) and header check"
bash tests/c/run.sh

step "Go binding: gofmt, go vet, go test -race"
bash bindings/go/test.sh

step "C++ binding: GoogleTest (plain, ASan+UBSan), README example, find_package consumer"
bash bindings/cpp/test.sh

step "Swift: the GeminiLive clang module from C and Objective-C"
bash bindings/swift/check.sh

step "fuzz (bounded)"
bash fuzz/run.sh --scale "${FUZZ_SCALE:-1}"

step "load smoke (gemini-live-load through the C ABI, nothing lost)"
bash load/bench/smoke.sh

step "instruction counts (callgrind: codec ops against benches/instructions-baseline.json)"
bash scripts/check-instructions.sh

step "rust: the suite again in release (optimised timing, the release library's exports)"
cargo test --release

step "all tests passed"
