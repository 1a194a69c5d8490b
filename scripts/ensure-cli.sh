#!/usr/bin/env bash
# Prints the path of a Terraform-compatible CLI, building it from the Go module
# proxy first when it is not cached. Release download sites are unreachable on
# our machines, so every CLI we test against is built from source and cached in
# $(go env GOPATH)/bin, outside the repository, so that reruns are instant.
#
# Usage: scripts/ensure-cli.sh terraform   # the terraform on PATH (built at 1.11.4 if missing)
#        scripts/ensure-cli.sh terraform-1.5.7
#        scripts/ensure-cli.sh terraform-1.15  # 1.15.9: resource identity, terraform query, actions
#        scripts/ensure-cli.sh tofu        # OpenTofu 1.10.6
set -euo pipefail

want=${1:?usage: ensure-cli.sh terraform|terraform-1.5.7|terraform-1.15|tofu}
bindir="$(go env GOPATH)/bin"
mkdir -p "$bindir"

log() { printf 'ensure-cli: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# module_dir MODULE@VERSION downloads a module from the Go module proxy and
# prints the directory of its sources; on failure it names the module and
# repeats the reason the go command gave (for example, that the proxy cannot
# be reached).
module_dir() {
  local json dir reason
  if json=$(go mod download -json "$1" 2>&1); then
    dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -n "$dir" ] && { printf '%s\n' "$dir"; return 0; }
  fi
  reason=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)"$/\1/p')
  die "could not download $1 from the Go module proxy: ${reason:-$json}"
}

build_terraform() { # version, output name
  local version=$1 out=$2
  log "building Terraform $version from the Go module proxy (about 2 minutes, once)"
  local gobin
  gobin=$(mktemp -d)
  GOBIN="$gobin" go install "github.com/hashicorp/terraform@v$version" ||
    die "go install github.com/hashicorp/terraform@v$version failed (see above)"
  mv "$gobin/terraform" "$bindir/$out"
  rm -rf "$gobin"
}

# Terraform 1.15 declares replace directives (so `go install` refuses it) for
# cloud state backends kept as nested modules, which the module archive leaves
# out. We build the downloaded module without those nine backends (azurerm,
# consul, cos, gcs, kubernetes, oci, oss, pg, s3); local, http, inmem, remote and
# cloud stay, which is all that provider tests use.
build_terraform_modern() { # version, output path
  local version=$1 out=$2 src work
  log "building Terraform $version from the Go module proxy (about 6 minutes on 2 cores, once)"
  src=$(module_dir "github.com/hashicorp/terraform@v$version")
  work=$(mktemp -d)
  cp -r "$src/." "$work/"
  chmod -R u+w "$work"
  (
    cd "$work"
    local nested=(azure consul cos gcs kubernetes oci oss pg s3)
    local edits=(-dropreplace github.com/hashicorp/terraform/internal/legacy -droprequire github.com/hashicorp/terraform/internal/legacy)
    local b
    for b in "${nested[@]}"; do
      edits+=(-dropreplace "github.com/hashicorp/terraform/internal/backend/remote-state/$b"
        -droprequire "github.com/hashicorp/terraform/internal/backend/remote-state/$b")
      sed -i -E "/remote-state\/$b\"\$/d" internal/backend/init/init.go
    done
    go mod edit "${edits[@]}"
    sed -i -E '/^[[:space:]]*"(azurerm|consul|cos|gcs|kubernetes|oss|pg|s3|oci)":[[:space:]]+func/d' internal/backend/init/init.go
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" -o "$out.tmp" .
  ) >&2 || die "building Terraform $version failed (see above)"
  rm -rf "$work"
  mv "$out.tmp" "$out"
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
  terraform-1.15)
    out="$bindir/terraform-1.15.9"
    have=""
    [ -x "$out" ] && have=$("$out" version 2>/dev/null | sed -n 1p || true)
    if [ "$have" != "Terraform v1.15.9" ]; then
      build_terraform_modern 1.15.9 "$out"
    fi
    echo "$out"
    ;;
  tofu)
    out="$bindir/tofu-1.10.6"
    if [ ! -x "$out" ]; then
      log "building OpenTofu 1.10.6 from the Go module proxy (about 2 minutes, once)"
      src=$(module_dir github.com/opentofu/opentofu@v1.10.6)
      work=$(mktemp -d)
      cp -r "$src/." "$work/"
      chmod -R u+w "$work"
      (cd "$work" && go build -o "$out.tmp" ./cmd/tofu) >&2 || die "building OpenTofu 1.10.6 failed (see above)"
      mv "$out.tmp" "$out"
      rm -rf "$work"
    fi
    echo "$out"
    ;;
  *)
    log "unknown CLI '$want' (expected terraform, terraform-1.5.7, terraform-1.15 or tofu)"
    exit 2
    ;;
esac
