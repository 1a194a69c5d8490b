#!/usr/bin/env bash
# `make demo`: the provider doing its job end to end, offline, in about a
# minute. It builds the provider and vpcep-mock (a local stand-in for the
# cloud's VPC Endpoint API), starts the mock with one endpoint service and five
# consumer endpoints waiting for approval, then runs the real Terraform CLI on
# examples/demo: apply (accept the allowed accounts, reject the rest), a second
# plan that must be empty, a decision changed behind Terraform's back that the
# next plan must show and apply must restore, and destroy. Everything it writes
# goes to a temporary directory that is removed at the end; it exits non-zero
# if any step fails.
set -euo pipefail

# shellcheck source=scripts/devenv.sh
. "$(dirname "$0")/devenv.sh"

demo_dir="$DEVENV_ROOT/examples/demo"
fixtures="$demo_dir/fixtures.json"
service_id=$(sed -n 's/^ *"id": "\([^"]*\)",$/\1/p' "$fixtures" | head -n 1)

# show_connections asks the mock, through the same API the provider uses, what
# state the service's connections are in.
show_connections() {
  local body
  body=$(curl -fsS -H "X-Auth-Token: $DEVENV_TOKEN" \
    "$MOCK_URL/v1/$DEVENV_PROJECT_ID/vpc-endpoint-services/$service_id/connections?limit=1000&sort_key=created_at&sort_dir=asc") ||
    fail "could not list the connections from the mock"
  if command -v jq >/dev/null 2>&1; then
    printf '%s' "$body" | jq -r '.connections | sort_by(.id)[] | "    endpoint \(.id)  account \(.domain_id)  \(.status)"'
  else
    note "$body"
  fi
}

# tf runs a Terraform subcommand in the demo's working copy; colours only on a terminal.
tf() {
  local sub=$1
  shift
  if [ -t 1 ]; then
    "$TERRAFORM" -chdir="$work" "$sub" "$@"
  else
    "$TERRAFORM" -chdir="$work" "$sub" -no-color "$@"
  fi
}

# A missing or wrong TERRAFORM stops the demo here, before it builds or starts anything.
devenv_terraform

say "Step 1 of 8: building the provider and vpcep-mock with Go"
note "Both binaries go to a temporary directory; nothing is installed or left in the repository."
devenv_build all
note "built into $DEVENV_DIR/bin"

say "Step 2 of 8: finding the Terraform CLI and pointing it at the provider just built"
devenv_cli_config
note "using $TERRAFORM ($("$TERRAFORM" version | head -n 1))"
note "A temporary CLI configuration (TF_CLI_CONFIG_FILE) has a dev_overrides entry that makes"
note "Terraform load vpcep/vpcep from $DEVENV_DIR/bin instead of a registry, so 'terraform init'"
note "has nothing to download and is skipped. Terraform warns that provider development"
note "overrides are in effect: that is expected here."
work="$DEVENV_DIR/demo"
mkdir -p "$work"
cp "$demo_dir"/*.tf "$work/"
note "Terraform runs on a copy of examples/demo in $work, so its state stays out of the repository."

say "Step 3 of 8: starting vpcep-mock, the offline stand-in for the VPC Endpoint API"
devenv_start_mock "$fixtures"
note "the mock listens on $MOCK_URL with the fixtures in examples/demo/fixtures.json:"
note "one endpoint service ($service_id) and these consumer endpoints waiting for you:"
show_connections

say "Step 4 of 8: terraform apply of examples/demo"
note "The configuration lists the service's connections with the vpcep_connections data source"
note "and makes one vpcep_connection_approval per endpoint: accepted when its account is allowed"
note "(aaaa1111... and bbbb2222...), rejected otherwise."
tf apply -auto-approve -compact-warnings || fail "terraform apply failed"

say "Step 5 of 8: the result"
note "Terraform's outputs, the status of each connection after the apply:"
tf output || fail "terraform output failed"
note "and what the mock API now says:"
show_connections

say "Step 6 of 8: a second terraform plan, which must find nothing to change"
note "This proves that what Terraform recorded matches the API: no drift, no spurious diff."
set +e
tf plan -detailed-exitcode -compact-warnings
plan_rc=$?
set -e
case "$plan_rc" in
  0) note "the plan is empty (exit code 0), as it should be" ;;
  2) fail "the second plan wants changes (exit code 2): the provider does not read back what it wrote" ;;
  *) fail "terraform plan failed (exit code $plan_rc)" ;;
esac

say "Step 7 of 8: someone rejects an accepted endpoint in the console; Terraform notices"
drifted=a1000000-0000-4000-8000-000000000001
note "We play that someone with the mock's test controls: endpoint $drifted is now rejected."
curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
  -d "{\"service_id\":\"$service_id\",\"endpoint_id\":\"$drifted\",\"status\":\"rejected\"}" \
  "$MOCK_URL/_mock/connections/status" || fail "could not change the connection's status in the mock"
set +e
tf plan -detailed-exitcode -compact-warnings -out="$DEVENV_DIR/drift.tfplan"
plan_rc=$?
set -e
[ "$plan_rc" -eq 2 ] || fail "terraform plan should have found the drift (exit code 2), it exited $plan_rc"
note "the plan shows the drift (exit code 2): action \"reject\" -> \"receive\". Applying that plan restores the decision:"
tf apply -compact-warnings "$DEVENV_DIR/drift.tfplan" || fail "terraform apply failed"

say "Step 8 of 8: terraform destroy"
note "Destroying a vpcep_connection_approval rejects its endpoint, so afterwards every"
note "connection is rejected and no consumer can reach the service."
tf destroy -auto-approve -compact-warnings || fail "terraform destroy failed"
show_connections

say "Done: every step succeeded. Stopping the mock and removing the temporary directory."
