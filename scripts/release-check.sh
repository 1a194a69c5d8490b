#!/usr/bin/env bash
# `make release-check`: proves that .goreleaser.yml produces a working release,
# without a signing key and without publishing anything:
#   1. goreleaser check (the configuration is valid for the pinned goreleaser);
#   2. goreleaser release --snapshot --clean --skip=sign,publish (two platforms
#      by default, all with RELEASE_CHECK_ALL=1);
#   3. the archives, SHA256SUMS and registry manifest are where the registries
#      expect them, and the checksums match;
#   4. the linux_amd64 binary, unzipped, runs: a provider started without
#      Terraform prints go-plugin's "This binary is a plugin" and exits non-zero.
# dist/ (ignored by git) is removed at the end unless KEEP_DIST=1.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

# The pinned goreleaser, built into Go's cache on first use (a few minutes, once).
goreleaser=$(go tool -modfile=tools/go.mod -n goreleaser) || fail "building goreleaser from tools/go.mod failed"
work=$(mktemp -d "${TMPDIR:-/tmp}/vpcep-release.XXXXXX")
cleanup() {
  rm -rf "$work"
  [ "${KEEP_DIST:-0}" = 1 ] || rm -rf dist
}
trap cleanup EXIT

say "goreleaser check"
"$goreleaser" check

# Cross-compiling all six platforms takes many minutes on a small machine. By
# default the snapshot builds two of them (linux/amd64, and windows/amd64 for
# the .exe naming) from a copy of the configuration that differs only in its
# platform lists; RELEASE_CHECK_ALL=1 builds the complete matrix.
config=.goreleaser.yml
platforms="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 freebsd_amd64"
if [ "${RELEASE_CHECK_ALL:-0}" != 1 ]; then
  config="$work/goreleaser-subset.yml"
  platforms="linux_amd64 windows_amd64"
  awk '
    /^    goos:$/   { print "    goos: [linux, windows]"; skip = 1; next }
    /^    goarch:$/ { print "    goarch: [amd64]"; skip = 1; next }
    skip && /^      - / { next }
    { skip = 0; print }
  ' .goreleaser.yml >"$config"
  if ! grep -q 'goos: \[linux, windows\]' "$config" || ! grep -q 'goarch: \[amd64\]' "$config"; then
    fail "could not derive the subset configuration from .goreleaser.yml"
  fi
  echo "    building $platforms (RELEASE_CHECK_ALL=1 for all six platforms)"
fi

say "goreleaser release --snapshot --clean --skip=sign,publish"
start=$(date +%s)
"$goreleaser" release --config "$config" --snapshot --clean --skip=sign,publish >"$work/goreleaser.log" 2>&1 ||
  { cat "$work/goreleaser.log" >&2; fail "the snapshot release failed"; }
tail -n 2 "$work/goreleaser.log"
echo "    built in $(($(date +%s) - start))s"

say "checking the artifacts"
sums=$(find dist -maxdepth 1 -name '*_SHA256SUMS' | head -n 1)
[ -n "$sums" ] || fail "no *_SHA256SUMS in dist/"
version=$(basename "$sums" _SHA256SUMS)
version=${version#terraform-provider-vpcep_}
echo "    snapshot version $version"
for platform in $platforms; do
  zip="dist/terraform-provider-vpcep_${version}_${platform}.zip"
  [ -f "$zip" ] || fail "missing $zip"
  grep -q "  $(basename "$zip")\$" "$sums" || fail "$(basename "$zip") is not in $(basename "$sums")"
done
# The manifest is checksummed under its release name; it is uploaded from the
# repository, not copied into dist/, so compare its hash by hand.
manifest="terraform-provider-vpcep_${version}_manifest.json"
want=$(sha256sum terraform-registry-manifest.json | cut -d' ' -f1)
grep -q "^$want  $manifest\$" "$sums" || fail "$(basename "$sums") lacks $manifest with the hash of terraform-registry-manifest.json"
(cd dist && sha256sum --quiet --ignore-missing -c "$(basename "$sums")") || fail "a checksum in $(basename "$sums") does not match"
echo "    $(grep -c . "$sums") files in $(basename "$sums") (archives and manifest), all matching"

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
bin="$work/unzipped/$entries"
# Go does not record -ldflags under -trimpath, so look for the version itself.
grep -aq "$version" "$bin" || fail "the binary does not carry its version $version (-X main.version)"
settings=$(go version -m "$bin")
for want in "-trimpath=true" "CGO_ENABLED=0"; do
  printf '%s\n' "$settings" | grep -q -- "$want" || fail "the binary was not built with $want"
done
printf '    exit code %d, as expected; version %s, -trimpath, CGO_ENABLED=0\n' "$rc" "$version"

say "release check passed"
