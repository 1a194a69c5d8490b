#!/usr/bin/env bash
# `make release-check`: proves that .goreleaser.yml produces a working release,
# without a signing key and without publishing anything:
#   1. goreleaser check (the configuration is valid for the pinned goreleaser);
#   2. goreleaser release --snapshot --clean --skip=sign,publish (every platform);
#   3. the archives, SHA256SUMS and registry manifest are where the registries
#      expect them, and the checksums match;
#   4. the linux_amd64 binary, unzipped, runs: a provider started without
#      Terraform prints go-plugin's "This binary is a plugin" and exits non-zero.
# dist/ (ignored by git) is removed at the end unless KEEP_DIST=1.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

goreleaser=$(scripts/ensure-tool.sh goreleaser)
work=$(mktemp -d "${TMPDIR:-/tmp}/vpcep-release.XXXXXX")
cleanup() {
  rm -rf "$work"
  [ "${KEEP_DIST:-0}" = 1 ] || rm -rf dist
}
trap cleanup EXIT

say "goreleaser check"
"$goreleaser" check

say "goreleaser release --snapshot --clean --skip=sign,publish"
start=$(date +%s)
"$goreleaser" release --snapshot --clean --skip=sign,publish >"$work/goreleaser.log" 2>&1 ||
  { cat "$work/goreleaser.log" >&2; fail "the snapshot release failed"; }
tail -n 3 "$work/goreleaser.log"
echo "    built in $(($(date +%s) - start))s"

say "checking the artifacts"
sums=$(find dist -maxdepth 1 -name '*_SHA256SUMS' | head -n 1)
[ -n "$sums" ] || fail "no *_SHA256SUMS in dist/"
version=$(basename "$sums" _SHA256SUMS)
version=${version#terraform-provider-vpcep_}
echo "    snapshot version $version"
for platform in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 freebsd_amd64; do
  zip="dist/terraform-provider-vpcep_${version}_${platform}.zip"
  [ -f "$zip" ] || fail "missing $zip"
  grep -q "  $(basename "$zip")\$" "$sums" || fail "$(basename "$zip") is not in $(basename "$sums")"
done
manifest="terraform-provider-vpcep_${version}_manifest.json"
grep -q "  $manifest\$" "$sums" || fail "the registry manifest ($manifest) is not in $(basename "$sums")"
(cd dist && sha256sum --quiet -c "$(basename "$sums")") || fail "a checksum in $(basename "$sums") does not match"
echo "    $(grep -c . "$sums") files in $(basename "$sums"), all matching"

say "running the linux_amd64 binary from its archive"
unzip_to() { # zip, dir
  if command -v unzip >/dev/null 2>&1; then unzip -q "$1" -d "$2"; else python3 -m zipfile -e "$1" "$2"; fi
}
unzip_to "dist/terraform-provider-vpcep_${version}_linux_amd64.zip" "$work/unzipped"
entries=$(ls "$work/unzipped")
[ "$entries" = "terraform-provider-vpcep_v${version}" ] || fail "the archive should hold only terraform-provider-vpcep_v${version}, it holds: $entries"
chmod +x "$work/unzipped/$entries"
set +e
out=$("$work/unzipped/$entries" 2>&1)
rc=$?
set -e
printf '%s\n' "$out" | sed 's/^/    | /'
[ "$rc" -ne 0 ] || fail "the provider binary exited 0 when started without Terraform"
case "$out" in
  *"This binary is a plugin"*) ;;
  *) fail "the provider binary did not print go-plugin's 'This binary is a plugin' message" ;;
esac
file_info=$(go version -m "$work/unzipped/$entries" | sed -n 's/^.*-ldflags=\(.*\)$/\1/p' | head -n 1)
printf '    exit code %d, as expected; built with -ldflags=%s\n' "$rc" "$file_info"

say "release check passed"
