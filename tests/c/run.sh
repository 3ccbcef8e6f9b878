#!/bin/sh
# Builds the library, then compiles and runs every C test (tests/c/test_*.c), the README
# example and the phone bridge example (examples/c/phone_bridge.c: a barge-in over an 8 kHz
# mu-law line; its WAV of what the caller heard is checked) three ways: plain (gcc -Wall
# -Wextra -Werror), with AddressSanitizer + UndefinedBehaviorSanitizer (leak detection on), and
# two tests under valgrind.
# Exits non-zero on any failure. Usage: tests/c/run.sh   (CARGO_TARGET_DIR is honoured)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$TARGET/ctest
LIB=$OUT/lib
CC=${CC:-gcc}
CFLAGS="-std=c11 -Wall -Wextra -Werror -pthread -g -I$ROOT/include"
start=$(date +%s)

echo "== cargo build"
cargo build --quiet
mkdir -p "$LIB" "$OUT/plain" "$OUT/asan"
# The soname is libgemini_live.so.<major>; link and run against that name.
MAJOR=$(sed -n 's/^#define GEMINI_LIVE_VERSION_MAJOR \([0-9]*\)$/\1/p' include/gemini_live.h)
cp "$TARGET/debug/libgemini_live.so" "$LIB/libgemini_live.so.$MAJOR"
ln -sf "libgemini_live.so.$MAJOR" "$LIB/libgemini_live.so"
LDFLAGS="-L$LIB -lgemini_live -lm -Wl,-rpath,$LIB"

echo "== header is current"
GENERATED=$(ls -t "$TARGET"/debug/build/gemini-live-*/out/gemini_live.h | head -1)
if ! cmp -s "$GENERATED" include/gemini_live.h; then
  echo "include/gemini_live.h is stale; run scripts/regen-header.sh" >&2
  exit 1
fi

echo "== README example matches examples/c/readme_example.c"
awk '/^<!-- readme_example.c -->/{f=1;next} f&&/^```c/{p=1;next} p&&/^```/{exit} p' README.md > "$OUT/readme_block.c"
if ! cmp -s "$OUT/readme_block.c" examples/c/readme_example.c; then
  echo "README.md's C example differs from examples/c/readme_example.c" >&2
  diff "$OUT/readme_block.c" examples/c/readme_example.c >&2 || true
  exit 1
fi

TESTS=$(ls tests/c/test_*.c)
build() { # mode extra-flags
  for src in $TESTS examples/c/readme_example.c; do
    name=$(basename "$src" .c)
    $CC $CFLAGS $2 "$src" -o "$OUT/$1/$name" $LDFLAGS
  done
  $CC $CFLAGS $2 examples/c/phone_bridge.c -o "$OUT/$1/phone_bridge" $LDFLAGS
}
run_all() { # mode [env...]
  mode=$1
  shift
  for src in $TESTS examples/c/readme_example.c; do
    name=$(basename "$src" .c)
    t0=$(date +%s)
    if ! env -u GEMINI_API_KEY "$@" "$OUT/$mode/$name" > "$OUT/$mode/$name.log" 2>&1; then
      echo "FAIL [$mode] $name" >&2
      cat "$OUT/$mode/$name.log" >&2
      exit 1
    fi
    echo "ok   [$mode] $name ($(( $(date +%s) - t0 ))s)"
  done
  # The phone bridge: a ~8 s call on the line's clock; what the caller heard must be a WAV with
  # more than 2 s of audio that is not all silence.
  t0=$(date +%s)
  wav="$OUT/$mode/phone-heard-8k.wav"
  rm -f "$wav"
  if ! env -u GEMINI_API_KEY "$@" "$OUT/$mode/phone_bridge" examples/audio/question-16k.wav "$wav" \
      > "$OUT/$mode/phone_bridge.log" 2>&1 \
      || [ "$(wc -c < "$wav")" -lt $((44 + 2 * 8000 * 2)) ] \
      || [ "$(tail -c +45 "$wav" | tr -d '\000' | wc -c)" -lt 8000 ]; then
    echo "FAIL [$mode] phone_bridge" >&2
    cat "$OUT/$mode/phone_bridge.log" >&2
    exit 1
  fi
  echo "ok   [$mode] phone_bridge ($(( $(date +%s) - t0 ))s)"
}

echo "== plain"
build plain ""
run_all plain

echo "== asan + ubsan"
build asan "-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
nm "$OUT/asan/test_basic" | grep -q __asan_init || { echo "ASan is not enabled in the asan build" >&2; exit 1; }
run_all asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
  LSAN_OPTIONS=suppressions=$ROOT/tests/c/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

if command -v valgrind > /dev/null; then
  echo "== valgrind"
  for name in test_basic test_event_fd; do
    valgrind --error-exitcode=1 --quiet --trace-children=no "$OUT/plain/$name" > "$OUT/valgrind.log" 2>&1 || {
      cat "$OUT/valgrind.log" >&2
      echo "FAIL [valgrind] $name" >&2
      exit 1
    }
    echo "ok   [valgrind] $name"
  done
else
  echo "valgrind not installed: skipped" >&2
fi
echo "all C tests passed in $(( $(date +%s) - start ))s"
