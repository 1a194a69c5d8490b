#!/usr/bin/env bash
# `make examples-check`: every .tf and .tfquery.hcl file under examples/ is
# formatted (terraform fmt -check) and every example directory is valid
# (terraform validate), against the provider built from this tree through
# dev_overrides, so no registry is contacted and no init is needed. Validation
# runs on copies, so that nothing is written into examples/. Actions and
# .tfquery.hcl files need Terraform 1.14 or later, so those are checked with
# the 1.15 CLI of scripts/ensure-cli.sh.
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"

devenv_terraform
devenv_build provider-only
devenv_cli_config
TERRAFORM_MODERN=$("$DEVENV_ROOT/scripts/ensure-cli.sh" terraform-1.15) || fail "scripts/ensure-cli.sh terraform-1.15 failed"

say "terraform fmt -check -recursive examples"
"$TERRAFORM" fmt -check -recursive -diff "$DEVENV_ROOT/examples" || fail "run 'make fmt' (or terraform fmt -recursive examples)"
# Older CLIs skip .tfquery.hcl files, so they are checked with the modern one.
"$TERRAFORM_MODERN" fmt -check -recursive -diff "$DEVENV_ROOT/examples/list-resources" || fail "run terraform fmt (1.14 or later) on examples/list-resources"
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
  if ! grep -qs required_providers "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    vpcep = {\n      source = "vpcep/vpcep"\n    }\n  }\n}\n' >"$copy/zz_required_providers.tf"
  fi
  # Test files may call helper modules, which validate needs installed (local paths: nothing is downloaded).
  if [ -d "$copy/tests" ] && ! out=$("$TERRAFORM" -chdir="$copy" get -no-color 2>&1); then
    note "FAILED  $rel (terraform get)"
    printf '%s\n' "$out" | sed 's/^/        /'
    failed=1
    continue
  fi
  validate=("$TERRAFORM" -chdir="$copy" validate -no-color)
  case $rel in
    examples/actions/*) validate[0]=$TERRAFORM_MODERN ;;
    examples/list-resources/*) validate=("$TERRAFORM_MODERN" -chdir="$copy" validate -no-color -query) ;;
  esac
  if out=$("${validate[@]}" 2>&1); then
    note "ok      $rel"
  else
    note "FAILED  $rel"
    printf '%s\n' "$out" | sed 's/^/        /'
    failed=1
  fi
done < <(find "$DEVENV_ROOT/examples" \( -name '*.tf' -o -name '*.tfquery.hcl' \) -exec dirname {} \; | sort -u)
[ "$failed" -eq 0 ] || fail "some examples are not valid"
note "all examples are valid"
