#!/bin/sh
# Builds the library and examples/c/demo.c, then streams examples/audio/question-16k.wav to a
# Live session and writes the spoken reply to out/reply-24k.wav.
# Without GEMINI_API_KEY it starts the bundled mock server (gemini-live-mock) and talks to it;
# with GEMINI_API_KEY it talks to the real Gemini API (model from GEMINI_MODEL, default
# gemini-2.5-flash-native-audio-preview-12-2025). Exits 0 once the reply's turn completed.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT_BIN=$TARGET/demo
mkdir -p "$OUT_BIN/lib" out
cargo build --quiet --lib --bin gemini-live-mock
MAJOR=$(sed -n 's/^#define GEMINI_LIVE_VERSION_MAJOR \([0-9]*\)$/\1/p' include/gemini_live.h)
cp "$TARGET/debug/libgemini_live.so" "$OUT_BIN/lib/libgemini_live.so.$MAJOR"
ln -sf "libgemini_live.so.$MAJOR" "$OUT_BIN/lib/libgemini_live.so"
${CC:-gcc} -std=c11 -Wall -Wextra -Werror -pthread -Iinclude examples/c/demo.c -o "$OUT_BIN/demo" \
  -L"$OUT_BIN/lib" -lgemini_live -Wl,-rpath,"$OUT_BIN/lib"

MOCK_PID=
cleanup() { if [ -n "$MOCK_PID" ]; then kill "$MOCK_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

if [ -z "${GEMINI_API_KEY:-}" ]; then
  # The mock's built-in model calls a declared function whose name appears in the transcript.
  cat > "$OUT_BIN/mock.json" <<'JSON'
{"audio_transcript": "what is the weather in Paris? use get_weather", "realtime_output": true}
JSON
  "$TARGET/debug/gemini-live-mock" --port 0 --config "$OUT_BIN/mock.json" > "$OUT_BIN/mock.out" 2>&1 &
  MOCK_PID=$!
  URL=
  for _ in $(seq 1 100); do
    URL=$(sed -n 's/^gemini-live-mock listening on //p' "$OUT_BIN/mock.out")
    [ -n "$URL" ] && break
    kill -0 "$MOCK_PID" 2>/dev/null || { cat "$OUT_BIN/mock.out" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$URL" ] || { echo "the mock did not start" >&2; exit 1; }
  echo "mock server: $URL"
  export GEMINI_LIVE_BASE_URL="$URL"
else
  unset GEMINI_LIVE_BASE_URL
  echo "real Gemini API, model ${GEMINI_MODEL:-gemini-2.5-flash-native-audio-preview-12-2025}"
fi

timeout 120 "$OUT_BIN/demo" examples/audio/question-16k.wav out/reply-24k.wav
