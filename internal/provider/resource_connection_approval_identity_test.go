package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// needsIdentity skips on CLIs without resource identity (before 1.12), or
// fails there when envRequireAllGates is set.
var needsIdentity = gated(tfversion.SkipBelow(tfversion.Version1_12_0))

// approvalIdentityChecks are the expected identity values of a connection.
func approvalIdentityChecks(serviceID, endpointID string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		connAttrServiceID:  knownvalue.StringExact(serviceID),
		connAttrEndpointID: knownvalue.StringExact(endpointID),
	}
}

// Catches: no identity after create (import blocks with identity and
// `terraform query` cannot address the resource), an identity import that
// ignores req.Identity, and generated configuration that plans a change.
func TestAccConnectionApproval_identity(t *testing.T) {
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-identity")
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []tfresource.TestStep{
			{
				Config:           approvalConfig(e, svc, ep, `  description = "adopted"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(approvalAddr, approvalIdentityChecks(svc, ep)),
				},
				Check: checkMockConnection(e, svc, ep, client.StatusAccepted, "adopted"),
			},
			{ // an import block with identity = { service_id, endpoint_id } plans a no-op import
				ResourceName:    approvalAddr,
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
			},
			{ // -generate-config-out from an identity import writes configuration that plans no change
				ResourceName:    approvalAddr,
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
				GenerateConfig:  true,
			},
			{ // the same from the string id
				ResourceName:    approvalAddr,
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithID,
				GenerateConfig:  true,
			},
		},
	})
	if got := len(e.Mock.Actions()); got != 2 { // accept on create, reject on destroy; imports act on nothing
		t.Errorf("mock recorded %d effective actions, want 2 (accept, then reject on destroy): %+v", got, e.Mock.Actions())
	}
}

// Catches: a rejected connection imported by identity that plans a change
// (the action must follow the live status).
func TestAccConnectionApproval_identityImportRejected(t *testing.T) {
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-identity")
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   needsIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config:           approvalConfig(e, svc, ep, `  action = "reject"`),
				ConfigPlanChecks: emptyPlanAfterApply,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(approvalAddr, approvalIdentityChecks(svc, ep)),
				},
			},
			{
				ResourceName:    approvalAddr,
				ImportState:     true,
				ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
				GenerateConfig:  true,
			},
		},
	})
}

// identityFor builds an import request's identity as Terraform sends it.
func identityFor(t *testing.T, serviceID, endpointID string) *tfsdk.ResourceIdentity {
	t.Helper()
	var resp resource.IdentitySchemaResponse
	(&connectionApprovalResource{}).IdentitySchema(context.Background(), resource.IdentitySchemaRequest{}, &resp)
	typ := resp.IdentitySchema.Type().TerraformType(context.Background())
	return &tfsdk.ResourceIdentity{
		Schema: resp.IdentitySchema,
		Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
			connAttrServiceID:  tftypes.NewValue(tftypes.String, serviceID),
			connAttrEndpointID: tftypes.NewValue(tftypes.String, endpointID),
		}),
	}
}

// Catches: an import by identity that reads the wrong attribute, accepts an
// id the API would refuse, or names no field in its error.
func TestUnitApprovalImportTarget(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		req      resource.ImportStateRequest
		svc, ep  string
		errParts []string
	}{
		{name: "string id", req: resource.ImportStateRequest{ID: "svc-1/ep-1"}, svc: "svc-1", ep: "ep-1"},
		{name: "identity", req: resource.ImportStateRequest{Identity: identityFor(t, "svc-2", "ep-2")}, svc: "svc-2", ep: "ep-2"},
		{name: "identity with a space", req: resource.ImportStateRequest{Identity: identityFor(t, "svc 3", "ep-3")},
			errParts: []string{"identity.service_id", `"svc 3"`, "whitespace"}},
		{name: "identity with a slash", req: resource.ImportStateRequest{Identity: identityFor(t, "svc-4", "a/b")},
			errParts: []string{"identity.endpoint_id", `"a/b"`, `"/"`}},
		{name: "empty identity value", req: resource.ImportStateRequest{Identity: identityFor(t, "", "ep-5")},
			errParts: []string{"identity.service_id", "empty"}},
		{name: "bad string id", req: resource.ImportStateRequest{ID: "only-one-part"},
			errParts: []string{"service_id/endpoint_id", "only-one-part"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, ep, err := approvalImportTarget(ctx, tt.req)
			if len(tt.errParts) > 0 {
				if err == nil {
					t.Fatalf("got %q, %q and no error", svc, ep)
				}
				for _, p := range tt.errParts {
					if !strings.Contains(err.Error(), p) {
						t.Errorf("error %q does not mention %s", err, p)
					}
				}
				return
			}
			if err != nil || svc != tt.svc || ep != tt.ep {
				t.Errorf("got %q, %q, %v; want %q, %q", svc, ep, err, tt.svc, tt.ep)
			}
		})
	}
}

// Catches: a Read or Create response without identity, which the framework
// turns into "Missing Resource Identity" errors on every CLI.
func TestUnitSetApprovalIdentity(t *testing.T) {
	ctx := context.Background()
	id := identityFor(t, "x", "y")
	id.Raw = tftypes.NewValue(id.Raw.Type(), nil)
	setApprovalIdentity(id, "svc", "ep")
	var m connectionApprovalIdentityModel
	if diags := id.Get(ctx, &m); diags.HasError() || m.ServiceID.ValueString() != "svc" || m.EndpointID.ValueString() != "ep" {
		t.Errorf("identity after set = %+v (%v), want svc/ep", m, diags)
	}
	setApprovalIdentity(nil, "svc", "ep") // a nil identity (no identity support) must not panic
}

// TestAccConnectionApproval_importUndecidedNeedsAction catches an imported
// connection that still awaits a decision being accepted by the default
// action: nothing may reach the API until the configuration says receive or
// reject. A settled connection imported the same way plans nothing.
func TestAccConnectionApproval_importUndecidedNeedsAction(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	waiting := e.NewEndpoint(t, svc, "domain-waiting")
	accepted := e.NewEndpoint(t, svc, "domain-accepted")
	if err := e.Mock.ForceStatus(svc, accepted, vpcepmock.Force{Status: client.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
	importOf := func(name, endpointID string, extra ...string) string {
		return fmt.Sprintf("import {\n  to = vpcep_connection_approval.%s\n  id = %q\n}\n", name, connectionID(svc, endpointID)) +
			hclBlock(fmt.Sprintf("resource %q %q", "vpcep_connection_approval", name), append([]string{
				fmt.Sprintf("  service_id  = %q", svc), fmt.Sprintf("  endpoint_id = %q", endpointID)}, extra...)...)
	}
	before := len(e.Mock.Actions())
	r := newCLIRun(t, requiredProviders+e.ProviderConfig()+importOf("waiting", waiting)+importOf("accepted", accepted))
	for _, cmd := range [][]string{{"plan"}, {"apply", "-auto-approve"}} {
		out := r.mustRun(1, cmd...)
		if strings.Count(out, "Error: Imported connection awaits a decision") != 1 ||
			!strings.Contains(out, "with vpcep_connection_approval.waiting") || !strings.Contains(out, `"reject" to refuse it`) {
			t.Errorf("terraform %s without action: want the error naming only the waiting endpoint and both actions:\n%s", cmd[0], out)
		}
	}
	if got := e.Mock.Actions()[before:]; len(got) != 0 {
		t.Fatalf("the mock received %+v before the configuration chose an action", got)
	}
	writeFile(t, filepath.Join(r.dir, "main.tf"), requiredProviders+e.ProviderConfig()+importOf("waiting", waiting, `  action = "reject"`)+importOf("accepted", accepted))
	r.mustRun(0, "apply", "-auto-approve")
	got := e.Mock.Actions()[before:]
	if len(got) != 1 || got[0].EndpointID != waiting || got[0].Action != client.ActionReject {
		t.Errorf("the mock received %+v, want one reject of %s", got, waiting)
	}
	if s := statuses(e, svc); s[waiting] != client.StatusRejected || s[accepted] != client.StatusAccepted {
		t.Errorf("statuses in the mock: %v", s)
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
}
