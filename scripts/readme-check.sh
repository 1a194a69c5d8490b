#!/usr/bin/env bash
# Part of `make docs-check`: README.md must name everything docs/ documents,
# so that a new resource, data source, list resource, action, guide or provider
# argument cannot ship without a line in the README. It reads the names from
# the rendered docs/ (which `make docs-check` has just proved current with the
# schema and templates/), and lists every name the README lacks.
#
# Usage: scripts/readme-check.sh [repository root]
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
readme="$root/README.md"
missing=()

# want TEXT WHAT: README.md must contain TEXT.
want() {
  grep -qF -- "$1" "$readme" || missing+=("$2 $1")
}

for kind in resources data-sources list-resources actions; do
  for page in "$root/docs/$kind"/*.md; do
    [ -e "$page" ] || continue
    want "\`vpcep_$(basename "$page" .md)\`" "${kind%s} name"
    want "(docs/$kind/$(basename "$page"))" "a link to the ${kind%s} page"
  done
done
for page in "$root/docs/guides"/*.md; do
  [ -e "$page" ] || continue
  want "(docs/guides/$(basename "$page"))" "a link to the guide"
done
# The provider's top-level arguments: the "## Schema" list of docs/index.md up
# to its nested blocks.
while IFS= read -r arg; do
  want "\`$arg\`" "provider argument"
done < <(sed -n '/^## Schema/,/^### Nested Schema/s/^- `\([a-z0-9_]*\)`.*/\1/p' "$root/docs/index.md")

if [ "${#missing[@]}" -gt 0 ]; then
  printf 'README.md does not mention:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  printf 'Add each to README.md (the lists of resources and guides, or the configuration table).\n' >&2
  exit 1
fi
echo "    README.md names every resource, data source, list resource, action, guide and provider argument"
