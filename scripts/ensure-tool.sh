#!/usr/bin/env bash
# Prints the path of a pinned Go developer tool, installing it with `go install`
# on first use. Tools live in $(go env GOPATH)/bin, outside the repository, and
# are reinstalled only when the binary there was built from another version, so
# reruns cost nothing. The versions are pinned here, in one place, so that every
# developer and CI run the same linter, docs generator and release tool.
#
# Usage: scripts/ensure-tool.sh tfplugindocs|goreleaser|golangci-lint
set -euo pipefail

want=${1:?usage: ensure-tool.sh tfplugindocs|goreleaser|golangci-lint}
bindir="$(go env GOPATH)/bin"
mkdir -p "$bindir"

log() { printf 'ensure-tool: %s\n' "$*" >&2; }

case "$want" in
  tfplugindocs)
    module=github.com/hashicorp/terraform-plugin-docs
    package=$module/cmd/tfplugindocs
    version=v0.25.0
    ;;
  goreleaser)
    module=github.com/goreleaser/goreleaser/v2
    package=$module
    version=v2.15.1
    ;;
  golangci-lint)
    module=github.com/golangci/golangci-lint/v2
    package=$module/cmd/golangci-lint
    version=v2.15.0
    ;;
  *)
    log "unknown tool '$want' (expected tfplugindocs, goreleaser or golangci-lint)"
    exit 2
    ;;
esac

bin="$bindir/$want"

# `go version -m` reads the module version the binary was built from, so a
# binary of another version (or one from elsewhere) is replaced, never trusted.
installed_version() {
  [ -x "$bin" ] || return 0
  go version -m "$bin" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }'
}

if [ "$(installed_version)" != "$version" ]; then
  log "installing $want $version with go install (once; goreleaser takes a few minutes)"
  # Outside the project's module, so that its go.mod is neither read nor changed.
  (cd "$(mktemp -d)" && GOBIN="$bindir" GOFLAGS=-mod=mod go install "$package@$version")
  if [ "$(installed_version)" != "$version" ]; then
    log "$bin does not report $module $version after installing"
    exit 1
  fi
fi
echo "$bin"
