#!/usr/bin/env bash
# `make test`: every unit and acceptance test, with -race, against the
# in-process mock, on the Terraform CLI in $TERRAFORM (default: the one on
# PATH, built by ensure-cli.sh if missing). It prints a line per package as it
# finishes and a line per acceptance test (internal/provider), names what is
# still running (or says it is still compiling) after a quiet minute, shows the
# output of every failed test, and ends with the slowest tests, the counts of
# passed, failed and skipped tests, and every skipped test with its reason
# (internal/testprogress).
#
# The acceptance tests each start a mock of their own and mostly wait on the
# Terraform CLI and the provider processes it starts, so more of them run at
# once than there are cores: TEST_PARALLEL (default 8) per package.
#
# Usage: [TEST_PACKAGES=./internal/provider/...] scripts/test.sh [go test flags]
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"
cd "$DEVENV_ROOT"

devenv_terraform
export TF_ACC=1 TF_ACC_TERRAFORM_PATH=$TERRAFORM
note "acceptance tests on $TERRAFORM ($("$TERRAFORM" version | head -n 1)), -race, -parallel ${TEST_PARALLEL:-8}"
# The progress printer is built first, so that its build does not interleave
# with the tests' output.
progress=$(mktemp -d "${TMPDIR:-/tmp}/vpcep-test.XXXXXX")
trap 'rm -rf "$progress"' EXIT
go build -o "$progress/testprogress" ./internal/testprogress || fail "building internal/testprogress failed"
started=$(date +%s)
# go test -json says nothing while it compiles, which with -race takes
# minutes when the build cache is cold.
note "compiling the packages and their tests with -race (minutes on a cold build cache; a line each quiet minute until the tests start)"
# shellcheck disable=SC2086 # TEST_PACKAGES is a list of packages
go test -race -count=1 -timeout 30m -parallel "${TEST_PARALLEL:-8}" -json "$@" ${TEST_PACKAGES:-./...} |
  "$progress/testprogress" -tests internal/provider || fail "tests failed: see FAIL above"
note "the tests passed in $(($(date +%s) - started))s"
