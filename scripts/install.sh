#!/bin/sh
# Installs the library (shared with its soname links, and static), the header, the module map
# and a pkg-config file under PREFIX:
#   PREFIX/lib/libgemini_live.so.X.Y.Z, libgemini_live.so.X, libgemini_live.so, libgemini_live.a
#   PREFIX/lib/pkgconfig/gemini_live.pc
#   PREFIX/include/gemini_live.h, PREFIX/include/gemini_live/module.modulemap
# Usage: scripts/install.sh PREFIX   (builds in release mode; PROFILE=debug to skip that)
set -eu
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PREFIX=$1
PROFILE=${PROFILE:-release}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
if [ "$PROFILE" = release ]; then cargo build --quiet --release --lib; else cargo build --quiet --lib; fi
VERSION=$(sed -n 's/^#define GEMINI_LIVE_VERSION "\(.*\)"$/\1/p' include/gemini_live.h)
MAJOR=${VERSION%%.*}
# The system libraries a static link needs, as rustc reports them.
LIBS_PRIVATE=$(cargo rustc --quiet --lib --crate-type staticlib $( [ "$PROFILE" = release ] && echo --release ) \
  -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -1)
mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include/gemini_live"
install -m 755 "$TARGET/$PROFILE/libgemini_live.so" "$PREFIX/lib/libgemini_live.so.$VERSION"
ln -sf "libgemini_live.so.$VERSION" "$PREFIX/lib/libgemini_live.so.$MAJOR"
ln -sf "libgemini_live.so.$MAJOR" "$PREFIX/lib/libgemini_live.so"
install -m 644 "$TARGET/$PROFILE/libgemini_live.a" "$PREFIX/lib/libgemini_live.a"
install -m 644 include/gemini_live.h "$PREFIX/include/gemini_live.h"
# The module map refers to the header beside it.
install -m 644 include/gemini_live.h "$PREFIX/include/gemini_live/gemini_live.h"
install -m 644 include/module.modulemap "$PREFIX/include/gemini_live/module.modulemap"
sed -e "s|@PREFIX@|$PREFIX|" -e "s|@VERSION@|$VERSION|" -e "s|@LIBS_PRIVATE@|$LIBS_PRIVATE|" \
  gemini_live.pc.in > "$PREFIX/lib/pkgconfig/gemini_live.pc"
echo "installed gemini_live $VERSION under $PREFIX"
