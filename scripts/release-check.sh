#!/usr/bin/env bash
# `make release-check`: proves that .goreleaser.yml produces a working release,
# without the release key and without publishing anything:
#   1. goreleaser check (the configuration is valid for the pinned goreleaser);
#   2. goreleaser release --snapshot --clean --skip=publish (two platforms by
#      default, all with RELEASE_CHECK_ALL=1), signed with a throwaway GPG key;
#   3. the provider's archives, SHA256SUMS (provider zips and manifest only),
#      its signature and the registry manifest are where the registries expect
#      them, and the checksums match;
#   4. the linux_amd64 provider binary, unzipped, runs: started without
#      Terraform it prints go-plugin's "This binary is a plugin" and exits non-zero;
#   5. each vpcep-mock archive has a matching .sha256 file; the linux_amd64
#      one, extracted, serves the API;
#   6. the vpcep-mock container image is built offline from the extracted
#      linux binaries (tools/mockimage, an OCI image layout in
#      dist/vpcep-mock-image) and holds the same binary, entrypoint and user.
# dist/ (ignored by git) is removed at the end unless KEEP_DIST=1.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

# The pinned goreleaser, built into Go's cache on first use (a few minutes, once).
goreleaser=$(go tool -modfile=tools/go.mod -n goreleaser) || fail "building goreleaser from tools/go.mod failed"
work=$(mktemp -d "${TMPDIR:-/tmp}/vpcep-release.XXXXXX")
cleanup() {
  # The throwaway keyring's gpg-agent must not outlive the check.
  [ ! -d "$work/gnupg" ] || GNUPGHOME="$work/gnupg" gpgconf --kill all 2>/dev/null || true
  rm -rf "$work"
  [ "${KEEP_DIST:-0}" = 1 ] || rm -rf dist
}
trap cleanup EXIT

# A throwaway key in a throwaway keyring: the snapshot is signed as a release
# is, and the signature is checked, without the release key.
command -v gpg >/dev/null 2>&1 || fail "gpg is needed to sign the snapshot (Debian package gnupg)"
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'vpcep release check <release-check@example.invalid>' ed25519 sign 1d ||
  fail "could not make a throwaway GPG key"
GPG_FINGERPRINT=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
export GPG_FINGERPRINT
# Reproducible file times for the image, as goreleaser uses for the binaries.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
export SOURCE_DATE_EPOCH

say "goreleaser check"
"$goreleaser" check

# Cross-compiling every platform of both binaries takes many minutes on a
# small machine. By default the snapshot builds two of them (linux/amd64, and
# windows/amd64 for the .exe naming) from a copy of the configuration that
# differs only in its platform lists; RELEASE_CHECK_ALL=1 builds them all.
config=.goreleaser.yml
platforms="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 freebsd_amd64"
mock_platforms="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64"
if [ "${RELEASE_CHECK_ALL:-0}" != 1 ]; then
  config="$work/goreleaser-subset.yml"
  platforms="linux_amd64 windows_amd64"
  mock_platforms="linux_amd64 windows_amd64"
  awk '
    /^    goos:$/   { print "    goos: [linux, windows]"; skip = 1; next }
    /^    goarch:$/ { print "    goarch: [amd64]"; skip = 1; next }
    skip && /^      - / { next }
    { skip = 0; print }
  ' .goreleaser.yml >"$config"
  if [ "$(grep -c 'goos: \[linux, windows\]' "$config")" != 2 ] || [ "$(grep -c 'goarch: \[amd64\]' "$config")" != 2 ]; then
    fail "could not derive the subset configuration from .goreleaser.yml"
  fi
  echo "    building $platforms (RELEASE_CHECK_ALL=1 for every platform)"
fi

say "goreleaser release --snapshot --clean --skip=publish"
start=$(date +%s)
"$goreleaser" release --config "$config" --snapshot --clean --skip=publish >"$work/goreleaser.log" 2>&1 ||
  { cat "$work/goreleaser.log" >&2; fail "the snapshot release failed"; }
tail -n 2 "$work/goreleaser.log"
echo "    built in $(($(date +%s) - start))s"

say "checking the artifacts"
sums=$(find dist -maxdepth 1 -name '*_SHA256SUMS' | head -n 1)
[ -n "$sums" ] || fail "no *_SHA256SUMS in dist/"
version=$(basename "$sums" _SHA256SUMS)
version=${version#terraform-provider-vpcep_}
echo "    snapshot version $version"
case $version in
  "$(cat VERSION)"-SNAPSHOT-*) ;;
  *) fail "the snapshot version $version does not start with the VERSION file's $(cat VERSION)" ;;
esac
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
# Terraform records a hash of every line in users' lock files: provider zips and the manifest only.
others=$(grep -v -E "  terraform-provider-vpcep_${version}_([a-z]+_[a-z0-9]+\.zip|manifest\.json)\$" "$sums" || true)
[ -z "$others" ] || fail "$(basename "$sums") lists more than the provider's zips and manifest: $others"
echo "    $(grep -c . "$sums") files in $(basename "$sums") (archives and manifest), all matching"
gpg --batch --quiet --verify "$sums.sig" "$sums" 2>/dev/null || fail "$(basename "$sums").sig does not verify"
echo "    $(basename "$sums").sig verifies"

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

say "vpcep-mock archives and their checksums"
for platform in $mock_platforms; do
  ext=tar.gz
  case $platform in windows_*) ext=zip ;; esac
  archive="vpcep-mock_${version}_${platform}.${ext}"
  [ -f "dist/$archive" ] || fail "missing dist/$archive"
  [ -f "dist/$archive.sha256" ] || fail "missing dist/$archive.sha256"
  (cd dist && sha256sum --quiet -c "$archive.sha256") || fail "dist/$archive.sha256 does not match"
done
echo "    $mock_platforms: archives present, .sha256 files matching"

say "running vpcep-mock from its linux_amd64 archive"
mkdir "$work/mock"
tar -xzf "dist/vpcep-mock_${version}_linux_amd64.tar.gz" -C "$work/mock"
entries=$(cd "$work/mock" && ls | tr '\n' ' ')
[ "$entries" = "LICENSE vpcep-mock vpcep-mock.md " ] || fail "the mock archive should hold LICENSE, vpcep-mock and vpcep-mock.md, it holds: $entries"
mock="$work/mock/vpcep-mock"
[ "$("$mock" -version)" = "vpcep-mock $version" ] || fail "vpcep-mock -version does not say $version"
url=$("$mock" -detach -pid-file "$work/mock.pid") || fail "the extracted vpcep-mock did not start"
stop_mock() { [ -f "$work/mock.pid" ] && kill "$(cat "$work/mock.pid")" 2>/dev/null || true; }
trap 'stop_mock; cleanup' EXIT
answer=$(curl -sS -H 'X-Auth-Token: vpcep-mock-token' "$url/v1/0123456789abcdef0123456789abcdef/vpc-endpoint-services") ||
  fail "no answer from the mock at $url"
case $answer in
  *'"endpoint_services":[]'*) ;;
  *) fail "unexpected answer from the mock: $answer" ;;
esac
stop_mock
echo "    $url answered the service list; -version says $version"

say "the vpcep-mock container image (OCI image layout, built offline)"
image_args=()
for platform in $mock_platforms; do
  case $platform in linux_*) ;; *) continue ;; esac
  mkdir -p "$work/image-bin/$platform"
  tar -xzf "dist/vpcep-mock_${version}_${platform}.tar.gz" -C "$work/image-bin/$platform" vpcep-mock
  image_args+=(-binary "${platform/_//}=$work/image-bin/$platform/vpcep-mock")
done
(cd tools/mockimage && go test -count=1 ./ >/dev/null) || fail "tools/mockimage's tests failed"
go -C tools/mockimage run . build -out "$PWD/dist/vpcep-mock-image" -version "$version" "${image_args[@]}" ||
  fail "building the image failed"
facts=$(go -C tools/mockimage run . inspect "$PWD/dist/vpcep-mock-image") || fail "the image does not validate"
printf '%s\n' "$facts" | sed 's/^/    | /'
for platform in $mock_platforms; do
  case $platform in linux_*) ;; *) continue ;; esac
  p=${platform/_//}
  want=$(sha256sum "$work/image-bin/$platform/vpcep-mock" | cut -d' ' -f1)
  printf '%s\n' "$facts" | grep -qx "file $p /vpcep-mock 0755 $want" || fail "$p: the image's /vpcep-mock is not the archive's binary"
  printf '%s\n' "$facts" | grep -qx "config $p entrypoint=\[\"/vpcep-mock\",\"-listen\",\":8080\"\] user=65532:65532" ||
    fail "$p: the image's entrypoint or user is wrong"
  printf '%s\n' "$facts" | grep -q "^file $p /etc/ssl/certs/ca-certificates.crt " || fail "$p: the image lacks CA certificates"
done
printf '%s\n' "$facts" | grep -qx "image $version" || fail "the image is not named $version"
echo "    dist/vpcep-mock-image: the archives' binaries, entrypoint :8080, user 65532"

say "release check passed"
