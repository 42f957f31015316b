#!/usr/bin/env bash
# Runs every Go fuzz target of the repository for FUZZTIME each (default 30s), one after the
# other. `make test` already runs each target's seed corpus (f.Add and testdata/fuzz) as a
# normal test; this explores further. A failing input is written under the package's
# testdata/fuzz/<Target>/: fix the bug, keep the file (it becomes a regression test).
#   FUZZTIME=5m ./scripts/fuzz.sh            # longer
#   ./scripts/fuzz.sh FuzzStreamRange         # only the targets whose name matches
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-30s}
filter=${1:-.}
failed=0
while IFS= read -r line; do
  file=${line%%:*}
  name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' <<<"${line#*:}")
  [[ $name =~ $filter ]] || continue
  pkg=./$(dirname "$file")
  echo "== $name ($pkg, $FUZZTIME)"
  if ! go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME"; then
    failed=$((failed + 1))
  fi
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' internal cmd tests | sed -E 's/^([^:]+):[0-9]+:/\1:/' | sort)
if [ "$failed" -ne 0 ]; then
  echo "$failed fuzz target(s) failed"
  exit 1
fi
