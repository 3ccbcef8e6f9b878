#!/bin/sh
# Tests the Go binding: builds the Rust library if needed, then gofmt, go vet,
# go test -race (with cgo pointer checks), a build of the README example and a run of the
# ephemeral-token example against the mock.
# Honours CARGO_TARGET_DIR: with a target directory other than <repo>/target the package is
# built with the geminilive_external tag and CGO_CFLAGS/CGO_LDFLAGS pointing there.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
start=$(date +%s)

echo "== cargo build (library)"
(cd "$ROOT" && cargo build --quiet --lib)

cd "$HERE"
if [ "$(cd "$TARGET" && pwd)" != "$ROOT/target" ]; then
  export CGO_CFLAGS="-I$ROOT/include"
  export CGO_LDFLAGS="$TARGET/debug/libgemini_live.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
  export GOFLAGS="${GOFLAGS:-} -tags=geminilive_external"
fi

echo "== gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt needed:" >&2
  echo "$unformatted" >&2
  exit 1
fi

echo "== go vet"
go vet ./...

# The strictest cgo pointer checks when this Go supports them (GOEXPERIMENT=cgocheck2),
# else the default GODEBUG=cgocheck=1.
if GOEXPERIMENT=cgocheck2 go version >/dev/null 2>&1; then
  CHECK="GOEXPERIMENT=cgocheck2"
else
  CHECK="GODEBUG=cgocheck=1"
fi
echo "== go test -race -count=1 ./... ($CHECK)"
env "$CHECK" go test -race -count=1 -timeout 120s ./...

echo "== build readme_example"
go build -o /dev/null ./readme_example

echo "== token_example: a backend mints an ephemeral token, a client connects with it (mock)"
env -u GEMINI_API_KEY go run ./token_example

echo "== Go binding OK in $(( $(date +%s) - start ))s"
