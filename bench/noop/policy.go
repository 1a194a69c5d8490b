package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// policy, noop_policy, takes the arguments of vpcep_connection_policy the
// benchmark uses and holds a connections map of synthetic_connections
// entries (endpoint id to status), the shape of the policy's state, without
// any API call: the floor of a resource of that shape.
type policy struct{}

type policyModel struct {
	ServiceID            types.String `tfsdk:"service_id"`
	AcceptDomainIDs      types.Set    `tfsdk:"accept_domain_ids"`
	Others               types.String `tfsdk:"others"`
	OnDestroy            types.String `tfsdk:"on_destroy"`
	SyntheticConnections types.Int64  `tfsdk:"synthetic_connections"`
	Connections          types.Map    `tfsdk:"connections"`
}

func (policy) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_policy"
}

func (policy) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"service_id":            schema.StringAttribute{Required: true},
		"accept_domain_ids":     schema.SetAttribute{Optional: true, ElementType: types.StringType},
		"others":                schema.StringAttribute{Optional: true},
		"on_destroy":            schema.StringAttribute{Optional: true},
		"synthetic_connections": schema.Int64Attribute{Required: true},
		"connections": schema.MapAttribute{Computed: true, ElementType: types.StringType,
			PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()}},
	}}
}

func (policy) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	synthesize(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (policy) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m policyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (policy) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	synthesize(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (policy) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// synthesize saves the plan with a connections map of synthetic_connections entries.
func synthesize(ctx context.Context, plan tfsdk.Plan, to *tfsdk.State, diags *diag.Diagnostics) {
	var m policyModel
	diags.Append(plan.Get(ctx, &m)...)
	n := int(m.SyntheticConnections.ValueInt64())
	conns := make(map[string]attr.Value, n)
	for i := range n {
		conns[fmt.Sprintf("e0d90000-0000-4000-8000-%012x", i+1)] = types.StringValue("accepted")
	}
	v, d := types.MapValue(types.StringType, conns)
	diags.Append(d...)
	m.Connections = v
	diags.Append(to.Set(ctx, &m)...)
}
