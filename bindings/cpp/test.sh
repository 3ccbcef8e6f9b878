#!/usr/bin/env bash
# Builds and tests the C++ binding: the Rust library (cargo, debug profile, only if needed), the
# GoogleTest suite with CMake + Ninja (shared library), the same suite under AddressSanitizer and
# UndefinedBehaviorSanitizer (static library), the README example, and a find_package() consumer
# of an installed copy.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$here/build"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
jobs="${JOBS:-2}"
start=$SECONDS

step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - start)); }

step "cargo build --lib"
(cd "$root" && cargo build --lib --quiet)

common=(-G Ninja -DGEMINI_LIVE_CARGO_PROFILE=debug "-DGEMINI_LIVE_CARGO_TARGET_DIR=$CARGO_TARGET_DIR")

step "configure + build (shared library)"
cmake -S "$here" -B "$build/default" "${common[@]}" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build/default" -j "$jobs"

step "ctest"
ctest --test-dir "$build/default" --output-on-failure -j "$jobs"

step "README example"
"$build/default/gemini_live_readme_example"
# The top-level README shows readme_example.cpp verbatim, in the block after its marker.
diff <(sed -n '/^<!-- readme_example.cpp -->$/,/^```$/p' "$root/README.md" | sed '1,2d;$d') \
  "$here/readme_example.cpp" || { echo "README.md's C++ block differs from readme_example.cpp" >&2; exit 1; }

step "configure + build (ASan + UBSan, static library)"
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -S "$here" -B "$build/asan" "${common[@]}" -DCMAKE_BUILD_TYPE=Debug -DGEMINI_LIVE_STATIC=ON \
  "-DCMAKE_CXX_FLAGS=$san" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
cmake --build "$build/asan" -j "$jobs"
nm "$build/asan/gemini_live_cpp_tests" | grep __asan_init >/dev/null || { echo "ASan is not linked in" >&2; exit 1; }

step "ctest under ASan + UBSan"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
LSAN_OPTIONS="suppressions=$root/tests/c/lsan.supp:print_suppressions=0" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --test-dir "$build/asan" --output-on-failure -j "$jobs"

step "install + find_package consumer"
rm -rf "$build/prefix" "$build/consumer"
cmake --install "$build/default" --prefix "$build/prefix" >/dev/null
cmake -S "$here/tests/consumer" -B "$build/consumer" -G Ninja "-DCMAKE_PREFIX_PATH=$build/prefix" >/dev/null
cmake --build "$build/consumer" -j "$jobs" >/dev/null
"$build/consumer/consumer"

step "done"
