// Command approvalstandin stands in, in the state-move tests, for the
// huaweicloud, opentelekomcloud and flexibleengine providers, which no test
// can install: it serves their VPC endpoint approval resource under their
// names, with their schema (version 0: id, region, service_id, the set
// endpoints, the computed list connections, a timeouts block), and behaves as
// they do against the API: one receive per endpoint and a wait for it to
// settle, a reject of every endpoint on destroy. The binary's name
// (terraform-provider-NAME) says which provider it is. The migration guide's
// rehearsal runs it in place of the real huaweicloud provider, so its
// provider block also takes the settings that rehearsal gives the real one
// (auth_url, skip_check_website_type, skip_check_upgrade), and ignores them.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// resourceTypes is the approval resource's type name in each provider.
var resourceTypes = map[string]string{
	"huaweicloud":      "huaweicloud_vpcep_approval",
	"opentelekomcloud": "opentelekomcloud_vpcep_approval_v1",
	"flexibleengine":   "flexibleengine_vpcep_approval",
}

// namespaces is each provider's registry namespace.
var namespaces = map[string]string{
	"huaweicloud":      "huaweicloud",
	"opentelekomcloud": "opentelekomcloud",
	"flexibleengine":   "flexibleenginecloud",
}

func main() {
	name := strings.TrimPrefix(filepath.Base(os.Args[0]), "terraform-provider-")
	if _, ok := resourceTypes[name]; !ok {
		log.Fatalf("approvalstandin: unknown provider %q (name the binary terraform-provider-huaweicloud, -opentelekomcloud or -flexibleengine)", name)
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &standin{name: name} },
		providerserver.ServeOpts{Address: "registry.terraform.io/" + namespaces[name] + "/" + name, ProtocolVersion: 5})
	if err != nil {
		log.Fatal(err)
	}
}

type standin struct{ name string }

type providerModel struct {
	Region    types.String `tfsdk:"region"`
	ProjectID types.String `tfsdk:"project_id"`
	AccessKey types.String `tfsdk:"access_key"`
	SecretKey types.String `tfsdk:"secret_key"`
	Endpoints types.Map    `tfsdk:"endpoints"`
	// Accepted for the real provider's sake, and unused: the stand-in asks
	// no IAM and checks no website type or upgrade.
	AuthURL              types.String `tfsdk:"auth_url"`
	SkipCheckWebsiteType types.Bool   `tfsdk:"skip_check_website_type"`
	SkipCheckUpgrade     types.Bool   `tfsdk:"skip_check_upgrade"`
}

// configured is what Configure hands to the resource.
type configured struct {
	api    *client.Client
	region string
}

func (p *standin) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = p.name
}

func (p *standin) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = pschema.Schema{Attributes: map[string]pschema.Attribute{
		"region":     pschema.StringAttribute{Required: true},
		"project_id": pschema.StringAttribute{Required: true},
		"access_key": pschema.StringAttribute{Required: true},
		"secret_key": pschema.StringAttribute{Required: true, Sensitive: true},
		// Custom service endpoints by service name, as the real providers take them.
		"endpoints":               pschema.MapAttribute{Required: true, ElementType: types.StringType},
		"auth_url":                pschema.StringAttribute{Optional: true},
		"skip_check_website_type": pschema.BoolAttribute{Optional: true},
		"skip_check_upgrade":      pschema.BoolAttribute{Optional: true},
	}}
}

func (p *standin) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	endpoints := map[string]string{}
	resp.Diagnostics.Append(m.Endpoints.ElementsAs(ctx, &endpoints, false)...)
	api, err := client.New(client.Config{Endpoint: endpoints["vpcep"], ProjectID: m.ProjectID.ValueString(),
		AccessKey: m.AccessKey.ValueString(), SecretKey: m.SecretKey.ValueString(), MaxRetries: 3})
	if err != nil {
		resp.Diagnostics.AddError("client", err.Error())
		return
	}
	resp.ResourceData = &configured{api: api, region: m.Region.ValueString()}
}

func (p *standin) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return &approval{typeName: resourceTypes[p.name]} }}
}

func (p *standin) DataSources(context.Context) []func() datasource.DataSource { return nil }

type approval struct {
	typeName string
	c        *configured
}

type approvalModel struct {
	ID          types.String `tfsdk:"id"`
	Region      types.String `tfsdk:"region"`
	ServiceID   types.String `tfsdk:"service_id"`
	Endpoints   types.Set    `tfsdk:"endpoints"`
	Connections types.List   `tfsdk:"connections"`
	Timeouts    types.Object `tfsdk:"timeouts"`
}

var connectionType = map[string]attr.Type{
	"endpoint_id": types.StringType, "packet_id": types.Int64Type, "domain_id": types.StringType,
	"status": types.StringType, "description": types.StringType,
}

func (a *approval) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = a.typeName
}

func (a *approval) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"region": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}},
			"service_id": schema.StringAttribute{Required: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"endpoints": schema.SetAttribute{Required: true, ElementType: types.StringType,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()}},
			// A computed list of objects: protocol 5 has no nested attributes.
			"connections": schema.ListAttribute{Computed: true, ElementType: types.ObjectType{AttrTypes: connectionType}},
		},
		Blocks: map[string]schema.Block{
			"timeouts": schema.SingleNestedBlock{Attributes: map[string]schema.Attribute{
				"create": schema.StringAttribute{Optional: true}, "delete": schema.StringAttribute{Optional: true},
			}},
		},
	}
}

func (a *approval) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*configured); ok {
		a.c = c
	}
}

func (a *approval) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m approvalModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	var endpoints []string
	resp.Diagnostics.Append(m.Endpoints.ElementsAs(ctx, &endpoints, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := a.decide(ctx, m.ServiceID.ValueString(), client.ActionReceive, endpoints); err != nil {
		resp.Diagnostics.AddError("error receiving connections", err.Error())
		return
	}
	m.ID = m.ServiceID
	if m.Region.IsUnknown() || m.Region.IsNull() {
		m.Region = types.StringValue(a.c.region)
	}
	a.readInto(ctx, &m, resp.State.Set, &resp.Diagnostics)
}

func (a *approval) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m approvalModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	a.readInto(ctx, &m, resp.State.Set, &resp.Diagnostics)
}

func (a *approval) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state approvalModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	var want, had []string
	resp.Diagnostics.Append(plan.Endpoints.ElementsAs(ctx, &want, false)...)
	resp.Diagnostics.Append(state.Endpoints.ElementsAs(ctx, &had, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := a.decide(ctx, plan.ServiceID.ValueString(), client.ActionReceive, minus(want, had)); err != nil {
		resp.Diagnostics.AddError("error receiving connections", err.Error())
		return
	}
	if err := a.decide(ctx, plan.ServiceID.ValueString(), client.ActionReject, minus(had, want)); err != nil {
		resp.Diagnostics.AddError("error rejecting connections", err.Error())
		return
	}
	plan.ID, plan.Region = state.ID, state.Region
	a.readInto(ctx, &plan, resp.State.Set, &resp.Diagnostics)
}

func (a *approval) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m approvalModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	var endpoints []string
	resp.Diagnostics.Append(m.Endpoints.ElementsAs(ctx, &endpoints, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := a.decide(ctx, m.ServiceID.ValueString(), client.ActionReject, endpoints); err != nil {
		resp.Diagnostics.AddError("error rejecting connections", err.Error())
	}
}

// decide sends action for each endpoint in turn and waits for it to settle,
// failing on the first status that is neither pending nor the target.
func (a *approval) decide(ctx context.Context, serviceID, action string, endpoints []string) error {
	target := client.StatusAccepted
	if action == client.ActionReject {
		target = client.StatusRejected
	}
	for _, id := range endpoints {
		if _, err := a.c.api.AcceptOrReject(ctx, serviceID, id, action); err != nil {
			return err
		}
		for {
			conn, err := a.c.api.GetConnection(ctx, serviceID, id)
			if err != nil {
				return err
			}
			if conn.Status == target {
				break
			}
			if conn.Status != client.StatusCreating && conn.Status != client.StatusPendingAcceptance {
				return fmt.Errorf("endpoint %s: unexpected state %q, wanted target %q", id, conn.Status, target)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// readInto lists the service's connections into m and saves m with set.
func (a *approval) readInto(ctx context.Context, m *approvalModel, set func(context.Context, any) diag.Diagnostics, diags *diag.Diagnostics) {
	conns, err := a.c.api.ListAllConnections(ctx, m.ServiceID.ValueString(), client.ListConnectionsOptions{})
	if err != nil {
		diags.AddError("error reading connections", err.Error())
		return
	}
	var items []attr.Value
	for _, c := range conns {
		items = append(items, types.ObjectValueMust(connectionType, map[string]attr.Value{
			"endpoint_id": types.StringValue(c.ID), "packet_id": types.Int64Value(c.MarkerID),
			"domain_id": types.StringValue(c.DomainID), "status": types.StringValue(c.Status),
			"description": types.StringValue(c.Description),
		}))
	}
	list, d := types.ListValue(types.ObjectType{AttrTypes: connectionType}, items)
	diags.Append(d...)
	m.Connections = list
	diags.Append(set(ctx, m)...)
}

// minus returns the elements of a not in b.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}
