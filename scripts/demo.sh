#!/usr/bin/env bash
# The main job: one session against the bundled mock server (or Gemini with GEMINI_API_KEY set).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --quiet --example rust_session
