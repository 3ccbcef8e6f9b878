#!/usr/bin/env bash
# Checks the clang module GeminiLive the way Swift's importer sees it (no Swift toolchain needed):
# compiles check_module.c with -fmodules against include/module.modulemap (and again against the
# Swift package's copy, Sources/GeminiLive/module.modulemap, a symlink to it), as C and as
# Objective-C, links each against the built library and runs it (a text turn against the mock).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
lib="$CARGO_TARGET_DIR/debug"
out="$here/build"
start=$SECONDS

command -v clang >/dev/null || { echo "clang is missing: run scripts/setup.sh" >&2; exit 1; }
(cd "$root" && cargo build --lib --quiet)
rm -rf "$out" && mkdir -p "$out/lib"
ln -s "$lib/libgemini_live.so" "$out/lib/libgemini_live.so.0"  # the library's soname
ln -s "$lib/libgemini_live.so" "$out/lib/libgemini_live.so"

# -Werror=implicit-function-declaration: every call must be declared by the module itself.
flags=(-fmodules -fmodules-cache-path="$out/module-cache" -Wall -Wextra -Werror
       -Werror=implicit-function-declaration)

run() {  # name, language, module map, extra flags...
  local name=$1 lang=$2 map=$3
  shift 3
  clang -x "$lang" "${flags[@]}" -fmodule-map-file="$map" "$@" "$here/check_module.c" \
    -o "$out/$name" -L"$out/lib" -lgemini_live -Wl,-rpath,"$out/lib"
  "$out/$name"
}

echo "== C, include/module.modulemap"
run c c "$root/include/module.modulemap" -I "$root/include"
echo "== C, the Swift package's module map (header found beside the map, no -I)"
run c-swiftpm c "$here/Sources/GeminiLive/module.modulemap"
echo "== Objective-C (@import), include/module.modulemap"
run objc objective-c "$root/include/module.modulemap" -I "$root/include"

# The module really was built, and without the module map the import fails (so the checks above
# did go through the module, not a textual include; -fno-implicit-module-maps stops clang from
# finding include/module.modulemap on its own through -I).
ls "$out"/module-cache/*/GeminiLive-*.pcm >/dev/null
if clang -x c "${flags[@]}" -fno-implicit-module-maps -I "$root/include" -fsyntax-only "$here/check_module.c" 2>/dev/null; then
  echo "check_module.c compiled without the module map: the import is not checked" >&2
  exit 1
fi
echo "== ok ($((SECONDS - start))s)"
