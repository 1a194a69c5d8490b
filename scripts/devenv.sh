#!/usr/bin/env bash
# Shared by the demo, install-check, tftest, docs and examples-check scripts
# (sourced, not run): builds the provider and vpcep-mock into a temporary
# directory, starts the mock, and points Terraform at the local provider build,
# either through a temporary CLI configuration with dev_overrides
# (devenv_build, devenv_cli_config) or as a user installs it, with `make
# install` into a temporary HOME (devenv_install). Everything lives in $DEVENV_DIR, which
# devenv_cleanup removes, so nothing is left in the repository.
#
# After devenv_terraform, devenv_build, devenv_cli_config and
# devenv_start_mock FIXTURES: VPCEP_ENDPOINT, VPCEP_PROJECT_ID and
# VPCEP_AUTH_TOKEN point the provider at the mock, TF_CLI_CONFIG_FILE holds the
# override, $TERRAFORM is the CLI to run and $MOCK_URL the mock's base URL.

# The project and token the mock accepts. They are test values, not secrets.
DEVENV_PROJECT_ID=0a1b2c3d4e5f40718293a4b5c6d7e8f9
DEVENV_TOKEN=demo-token

# A closed loopback port: the provider's ECS metadata probe, tried when it
# finds no credentials, fails at once there instead of leaving the machine.
DEVENV_NO_METADATA=http://127.0.0.1:9
export VPCEP_METADATA_ENDPOINT=${VPCEP_METADATA_ENDPOINT:-$DEVENV_NO_METADATA}

DEVENV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEVENV_DIR=""
DEVENV_MOCK_PID=""

# say prints a step a newcomer can follow; the bold markers are skipped when
# the output is not a terminal (CI logs).
say() {
  if [ -t 1 ]; then printf '\n\033[1m==> %s\033[0m\n' "$*"; else printf '\n==> %s\n' "$*"; fi
}
note() { printf '    %s\n' "$*"; }
fail() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

devenv_cleanup() {
  local rc=$?
  if [ -n "$DEVENV_MOCK_PID" ] && kill -0 "$DEVENV_MOCK_PID" 2>/dev/null; then
    note "stopping vpcep-mock (pid $DEVENV_MOCK_PID)"
    kill -TERM "$DEVENV_MOCK_PID" 2>/dev/null || true
    local _
    for _ in $(seq 1 100); do
      kill -0 "$DEVENV_MOCK_PID" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if [ -n "$DEVENV_DIR" ] && [ -d "$DEVENV_DIR" ]; then
    if [ "$rc" -ne 0 ] && [ -s "$DEVENV_DIR/mock.log" ]; then
      printf '\nThe mock logged (last lines):\n' >&2
      tail -n 20 "$DEVENV_DIR/mock.log" >&2 || true
    fi
    rm -rf "$DEVENV_DIR"
  fi
  return "$rc"
}

# devenv_tmpdir makes $DEVENV_DIR, removed (and the mock stopped) on exit.
devenv_tmpdir() {
  DEVENV_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vpcep-devenv.XXXXXX")
  trap devenv_cleanup EXIT
  trap 'exit 130' INT TERM
}

# devenv_build all|provider-only compiles both binaries, or only the provider.
# The provider binary must be named terraform-provider-vpcep for dev_overrides
# to find it.
devenv_build() {
  devenv_tmpdir
  (cd "$DEVENV_ROOT" && go build -o "$DEVENV_DIR/bin/terraform-provider-vpcep" .) ||
    fail "go build of the provider failed (see above)"
  [ "$1" = provider-only ] && return 0
  (cd "$DEVENV_ROOT" && go build -o "$DEVENV_DIR/bin/vpcep-mock" ./cmd/vpcep-mock) ||
    fail "go build of vpcep-mock failed (see above)"
}

# devenv_terraform finds the Terraform CLI: $TERRAFORM when set (a path or a
# command name), else the one on PATH, else one built from source by
# scripts/ensure-cli.sh (a few minutes, once). Scripts call it before anything
# else, so that a wrong TERRAFORM stops them before they build or start anything.
devenv_terraform() {
  if [ -n "${TERRAFORM:-}" ]; then
    local found
    found=$(command -v "$TERRAFORM") && [ -x "$found" ] ||
      fail "TERRAFORM=$TERRAFORM is not an executable file or a command on PATH; unset it to use the terraform on PATH"
    TERRAFORM=$found
  else
    TERRAFORM=$("$DEVENV_ROOT/scripts/ensure-cli.sh" terraform) ||
      fail "no Terraform CLI: scripts/ensure-cli.sh terraform could not provide one (see above)"
  fi
  export TERRAFORM
}

# devenv_start_mock FIXTURES starts vpcep-mock on a free loopback port in the
# background (-detach returns once it listens, or fails with the mock's own
# error) and sets MOCK_URL to its URL.
devenv_start_mock() {
  local fixtures=$1
  MOCK_URL=$("$DEVENV_DIR/bin/vpcep-mock" -detach -pid-file "$DEVENV_DIR/mock.pid" -listen 127.0.0.1:0 \
    -project-id "$DEVENV_PROJECT_ID" -token "$DEVENV_TOKEN" -fixtures "$fixtures" 2>"$DEVENV_DIR/mock.log") ||
    fail "vpcep-mock did not start: $(cat "$DEVENV_DIR/mock.log")"
  DEVENV_MOCK_PID=$(cat "$DEVENV_DIR/mock.pid")
  export MOCK_URL
  export VPCEP_ENDPOINT=$MOCK_URL VPCEP_PROJECT_ID=$DEVENV_PROJECT_ID VPCEP_AUTH_TOKEN=$DEVENV_TOKEN
  # Credentials or a region left in the caller's environment must not leak in.
  unset VPCEP_REGION HW_REGION_NAME VPCEP_ACCESS_KEY VPCEP_SECRET_KEY HW_ACCESS_KEY HW_SECRET_KEY HW_PROJECT_ID
}

# devenv_cli_config writes the CLI configuration that makes Terraform use the
# provider just built instead of looking for vpcep/vpcep in a registry. With
# such an override `terraform init` is not needed (Terraform warns if run), and
# TF_DATA_DIR keeps Terraform's working files out of the repository.
devenv_cli_config() {
  cat >"$DEVENV_DIR/terraformrc" <<CFG
provider_installation {
  dev_overrides {
    "vpcep/vpcep" = "$DEVENV_DIR/bin"
  }
  direct {}
}
CFG
  export TF_CLI_CONFIG_FILE="$DEVENV_DIR/terraformrc"
  export TF_DATA_DIR="$DEVENV_DIR/tfdata"
  export TF_INPUT=0 CHECKPOINT_DISABLE=1
}

# devenv_install runs `make install` as a user would, with HOME at
# $DEVENV_DIR/home: the provider lands in $DEVENV_DIR/home/.terraform.d/plugins,
# where Terraform looks by default, and vpcep-mock in $DEVENV_DIR/bin. Terraform
# then runs with that HOME and no CLI configuration, so `terraform init`
# installs vpcep/vpcep from there and writes the lock file, as after a release.
# DEVENV_PROVIDER is the installed binary.
devenv_install() {
  devenv_tmpdir
  local gopath gocache gomodcache
  # The new HOME must not send Go looking for an empty module cache.
  gopath=$(go env GOPATH) gocache=$(go env GOCACHE) gomodcache=$(go env GOMODCACHE)
  (cd "$DEVENV_ROOT" && HOME="$DEVENV_DIR/home" GOPATH=$gopath GOCACHE=$gocache GOMODCACHE=$gomodcache \
    GOBIN="$DEVENV_DIR/bin" make --no-print-directory install) >"$DEVENV_DIR/install.log" 2>&1 ||
    { cat "$DEVENV_DIR/install.log" >&2; fail "make install failed (see above)"; }
  sed 's/^/    /' "$DEVENV_DIR/install.log"
  DEVENV_PROVIDER="$DEVENV_DIR/home/.terraform.d/plugins/registry.terraform.io/vpcep/vpcep/$(cat "$DEVENV_ROOT/VERSION")/$(go env GOOS)_$(go env GOARCH)/terraform-provider-vpcep_v$(cat "$DEVENV_ROOT/VERSION")"
  [ -x "$DEVENV_PROVIDER" ] || fail "make install did not install $DEVENV_PROVIDER"
  export GOPATH=$gopath GOCACHE=$gocache GOMODCACHE=$gomodcache
  export HOME="$DEVENV_DIR/home" TF_INPUT=0 CHECKPOINT_DISABLE=1
  # No CLI configuration, as on a new user's machine: the implied mirror in HOME applies.
  unset TF_CLI_CONFIG_FILE TERRAFORM_CONFIG TF_PLUGIN_CACHE_DIR TF_DATA_DIR
}
