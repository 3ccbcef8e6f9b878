#!/bin/bash
# usage: ab.sh OUT ROUNDS "label:binary:client ..."
out=$1; rounds=$2; shift 2
T=/work/wt-go/target
for r in $(seq $rounds); do
  for spec in $@; do
    IFS=: read label bin client <<< "$spec"
    before="$(cut -d' ' -f1-3 /proc/loadavg)"
    timeout 200 $T/$bin -client $client -sessions 100 -seconds 20 -warmup 5 -mock-bin $T/release/gemini-live-mock -json >> $out/$label.jsonl; rc=$?
    echo "$(date -u +%H:%M:%S) r=$r $label rc=$rc load before: $before after: $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/runs.log
  done
done
echo done >> $out/runs.log
