package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpcep/terraform-provider-vpcep/internal/devprovider"
)

const (
	movedServiceID     = "4189d3c2-8882-4871-a3c2-d380272eed88"
	movedEndpoint1     = "705290f3-0d00-41f2-aedc-71f09844e879"
	movedEndpoint2     = "adb7b229-bb11-4072-bcc0-3327cd784263"
	huaweicloudAddress = "registry.terraform.io/huaweicloud/huaweicloud"
)

// approvalStateDoc is an approval resource's state as its provider writes it.
func approvalStateDoc(serviceID string, endpoints ...string) string {
	eps, _ := json.Marshal(endpoints)
	return fmt.Sprintf(`{"id":%q,"region":"eu-west-101","service_id":%q,"endpoints":%s,"connections":[`+
		`{"endpoint_id":%q,"packet_id":7,"domain_id":"d","status":"accepted","description":""}],"timeouts":null}`,
		serviceID, serviceID, eps, movedEndpoint1)
}

// Catches: a source taken over that is not the approval resource of the
// huaweicloud family, or a malformed state turned into a policy that would
// accept nothing or something else (each refusal must name what is wrong).
func TestUnitReadMovedApproval(t *testing.T) {
	t.Parallel()
	good := approvalStateDoc(movedServiceID, movedEndpoint2, movedEndpoint1, movedEndpoint1)
	for _, tt := range []struct {
		name, addr, typeName string
		version              int64
		state                string
		wantErr              string // "" = accepted
	}{
		{"huaweicloud", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, good, ""},
		{"opentelekomcloud", "registry.terraform.io/opentelekomcloud/opentelekomcloud", "opentelekomcloud_vpcep_approval_v1", 0, good, ""},
		{"flexibleengine", "registry.terraform.io/flexibleenginecloud/flexibleengine", "flexibleengine_vpcep_approval", 0, good, ""},
		{"another registry host", "registry.opentofu.org/huaweicloud/huaweicloud", "huaweicloud_vpcep_approval", 0, good, ""},
		{"another resource of the provider", huaweicloudAddress, "huaweicloud_vpcep_service_connection_update", 0, good, "import the policy"},
		{"the type name under another provider", "registry.terraform.io/hashicorp/random", "huaweicloud_vpcep_approval", 0, good, "none of them"},
		{"per-endpoint resource", "registry.terraform.io/vpcep/vpcep", "vpcep_connection_approval", 0, good, "none of them"},
		{"future schema version", huaweicloudAddress, "huaweicloud_vpcep_approval", 1, good, "schema version 1"},
		{"flatmap state", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, "", "flat format"},
		{"not JSON", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, "{", "could not be read"},
		{"endpoints not strings", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"service_id":"s","endpoints":[1]}`, "could not be read"},
		{"no service_id", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"endpoints":[]}`, "no valid service_id (none)"},
		{"empty service_id", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"service_id":"","endpoints":[]}`, "no valid service_id"},
		{"service_id with a slash", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"service_id":"a/b","endpoints":[]}`, `"a/b"`},
		{"no endpoints", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"service_id":"s"}`, "no endpoints set"},
		{"null endpoint", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"service_id":"s","endpoints":[null]}`, "element 0: null"},
		{"blank endpoint", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"service_id":"s","endpoints":["e"," "]}`, "element 1"},
		{"timeouts not an object", huaweicloudAddress, "huaweicloud_vpcep_approval", 0, `{"service_id":"s","endpoints":[],"timeouts":3}`, "timeouts"},
	} {
		m, err := readMovedApproval(tt.addr, tt.typeName, tt.version, []byte(tt.state))
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr == "" && (m.ServiceID != movedServiceID || strings.Join(m.Endpoints, ",") != movedEndpoint1+","+movedEndpoint2):
			t.Errorf("%s: read %+v", tt.name, m)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
	m, err := readMovedApproval(huaweicloudAddress, "huaweicloud_vpcep_approval", 0,
		[]byte(`{"service_id":"s","endpoints":[],"timeouts":{"create":"20m","delete":null}}`))
	if err != nil || m.CreateTimeout != "20m" || m.DeleteTimeout != "" || len(m.Endpoints) != 0 {
		t.Errorf("timeouts: %+v, %v", m, err)
	}
}

// moveInto runs the policy's state mover on one source state and returns
// the target state (null when refused) and the error summary, if any.
func moveInto(t *testing.T, addr, typeName, state string) (tftypes.Value, string) {
	t.Helper()
	ctx := context.Background()
	r := &connectionPolicyResource{}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	var idSch resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &idSch)
	resp := resource.MoveStateResponse{
		TargetState:    tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)},
		TargetIdentity: &tfsdk.ResourceIdentity{Schema: idSch.IdentitySchema, Raw: tftypes.NewValue(idSch.IdentitySchema.Type().TerraformType(ctx), nil)},
	}
	movers := r.MoveState(ctx)
	if len(movers) != 1 {
		t.Fatalf("%d state movers", len(movers))
	}
	movers[0].StateMover(ctx, resource.MoveStateRequest{SourceProviderAddress: addr, SourceTypeName: typeName,
		SourceRawState: &tfprotov6.RawState{JSON: []byte(state)}}, &resp)
	if resp.Diagnostics.HasError() {
		return resp.TargetState.Raw, resp.Diagnostics.Errors()[0].Summary() + ": " + resp.Diagnostics.Errors()[0].Detail()
	}
	var idm connectionPolicyIdentityModel
	if d := resp.TargetIdentity.Get(ctx, &idm); d.HasError() || idm.ServiceID.ValueString() != movedServiceID {
		t.Errorf("identity %v %v", idm, d)
	}
	return resp.TargetState.Raw, ""
}

// Catches: a moved policy whose state differs from what the equivalent
// configuration plans (a change in the first plan), that rejects others, or
// that drops the source's timeouts; and an unknown source left to the
// framework's generic error.
func TestUnitMoveApprovalStateSetsPolicy(t *testing.T) {
	t.Parallel()
	got, errText := moveInto(t, huaweicloudAddress, "huaweicloud_vpcep_approval",
		`{"id":"`+movedServiceID+`","service_id":"`+movedServiceID+`","endpoints":["`+movedEndpoint1+`"],"timeouts":{"create":"20m"}}`)
	if errText != "" {
		t.Fatal(errText)
	}
	want := map[string]string{
		"id": movedServiceID, "service_id": movedServiceID, "accept_endpoint_ids": `["` + movedEndpoint1 + `"]`,
		"accept_domain_ids": "null", "reject_endpoint_ids": "null", "reject_domain_ids": "null",
		"others": "leave", "on_destroy": "reject", "connections": "null", "timeouts": `{"create":"20m","delete":null,"update":null}`,
	}
	var attrs map[string]tftypes.Value
	if err := got.As(&attrs); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		if s := tfString(t, attrs[name]); s != w {
			t.Errorf("%s = %s, want %s", name, s, w)
		}
	}
	if attrs["concurrent_requests"].IsNull() {
		t.Error("concurrent_requests is null: the first plan would set its default")
	}
	got, errText = moveInto(t, "registry.terraform.io/vpcep/vpcep", "vpcep_connection_approval", `{}`)
	if !got.IsNull() || !strings.Contains(errText, "Cannot move") || !strings.Contains(errText, "huaweicloud_vpcep_approval") {
		t.Errorf("unknown source: state %v, error %q", got, errText)
	}
}

// tfString renders a state value compactly: strings bare, others as JSON.
func tfString(t *testing.T, v tftypes.Value) string {
	t.Helper()
	if v.IsNull() {
		return "null"
	}
	var s string
	if v.Type().Is(tftypes.String) {
		if err := v.As(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	var raw any
	switch {
	case v.Type().Is(tftypes.Set{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := []string{}
		for _, e := range elems {
			out = append(out, tfString(t, e))
		}
		raw = out
	case v.Type().Is(tftypes.Object{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		out := map[string]any{}
		for k, e := range m {
			if e.IsNull() {
				out[k] = nil
			} else {
				out[k] = tfString(t, e)
			}
		}
		raw = out
	default:
		return v.String()
	}
	b, _ := json.Marshal(raw)
	return string(b)
}

// standinProviders are the providers the stand-in binary serves, by its
// dev_overrides address.
var standinProviders = map[string]string{
	"huaweicloud":      "huaweicloud/huaweicloud",
	"opentelekomcloud": "opentelekomcloud/opentelekomcloud",
	"flexibleengine":   "flexibleenginecloud/flexibleengine",
}

// builtStandin is the stand-in provider (testdata/approvalstandin) under
// each provider's binary name, built once per test binary.
var builtStandin struct {
	once sync.Once
	dir  string
	err  error
}

// standinDir builds the stand-in on first use and returns the directory
// holding terraform-provider-<name> for each of standinProviders.
func standinDir(t *testing.T) string {
	t.Helper()
	providerCLIConfig(t) // the provider's own build, whose directory TestMain removes
	b := &builtStandin
	b.once.Do(func() {
		b.dir = filepath.Join(builtProvider.dir, "standin")
		for name := range standinProviders {
			cmd := exec.Command("go", "build", "-o", filepath.Join(b.dir, "terraform-provider-"+name), "./testdata/approvalstandin")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.err = fmt.Errorf("building the stand-in provider: %w\n%s", err, out)
				return
			}
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.dir
}

// Catches: a moved approval resource that the first plan wants to change or
// replace, or that sends any action; a policy that does not accept the
// moved endpoints or touches a connection they did not name; and a second
// plan that is not empty. The state is written by a provider serving the
// source resource under its own address, as after years of use.
func TestAccConnectionPolicyMovedFromApproval(t *testing.T) {
	t.Parallel()
	cli := terraformCLI(t)
	if v, tofu := cliVersion(t, cli); tofu || v[0] == 1 && v[1] < 8 {
		skipForCLI(t, "moving state between resource types needs Terraform 1.8 or later; the CLI is %d.%d.%d (OpenTofu: %v)", v[0], v[1], v[2], tofu)
	}
	standin := standinDir(t)
	for name, typeName := range map[string]string{
		"huaweicloud": "huaweicloud_vpcep_approval", "opentelekomcloud": "opentelekomcloud_vpcep_approval_v1",
		"flexibleengine": "flexibleengine_vpcep_approval",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			svc := e.NewService(t, true)
			ep1, ep2 := e.NewEndpoint(t, svc, "d1"), e.NewEndpoint(t, svc, "d1")
			other := e.NewEndpoint(t, svc, "d2") // pending, named by no rule
			sourceConfig := fmt.Sprintf(`
terraform {
  required_providers {
    %[1]s = { source = %[2]q }
  }
}
provider %[1]q {
  region     = "mock-region-1"
  project_id = %[3]q
  access_key = %[4]q
  secret_key = %[5]q
  endpoints  = { vpcep = %[6]q }
}
resource %[7]q "this" {
  service_id = %[8]q
  endpoints  = [%[9]q, %[10]q]
}
`, name, standinProviders[name], e.ProjectID, e.AccessKey, e.SecretKey, e.URL, typeName, svc, ep1, ep2)
			r := newCLIRun(t, sourceConfig)
			overrides := map[string]string{devprovider.Address: filepath.Join(builtProvider.dir, "bin")}
			for _, addr := range standinProviders {
				overrides[addr] = standin
			}
			cliConfig := filepath.Join(r.dir, "cli.tfrc")
			writeFile(t, cliConfig, devprovider.CLIConfig(overrides))
			r.env = append(r.env, devprovider.Env(cliConfig)...)
			if out, code := r.run("apply", "-auto-approve", "-no-color"); code != 0 {
				t.Fatalf("apply with the %s provider exited %d:\n%s", name, code, out)
			}
			sent := len(e.Mock.Actions())
			if sent != 2 {
				t.Fatalf("the %s provider sent %d actions, want 2: %+v", name, sent, e.Mock.Actions())
			}

			// The documented migration: the provider stays installed (the
			// state still names it); the resource block becomes a policy.
			writeFile(t, filepath.Join(r.dir, "main.tf"), fmt.Sprintf(`
terraform {
  required_providers {
    vpcep = { source = "vpcep/vpcep" }
    %[1]s = { source = %[2]q }
  }
}
`, name, standinProviders[name])+e.ProviderConfig()+fmt.Sprintf(`
moved {
  from = %[1]s.this
  to   = vpcep_connection_policy.this
}

resource "vpcep_connection_policy" "this" {
  service_id          = %[2]q
  accept_endpoint_ids = [%[3]q, %[4]q]
}
`, typeName, svc, ep1, ep2))
			if out, code := r.run("plan", "-out=move.tfplan", "-no-color"); code != 0 {
				t.Fatalf("plan of the move exited %d:\n%s", code, out)
			} else if !strings.Contains(out, typeName+".this has moved to vpcep_connection_policy.this") ||
				!strings.Contains(out, "0 to add, 0 to change, 0 to destroy") {
				t.Fatalf("plan does not show only the move:\n%s", out)
			}
			planJSON, _ := r.run("show", "-json", "move.tfplan")
			var plan struct {
				ResourceChanges []struct {
					Address         string
					PreviousAddress string `json:"previous_address"`
					Change          struct{ Actions []string }
				} `json:"resource_changes"`
			}
			if err := json.Unmarshal([]byte(planJSON), &plan); err != nil {
				t.Fatalf("plan JSON: %v\n%s", err, planJSON)
			}
			if len(plan.ResourceChanges) != 1 || plan.ResourceChanges[0].PreviousAddress != typeName+".this" ||
				strings.Join(plan.ResourceChanges[0].Change.Actions, ",") != "no-op" {
				t.Errorf("planned changes: %+v", plan.ResourceChanges)
			}
			if out, code := r.run("apply", "-no-color", "move.tfplan"); code != 0 {
				t.Fatalf("apply of the move exited %d:\n%s", code, out)
			}
			if got := e.Mock.Actions(); len(got) != sent {
				t.Errorf("the move sent actions: %+v", got[sent:])
			}
			for id, want := range map[string]string{ep1: "accepted", ep2: "accepted", other: "pendingAcceptance"} {
				if c, ok := e.Mock.Connection(svc, id); !ok || c.Status != want {
					t.Errorf("connection %s: %+v, want %s", id, c, want)
				}
			}
			stateJSON, _ := r.run("show", "-json")
			var state struct {
				Values struct {
					RootModule struct {
						Resources []struct {
							Address string
							Values  struct {
								AcceptEndpointIDs []string `json:"accept_endpoint_ids"`
								Others            string
								Connections       map[string]string
							}
						}
					} `json:"root_module"`
				}
			}
			if err := json.Unmarshal([]byte(stateJSON), &state); err != nil {
				t.Fatalf("state JSON: %v\n%s", err, stateJSON)
			}
			res := state.Values.RootModule.Resources
			if len(res) != 1 || res[0].Address != "vpcep_connection_policy.this" || res[0].Values.Others != "leave" ||
				len(res[0].Values.AcceptEndpointIDs) != 2 || res[0].Values.Connections[ep1] != "accepted" ||
				res[0].Values.Connections[ep2] != "accepted" || res[0].Values.Connections[other] != "pendingAcceptance" {
				t.Errorf("state after the move: %s", stateJSON)
			}
			if out, code := r.run("plan", "-detailed-exitcode", "-no-color"); code != 0 {
				t.Errorf("plan after the move exited %d, want 0 (no changes):\n%s", code, out)
			}
			if got := e.Mock.Actions(); len(got) != sent {
				t.Errorf("actions after the second plan: %+v", got[sent:])
			}
			// The moved endpoints count as accepted by the policy, as that
			// resource's destroy rejected them: destroy names and rejects them, and only them.
			out, code := r.run("plan", "-destroy", "-no-color")
			if _, warning, _ := strings.Cut(out, "Destroying the policy rejects connections"); code != 0 ||
				!strings.Contains(warning, ep1) || !strings.Contains(warning, ep2) || strings.Contains(warning, other) {
				t.Errorf("the destroy plan after the move does not name the moved endpoints:\n%s", out)
			}
			if out, code := r.run("destroy", "-auto-approve", "-no-color"); code != 0 {
				t.Fatalf("destroy exited %d:\n%s", code, out)
			}
			for id, want := range map[string]string{ep1: "rejected", ep2: "rejected", other: "pendingAcceptance"} {
				if c, _ := e.Mock.Connection(svc, id); c.Status != want {
					t.Errorf("after destroy, %s is %q, want %s", id, c.Status, want)
				}
			}
		})
	}
}
