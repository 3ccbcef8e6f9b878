#!/usr/bin/env bash
# The "Phone lines" figures of BENCHMARKS.md: gemini-live-load with 16 kHz PCM16 in / 24 kHz
# PCM16 out (--codec pcm) against 8 kHz G.711 mu-law in and out (--codec mulaw), runs
# alternating, one JSON line per run in load/bench/results/codec/{pcm,mulaw}-N.jsonl.
#
#   load/bench/run-codec.sh [RUNS] [SESSIONS] [SECONDS]     # default 3 runs, 20 sessions, 10 s
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
runs="${1:-3}" sessions="${2:-20}" seconds="${3:-10}"
out="$here/results/codec"
mkdir -p "$out"
(cd "$root" && cargo build --release --quiet --bin gemini-live-load --bin gemini-live-mock)
load="$CARGO_TARGET_DIR/release/gemini-live-load"
rm -f "$out/pcm-$sessions.jsonl" "$out/mulaw-$sessions.jsonl"
for _ in $(seq "$runs"); do
    for codec in pcm mulaw; do
        "$load" --sessions "$sessions" --seconds "$seconds" --warmup 2 --floor --codec "$codec" --json \
            >> "$out/$codec-$sessions.jsonl" || true
    done
done
python3 - "$out" "$sessions" <<'PY'
import json, statistics, sys
out, n = sys.argv[1], sys.argv[2]
for codec in ("pcm", "mulaw"):
    rows = [json.loads(l) for l in open(f"{out}/{codec}-{n}.jsonl")]
    med = lambda f: statistics.median(f(r) for r in rows)
    print(f"{codec:5} sessions={n} runs={len(rows)}"
          f" cpu_s_per_session_min={med(lambda r: r['cpu']['client_cpu_s_per_session_minute']):.4f}"
          f" client_cores={med(lambda r: r['cpu']['client_core_fraction']):.4f}"
          f" driver_cores={med(lambda r: r['cpu']['driver_thread_core_fraction']):.4f}"
          f" floor_cpu_s_per_session_min={med(lambda r: r['floor']['cpu_s_per_session_minute']):.4f}"
          f" rtt_p50_ms={med(lambda r: r['rtt']['p50_ms']):.3f}"
          f" lost_audio_bytes={max(r['loss']['lost_audio_bytes'] for r in rows)}"
          f" lost_pongs={max(r['loss']['lost_pongs'] for r in rows)}"
          f" received_audio_bytes={[r['loss']['received_audio_bytes'] for r in rows]}"
          f" loadavg={[r['run']['loadavg'].split()[0] for r in rows]}")
PY
