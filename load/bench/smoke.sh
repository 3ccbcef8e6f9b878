#!/usr/bin/env bash
# Smoke run of the load tool: builds, then 4 sessions for 3 s through the C ABI against a
# spawned mock, with the floor, twice: 16 kHz PCM16 in / 24 kHz PCM16 out, then as phone lines
# (--codec mulaw: 8 kHz G.711 mu-law in and out, audio counted in mu-law bytes). Passes when
# both runs exit 0 (nothing lost, no send failed) and report zero lost audio bytes and pongs.
# Takes ~25 s once built.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
cargo build --release --quiet --bin gemini-live-load --bin gemini-live-mock
for codec in pcm mulaw; do
    out="$("$CARGO_TARGET_DIR/release/gemini-live-load" --sessions 4 --seconds 3 --warmup 1 --floor --json --codec "$codec")"
    echo "$out"
    for key in '"lost_audio_bytes":0' '"lost_pongs":0' '"send_errors":0' "\"codec\":\"$codec\""; do
        grep -q "$key" <<<"$out" || { echo "smoke [$codec]: expected $key" >&2; exit 1; }
    done
    grep -q '"received_audio_bytes":[1-9]' <<<"$out" || { echo "smoke [$codec]: no audio received" >&2; exit 1; }
    echo "smoke [$codec]: ok"
done
echo "smoke: ok"
