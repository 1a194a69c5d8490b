package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Resource identity of vpcep_connection_approval (Terraform 1.12 and later):
// the pair (service_id, endpoint_id) names one connection for good, so
// import blocks and `terraform query` can address it without the string id.
// Older CLIs never ask for the identity schema and ignore the identity that
// Create and Read return, so they keep working as before.

var _ resource.ResourceWithIdentity = (*connectionApprovalResource)(nil)

// connectionApprovalIdentityModel is the identity as Go values.
type connectionApprovalIdentityModel struct {
	ServiceID  types.String `tfsdk:"service_id"`
	EndpointID types.String `tfsdk:"endpoint_id"`
}

// IdentitySchema is version 0; a later change of the identity needs an
// identity upgrader so that states written by this version keep working.
func (r *connectionApprovalResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			connAttrServiceID: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of your VPC endpoint service.",
			},
			connAttrEndpointID: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of the consumer's VPC endpoint connected to the service.",
			},
		},
	}
}

// setApprovalIdentity stores the identity of a connection. It is called
// before any early return of Create and Read: the framework refuses a
// response without identity, even one that removes the resource.
func setApprovalIdentity(identity *tfsdk.ResourceIdentity, serviceID, endpointID string) {
	if identity == nil {
		return
	}
	// Built by hand: Set goes through reflection, a cost paid on every read (bench/RESULTS.md).
	identity.Raw = tftypes.NewValue(approvalIdentityType, map[string]tftypes.Value{
		connAttrServiceID:  tftypes.NewValue(tftypes.String, serviceID),
		connAttrEndpointID: tftypes.NewValue(tftypes.String, endpointID),
	})
}

// approvalIdentityType is the identity schema's object type.
var approvalIdentityType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	connAttrServiceID: tftypes.String, connAttrEndpointID: tftypes.String,
}}

// approvalImportTarget returns the connection an import names: by the string
// id (`terraform import`, or `id` in an import block) or by identity
// (`identity = { service_id, endpoint_id }` in an import block).
func approvalImportTarget(ctx context.Context, req resource.ImportStateRequest) (serviceID, endpointID string, err error) {
	if req.ID != "" || req.Identity == nil || req.Identity.Raw.IsNull() {
		return parseImportID(req.ID)
	}
	var m connectionApprovalIdentityModel
	if diags := req.Identity.Get(ctx, &m); diags.HasError() {
		return "", "", fmt.Errorf("could not read the import block's identity: %v", diags)
	}
	for _, a := range []struct {
		name  string
		value types.String
	}{{connAttrServiceID, m.ServiceID}, {connAttrEndpointID, m.EndpointID}} {
		v := idValidator{forbidSlash: true}
		if problem := v.problem(a.value.ValueString()); problem != "" {
			return "", "", fmt.Errorf("identity.%s %s, e.g. 705290f3-0d00-41f2-aedc-71f09844e879; got %q (%s)",
				a.name, v.rule(), a.value.ValueString(), problem)
		}
	}
	return m.ServiceID.ValueString(), m.EndpointID.ValueString(), nil
}
