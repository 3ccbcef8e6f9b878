#!/usr/bin/env bash
# usage: starve-client.sh OUTFILE args... — the load tool and two hog loops share CPU 0; the
# spawned mock is moved to CPU 1, so the client (not the mock) is the one starved.
out="$1"; shift
taskset -c 0 sh -c 'while :; do :; done' & h1=$!
taskset -c 0 sh -c 'while :; do :; done' & h2=$!
sleep 1
taskset -c 0 "${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/../../../.." && pwd)/target}/release/gemini-live-load" "$@" --json > "$out.tmp" & lt=$!
for _ in $(seq 50); do m=$(pgrep -P $lt gemini-live-moc); [ -n "$m" ] && break; sleep 0.1; done
[ -n "$m" ] && taskset -p -c 1 $m >/dev/null && echo "mock $m on cpu 1"
wait $lt; rc=$?
kill $h1 $h2; wait $h1 $h2 2>/dev/null
cat "$out.tmp" >> "$out"; rm -f "$out.tmp"
echo "rc=$rc"
exit $rc
