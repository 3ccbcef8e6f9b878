#!/usr/bin/env bash
# Conformance with the official SDK (issue 11): captures the frames google-genai sends for each
# case of the table in tests/conformance.rs, then runs that test, which sends the same cases
# through our C ABI and compares the frames after canonicalization.
#
#   tests/conformance/run.sh            (from scripts/test.sh; any extra arguments go to cargo)
#
# Creates target/conformance/venv from tests/conformance/requirements.txt (google-genai 3.3.0 and
# everything it needs, pinned) from PyPI on first use, the only network access: the SDK talks to
# a loopback peer only. The capture lands in target/conformance/sdk.json.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="$root/target/conformance"
venv="$out/venv"
requirements="$root/tests/conformance/requirements.txt"   # google-genai==3.3.0, all pinned
mkdir -p "$out"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
# google-genai 3.3.0 needs Python 3.11 or newer (scripts/setup.sh installs one when missing).
python=""
for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null &&
        "$candidate" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    echo "conformance: no Python 3.11+ with venv found (google-genai 3.3.0 needs one); run scripts/setup.sh" >&2
    exit 1
fi
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.pinned" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" > "$venv/.pinned"
fi

rm -f "$out/cases.json" "$out/sdk.json"
GEMINI_LIVE_CONFORMANCE_EXPORT="$out/cases.json" \
    cargo test --quiet --test conformance "$@" -- --exact export_cases >/dev/null
"$venv/bin/python" tests/conformance/capture.py --cases "$out/cases.json" --out "$out/sdk.json"
GEMINI_LIVE_CONFORMANCE_DIR="$out" cargo test --test conformance "$@"
