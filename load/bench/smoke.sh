#!/usr/bin/env bash
# Smoke run of the load tool: builds, then 4 sessions for 3 s through the C ABI against a
# spawned mock, with the floor. Passes when the tool exits 0 (nothing lost, no send failed)
# and reports zero lost audio bytes and pongs. Takes ~10 s once built.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
cargo build --release --quiet --bin gemini-live-load --bin gemini-live-mock
out="$("$CARGO_TARGET_DIR/release/gemini-live-load" --sessions 4 --seconds 3 --warmup 1 --floor --json)"
echo "$out"
for key in '"lost_audio_bytes":0' '"lost_pongs":0' '"send_errors":0'; do
    grep -q "$key" <<<"$out" || { echo "smoke: expected $key" >&2; exit 1; }
done
grep -q '"received_audio_bytes":[1-9]' <<<"$out" || { echo "smoke: no audio received" >&2; exit 1; }
echo "smoke: ok"
