//go:build !windows

package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// decisionConfig is one vpcep_connection_decision action named "cut_off".
func decisionConfig(e *testEnv, serviceID, endpointID, decision, extra string) string {
	return requiredProviders + e.ProviderConfig() + fmt.Sprintf(`
action "vpcep_connection_decision" "cut_off" {
  config {
    service_id  = %q
    endpoint_id = %q
    action      = %q
%s
  }
}
`, serviceID, endpointID, decision, extra)
}

// invoke runs `terraform apply -invoke=action.vpcep_connection_decision.cut_off`.
func invoke(r *cliRun) (string, int) {
	return r.run("apply", "-auto-approve", "-no-color", "-invoke=action.vpcep_connection_decision.cut_off")
}

// checkNoState fails when the working directory has resources in state:
// the action must keep none.
func checkNoState(t *testing.T, r *cliRun) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(r.dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Resources []json.RawMessage `json:"resources"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("decoding terraform.tfstate: %v", err)
	}
	if len(st.Resources) != 0 {
		t.Errorf("the action left %d resources in state, want none:\n%s", len(st.Resources), data)
	}
}

// Catches: an action that returns before the connection settles, sends the
// decision more than once, reports no progress, or writes state.
func TestAccConnectionDecision_invoke(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) { c.TransitionDelay = 1500 * time.Millisecond })
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-action")
	r := newModernCLIRun(t, decisionConfig(e, svc, ep, client.ActionReceive, ""))

	out, code := invoke(r)
	if code != 0 {
		t.Fatalf("invoking receive exited %d:\n%s", code, out)
	}
	for _, want := range []string{
		`Sending "receive" for the connection of endpoint ` + ep,
		"is creating; waiting for accepted",
		"is accepted (after", // the mock's transition delay: not at once
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the CLI output does not show the progress message %q:\n%s", want, out)
		}
	}
	if c, _ := e.Mock.Connection(svc, ep); c.Status != client.StatusAccepted {
		t.Errorf("after the action returned the mock shows %q, want accepted: the action did not wait", c.Status)
	}
	acts := e.Mock.Actions()
	if len(acts) != 1 || acts[0].Action != client.ActionReceive || acts[0].EndpointID != ep {
		t.Fatalf("mock action log %+v, want exactly one receive for %s", acts, ep)
	}
	checkNoState(t, r)

	// Break glass: reject it again with the same configuration, action changed.
	writeFile(t, filepath.Join(r.dir, "main.tf"), decisionConfig(e, svc, ep, client.ActionReject, ""))
	out, code = invoke(r)
	if code != 0 {
		t.Fatalf("invoking reject exited %d:\n%s", code, out)
	}
	if !strings.Contains(out, "is rejected (") {
		t.Errorf("the CLI output does not say the connection is rejected:\n%s", out)
	}
	acts = e.Mock.Actions()
	if len(acts) != 2 || acts[1].Action != client.ActionReject || acts[1].To != client.StatusRejected {
		t.Fatalf("mock action log %+v, want exactly one more action: reject", acts)
	}
	checkNoState(t, r)
}

// Catches: a timeout reported as success or without what was sent and the
// last status, and an unknown endpoint reported without naming the ids.
func TestAccConnectionDecision_failures(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) { c.TransitionDelay = time.Hour })
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-action")
	failed := e.NewEndpoint(t, svc, "domain-action")
	if err := e.Mock.ForceStatus(svc, failed, vpcepmock.Force{Status: client.StatusFailed,
		Errors: []vpcepmock.QueryError{{ErrorCode: "EndPoint.0042", ErrorMessage: "port conflict"}}}); err != nil {
		t.Fatal(err)
	}
	missing := vpcepmock.NewID()

	r := newModernCLIRun(t, decisionConfig(e, svc, ep, client.ActionReceive, `    timeout = "2s"`))
	out, code := invoke(r)
	flat := strings.Join(strings.Fields(out), " ")
	if code == 0 {
		t.Fatalf("an action that timed out exited 0:\n%s", out)
	}
	for _, want := range []string{"Timed out waiting for the VPC endpoint connection", `"receive" was sent`,
		`last status seen was "creating"`, "raise timeout"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the timeout error does not say %q:\n%s", want, out)
		}
	}
	if acts := e.Mock.Actions(); len(acts) != 1 {
		t.Errorf("mock action log %+v, want exactly one action (sent once, then waited)", acts)
	}

	writeFile(t, filepath.Join(r.dir, "main.tf"), decisionConfig(e, svc, missing, client.ActionReject, ""))
	out, code = invoke(r)
	flat = strings.Join(strings.Fields(out), " ")
	if code == 0 || !strings.Contains(flat, "VPC endpoint connection not found") || !strings.Contains(flat, missing) ||
		!strings.Contains(flat, "nothing was changed") {
		t.Errorf("an unknown endpoint: exit %d, want an error naming %s and saying nothing changed:\n%s", code, missing, out)
	}

	writeFile(t, filepath.Join(r.dir, "main.tf"), decisionConfig(e, svc, failed, client.ActionReceive, ""))
	out, code = invoke(r)
	flat = strings.Join(strings.Fields(out), " ")
	if code == 0 || !strings.Contains(flat, "VPC endpoint connection failed") || !strings.Contains(flat, "EndPoint.0042: port conflict") {
		t.Errorf("a failed connection: exit %d, want an error quoting the API's errors:\n%s", code, out)
	}
	if acts := e.Mock.Actions(); len(acts) != 1 {
		t.Errorf("mock action log %+v, want still one action: the failures changed nothing", acts)
	}
	checkNoState(t, r)
}

// Catches: a bad decision accepted at invoke time instead of an error
// naming the attribute.
func TestAccConnectionDecision_badInput(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	r := newModernCLIRun(t, decisionConfig(e, svc, "ep-1", "approve", ""))
	out, code := invoke(r)
	flat := strings.Join(strings.Fields(out), " ")
	if code == 0 || !strings.Contains(flat, "action") || !strings.Contains(flat, `"receive"`) {
		t.Errorf("action = \"approve\": exit %d, want an error naming action and its values:\n%s", code, out)
	}
	writeFile(t, filepath.Join(r.dir, "main.tf"), decisionConfig(e, svc, "ep-1", client.ActionReject, `    timeout = "soon"`))
	out, code = invoke(r)
	flat = strings.Join(strings.Fields(out), " ")
	if code == 0 || !strings.Contains(flat, "timeout") || !strings.Contains(flat, "30s") {
		t.Errorf("timeout = \"soon\": exit %d, want an error naming timeout with an example:\n%s", code, out)
	}
	if acts := e.Mock.Actions(); len(acts) != 0 {
		t.Errorf("bad input reached the API: %+v", acts)
	}
}

// Catches: durations shown as Go prints them (10m0s) or cut wrongly (30s as 3).
func TestUnitDurationText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", 30 * time.Second: "30s", time.Hour: "1h", 90 * time.Second: "1m30s", 2 * time.Second: "2s",
	} {
		if got := durationText(d); got != want {
			t.Errorf("durationText(%s) = %q, want %q", d, got, want)
		}
	}
}
