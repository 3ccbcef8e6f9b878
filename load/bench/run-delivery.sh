#!/usr/bin/env bash
# Issue 13's figures for the C ABI: callback pool (default) against inline delivery, each
# against the no-library floor measured in the same run, at 1 session (50 pings/s for 30 s:
# 1,500 round trips, so that a p99 is not just the 3rd-worst of 250) and 1,000 sessions, plus
# 10,000 sessions with pings only (threads, order). One JSON line per run in
# load/bench/results/delivery/*.jsonl (each with its load average), then the medians and the
# verdicts against the targets (bench/summarize_delivery.py).
#
#   load/bench/run-delivery.sh [RUNS]     # default 3 runs per row
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
runs="${1:-3}"
out="$here/results/delivery"
mkdir -p "$out"
(cd "$root" && cargo build --release --quiet --bin gemini-live-load --bin gemini-live-mock)
load="$CARGO_TARGET_DIR/release/gemini-live-load"
rm -f "$out"/*.jsonl
# Rows alternate pool and inline run by run, so that drift in the machine's load hits both.
for _ in $(seq "$runs"); do
    for delivery in pool inline; do
        "$load" --sessions 1 --seconds 30 --warmup 2 --ping-hz 50 --floor --delivery "$delivery" --json \
            >> "$out/n1-$delivery.jsonl" || true
        "$load" --sessions 1000 --seconds 20 --warmup 5 --floor --delivery "$delivery" --json \
            >> "$out/n1000-$delivery.jsonl" || true
    done
    "$load" --sessions 10000 --seconds 6 --warmup 2 --no-audio --json >> "$out/n10000-pings.jsonl" || true
done
python3 "$here/summarize_delivery.py" "$out"
