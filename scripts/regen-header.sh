#!/bin/sh
# Regenerates include/gemini_live.h from src/ffi (cbindgen runs in build.rs) and copies it
# into the tree. Commit the result.
set -eu
cd "$(dirname "$0")/.."
GEMINI_LIVE_UPDATE_HEADER=1 cargo test --test header committed_header_is_up_to_date
echo "include/gemini_live.h refreshed"
