#!/usr/bin/env bash
# usage: hogrun.sh OUTFILE ARGS... — one load run (ARGS go to gemini-live-load, --json added)
# beside two CPU hog loops (nice 0); the JSON line is appended to OUTFILE. Build release first.
out="$1"; shift
sh -c 'while :; do :; done' & h1=$!
sh -c 'while :; do :; done' & h2=$!
sleep 1
"${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/../../../.." && pwd)/target}/release/gemini-live-load" "$@" --json > "$out.tmp"; rc=$?
kill $h1 $h2; wait $h1 $h2 2>/dev/null
cat "$out.tmp" >> "$out"; rm -f "$out.tmp"
echo "rc=$rc"
exit $rc
