#!/usr/bin/env bash
# Installs what the build, the demo and the tests need on a fresh machine. Idempotent: each
# step runs only when its tool is missing.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v clang >/dev/null || missing+=(clang)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v cmake >/dev/null || missing+=(cmake)
command -v ninja >/dev/null || missing+=(ninja-build)
command -v pkg-config >/dev/null || missing+=(pkg-config)
[ -f /usr/include/gtest/gtest.h ] || missing+=(libgtest-dev)
# The conformance test (tests/conformance/run.sh) makes a venv for the official SDK, which needs
# Python 3.11+ (Debian 12, Ubuntu 24.04: python3; Ubuntu 22.04: python3.11).
has_py311() {
  for p in python3 python3.13 python3.12 python3.11; do
    command -v "$p" >/dev/null &&
      "$p" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && return 0
  done
  return 1
}
if ! has_py311; then
  if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    missing+=(python3-venv)
  else
    missing+=(python3.11 python3.11-venv)
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The test command checks formatting and lints.
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
done

if [ "${1:-}" = "--with-fuzz" ]; then
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
fi
