#!/usr/bin/env bash
# `make docs` / `make docs-check`: renders docs/ from templates/, examples/ and
# the provider's schema with tfplugindocs (pinned in tools/go.mod).
#
# tfplugindocs would otherwise fetch a Terraform CLI when none is on PATH, and
# its --tf-version flag always downloads one. We never let it: we export the
# schema ourselves with the Terraform CLI on PATH (or built by ensure-cli.sh)
# against the provider just built, and hand it over with --providers-schema,
# which skips both the provider build and the CLI lookup in tfplugindocs.
#
# Usage: scripts/docs.sh generate   # rewrite docs/
#        scripts/docs.sh check      # render into a temporary copy; fail if docs/ differs,
#                                   # or if README.md or docs/index.md misses a name docs/ documents
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"

mode=${1:-generate}
case "$mode" in generate | check) ;; *) fail "usage: docs.sh generate|check" ;; esac

# The path of the pinned tfplugindocs, built into Go's cache on first use.
tfplugindocs=$(go tool -modfile="$DEVENV_ROOT/tools/go.mod" -n tfplugindocs) || fail "building tfplugindocs from tools/go.mod failed"
devenv_build provider-only
# Only Terraform 1.14 and later export the schemas of list resources, actions
# and resource identities, so the schema is read with 1.15.
TERRAFORM=$("$DEVENV_ROOT/scripts/ensure-cli.sh" terraform-1.15) || fail "scripts/ensure-cli.sh terraform-1.15 failed"
export TERRAFORM
devenv_cli_config

# The schema, as `terraform providers schema -json` prints it for a
# configuration that only requires this provider.
mkdir -p "$DEVENV_DIR/schema"
cat >"$DEVENV_DIR/schema/main.tf" <<'TF'
terraform {
  required_providers {
    vpcep = {
      source = "vpcep/vpcep"
    }
  }
}
TF
"$TERRAFORM" -chdir="$DEVENV_DIR/schema" providers schema -json >"$DEVENV_DIR/schema.raw.json" 2>"$DEVENV_DIR/schema.err" ||
  fail "terraform providers schema failed: $(cat "$DEVENV_DIR/schema.err")"
# tfplugindocs looks the provider up by its short name (or under the hashicorp
# namespace), not by our full source address.
sed 's#"registry.terraform.io/vpcep/vpcep"#"vpcep"#' "$DEVENV_DIR/schema.raw.json" >"$DEVENV_DIR/schema.json"
grep -q '"vpcep":' "$DEVENV_DIR/schema.json" || fail "the exported schema has no provider registry.terraform.io/vpcep/vpcep"

render() { # provider dir
  "$tfplugindocs" generate \
    --provider-dir "$1" \
    --provider-name vpcep \
    --rendered-provider-name VPCEP \
    --providers-schema "$DEVENV_DIR/schema.json" \
    --website-temp-dir "$DEVENV_DIR/tfplugindocs" >"$DEVENV_DIR/tfplugindocs.log" 2>&1 ||
    { cat "$DEVENV_DIR/tfplugindocs.log" >&2; fail "tfplugindocs generate failed"; }
  "$tfplugindocs" validate --provider-dir "$1" --provider-name vpcep --providers-schema "$DEVENV_DIR/schema.json" >"$DEVENV_DIR/validate.log" 2>&1 ||
    { cat "$DEVENV_DIR/validate.log" >&2; fail "tfplugindocs validate found problems in the rendered docs"; }
}

if [ "$mode" = generate ]; then
  render "$DEVENV_ROOT"
  note "docs/ regenerated: $(find "$DEVENV_ROOT/docs" -name '*.md' | wc -l) pages"
  exit 0
fi

# check: a copy of what the rendering reads, rendered on its own.
copy="$DEVENV_DIR/copy"
mkdir -p "$copy"
cp -r "$DEVENV_ROOT/templates" "$DEVENV_ROOT/examples" "$copy/"
[ -d "$DEVENV_ROOT/docs" ] && cp -r "$DEVENV_ROOT/docs" "$copy/"
render "$copy"
if ! diff -ru "$DEVENV_ROOT/docs" "$copy/docs"; then
  fail "docs/ is out of date with templates/, examples/ or the provider schema: run 'make docs' and commit the result"
fi
note "docs/ is current"
"$DEVENV_ROOT/scripts/readme-check.sh" "$DEVENV_ROOT" || fail "README.md or docs/index.md does not name everything docs/ documents"
