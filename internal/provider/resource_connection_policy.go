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
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
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
	AcceptEndpointIDs  idSetValue     `tfsdk:"accept_endpoint_ids"`
	AcceptDomainIDs    idSetValue     `tfsdk:"accept_domain_ids"`
	RejectEndpointIDs  idSetValue     `tfsdk:"reject_endpoint_ids"`
	RejectDomainIDs    idSetValue     `tfsdk:"reject_domain_ids"`
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
			Optional: true, ElementType: types.StringType, CustomType: newIDSetType(), MarkdownDescription: desc,
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
				Validators:          []validator.String{idValidator{forbidSlash: true}, upperCaseUUID{}},
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
					"this policy accepted itself that are still accepted (or being accepted), whatever the rules say by " +
					"then, and nothing else; `leave` leaves every connection as it is.",
				Validators: []validator.String{stringvalidator.OneOf(policy.OnDestroyReject, policy.OnDestroyLeave)},
			},
			policyAttrConcurrency: schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(approval.DefaultConcurrency),
				MarkdownDescription: fmt.Sprintf("How many requests an apply has in flight at once (1-%d, default %d). "+
					"When the API throttles, every request pauses together and honours Retry-After.",
					maxConcurrentRequests, approval.DefaultConcurrency),
				Validators: []validator.Int64{int64validator.Between(1, maxConcurrentRequests)},
			},
			policyAttrConnections: schema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Every connection of the service, keyed by VPC endpoint ID, with its live status: " +
					"`pendingAcceptance`, `creating`, `accepted`, `rejected` or `failed` (a refresh leaves out connections " +
					"being deleted; one deleted during an apply stays `deleting` until the next refresh). A plan shows each " +
					"connection the apply changes as its status now and the status the apply leads to, for example " +
					"`\"pendingAcceptance\" -> \"accepted\"`, and the apply changes nothing else.",
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
	plan, diags := policyModelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
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
	run, ok := r.start(ctx, plan, timeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer run.cancel()
	svc, ok := run.read("Nothing was changed.")
	if !ok {
		return
	}
	res, ok := run.apply(opCreate, svc, policy.Memory{Accepted: map[string]bool{}}, policy.Plan(run.rules, svc), false)
	if !ok {
		return
	}
	plan.ID, plan.Connections = plan.ServiceID, statusesValue(res.Statuses)
	resp.Diagnostics.Append(writePolicyMemory(ctx, resp.Private, policy.MemoryOf(withStatuses(svc, res.Statuses), res.Accepted))...)
	resp.Diagnostics.Append(writePolicy(ctx, plan, func(v tftypes.Value) { resp.State.Raw = v })...)
}

func (r *connectionPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, diags := policyModelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	state, diags := policyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setPolicyIdentity(ctx, resp.Identity, plan.ServiceID.ValueString())...)
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	mem, diags := readPolicyMemory(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Whatever happens, state keeps every connection with the last status
	// seen, so the next plan shows only the connections still to decide.
	prior, planned := statusesOf(state.Connections), plan.Connections
	plan.ID, plan.Connections = plan.ServiceID, state.Connections
	defer func() {
		resp.Diagnostics.Append(writePolicy(ctx, plan, func(v tftypes.Value) { resp.State.Raw = v })...)
	}()
	run, ok := r.start(ctx, plan, timeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer run.cancel()
	svc, known := mem.Service(prior)
	var changes []policy.Change
	if isKnown(planned) && known {
		changes = policy.ChangesBetween(prior, statusesOf(planned)) // exactly what the plan showed
	} else {
		// The rules were unknown at plan time: decide from a fresh read.
		if svc, ok = run.read("State is unchanged."); !ok {
			return
		}
		changes = policy.Plan(run.rules, svc)
	}
	res, _ := run.apply(opUpdate, svc, mem, changes, isKnown(planned))
	plan.Connections = statusesValue(res.Statuses)
	resp.Diagnostics.Append(writePolicyMemory(ctx, resp.Private, policy.MemoryOf(withStatuses(svc, res.Statuses), res.Accepted))...)
}

// withStatuses is svc with the statuses of an apply's result; an endpoint
// the result dropped (gone) is left out.
func withStatuses(svc policy.Service, statuses map[string]string) policy.Service {
	out := make(policy.Service, len(statuses))
	for id, s := range statuses {
		out[id] = policy.Conn{DomainID: svc[id].DomainID, Status: s}
	}
	return out
}

// policyRun is one create, update or delete of a policy: its rules, its
// deadline, and where its diagnostics go.
type policyRun struct {
	r         *connectionPolicyResource
	ctx       context.Context
	cancel    context.CancelFunc
	model     connectionPolicyModel
	rules     policy.Rules
	serviceID string
	timeout   time.Duration
	diags     *diag.Diagnostics
}

// start checks what an operation needs before anything is sent and starts
// its deadline; the caller defers run.cancel.
func (r *connectionPolicyResource) start(ctx context.Context, m connectionPolicyModel, timeout time.Duration, diags *diag.Diagnostics) (*policyRun, bool) {
	if r.data == nil {
		diags.Append(notConfiguredDiag())
		return nil, false
	}
	rules, _ := policyRules(m) // known at apply
	if conflictDiags(rules, diags) {
		return nil, false
	}
	serviceID := m.ServiceID.ValueString()
	ctx, cancel := context.WithTimeout(tflog.SetField(ctx, connAttrServiceID, serviceID), timeout)
	return &policyRun{r: r, ctx: ctx, cancel: cancel, model: m, rules: rules, serviceID: serviceID, timeout: timeout,
		diags: diags}, true
}

// read lists the service; next says what a failure leaves behind.
func (p *policyRun) read(next string) (policy.Service, bool) {
	conns, err := p.r.data.Client.ListAllConnections(p.ctx, p.serviceID, client.ListConnectionsOptions{})
	if err != nil {
		p.diags.Append(policyReadErrorDiag(p.serviceID, err, next))
		return nil, false
	}
	p.diags.Append(failedConnectionsDiag(p.serviceID, p.rules, conns)...)
	return policy.ServiceOf(conns), true
}

// apply sends changes and merges the outcome over svc; ok is false when
// any decision failed. planned says whether the plan promised the changes'
// targets (an update), which makes an endpoint that failed or went away
// meanwhile an error; on create it is a warning.
func (p *policyRun) apply(op operation, svc policy.Service, mem policy.Memory, changes []policy.Change, planned bool) (policy.Result, bool) {
	out := p.r.batch(p.ctx, p.model).Apply(p.ctx, p.serviceID, policy.Decisions(changes))
	res := policy.Merge(svc.Statuses(), mem.Accepted, changes, out)
	ok := len(out.Failed) == 0
	if len(res.Unplanned) > 0 {
		if planned {
			p.diags.Append(unplannedDiag(p.serviceID, res.Unplanned))
			ok = false
		} else {
			p.diags.Append(stuckConnectionsDiag(p.serviceID, res.Unplanned))
		}
	}
	if len(out.Failed) > 0 {
		p.diags.Append(failedDecisionsDiag(op, p.serviceID, out.Failed, p.timeout))
	}
	return res, ok
}

// batch is the approval engine's Batch with the plan's bound, the shared
// reader (which every write invalidates) and the provider's log.
func (r *connectionPolicyResource) batch(ctx context.Context, m connectionPolicyModel) *approval.Batch {
	return &approval.Batch{API: r.data.Client, Reader: r.data.Reader, Concurrency: int(m.ConcurrentRequests.ValueInt64()),
		Log: func(msg string, fields map[string]any) { tflog.Info(ctx, "connection policy: "+msg, fields) }}
}

func (r *connectionPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := policyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
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
	resp.Diagnostics.Append(failedConnectionsDiag(serviceID, rules, conns)...)
	mem, diags := readPolicyMemory(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	svc := policy.ServiceOf(conns)
	state.ID, state.Connections = state.ServiceID, statusesValue(svc.Statuses())
	resp.Diagnostics.Append(writePolicyMemory(ctx, resp.Private, policy.MemoryOf(svc, mem.Accepted))...)
	resp.Diagnostics.Append(writePolicy(ctx, state, func(v tftypes.Value) { resp.State.Raw = v })...)
}

// Delete rejects what the destroy plan named: the connections this policy
// accepted itself that are still accepted, and nothing else.
func (r *connectionPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, diags := policyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || state.OnDestroy.ValueString() == policy.OnDestroyLeave {
		return
	}
	mem, diags := readPolicyMemory(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	named := policy.DestroyRejections(mem.Accepted, statusesOf(state.Connections))
	if len(named) == 0 || resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	run, ok := r.start(ctx, state, timeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer run.cancel()
	conns, err := r.data.Client.ListAllConnections(run.ctx, run.serviceID, client.ListConnectionsOptions{})
	if client.IsNotFound(err) {
		return // no service, no connections
	}
	if err != nil {
		resp.Diagnostics.Append(policyReadErrorDiag(run.serviceID, err, "Nothing was rejected; the policy stays in state "+
			"and the next destroy tries again."))
		return
	}
	still := map[string]bool{}
	for _, ch := range named {
		still[ch.EndpointID] = true
	}
	svc := policy.ServiceOf(conns)
	run.apply(opDelete, svc, mem, policy.DestroyRejections(still, svc.Statuses()), false)
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
		policyAttrOnDestroy: policy.OnDestroyReject, policyAttrConcurrency: int64(approval.DefaultConcurrency),
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}
