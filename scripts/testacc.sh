#!/usr/bin/env bash
# `make testacc*`: the acceptance tests (TestAcc...) against the in-process
# mock, with -race and progress lines (scripts/test.sh), on one
# Terraform-compatible CLI (built on first use). Like `make test`, it ends with
# the counts of passed, failed and skipped tests and the reason of each skip.
#
# Usage: scripts/testacc.sh terraform|terraform-1.5.7|terraform-1.15|tofu [go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."
# ECS metadata on a closed loopback port unless the caller points it elsewhere.
export VPCEP_METADATA_ENDPOINT=${VPCEP_METADATA_ENDPOINT:-http://127.0.0.1:9}

cli=${1:?usage: testacc.sh terraform|terraform-1.5.7|terraform-1.15|tofu [go test flags]}
shift
TERRAFORM=$(scripts/ensure-cli.sh "$cli")
export TERRAFORM TEST_PACKAGES=./internal/provider/...
# OpenTofu resolves providers under its own registry's host.
if [ "$cli" = tofu ]; then export TF_ACC_PROVIDER_HOST=registry.opentofu.org; fi
# The newest CLI has every feature a test is gated on (identity, terraform
# query, actions): there a version gate that skips fails the test instead.
if [ "$cli" = terraform-1.15 ]; then export VPCEP_REQUIRE_ALL_GATES=1; fi
exec scripts/test.sh -run 'TestAcc' "$@"
