#!/usr/bin/env bash
# `make testacc*`: the acceptance tests (TestAcc...) against the in-process
# mock, with -race, on one Terraform-compatible CLI (built on first use).
#
# Usage: scripts/testacc.sh terraform|terraform-1.5.7|terraform-1.15|tofu [go test flags]
set -euo pipefail
cd "$(dirname "$0")/.."

cli=${1:?usage: testacc.sh terraform|terraform-1.5.7|terraform-1.15|tofu [go test flags]}
shift
TF_ACC_TERRAFORM_PATH=$(scripts/ensure-cli.sh "$cli")
export TF_ACC=1 TF_ACC_TERRAFORM_PATH
# OpenTofu resolves providers under its own registry's host.
[ "$cli" = tofu ] && export TF_ACC_PROVIDER_HOST=registry.opentofu.org
exec go test -race -count=1 -timeout 30m -run 'TestAcc' "$@" ./internal/provider/...
