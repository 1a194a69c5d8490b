#!/usr/bin/env bash
# `make install-check`: a new user's first contact, checked. In a temporary
# HOME, with no Terraform CLI configuration at all (TF_CLI_CONFIG_FILE unset),
# `make install` files the provider under ~/.terraform.d/plugins, a directory
# Terraform searches by default; then, in a fresh directory, plain
# `terraform init` must install vpcep/vpcep at the version in VERSION from
# there, write .terraform.lock.hcl, and `terraform plan` must reach a running
# vpcep-mock. Init must not touch any registry: every proxy variable points at
# a closed loopback port, so a registry request would fail the check, and the
# configuration requires no other provider. Nothing is left behind.
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"

devenv_terraform
version=$(cat "$DEVENV_ROOT/VERSION")

say "make install into a temporary HOME"
devenv_install
got=$("$DEVENV_PROVIDER" -version) || fail "$DEVENV_PROVIDER -version failed"
[ "$got" = "terraform-provider-vpcep $version" ] ||
  fail "the installed provider says '$got', not 'terraform-provider-vpcep $version' (the VERSION file)"
note "the installed provider says: $got"
got=$("$DEVENV_DIR/bin/vpcep-mock" -version) || fail "the installed vpcep-mock -version failed"
[ "$got" = "vpcep-mock $version" ] || fail "the installed vpcep-mock says '$got', not 'vpcep-mock $version'"

say "terraform init in a fresh directory, with no CLI configuration and no network"
# Go's proxy lookup (Terraform's too) never proxies loopback, so the mock stays reachable.
export HTTPS_PROXY=http://127.0.0.1:9 HTTP_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 http_proxy=http://127.0.0.1:9
unset NO_PROXY no_proxy
work="$DEVENV_DIR/work"
mkdir -p "$work"
cat >"$work/main.tf" <<TF
terraform {
  required_providers {
    vpcep = {
      source  = "vpcep/vpcep"
      version = "$version"
    }
  }
}

provider "vpcep" {}

data "vpcep_connections" "all" {
  service_id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
}

resource "vpcep_connection_policy" "this" {
  service_id        = data.vpcep_connections.all.service_id
  accept_domain_ids = ["aaaa1111aaaa1111aaaa1111aaaa1111"]
  others            = "reject"
}

output "endpoints" {
  value = length(data.vpcep_connections.all.connections)
}
TF
"$TERRAFORM" -chdir="$work" init -no-color >"$DEVENV_DIR/init.log" 2>&1 ||
  { cat "$DEVENV_DIR/init.log" >&2; fail "terraform init failed"; }
sed 's/^/    | /' "$DEVENV_DIR/init.log" | grep -v '^    | $'
grep -qF "Installed vpcep/vpcep v$version" "$DEVENV_DIR/init.log" ||
  fail "terraform init did not say 'Installed vpcep/vpcep v$version'"
lock="$work/.terraform.lock.hcl"
[ -f "$lock" ] || fail "terraform init wrote no .terraform.lock.hcl"
grep -qE '^provider "registry\.(terraform\.io|opentofu\.org)/vpcep/vpcep" \{$' "$lock" ||
  fail ".terraform.lock.hcl has no entry for vpcep/vpcep: $(cat "$lock")"
grep -qE "^  version += \"$version\"\$" "$lock" || fail ".terraform.lock.hcl does not lock version $version: $(cat "$lock")"
grep -qE '^    "h1:' "$lock" || fail ".terraform.lock.hcl has no hash of the installed package"
note ".terraform.lock.hcl locks vpcep/vpcep $version:"
sed 's/^/    | /' "$lock"

say "terraform plan against vpcep-mock"
devenv_start_mock "$DEVENV_ROOT/examples/demo/fixtures.json"
"$TERRAFORM" -chdir="$work" plan -no-color >"$DEVENV_DIR/plan.log" 2>&1 ||
  { cat "$DEVENV_DIR/plan.log" >&2; fail "terraform plan failed"; }
grep -E '^Plan: |endpoints += ' "$DEVENV_DIR/plan.log" | sed 's/^/    | /'
grep -qE 'endpoints += 5$' "$DEVENV_DIR/plan.log" || fail "the plan did not read the mock's 5 connections"
grep -qF 'Plan: 1 to add, 0 to change, 0 to destroy.' "$DEVENV_DIR/plan.log" || fail "the plan does not create the policy"

say "make install again, with an untracked file in the clone: the same bytes, so the lock file still holds"
# Without -trimpath and -buildvcs=false the binary carried the clone's path
# and whether the tree was modified, and every guide's scratch directory made
# the next install differ from the checksum in existing lock files.
before=$(sha256sum "$DEVENV_PROVIDER" | cut -d' ' -f1)
scratch="$DEVENV_ROOT/.install-check-untracked"
touch "$scratch"
# HOME, GOPATH and the Go caches are still those devenv_install exported.
(cd "$DEVENV_ROOT" && GOBIN="$DEVENV_DIR/bin" make --no-print-directory install) >"$DEVENV_DIR/install-again.log" 2>&1 ||
  { rm -f "$scratch"; cat "$DEVENV_DIR/install-again.log" >&2; fail "make install again failed"; }
rm -f "$scratch"
after=$(sha256sum "$DEVENV_PROVIDER" | cut -d' ' -f1)
[ "$before" = "$after" ] || fail "make install again built other bytes ($before, then $after)"
"$TERRAFORM" -chdir="$work" plan -no-color >"$DEVENV_DIR/plan.log" 2>&1 ||
  { cat "$DEVENV_DIR/plan.log" >&2; fail "terraform plan failed after make install again"; }
note "the provider is byte-identical ($after) and the next plan runs"

say "install check passed: make install, then terraform init (no CLI configuration, no network) and plan"
