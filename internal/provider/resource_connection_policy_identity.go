package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity of vpcep_connection_policy (Terraform 1.12 and later):
// one policy per endpoint service, so the service id names it.

var _ resource.ResourceWithIdentity = (*connectionPolicyResource)(nil)

// connectionPolicyIdentityModel is the identity as Go values.
type connectionPolicyIdentityModel struct {
	ServiceID types.String `tfsdk:"service_id"`
}

// IdentitySchema is version 0.
func (r *connectionPolicyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			connAttrServiceID: identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID of your VPC endpoint service.",
			},
		},
	}
}

// setPolicyIdentity stores the identity; it is called before any early
// return of Create, Update and Read.
func setPolicyIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, serviceID string) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, connectionPolicyIdentityModel{ServiceID: types.StringValue(serviceID)})
}

// policyImportTarget returns the service an import names: by the string id
// (`terraform import`, or `id` in an import block) or by identity.
func policyImportTarget(ctx context.Context, req resource.ImportStateRequest) (string, error) {
	id := req.ID
	name := "the import id"
	if req.ID == "" && req.Identity != nil && !req.Identity.Raw.IsNull() {
		var m connectionPolicyIdentityModel
		if diags := req.Identity.Get(ctx, &m); diags.HasError() {
			return "", fmt.Errorf("could not read the import block's identity: %v", diags)
		}
		id, name = m.ServiceID.ValueString(), "identity.service_id"
	}
	v := idValidator{forbidSlash: true}
	if problem := v.problem(id); problem != "" {
		return "", fmt.Errorf("%s is the ID of the VPC endpoint service and %s, e.g. "+
			"4189d3c2-8882-4871-a3c2-d380272eed88; got %q (%s)", name, v.rule(), id, problem)
	}
	return id, nil
}
