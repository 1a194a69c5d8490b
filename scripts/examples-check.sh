#!/usr/bin/env bash
# `make examples-check`: every .tf file under examples/ is formatted
# (terraform fmt -check) and every example directory is valid
# (terraform validate), against the provider built from this tree through
# dev_overrides, so no registry is contacted and no init is needed. Validation
# runs on copies, so that nothing is written into examples/.
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"

devenv_build provider-only
devenv_terraform
devenv_cli_config

say "terraform fmt -check -recursive examples"
"$TERRAFORM" fmt -check -recursive -diff "$DEVENV_ROOT/examples" || fail "run 'make fmt' (or terraform fmt -recursive examples)"
note "formatted"

say "terraform validate in every example directory"
# The snippets under resources/ and data-sources/ leave out the terraform block
# (the docs show it once, on the provider page), and without it Terraform
# would look for hashicorp/vpcep. They are validated in a copy that adds it.
failed=0
while IFS= read -r dir; do
  rel=${dir#"$DEVENV_ROOT"/}
  copy="$DEVENV_DIR/validate/$rel"
  mkdir -p "$copy"
  cp -r "$dir"/. "$copy/"
  if ! grep -q required_providers "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    vpcep = {\n      source = "vpcep/vpcep"\n    }\n  }\n}\n' >"$copy/zz_required_providers.tf"
  fi
  cli=$TERRAFORM
  case $rel in examples/actions/*) cli=$("$DEVENV_ROOT/scripts/ensure-cli.sh" terraform-1.15) ;; esac # actions need 1.14+
  if out=$("$cli" -chdir="$copy" validate -no-color 2>&1); then
    note "ok      $rel"
  else
    note "FAILED  $rel"
    printf '%s\n' "$out" | sed 's/^/        /'
    failed=1
  fi
done < <(find "$DEVENV_ROOT/examples" -name '*.tf' -exec dirname {} \; | sort -u)
[ "$failed" -eq 0 ] || fail "some examples are not valid"
note "all examples are valid"
