#!/usr/bin/env bash
# `make bench`: the Go micro-benchmarks, then the Terraform benchmark matrix
# into bench/RESULTS.md. `make bench-smoke` (bench.sh smoke): the harness at
# N = 10, one run, instant mock, results to a temporary file; it fails on any
# failed phase or non-empty plan.
#
# Usage: scripts/bench.sh [smoke]
set -euo pipefail
cd "$(dirname "$0")/.."
# ECS metadata on a closed loopback port unless the caller points it elsewhere.
export VPCEP_METADATA_ENDPOINT=${VPCEP_METADATA_ENDPOINT:-http://127.0.0.1:9}

TERRAFORM=${TERRAFORM:-$(scripts/ensure-cli.sh terraform)}
export TERRAFORM
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "${1:-}" = smoke ]; then
  go run ./bench -n 10 -delays 0 -runs 1 -out "$tmp/RESULTS.md"
  exit
fi
go test -run '^$' -bench . -benchmem ./internal/... | tee "$tmp/micro.txt"
go run ./bench -microbench "$tmp/micro.txt" -out bench/RESULTS.md
