#!/usr/bin/env bash
# Prints the path of a Terraform-compatible CLI, building it from the Go module
# proxy first when it is not cached. Release download sites are unreachable on
# our machines, so every CLI we test against is built from source and cached in
# $(go env GOPATH)/bin, outside the repository, so that reruns are instant.
#
# Usage: scripts/ensure-cli.sh terraform   # the terraform on PATH (built at 1.11.4 if missing)
#        scripts/ensure-cli.sh terraform-1.5.7
#        scripts/ensure-cli.sh tofu        # OpenTofu 1.10.6
set -euo pipefail

want=${1:?usage: ensure-cli.sh terraform|terraform-1.5.7|tofu}
bindir="$(go env GOPATH)/bin"
mkdir -p "$bindir"

log() { printf 'ensure-cli: %s\n' "$*" >&2; }

build_terraform() { # version, output name
  local version=$1 out=$2
  log "building Terraform $version from the Go module proxy (about 2 minutes, once)"
  local gobin
  gobin=$(mktemp -d)
  GOBIN="$gobin" go install "github.com/hashicorp/terraform@v$version"
  mv "$gobin/terraform" "$bindir/$out"
  rm -rf "$gobin"
}

case "$want" in
  terraform)
    if command -v terraform >/dev/null 2>&1; then
      command -v terraform
      exit 0
    fi
    [ -x "$bindir/terraform" ] || build_terraform 1.11.4 terraform
    echo "$bindir/terraform"
    ;;
  terraform-1.5.7)
    [ -x "$bindir/terraform-1.5.7" ] || build_terraform 1.5.7 terraform-1.5.7
    echo "$bindir/terraform-1.5.7"
    ;;
  tofu)
    out="$bindir/tofu-1.10.6"
    if [ ! -x "$out" ]; then
      log "building OpenTofu 1.10.6 from the Go module proxy (about 2 minutes, once)"
      src=$(go mod download -json github.com/opentofu/opentofu@v1.10.6 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
      [ -n "$src" ] || { log "could not download github.com/opentofu/opentofu@v1.10.6"; exit 1; }
      work=$(mktemp -d)
      cp -r "$src/." "$work/"
      chmod -R u+w "$work"
      (cd "$work" && go build -o "$out" ./cmd/tofu)
      rm -rf "$work"
    fi
    echo "$out"
    ;;
  *)
    log "unknown CLI '$want' (expected terraform, terraform-1.5.7 or tofu)"
    exit 2
    ;;
esac
