package provider

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// decisionFromVariables is the action with every argument from a variable,
// so that Terraform validates it while the values are unknown.
func decisionFromVariables(e *testEnv) string {
	return requiredProviders + e.ProviderConfig() + `
variable "service_id" {}
variable "endpoint_id" {}
variable "decision" {}
variable "timeout" {
  default = null
}

action "vpcep_connection_decision" "cut_off" {
  config {
    service_id  = var.service_id
    endpoint_id = var.endpoint_id
    action      = var.decision
    timeout     = var.timeout
  }
}
`
}

// Catches: values that were unknown when Terraform validated the action
// (from variables) used at Invoke without a check: a timeout of "0s", "-1m"
// or "abc" silently becoming 10 minutes, action "maybe" or an id with
// whitespace sent to the API.
func TestAccConnectionDecision_badInputFromVariables(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-"+vpcepmock.RandomHex(8))
	r := newModernCLIRun(t, decisionFromVariables(e))
	writeFile(t, filepath.Join(r.dir, "null.tfvars.json"), `{"service_id": null}`)
	good := map[string]string{"service_id": svc, "endpoint_id": ep, "decision": client.ActionReject, "timeout": "30s"}
	for _, c := range []struct {
		name, value string
		want        []string // as the validator words it for a literal value
	}{
		{"timeout", "0s", []string{"Invalid duration", "Attribute timeout must be positive", `got "0s"`}},
		{"timeout", "-1m", []string{"Invalid duration", "Attribute timeout must be positive", `got "-1m"`}},
		{"timeout", "abc", []string{"Invalid duration", `Attribute timeout must be a duration such as "30s"`}},
		{"timeout", " 10m", []string{"Invalid duration", `got " 10m"`}},
		{"timeout", "", []string{"Invalid duration", `got ""`}},
		{"decision", "maybe", []string{"Attribute action value must be one of", `"receive"`, `got: "maybe"`}},
		{"decision", "", []string{"Attribute action value must be one of", `got: ""`}},
		{"endpoint_id", "bad id", []string{"Attribute endpoint_id must be 1-64 characters", "(it contains whitespace)"}},
		{"endpoint_id", ep + "\n", []string{"Attribute endpoint_id must be 1-64 characters", "(it ends with whitespace)"}},
		{"endpoint_id", "", []string{"Attribute endpoint_id must be 1-64 characters", "(it is empty)"}},
		{"service_id", " " + svc, []string{"Attribute service_id must be 1-64 characters", "(it starts with whitespace)"}},
		{"service_id", "null", []string{"Attribute service_id is required, but its value is null"}},
	} {
		args := []string{"apply", "-auto-approve", "-no-color", "-invoke=action.vpcep_connection_decision.cut_off"}
		for name, v := range good {
			switch {
			case name != c.name:
				args = append(args, "-var", name+"="+v)
			case c.value == "null":
				args = append(args, "-var-file=null.tfvars.json")
			default:
				args = append(args, "-var", name+"="+c.value)
			}
		}
		out, code := r.run(args...)
		flat := strings.Join(strings.Fields(out), " ")
		for _, w := range c.want {
			if code == 0 || !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("%s = %q: exit %d, want an error saying %q:\n%s", c.name, c.value, code, w, out)
				break
			}
		}
		if n := e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]; n != 0 {
			t.Fatalf("%s = %q: the mock received %d action requests, want none", c.name, c.value, n)
		}
	}
	if acts := e.Mock.Actions(); len(acts) != 0 {
		t.Errorf("bad input changed connections: %+v", acts)
	}
	if c, _ := e.Mock.Connection(svc, ep); c.Status != client.StatusPendingAcceptance {
		t.Errorf("connection is %s, want still pendingAcceptance", c.Status)
	}
}
