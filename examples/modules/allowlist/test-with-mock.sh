#!/usr/bin/env bash
# Runs this module's `terraform test` suite against a vpcep-mock of its own,
# started with tests/fixtures.json, and stops the mock however the suite ends.
# Needs vpcep-mock on PATH, the provider where `terraform init` finds it
# (`make install` in a clone of the provider), and `terraform init` run here
# once. Extra arguments go to `terraform test`.
set -euo pipefail
cd "$(dirname "$0")"
# -detach returns once the mock listens, printing its URL, or exits non-zero
# with the mock's own error (a mistyped fixtures path, a port in use). Port 0
# picks a free port, so parallel CI jobs do not collide.
VPCEP_ENDPOINT=$(vpcep-mock -detach -pid-file mock.pid -listen 127.0.0.1:0 \
  -project-id 0a1b2c3d4e5f40718293a4b5c6d7e8f9 -token demo-token -fixtures tests/fixtures.json)
trap 'kill "$(cat mock.pid)"' EXIT
export VPCEP_ENDPOINT VPCEP_PROJECT_ID=0a1b2c3d4e5f40718293a4b5c6d7e8f9 VPCEP_AUTH_TOKEN=demo-token
terraform test "$@"
