#!/usr/bin/env bash
# Deterministic fuzzing for CI: for each target, (1) replay every committed seed under
# fuzz/seeds/<target>/ (each crash ever found is one), then (2) run a bounded search with a fixed
# seed and a fixed number of runs, starting from those seeds only. Same code, same inputs: a
# failure reproduces, and a pass does not depend on luck or on the machine's speed. Any crash
# fails the run and leaves its reproducer under fuzz/artifacts/<target>/.
#
# What else would make two searches differ is switched off: the periodic corpus reload
# (-reload=0, timed), comparison tracing (-use_cmp=0: it feeds compared values back into the
# mutations, and some are addresses or stale stack bytes; a dictionary of the protocol's keys,
# dict/<target>.dict, stands in for it), and address randomization (setarch -R: some code
# paths depend on alignment). server_message then replays exactly, input for input; c_abi_json
# nearly so (the library's runtime threads add a little timing noise).
#
# usage: fuzz/run.sh [--replay-only] [--scale K] [TARGET...]
#   --replay-only  only replay the seeds (seconds)
#   --scale K      multiply every target's run count by K (default 1: about a minute in all
#                  on 2 cores, after the build)
#   TARGET...      default: every target
#
# Exploring by hand (random, time-bounded; never in CI), e.g. for 10 minutes:
#   cd fuzz && cargo +nightly fuzz run server_message corpus/server_message seeds/server_message \
#     -- -max_total_time=600 -max_len=65536 -print_final_stats=1
# then commit each crasher from fuzz/artifacts/ as fuzz/seeds/<target>/crash-<what>.json, with
# the fix.
set -euo pipefail
cd "$(dirname "$0")"

# Fixed search budget per target, in executions (calibrated to ~30 s each on 2 cores).
declare -A RUNS=([server_message]=1000000 [c_abi_json]=250000 [base64_lenient]=350000)
SEED=20240611

replay_only=false
scale=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --replay-only) replay_only=true ;;
    --scale) scale="$2"; shift ;;
    -*) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)

# Runs one libFuzzer pass with its log in artifacts/<target>/<phase>.log; prints its summary,
# or the end of the log and fails on a crash.
fuzz() {
  local target="$1" phase="$2"
  shift 2
  local log="artifacts/$target/$phase.log"
  if ! ${norandom[@]+"${norandom[@]}"} cargo +nightly fuzz run "$target" "$@" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $target crashed in the $phase phase; the reproducer is under fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" |
    sed 's/^/  /'
}

# Without address randomization where the system allows it (some container profiles refuse).
norandom=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
  norandom=(setarch "$(uname -m)" -R)
else
  echo "fuzz: setarch -R is not permitted here; searches may differ slightly from run to run" >&2
fi

scratch=""
trap 'rm -rf "$scratch"' EXIT
cargo +nightly fuzz build
for target in "${targets[@]}"; do
  seeds="seeds/$target"
  [ -d "$seeds" ] || { echo "fuzz/run.sh: no seeds for $target ($seeds)" >&2; exit 1; }
  runs="${RUNS[$target]:-}"
  [ -n "$runs" ] || { echo "fuzz/run.sh: no run budget for $target (add it to RUNS)" >&2; exit 1; }
  mkdir -p "artifacts/$target"

  echo "fuzz: $target: replaying $(find "$seeds" -type f | wc -l) seeds"
  fuzz "$target" replay "$seeds" -- -runs=0
  $replay_only && continue

  # New inputs go to a scratch corpus: the committed seeds stay as they are, and every run
  # starts from them alone.
  scratch="$(mktemp -d)"
  echo "fuzz: $target: $((runs * scale)) runs from seed $SEED"
  fuzz "$target" search "$scratch" "$seeds" -- \
    -seed="$SEED" -runs="$((runs * scale))" -reload=0 -use_cmp=0 -dict="dict/$target.dict" \
    -max_len=65536 -print_final_stats=1
  rm -rf "$scratch"
  scratch=""
done
echo "fuzz: no crashes"
