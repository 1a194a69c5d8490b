#!/usr/bin/env bash
# `make fuzz`: fuzzes every Go fuzz target under internal/ for FUZZTIME
# (default 30s), one after another. `go test` already runs their corpora.
#
# Usage: FUZZTIME=1m scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
grep -rlE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' internal | while read -r file; do
  pkg=./$(dirname "$file")
  for fn in $(grep -hoE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //'); do
    echo "=== $fn in $pkg for $fuzztime"
    go test -run '^$' -fuzz "^$fn\$" -fuzztime "$fuzztime" "$pkg"
  done
done
