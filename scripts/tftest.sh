#!/usr/bin/env bash
# `make tftest`: runs the `terraform test` suite of examples/modules/allowlist
# against vpcep-mock, offline. It builds the provider and the mock into a
# temporary directory, starts the mock with the suite's fixtures, points the
# provider at it through VPCEP_* environment variables and Terraform at the
# local provider through dev_overrides, runs the suite, and stops the mock.
#
# Usage: scripts/tftest.sh [module dir] [extra terraform test flags]
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"

module_dir=$(cd "${1:-$DEVENV_ROOT/examples/modules/allowlist}" && pwd)
shift || true

devenv_terraform
say "Building the provider and vpcep-mock"
devenv_build all
devenv_cli_config
say "Starting vpcep-mock with $module_dir/tests/fixtures.json"
devenv_start_mock "$module_dir/tests/fixtures.json"
note "listening on $MOCK_URL"

# Local modules (the suite's helper modules) need installing, which init would do.
"$TERRAFORM" -chdir="$module_dir" get >/dev/null || fail "terraform get failed"
say "terraform test in ${module_dir#"$DEVENV_ROOT"/} ($("$TERRAFORM" version | head -n 1))"
"$TERRAFORM" -chdir="$module_dir" test -compact-warnings "$@" || fail "terraform test failed"
