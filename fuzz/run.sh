#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (seconds, default 30) from its seed corpus. A crash
# fails the run and leaves the reproducer under fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-30}"
for target in $(cargo +nightly fuzz list); do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  [ -d "seeds/$target" ] && cp -n "seeds/$target"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 | tail -n 12
done
