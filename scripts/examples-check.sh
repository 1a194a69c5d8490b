#!/usr/bin/env bash
# `make examples-check`: every .tf file under examples/ is formatted
# (terraform fmt -check) and every example directory is valid
# (terraform validate), against the provider built from this tree through
# dev_overrides, so no registry is contacted and no init is needed.
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
failed=0
while IFS= read -r dir; do
  rel=${dir#"$DEVENV_ROOT"/}
  if out=$("$TERRAFORM" -chdir="$dir" validate -no-color 2>&1); then
    note "ok      $rel"
  else
    note "FAILED  $rel"
    printf '%s\n' "$out" | sed 's/^/        /'
    failed=1
  fi
done < <(find "$DEVENV_ROOT/examples" -name '*.tf' -exec dirname {} \; | sort -u)
[ "$failed" -eq 0 ] || fail "some examples are not valid"
