#!/usr/bin/env bash
# `make demo`: the README's headline, a vpcep_connection_policy deciding an
# endpoint service, end to end and offline, in about a minute. It installs the
# provider as a user would (`make install`, into a temporary HOME, where plain
# `terraform init` finds it), starts vpcep-mock (a local stand-in for the
# cloud's VPC Endpoint API) with one service and five consumer endpoints
# waiting for approval, then runs the real Terraform CLI on examples/demo:
# apply (accept the allowed accounts, reject the rest), a second plan that must
# be empty, new consumers that the next plan must name and apply decide, a
# decision changed behind Terraform's back that the next plan must name and
# apply restore, and destroy. Everything it writes goes to a temporary
# directory that is removed at the end; it exits non-zero if any step fails.
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

# plan FILE [FLAG...] runs terraform plan -detailed-exitcode -out=FILE, shown
# in full, keeps its text without colours in $plan_text and its exit code in $plan_rc.
plan() {
  plan_text="$DEVENV_DIR/plan.txt"
  set +e
  tf plan -detailed-exitcode -out="$@" | tee "$plan_text.color"
  plan_rc=${PIPESTATUS[0]}
  set -e
  sed 's/\x1b\[[0-9;]*m//g' "$plan_text.color" >"$plan_text"
  [ "$plan_rc" -le 2 ] || fail "terraform plan failed (exit code $plan_rc)"
}

# expect_change ENDPOINT FROM TO: the last plan names ENDPOINT's connection
# going from status FROM to TO.
expect_change() {
  grep -qE "^ *~ \"$1\" += \"$2\" -> \"$3\"\$" "$plan_text" ||
    fail "the plan does not show endpoint $1 going from \"$2\" to \"$3\""
}

# plan_lines prints the lines of the last plan that name an endpoint.
plan_lines() {
  note "the plan's lines that name endpoints:"
  grep -E '^ *~ "[^"]+" += "[^"]+" -> "[^"]+"$' "$plan_text" | sed 's/^ */      /'
}

# mock_post PATH JSON sends a test control to the mock.
mock_post() {
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d "$2" "$MOCK_URL$1" ||
    fail "the mock refused POST $1 $2"
}

# A missing or wrong TERRAFORM stops the demo here, before it builds or starts anything.
devenv_terraform

say "Step 1 of 9: make install, into a temporary HOME"
note "This is how you install the provider from a clone: 'make install' builds it and puts it in"
note "~/.terraform.d/plugins/registry.terraform.io/vpcep/vpcep/$(cat "$DEVENV_ROOT/VERSION")/..., a directory Terraform"
note "searches without any configuration, and vpcep-mock in \$(go env GOPATH)/bin. Here HOME and"
note "GOBIN are temporary, so nothing is left on your machine."
devenv_install
work="$DEVENV_DIR/demo"
mkdir -p "$work"
cp "$demo_dir"/*.tf "$work/"

say "Step 2 of 9: terraform init, with no CLI configuration"
note "using $TERRAFORM ($("$TERRAFORM" version | head -n 1))"
note "Terraform runs on a copy of examples/demo in $work. 'terraform init' installs"
note "vpcep/vpcep from the directory 'make install' filled and records it in .terraform.lock.hcl;"
note "it warns that the lock file has the checksum of this platform only: expected for a local build."
tf init || fail "terraform init failed"

say "Step 3 of 9: starting vpcep-mock, the offline stand-in for the VPC Endpoint API"
devenv_start_mock "$fixtures"
note "the mock listens on $MOCK_URL with the fixtures in examples/demo/fixtures.json:"
note "one endpoint service ($service_id) and these consumer endpoints waiting for you:"
show_connections

say "Step 4 of 9: terraform plan and apply of examples/demo"
note "One vpcep_connection_policy decides the service: endpoints of the accounts in"
note "allowed_domain_ids (aaaa1111... and bbbb2222...) are accepted, all others rejected"
note "(others = \"reject\"). The plan warns which endpoints the apply will decide, and how."
plan "$DEVENV_DIR/create.tfplan"
[ "$plan_rc" -eq 2 ] || fail "the first plan should create the policy (exit code 2), it exited $plan_rc"
for endpoint in $(sed -n 's/^ *"id": "\([0-9a-f-]\{36\}\)",$/\1/p' "$fixtures" | tail -n +2); do
  grep -qF "$endpoint" "$plan_text" || fail "the plan's warning does not name endpoint $endpoint"
done
note "the warning names each of the five endpoints; applying that plan decides them:"
tf apply -compact-warnings "$DEVENV_DIR/create.tfplan" || fail "terraform apply failed"

say "Step 5 of 9: the result"
note "The policy's connections attribute, the live status of every connection by endpoint id:"
tf output statuses || fail "terraform output failed"
note "and what the mock API says:"
show_connections

say "Step 6 of 9: a second terraform plan, which must find nothing to change"
note "This proves that what Terraform recorded matches the API: no drift, no spurious diff."
plan "$DEVENV_DIR/empty.tfplan" -compact-warnings
case "$plan_rc" in
  0) note "the plan is empty (exit code 0), as it should be" ;;
  *) fail "the second plan wants changes (exit code $plan_rc): the provider does not read back what it wrote" ;;
esac

say "Step 7 of 9: two new consumers connect; the next plan names them, the apply decides them"
arrived_ok=e5000000-0000-4000-8000-000000000006
arrived_other=f6000000-0000-4000-8000-000000000007
note "We play the consumers with the mock's test controls (POST /_mock/endpoints): endpoint"
note "$arrived_ok of the allowed account bbbb2222..., and endpoint"
note "$arrived_other of an account nobody allowed, ffff6666.... Both wait in pendingAcceptance."
mock_post /_mock/endpoints "{\"service_id\":\"$service_id\",\"id\":\"$arrived_ok\",\"domain_id\":\"bbbb2222bbbb2222bbbb2222bbbb2222\"}"
mock_post /_mock/endpoints "{\"service_id\":\"$service_id\",\"id\":\"$arrived_other\",\"domain_id\":\"ffff6666ffff6666ffff6666ffff6666\"}"
plan "$DEVENV_DIR/arrivals.tfplan" -compact-warnings
[ "$plan_rc" -eq 2 ] || fail "terraform plan should have found the new consumers (exit code 2), it exited $plan_rc"
expect_change "$arrived_ok" pendingAcceptance accepted
expect_change "$arrived_other" pendingAcceptance rejected
plan_lines
note "Applying that plan decides exactly those two connections:"
tf apply -compact-warnings "$DEVENV_DIR/arrivals.tfplan" || fail "terraform apply failed"

say "Step 8 of 9: someone rejects an accepted endpoint in the console; Terraform notices"
drifted=a1000000-0000-4000-8000-000000000001
note "We play that someone with the mock's test controls: endpoint $drifted is now rejected."
mock_post /_mock/connections/status "{\"service_id\":\"$service_id\",\"endpoint_id\":\"$drifted\",\"status\":\"rejected\"}"
plan "$DEVENV_DIR/drift.tfplan" -compact-warnings
[ "$plan_rc" -eq 2 ] || fail "terraform plan should have found the drift (exit code 2), it exited $plan_rc"
expect_change "$drifted" rejected accepted
plan_lines
note "Applying that plan restores the decision:"
tf apply -compact-warnings "$DEVENV_DIR/drift.tfplan" || fail "terraform apply failed"

say "Step 9 of 9: terraform destroy"
note "Destroying the policy rejects the connections it accepted (on_destroy = \"reject\", the"
note "default), and nothing else, so afterwards no consumer can reach the service."
set +e
tf destroy -auto-approve | tee "$DEVENV_DIR/destroy.txt"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 0 ] || fail "terraform destroy failed"
for endpoint in a1000000-0000-4000-8000-000000000001 a1000000-0000-4000-8000-000000000002 \
  b2000000-0000-4000-8000-000000000003 "$arrived_ok"; do
  grep -qE "^ *- endpoint $endpoint \(accepted\)$" "$DEVENV_DIR/destroy.txt" || fail "destroy's warning does not name endpoint $endpoint, which it rejects"
done
note "the warning names the four endpoints the policy had accepted; the mock now says:"
after=$(show_connections)
printf '%s\n' "$after"
if printf '%s\n' "$after" | grep -q ' accepted$'; then fail "a connection is still accepted after destroy"; fi

say "Done: every step succeeded. Stopping the mock and removing the temporary directory."
