#!/usr/bin/env bash
# Every figure of BENCHMARKS.md: repeated runs of gemini-live-load (1, 100 and 1,000 sessions,
# each with the no-library floor) and of the Python SDK peer (100 sessions), one JSON line per
# run in load/bench/results/*.jsonl, then the medians (bench/summarize.py).
#
#   load/bench/run-all.sh [RUNS]     # default 3 runs per configuration
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
runs="${1:-3}"
out="$here/results"
mkdir -p "$out"
(cd "$root" && cargo build --release --quiet --bin gemini-live-load --bin gemini-live-mock)
load="$CARGO_TARGET_DIR/release/gemini-live-load"
run() { # name, args...
    local name="$1"; shift
    for _ in $(seq "$runs"); do "$load" "$@" --json >> "$out/$name.jsonl" || true; done
}
rm -f "$out"/n1.jsonl "$out"/n100.jsonl "$out"/n1000.jsonl "$out"/n1000-aligned.jsonl "$out"/python100.jsonl
run n1 --sessions 1 --seconds 15 --warmup 2 --ping-hz 20 --floor
run n100 --sessions 100 --seconds 15 --warmup 3 --floor
run n1000 --sessions 1000 --seconds 20 --warmup 5 --floor
# The same with every session starting in the same 20 ms (answers arrive in bursts).
run n1000-aligned --sessions 1000 --seconds 20 --warmup 5 --floor --start-spread-ms 20
for _ in $(seq "$runs"); do
    "$here/run-python-peer.sh" --sessions 100 --seconds 15 --warmup 3 --json >> "$out/python100.jsonl" || true
done
python3 "$here/summarize.py" "$out"
