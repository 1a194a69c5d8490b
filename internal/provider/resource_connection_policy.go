package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
)

var (
	_ resource.Resource                   = (*connectionPolicyResource)(nil)
	_ resource.ResourceWithConfigure      = (*connectionPolicyResource)(nil)
	_ resource.ResourceWithImportState    = (*connectionPolicyResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectionPolicyResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectionPolicyResource)(nil)
)

// Attribute names of vpcep_connection_policy.
const (
	policyAttrAcceptEndpointIDs = "accept_endpoint_ids"
	policyAttrAcceptDomainIDs   = "accept_domain_ids"
	policyAttrRejectEndpointIDs = "reject_endpoint_ids"
	policyAttrRejectDomainIDs   = "reject_domain_ids"
	policyAttrOthers            = "others"
	policyAttrOnDestroy         = "on_destroy"
	policyAttrConcurrency       = "concurrent_requests"
	policyAttrConnections       = "connections"
	policyAttrDecision          = "decision"
)

// maxConcurrentRequests bounds concurrent_requests: more only earns throttling.
const maxConcurrentRequests = 256

// NewConnectionPolicyResource returns the vpcep_connection_policy resource.
func NewConnectionPolicyResource() resource.Resource { return &connectionPolicyResource{} }

type connectionPolicyResource struct {
	data *providerData // nil until the provider is configured
}

// connectionPolicyModel is the resource's schema as Go values.
type connectionPolicyModel struct {
	ID                 types.String   `tfsdk:"id"`
	ServiceID          types.String   `tfsdk:"service_id"`
	AcceptEndpointIDs  types.Set      `tfsdk:"accept_endpoint_ids"`
	AcceptDomainIDs    types.Set      `tfsdk:"accept_domain_ids"`
	RejectEndpointIDs  types.Set      `tfsdk:"reject_endpoint_ids"`
	RejectDomainIDs    types.Set      `tfsdk:"reject_domain_ids"`
	Others             types.String   `tfsdk:"others"`
	OnDestroy          types.String   `tfsdk:"on_destroy"`
	ConcurrentRequests types.Int64    `tfsdk:"concurrent_requests"`
	Connections        types.Map      `tfsdk:"connections"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *connectionPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_policy"
}

func (r *connectionPolicyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	idSet := func(desc string) schema.SetAttribute {
		return schema.SetAttribute{
			Optional: true, ElementType: types.StringType, MarkdownDescription: desc,
			Validators: []validator.Set{setvalidator.ValueStringsAre(idValidator{forbidSlash: true})},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Decides every connection of one of your VPC endpoint services by rules: accept or " +
			"reject endpoints by their id or by their owner's account, and choose what happens to the rest. " +
			"One resource per service; the plan names each endpoint whose connection would change, and new " +
			"consumers show up in the next plan. Use `vpcep_connection_approval` instead for fine-grained control " +
			"of single connections (descriptions, per-endpoint timeouts).",
		Attributes: map[string]schema.Attribute{
			connAttrID: schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The service ID; also the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			connAttrServiceID: schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of your VPC endpoint service (1-64 characters). Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{idValidator{forbidSlash: true}},
			},
			policyAttrAcceptEndpointIDs: idSet("VPC endpoint IDs whose connections are accepted. An endpoint's own " +
				"rule beats its account's rule. An ID may not also be in `reject_endpoint_ids`."),
			policyAttrAcceptDomainIDs: idSet("Account (domain) IDs whose endpoints are accepted, unless the endpoint " +
				"is in `reject_endpoint_ids`. An ID may not also be in `reject_domain_ids`."),
			policyAttrRejectEndpointIDs: idSet("VPC endpoint IDs whose connections are rejected, whatever their account's rule."),
			policyAttrRejectDomainIDs: idSet("Account (domain) IDs whose endpoints are rejected, unless the endpoint " +
				"is in `accept_endpoint_ids`."),
			policyAttrOthers: schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(policy.OthersLeave),
				MarkdownDescription: "What happens to connections that no rule names: `leave` (the default) leaves them " +
					"untouched, `reject` rejects them, which makes the policy an allowlist.",
				Validators: []validator.String{stringvalidator.OneOf(policy.OthersLeave, policy.OthersReject)},
			},
			policyAttrOnDestroy: schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(policy.OnDestroyReject),
				MarkdownDescription: "What destroying the policy does: `reject` (the default) rejects the connections " +
					"the policy accepts that are still accepted (or being accepted), and nothing else; `leave` leaves every " +
					"connection as it is.",
				Validators: []validator.String{stringvalidator.OneOf(policy.OnDestroyReject, policy.OnDestroyLeave)},
			},
			policyAttrConcurrency: schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(policy.DefaultConcurrency),
				MarkdownDescription: fmt.Sprintf("How many requests an apply has in flight at once (1-%d, default %d). "+
					"When the API throttles, every request pauses together and honours Retry-After.",
					maxConcurrentRequests, policy.DefaultConcurrency),
				Validators: []validator.Int64{int64validator.Between(1, maxConcurrentRequests)},
			},
			policyAttrConnections: schema.MapNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every connection the policy decides, keyed by VPC endpoint ID. A status the " +
					"plan shows as `(known after apply)` is one the apply changes. Connections no rule names are " +
					"not listed while `others = \"leave\"`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					connAttrDomainID: schema.StringAttribute{Computed: true, MarkdownDescription: connDescDomainID},
					connAttrStatus: schema.StringAttribute{Computed: true,
						MarkdownDescription: "Live status of the connection: `pendingAcceptance`, `creating`, `accepted`, " +
							"`rejected`, `failed` (plans and applies warn with its errors) or `deleting`."},
					policyAttrDecision: schema.StringAttribute{Computed: true,
						MarkdownDescription: "What the policy decides: `accept` or `reject`."},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			attrTimeouts: timeouts.Block(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long create may take to send every decision and wait for the connections " +
					"to settle (a duration such as `30s` or `10m`). Default: `10m`.",
				UpdateDescription: "How long an update may take to send and settle its decisions. Default: `10m`.",
				DeleteDescription: "How long destroy may take to reject the connections. Default: `10m`.",
			}),
		},
	}
}

func (r *connectionPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	pd, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = pd
}

func (r *connectionPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan connectionPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setPolicyIdentity(ctx, resp.Identity, plan.ServiceID.ValueString())...)
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A failure saves nothing: a policy in state after a failed create would
	// be tainted, and replacing it would reject what it accepted. The next
	// apply plans from the live statuses, so it sends only what is missing.
	next, ok := r.apply(ctx, plan, nil, timeout, opCreate, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

func (r *connectionPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan connectionPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setPolicyIdentity(ctx, resp.Identity, plan.ServiceID.ValueString())...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// State keeps what settled, whatever happened, so the next plan shows
	// only the connections still to decide.
	var state connectionPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	prior, diags := policyEntries(state.Connections)
	resp.Diagnostics.Append(diags...)
	next, _ := r.apply(ctx, plan, prior, timeout, opUpdate, &resp.Diagnostics)
	if next.Connections.IsUnknown() {
		next.Connections = state.Connections // nothing was sent
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
}

// apply carries out plan and returns the new state; ok is false when any
// decision failed (the diagnostics say which and why). prior are the
// connections in state before, if any. Connections stay unknown when nothing was sent.
func (r *connectionPolicyResource) apply(ctx context.Context, plan connectionPolicyModel, prior map[string]policy.Entry,
	timeout time.Duration, op operation, diags *diag.Diagnostics) (connectionPolicyModel, bool) {
	next := plan
	next.ID = plan.ServiceID
	next.Connections = types.MapUnknown(policyConnectionType)
	if r.data == nil {
		diags.Append(notConfiguredDiag())
		return next, false
	}
	serviceID := plan.ServiceID.ValueString()
	rules, _ := policyRules(plan) // known at apply
	if conflictDiags(rules, diags) {
		return next, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ctx = tflog.SetField(ctx, connAttrServiceID, serviceID)

	entries, d := policyEntries(plan.Connections)
	diags.Append(d...)
	if plan.Connections.IsUnknown() {
		// The rules or the provider were not known at plan time: decide from a fresh read.
		conns, err := r.data.Client.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{})
		if err != nil {
			diags.Append(policyReadErrorDiag(serviceID, err, "Nothing was changed."))
			return next, false
		}
		entries = policy.Evaluate(rules, conns)
		diags.Append(failedConnectionsDiag(serviceID, entries, conns)...)
	}
	out := r.applier(ctx, plan).Apply(ctx, serviceID, policy.Changes(entries))
	entries = mergeOutcome(entries, prior, out)
	conns, d := policyConnectionsValue(entries)
	diags.Append(d...)
	next.Connections = conns
	if len(out.Stuck) > 0 {
		diags.Append(stuckConnectionsDiag(serviceID, out.Stuck))
	}
	if len(out.Failed) > 0 {
		diags.Append(failedDecisionsDiag(op, serviceID, out.Failed, timeout))
		return next, false
	}
	return next, true
}

// applier is the policy's Applier with the plan's bound and the provider's log.
func (r *connectionPolicyResource) applier(ctx context.Context, m connectionPolicyModel) *policy.Applier {
	return &policy.Applier{API: r.data.Client, Concurrency: int(m.ConcurrentRequests.ValueInt64()),
		Log: func(msg string, fields map[string]any) { tflog.Info(ctx, msg, fields) }}
}

func (r *connectionPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectionPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	serviceID := state.ServiceID.ValueString()
	resp.Diagnostics.Append(setPolicyIdentity(ctx, resp.Identity, serviceID)...)
	if r.data == nil {
		resp.Diagnostics.AddWarning("VPC endpoint connection policy not refreshed",
			fmt.Sprintf("The vpcep provider's configuration depends on values known only after apply, so the "+
				"connections of endpoint service %s were not read during this plan; changes made outside "+
				"Terraform show in the next plan.", serviceID))
		return
	}
	rules, _ := policyRules(state) // state holds no unknowns
	conns, err := r.data.Client.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{})
	if client.IsNotFound(err) {
		tflog.Info(ctx, "endpoint service is gone; removing the policy from state", map[string]any{connAttrServiceID: serviceID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(policyReadErrorDiag(serviceID, err, "State is unchanged; the next plan reads it again."))
		return
	}
	entries := policy.Evaluate(rules, conns)
	resp.Diagnostics.Append(failedConnectionsDiag(serviceID, entries, conns)...)
	var diags diag.Diagnostics
	state.Connections, diags = policyConnectionsValue(entries)
	resp.Diagnostics.Append(diags...)
	state.ID = state.ServiceID
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *connectionPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.OnDestroy.ValueString() == policy.OnDestroyLeave {
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(notConfiguredDiag())
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	serviceID := state.ServiceID.ValueString()
	entries, diags := policyEntries(state.Connections)
	resp.Diagnostics.Append(diags...)
	conns, err := r.data.Client.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{})
	if client.IsNotFound(err) {
		return // no service, no connections
	}
	if err != nil {
		resp.Diagnostics.Append(policyReadErrorDiag(serviceID, err, "Nothing was rejected; the policy stays in state "+
			"and the next destroy tries again."))
		return
	}
	out := r.applier(ctx, state).Apply(ctx, serviceID, policy.DestroyChanges(entries, conns))
	if len(out.Stuck) > 0 {
		resp.Diagnostics.Append(stuckConnectionsDiag(serviceID, out.Stuck))
	}
	if len(out.Failed) > 0 {
		resp.Diagnostics.Append(failedDecisionsDiag(opDelete, serviceID, out.Failed, timeout))
	}
}

func (r *connectionPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	serviceID, err := policyImportTarget(ctx, req)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	resp.Diagnostics.Append(setPolicyIdentity(ctx, resp.Identity, serviceID)...)
	// The defaults, so that a configuration that keeps them plans only the connections.
	for name, v := range map[string]any{
		connAttrID: serviceID, connAttrServiceID: serviceID, policyAttrOthers: policy.OthersLeave,
		policyAttrOnDestroy: policy.OnDestroyReject, policyAttrConcurrency: int64(policy.DefaultConcurrency),
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}
