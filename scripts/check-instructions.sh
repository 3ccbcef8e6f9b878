#!/usr/bin/env bash
# Instruction-count guard: runs each op of benches/instructions.rs (encode one audio message,
# decode one reply frame, ...) once under callgrind, in release, and compares its instructions
# per call with benches/instructions-baseline.json. Fails when an op costs more than 20% above
# its baseline. Counts do not depend on the machine's load, unlike timings.
#   bash scripts/check-instructions.sh            # check
#   bash scripts/check-instructions.sh --update   # rewrite the baseline (then commit it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"

bin="$(cargo bench --bench instructions --no-run --quiet --message-format=json-render-diagnostics |
    python3 -c 'import json, sys
for m in map(json.loads, sys.stdin):
    if m.get("executable") and m["target"]["name"] == "instructions":
        print(m["executable"])')"

out="$CARGO_TARGET_DIR/callgrind"
mkdir -p "$out"
: >"$out/counts.txt"
for op in $("$bin"); do
    # Only `measured_calls` and what it calls are counted: start-up and the warm-up call are not.
    calls="$(valgrind --tool=callgrind --quiet --collect-atstart=no --toggle-collect='*measured_calls*' \
        --callgrind-out-file="$out/$op.out" "$bin" "$op")"
    total="$(awk '/^totals:/ { print $2 }' "$out/$op.out")"
    # A renamed or inlined `measured_calls` would count nothing and pass as "cheaper".
    if [ "${total:-0}" -eq 0 ]; then
        echo "check-instructions: nothing collected for $op: is measured_calls still a function?" >&2
        exit 1
    fi
    echo "$op $total $calls" >>"$out/counts.txt"
done
# base64-simd picks its code from the CPU that valgrind reports, once per process: AVX2 on this
# machine type (valgrind passes AVX2 through and hides AVX-512, which base64-simd does not use),
# SSSE3 or scalar elsewhere. The baseline holds for one path; say which one ran.
b64="$(grep -ohE 'multiversion::decode::(avx2|ssse3)' "$out/decode_audio_200ms.out" | head -n 1 || true)"
b64="${b64##*::}"
echo "check-instructions: base64 under valgrind: ${b64:-scalar fallback}"
python3 benches/instructions_check.py "$out/counts.txt" benches/instructions-baseline.json "$(rustc --version)" "$@"
