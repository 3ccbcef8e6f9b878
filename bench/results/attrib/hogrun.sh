#!/usr/bin/env bash
# usage: hogrun.sh OUTFILE args...  — runs the load tool with two CPU hog loops (nice 0), then stops them.
out="$1"; shift
sh -c 'while :; do :; done' & h1=$!
sh -c 'while :; do :; done' & h2=$!
sleep 1
/work/wt-load/target/release/gemini-live-load "$@" --json > "$out.tmp"; rc=$?
kill $h1 $h2; wait $h1 $h2 2>/dev/null
cat "$out.tmp" >> "$out"; rm -f "$out.tmp"
echo "rc=$rc"
