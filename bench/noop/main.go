// Command noop is a Terraform provider that does nothing: noop_approval
// takes the arguments of vpcep_connection_approval, noop_connection_approval
// has its whole schema, noop_policy takes the arguments of
// vpcep_connection_policy, and none makes an API call. The benchmark runs it
// beside the real provider, on the same machine in the same run, as the floor
// of any framework provider and of one with our schema.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func main() {
	err := providerserver.Serve(context.Background(), func() provider.Provider { return noopProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/bench/noop", ProtocolVersion: 6})
	if err != nil {
		log.Fatal(err)
	}
}

type noopProvider struct{}

func (noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (noopProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}

func (noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return approval{} },
		func() resource.Resource { return approvalSchema{} },
		func() resource.Resource { return policy{} },
	}
}

func (noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type approval struct{}

type approvalModel struct {
	ID         types.String `tfsdk:"id"`
	ServiceID  types.String `tfsdk:"service_id"`
	EndpointID types.String `tfsdk:"endpoint_id"`
	Action     types.String `tfsdk:"action"`
}

func (approval) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_approval"
}

func (approval) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":          schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"service_id":  schema.StringAttribute{Required: true},
		"endpoint_id": schema.StringAttribute{Required: true},
		"action":      schema.StringAttribute{Optional: true},
	}}
}

// Each operation decodes and encodes the model, as a real resource does.
func (approval) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	roundTrip(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (approval) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	roundTrip(ctx, req.State, &resp.State, &resp.Diagnostics)
}

func (approval) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	roundTrip(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (approval) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func roundTrip(ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}, to *tfsdk.State, diags *diag.Diagnostics) {
	var m approvalModel
	diags.Append(from.Get(ctx, &m)...)
	m.ID = types.StringValue(m.ServiceID.ValueString() + "/" + m.EndpointID.ValueString())
	diags.Append(to.Set(ctx, &m)...)
}
