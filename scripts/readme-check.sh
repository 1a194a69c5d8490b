#!/usr/bin/env bash
# Part of `make docs-check`: README.md and the provider's index page
# (docs/index.md, rendered from templates/index.md.tmpl) must each name and
# link everything docs/ documents, so that a new resource, data source, list
# resource, action or guide cannot ship without a line in both, nor a provider
# argument without a line in the README. It reads the names from the rendered
# docs/ (which `make docs-check` has just proved current with the schema and
# templates/), and lists every name each page lacks.
#
# Usage: scripts/readme-check.sh [repository root]
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
missing=()

# want FILE TEXT WHAT: FILE must contain TEXT.
want() {
  grep -qF -- "$2" "$1" || missing+=("${1#"$root"/}: $3 $2")
}

# want_pages FILE LINK_PREFIX: FILE names every resource, data source, list
# resource and action, and links each page and every guide, with links
# relative to FILE (LINK_PREFIX is docs/ from the README, empty from docs/).
want_pages() {
  local file=$1 prefix=$2 kind page
  for kind in resources data-sources list-resources actions; do
    for page in "$root/docs/$kind"/*.md; do
      [ -e "$page" ] || continue
      want "$file" "\`vpcep_$(basename "$page" .md)\`" "${kind%s} name"
      want "$file" "(${prefix}$kind/$(basename "$page"))" "a link to the ${kind%s} page"
    done
  done
  for page in "$root/docs/guides"/*.md; do
    [ -e "$page" ] || continue
    want "$file" "(${prefix}guides/$(basename "$page"))" "a link to the guide"
  done
}

want_pages "$root/README.md" docs/
want_pages "$root/docs/index.md" ""
# The provider's top-level arguments: the "## Schema" list of docs/index.md up
# to its nested blocks.
while IFS= read -r arg; do
  want "$root/README.md" "\`$arg\`" "provider argument"
done < <(sed -n '/^## Schema/,/^### Nested Schema/s/^- `\([a-z0-9_]*\)`.*/\1/p' "$root/docs/index.md")

if [ "${#missing[@]}" -gt 0 ]; then
  printf 'Not mentioned where a reader looks for it:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  printf 'Add each to README.md (the lists of resources and guides, or the configuration table) or to\n' >&2
  printf 'templates/index.md.tmpl (then make docs), as named.\n' >&2
  exit 1
fi
echo "    README.md and docs/index.md name every resource, data source, list resource, action and guide; README.md every provider argument"
