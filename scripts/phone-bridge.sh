#!/bin/sh
# Builds the library and examples/c/phone_bridge.c, then runs a phone call against the bundled
# mock server: the caller (examples/audio/question-16k.wav as an 8 kHz mu-law line, 20 ms
# frames on the line's clock) asks, the reply comes back as 8 kHz mu-law through a playout
# buffer, the caller talks over it (barge-in: the reply is interrupted and flushed), the second
# reply plays out. Writes what the caller heard to out/phone-heard-8k.wav. Needs no API key.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT_BIN=$TARGET/demo
mkdir -p "$OUT_BIN/lib" out
cargo build --quiet --lib
MAJOR=$(sed -n 's/^#define GEMINI_LIVE_VERSION_MAJOR \([0-9]*\)$/\1/p' include/gemini_live.h)
cp "$TARGET/debug/libgemini_live.so" "$OUT_BIN/lib/libgemini_live.so.$MAJOR"
ln -sf "libgemini_live.so.$MAJOR" "$OUT_BIN/lib/libgemini_live.so"
${CC:-gcc} -std=c11 -Wall -Wextra -Werror -pthread -Iinclude examples/c/phone_bridge.c \
  -o "$OUT_BIN/phone_bridge" -L"$OUT_BIN/lib" -lgemini_live -lm -Wl,-rpath,"$OUT_BIN/lib"
env -u GEMINI_API_KEY timeout 120 "$OUT_BIN/phone_bridge" examples/audio/question-16k.wav out/phone-heard-8k.wav
echo "what the caller heard: $ROOT/out/phone-heard-8k.wav"
