//go:build !windows

package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// TestAccConnectionPolicy_import catches an import (CLI, import block by id,
// import block by identity on Terraform 1.12 and later) that loses the
// service, decides anything by itself, or whose first apply sends more than
// the configured rules need; and an import id that is not a service id.
func TestAccConnectionPolicy_import(t *testing.T) {
	t.Parallel()
	cli := terraformCLI(t)
	v, tofu := cliVersion(t, cli)
	identity := !tofu && (v[0] > 1 || v[1] >= 12)
	for _, how := range []string{"cli", "id", "identity"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			if how == "identity" && !identity {
				skipForCLI(t, "import by identity needs Terraform 1.12 or later; the CLI is %v (OpenTofu: %v)", v, tofu)
			}
			e := newTestEnv(t)
			svc := e.NewService(t, true)
			done := e.NewEndpoint(t, svc, "good")
			if err := e.Mock.ForceStatus(svc, done, vpcepmock.Force{Status: client.StatusAccepted}); err != nil {
				t.Fatal(err)
			}
			pending := e.NewEndpoint(t, svc, "good")
			stranger := e.NewEndpoint(t, svc, "stranger")
			config := policyConfig(e, svc, idsLine("accept_domain_ids", "good"))
			switch how {
			case "id":
				config += fmt.Sprintf("\nimport {\n  to = vpcep_connection_policy.test\n  id = %q\n}\n", svc)
			case "identity":
				config += fmt.Sprintf("\nimport {\n  to       = vpcep_connection_policy.test\n  identity = { service_id = %q }\n}\n", svc)
			}
			r := newCLIRun(t, config)
			if how == "cli" {
				out := r.mustRun(1, "import", "vpcep_connection_policy.test", "not a service id")
				if !strings.Contains(out, "ID of the VPC endpoint service") || !strings.Contains(out, `"not a service id"`) {
					t.Errorf("a bad import id is not explained:\n%s", out)
				}
				r.mustRun(0, "import", "vpcep_connection_policy.test", svc)
				if p, ok := r.policy(); !ok || p.ServiceID != svc || p.OnDestroy != "reject" || p.Others != "leave" {
					t.Errorf("imported state %+v", p)
				}
			}
			if len(e.Mock.Actions()) != 0 {
				t.Fatalf("the import acted: %+v", e.Mock.Actions())
			}
			out := r.mustRun(0, "apply", "-auto-approve")
			if how != "cli" && !strings.Contains(out, "1 imported") {
				t.Errorf("the apply did not import:\n%s", out)
			}
			acts := e.Mock.Actions()
			if len(acts) != 1 || acts[0].EndpointID != pending || acts[0].Action != client.ActionReceive {
				t.Errorf("the first apply after the import sent %+v, want one receive for %s", acts, pending)
			}
			p, _ := r.policy()
			if p.Connections[done] != client.StatusAccepted || p.Connections[pending] != client.StatusAccepted {
				t.Errorf("state after the apply: %+v", p.Connections)
			}
			if p.Connections[stranger] != client.StatusPendingAcceptance || statuses(e, svc)[stranger] != client.StatusPendingAcceptance {
				t.Errorf("the stranger was decided: state %q, mock %q", p.Connections[stranger], statuses(e, svc)[stranger])
			}
			r.mustRun(0, "plan", "-detailed-exitcode")
		})
	}
}

// TestAccConnectionPolicy_interrupted catches an interrupted create that
// leaves a tainted policy (whose replacement would reject what it accepted),
// that reports the interrupt as a timeout, and a next apply that sends an
// action twice or the opposite one.
func TestAccConnectionPolicy_interrupted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) {
		c.TransitionDelay = interruptTransition
		c.Faults = vpcepmock.Faults{Latency: interruptLatency, Seed: 7}
	})
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 60)
	bad := newEndpoints(t, e, svc, "bad", 20)
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good"), `  others = "reject"`,
		"  concurrent_requests = 2"))
	out, at := applyInterrupted(t, r, func() int { return len(e.Mock.Actions()) }, 10)
	if at >= len(eps)+len(bad) {
		t.Fatalf("the interrupt came after every action:\n%s", out)
	}
	if _, ok := r.policy(); ok {
		t.Errorf("an interrupted create left the policy in state (tainted, its replacement would reject first):\n%s", out)
	}
	if !strings.Contains(out.String(), "not decided") {
		t.Errorf("the interrupted apply does not say which connections were not decided:\n%s", out)
	}
	if strings.Contains(out.String(), "raise timeouts") || strings.Contains(out.String(), "before the operation's timeout") {
		t.Errorf("the interrupted apply blames a timeout that was never reached:\n%s", out)
	}
	waitUntilNoneCreating(t, e, svc)
	r.mustRun(0, "apply", "-auto-approve")
	seen := map[string]int{}
	for _, a := range e.Mock.Actions() {
		seen[a.EndpointID]++
		want := client.ActionReceive
		if strings.Contains(strings.Join(bad, " "), a.EndpointID) {
			want = client.ActionReject
		}
		if a.Action != want {
			t.Errorf("the mock saw %+v, want only %q for this endpoint", a, want)
		}
	}
	for _, ep := range append(eps, bad...) {
		if seen[ep] != 1 {
			t.Errorf("%s: %d effective actions, want 1", ep, seen[ep])
		}
	}
	p, _ := r.policy()
	if len(p.Connections) != len(eps)+len(bad) {
		t.Errorf("%d connections in state, want %d", len(p.Connections), len(eps)+len(bad))
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
}
