#!/usr/bin/env bash
# The official Python SDK (google-genai) on the same load as gemini-live-load, against the same
# mock (a separate process), reporting CPU per session-minute of the Python process.
#
#   load/bench/run-python-peer.sh [--sessions N] [--seconds S] [--json]
#
# Creates load/bench/.venv with google-genai from PyPI on first use, builds and starts the mock
# (unless MOCK_URL is set), then runs load/bench/python_peer.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet "google-genai==${GOOGLE_GENAI_VERSION:-3.3.0}"
fi
if [ -z "${MOCK_URL:-}" ]; then
    (cd "$root" && cargo build --release --quiet --bin gemini-live-mock)
    cfg="$(mktemp)"
    echo '{"answer_audio_continuously": true, "audio_chunk_ms": 200}' > "$cfg"
    coproc MOCK { exec "$CARGO_TARGET_DIR/release/gemini-live-mock" --port 0 --config "$cfg" --exit-on-stdin-eof; }
    read -r line <&"${MOCK[0]}"
    MOCK_URL="${line##* }"
    trap 'exec {MOCK[1]}>&-; wait "$MOCK_PID" 2>/dev/null || true; rm -f "$cfg"' EXIT
fi
"$venv/bin/python" "$here/python_peer.py" --mock-url "$MOCK_URL" "$@"
