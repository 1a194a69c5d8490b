package main

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpcep/terraform-provider-vpcep/internal/provider"
)

// approvalSchema, noop_connection_approval, has the schema of
// vpcep_connection_approval itself (every attribute, validator and default,
// the error list and the timeouts block) and no logic: Create fills the
// computed attributes with values of the size the API returns. Beside it, the
// benchmark tells the cost of that schema in Terraform and the framework from
// the cost of the provider's own code. Like vpcep_connection_approval, it
// converts values by hand rather than through the framework's reflection.
type approvalSchema struct{}

// computedValues are what Create stores, as the API would answer them.
var computedValues = map[string]tftypes.Value{
	"status":     tftypes.NewValue(tftypes.String, "accepted"),
	"marker_id":  tftypes.NewValue(tftypes.Number, 16777501),
	"domain_id":  tftypes.NewValue(tftypes.String, "d0ma1n0000000000000000000000000001"),
	"created_at": tftypes.NewValue(tftypes.String, "2026-12-04T18:32:14Z"),
	"updated_at": tftypes.NewValue(tftypes.String, "2026-12-04T18:32:15Z"),
}

func (approvalSchema) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_approval"
}

func (approvalSchema) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	provider.NewConnectionApprovalResource().Schema(ctx, req, resp)
}

func (approvalSchema) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	rewrite(req.Plan.Raw, &resp.State, &resp.Diagnostics, func(attrs map[string]tftypes.Value) {
		var serviceID, endpointID string
		_ = attrs["service_id"].As(&serviceID)
		_ = attrs["endpoint_id"].As(&endpointID)
		attrs["id"] = tftypes.NewValue(tftypes.String, serviceID+"/"+endpointID)
		for name, v := range computedValues {
			attrs[name] = v
		}
		if !attrs["description"].IsKnown() {
			attrs["description"] = tftypes.NewValue(tftypes.String, "")
		}
		attrs["error"] = tftypes.NewValue(attrs["error"].Type(), []tftypes.Value{})
	})
}

func (approvalSchema) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	rewrite(req.State.Raw, &resp.State, &resp.Diagnostics, func(map[string]tftypes.Value) {})
}

func (approvalSchema) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	rewrite(req.Plan.Raw, &resp.State, &resp.Diagnostics, func(map[string]tftypes.Value) {})
}

func (approvalSchema) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// rewrite decodes from into its attributes, lets change them, and stores the result.
func rewrite(from tftypes.Value, to *tfsdk.State, diags *diag.Diagnostics, change func(map[string]tftypes.Value)) {
	var attrs map[string]tftypes.Value
	if err := from.As(&attrs); err != nil {
		diags.AddError("Cannot decode the value", err.Error())
		return
	}
	change(attrs)
	to.Raw = tftypes.NewValue(from.Type(), attrs)
}
