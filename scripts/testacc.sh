#!/usr/bin/env bash
# `make testacc*`: the acceptance tests (TestAcc...) against the in-process
# mock, with -race and progress lines (scripts/test.sh), on one
# Terraform-compatible CLI (built on first use).
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
exec scripts/test.sh -run 'TestAcc' "$@"
