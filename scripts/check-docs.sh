#!/usr/bin/env bash
# Documentation checks, run by scripts/test.sh:
# 1. no file refers to a document that is not in the repository (design notes, protocol
#    references, other repositories' files that were never committed here);
# 2. every relative link in README.md, CHANGELOG.md, docs/*.md and bindings/*/README.md
#    resolves to a file or directory of the repository;
# 3. README.md stays a landing page (under 10 KB).
# The mock's documentation is checked against the code by tests/docs_mock.rs (cargo test),
# the README's C example by tests/c/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0

# 1. References to documents that do not exist here. `G.711 §` cites the ITU-T standard;
#    `tests/fixtures/sdk-fields` is in the repository.
pattern='DESIGN([ .]|\.md)|reference §|reference:|§[0-9]|live-protocol|peers\.md|ffi-anchors|([^s]/|^|[^/])sdk-fields|\.\./shared'
files=$(git ls-files --cached --others --exclude-standard -- src tests mock load bindings scripts benches fuzz examples include cmake docs \
  '*.md' '*.toml' '*.rs' '*.sh' '*.h' '*.hpp' '*.c' '*.cpp' '*.go' '*.swift' '*.txt' CMakeLists.txt build.rs \
  | grep -v '^scripts/check-docs\.sh$' | sort -u)
if hits=$(echo "$files" | xargs grep -nE "$pattern" -- 2>/dev/null | grep -v 'G\.711 §'); then
  echo "check-docs: references to documents that are not in the repository:" >&2
  echo "$hits" >&2
  fail=1
fi

# 2. Relative markdown links resolve.
for md in README.md CHANGELOG.md docs/*.md bindings/*/README.md BENCHMARKS.md; do
  [ -f "$md" ] || continue
  dir=$(dirname "$md")
  # [text](target) links; external and in-page links are not files.
  while IFS= read -r target; do
    target=${target%%#*}
    [ -n "$target" ] || continue
    case "$target" in
      http://* | https://* | mailto:*) continue ;;
    esac
    if [ ! -e "$dir/$target" ]; then
      echo "check-docs: $md links to $target, which does not exist" >&2
      fail=1
    fi
  done < <(grep -oE '\]\([^)[:space:]]+\)' "$md" | sed -E 's/^\]\((.*)\)$/\1/')
done

# 3. The README is a landing page.
size=$(wc -c < README.md)
if [ "$size" -ge 10240 ]; then
  echo "check-docs: README.md is $size bytes; keep it under 10 KB and move details to docs/" >&2
  fail=1
fi

if [ "$fail" -ne 0 ]; then
  exit 1
fi
echo "check-docs: ok"
