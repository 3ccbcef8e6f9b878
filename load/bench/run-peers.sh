#!/usr/bin/env bash
# Peers side by side on the same load (BENCHMARKS.md, "What the load tool does"): for each
# session count and run, the C ABI load tool (gemini-live-load --floor, which also measures
# the no-library floor), our Go binding (one sender goroutine per session, as Go users write
# it; "binding-shared": one goroutine sending for all, as the load tool's driver thread), the
# official Go SDK (google.golang.org/genai) and the
# official JS SDK (@google/genai on Node), each against its own freshly spawned mock in load
# mode. One JSON line per run in OUT/<client>-n<N>.jsonl, a log of the load average before and
# after each run in OUT/runs.log, then the medians with ratios to the C ABI and to the floor
# (load/bench/summarize_peers.py).
#
#   load/bench/run-peers.sh [--runs R] [--sessions "100 500 1000"] [--seconds S] [--warmup S]
#                           [--clients "capi binding binding-shared genai js"] [--out DIR]
#
# Builds what it needs: the load tool, the mock and the library's static archive (release),
# the Go peers program (load/peers/go, linked against that archive), and `npm ci` for the JS
# peer (load/peers/js). Without node/npm the JS peer is left out; without go, both Go peers.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
T="$CARGO_TARGET_DIR"
runs=3 sessions="100 500 1000" seconds=20 warmup=5 clients="capi binding binding-shared genai js"
out="$here/results/peers/$(date -u +%Y-%m-%dT%H%M)"
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --sessions) sessions="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
has() { case " $clients " in *" $1 "*) return 0 ;; esac; return 1; }
mkdir -p "$out"

echo "== build (release): load tool, mock, library archive" >&2
(cd "$root" && nice cargo build --release --quiet -p gemini-live-load -p gemini-live-mock \
    && nice cargo build --release --quiet -p gemini-live --lib)
mock="$T/release/gemini-live-mock"
if has binding || has binding-shared || has genai; then
    if command -v go >/dev/null; then
        echo "== build: load/peers/go (geminilive_external, release archive)" >&2
        (cd "$root/load/peers/go" \
            && CGO_CFLAGS="-I$root/include" \
               CGO_LDFLAGS="$T/release/libgemini_live.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc" \
               nice go build -tags geminilive_external -o "$T/release/gemini-live-go-peers" .)
    else
        echo "no go: the Go peers are left out" >&2
        clients="$(echo " $clients " | sed 's/ binding / /; s/ binding-shared / /; s/ genai / /')"
    fi
fi
if has js; then
    if command -v node >/dev/null && command -v npm >/dev/null; then
        echo "== npm ci: load/peers/js" >&2
        (cd "$root/load/peers/js" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
    else
        echo "no node/npm: the JS peer is left out" >&2
        clients="$(echo " $clients " | sed 's/ js / /')"
    fi
fi

run_one() { # client N
    local c="$1" n="$2" f="$out/$1-n$2.jsonl" before rc=0
    before="$(cut -d' ' -f1-3 /proc/loadavg)"
    case "$c" in
        capi) timeout $((seconds * 2 + 120)) "$T/release/gemini-live-load" --sessions "$n" --seconds "$seconds" \
                  --warmup "$warmup" --floor --json >> "$f" || rc=$? ;;
        binding-shared) timeout $((seconds + 120)) "$T/release/gemini-live-go-peers" -client binding -sender shared \
                  -sessions "$n" -seconds "$seconds" -warmup "$warmup" -mock-bin "$mock" -json >> "$f" || rc=$? ;;
        binding|genai) timeout $((seconds + 120)) "$T/release/gemini-live-go-peers" -client "$c" -sessions "$n" \
                  -seconds "$seconds" -warmup "$warmup" -mock-bin "$mock" -json >> "$f" || rc=$? ;;
        js) timeout $((seconds + 120)) node "$root/load/peers/js/peer.mjs" --sessions "$n" --seconds "$seconds" \
                  --warmup "$warmup" --mock-bin "$mock" --json >> "$f" || rc=$? ;;
    esac
    echo "$(date -u +%H:%M:%S) $c n=$n exit=$rc loadavg before: $before after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/runs.log" >&2
}

for n in $sessions; do
    for r in $(seq "$runs"); do
        for c in $clients; do run_one "$c" "$n"; done
    done
done
python3 "$here/summarize_peers.py" "$out" | tee "$out/summary.md"
