#!/usr/bin/env bash
# Smoke run of the load tool: builds, then 4 sessions for 3 s through the C ABI against a
# spawned mock, with the floor, three times: 16 kHz PCM16 in / 24 kHz PCM16 out, the same with
# inline callbacks, then as phone lines (--codec mulaw: 8 kHz G.711 mu-law in and out, audio
# counted in mu-law bytes). Passes when each run exits 0 (nothing lost, no send failed, every
# event in order) and reports zero lost audio bytes and pongs. Then 10,000 sessions in this one
# process (pings only, 1 per second each): every pong arrives, in order, and the library's
# threads stay within 2 x cores + 8. Takes ~1-2 min once built.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
cargo build --release --quiet --bin gemini-live-load --bin gemini-live-mock
load="$CARGO_TARGET_DIR/release/gemini-live-load"
for run in "pcm pool" "pcm inline" "mulaw pool"; do
    read -r codec delivery <<<"$run"
    out="$("$load" --sessions 4 --seconds 3 --warmup 1 --floor --json --codec "$codec" --delivery "$delivery")"
    echo "$out"
    for key in '"lost_audio_bytes":0' '"lost_pongs":0' '"send_errors":0' '"order_errors":0' \
        "\"codec\":\"$codec\"" "\"delivery\":\"$delivery\""; do
        grep -q "$key" <<<"$out" || { echo "smoke [$run]: expected $key" >&2; exit 1; }
    done
    grep -q '"received_audio_bytes":[1-9]' <<<"$out" || { echo "smoke [$run]: no audio received" >&2; exit 1; }
    echo "smoke [$run]: ok"
done

# 10,000 sessions, pings only: threads that do not grow with sessions, every event in order.
out="$("$load" --sessions 10000 --seconds 4 --warmup 1 --no-audio --connect-threads 4 --json)"
echo "$out"
for key in '"lost_pongs":0' '"send_errors":0' '"order_errors":0' '"closed_early":0' '"sessions":10000'; do
    grep -q "$key" <<<"$out" || { echo "smoke [10,000 sessions]: expected $key" >&2; exit 1; }
done
threads=$(sed -n 's/.*"library_threads":\([0-9]*\).*/\1/p' <<<"$out")
cores=$(sed -n 's/.*"cores":\([0-9]*\).*/\1/p' <<<"$out")
pongs=$(sed -n 's/.*"pings_sent":\([0-9]*\).*/\1/p' <<<"$out")
echo "smoke [10,000 sessions]: $threads library threads on $cores cores, $pongs pongs, in order"
[ "$pongs" -ge 10000 ] || { echo "smoke [10,000 sessions]: only $pongs pings" >&2; exit 1; }
[ "$threads" -le $((2 * cores + 8)) ] || { echo "smoke [10,000 sessions]: $threads threads > 2 x $cores + 8" >&2; exit 1; }
echo "smoke: ok"
