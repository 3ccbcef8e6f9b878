#!/bin/bash
# Interleaved A/B at 1,000 sessions: previous build (old) and batching build (new), pool delivery.
out=/work/main/load/bench/results/round6/ab
for r in 4 5 6 7; do
  for b in old new; do
    if [ $b = old ]; then bin=/work/ab-old/target/release/gemini-live-load; else bin=/work/main/target/release/gemini-live-load; fi
    $bin --sessions 1000 --seconds 20 --warmup 5 --floor --json >> $out/$b.jsonl 2>/dev/null
    echo "$(date -u +%H:%M:%S) $b r$r $(cut -d' ' -f1-3 /proc/loadavg)" >> $out/runs.log
  done
done
