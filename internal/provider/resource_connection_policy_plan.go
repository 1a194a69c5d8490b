package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
)

// The plan of vpcep_connection_policy is the contract of its apply:
// `connections` holds every connection of the service with its status, and
// the plan of an existing policy sets the status of each connection the
// apply changes to the one it leads to. The plan is computed from the
// refreshed state and the private memory of what the refresh read (the
// accounts), never from a new read, so Terraform's second plan at apply is
// identical and the apply sends exactly what the plan showed.

// ValidateConfig refuses an id under both accept and reject of one kind, a
// null in a rule list, and timeouts that cannot work, at plan time.
func (r *connectionPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateTimeouts(ctx, req.Config, &resp.Diagnostics)
	m, diags := policyModelFrom(ctx, req.Config.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	nullRuleDiags(m, &resp.Diagnostics)
	// Unknown ids are checked again at apply, when they are known.
	rules, _ := policyRules(m)
	conflictDiags(rules, &resp.Diagnostics)
}

// conflictDiags adds an error per kind of id listed under both accept and
// reject, naming the ids; it reports whether there was any.
func conflictDiags(rules policy.Rules, diags *diag.Diagnostics) bool {
	endpoints, domains := rules.Conflicts()
	for _, c := range []struct {
		ids            []string
		accept, reject string
	}{
		{endpoints, policyAttrAcceptEndpointIDs, policyAttrRejectEndpointIDs},
		{domains, policyAttrAcceptDomainIDs, policyAttrRejectDomainIDs},
	} {
		if len(c.ids) == 0 {
			continue
		}
		diags.AddAttributeError(path.Root(c.reject), "ID both accepted and rejected",
			fmt.Sprintf("%s and %s both list %s. A connection cannot be both: remove each ID from one of the two "+
				"lists. Nothing was sent.", c.accept, c.reject, quoteAll(c.ids)))
	}
	return len(endpoints)+len(domains) > 0
}

// nullRuleDiags refuses a null in a rule list: it is what try(x.id, null)
// gives for an ID that is missing, and a rule that names nobody would
// silently cut off or admit no one.
func nullRuleDiags(m connectionPolicyModel, diags *diag.Diagnostics) {
	for name, set := range map[string]idSetValue{policyAttrAcceptEndpointIDs: m.AcceptEndpointIDs,
		policyAttrAcceptDomainIDs: m.AcceptDomainIDs, policyAttrRejectEndpointIDs: m.RejectEndpointIDs,
		policyAttrRejectDomainIDs: m.RejectDomainIDs} {
		for _, v := range set.Elements() {
			if v.IsNull() {
				diags.AddAttributeError(path.Root(name), "Null in a rule list",
					fmt.Sprintf("%s holds a null, which names no endpoint or account: an expression such as "+
						"try(x.id, null) found no ID. Give the ID, or leave the element out (compact() drops nulls "+
						"from a list). Nothing was sent.", name))
				break
			}
		}
	}
}

func quoteAll(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}

// ModifyPlan plans every kind of change of a policy; see planUpdate,
// planCreate and planDestroy.
func (r *connectionPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	plan, diags := policyModelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		r.planCreate(ctx, plan, req, resp)
		return
	}
	state, diags := policyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	switch {
	case resp.Diagnostics.HasError():
	case !state.ServiceID.Equal(plan.ServiceID):
		r.planServiceChange(ctx, plan, state, req, resp)
	default:
		r.planUpdate(ctx, plan, state, req, resp)
	}
}

// planUpdate plans `connections` from the refreshed state and the accounts
// the refresh kept: each connection the rules would change gets the status
// it will have. A consumer that connects after the refresh is not in the
// plan, so the apply leaves it for the next plan, which names it.
func (r *connectionPolicyResource) planUpdate(ctx context.Context, plan, state connectionPolicyModel,
	req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	rules, known := policyRules(plan)
	if !r.claim(plan.ServiceID, policy.PlanUpdate, rules, &resp.Diagnostics) {
		return
	}
	setPlanned := func(v types.Map) {
		plan.Connections = v
		resp.Diagnostics.Append(writePolicy(ctx, plan, func(v tftypes.Value) { resp.Plan.Raw = v })...)
	}
	if !known {
		resp.Diagnostics.Append(unknownRulesDiag(plan.ServiceID.ValueString(), false))
		setPlanned(types.MapUnknown(types.StringType))
		return
	}
	mem, diags := readPolicyMemory(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	statuses := statusesOf(state.Connections)
	svc, ok := mem.Service(statuses)
	if !ok {
		resp.Diagnostics.AddAttributeWarning(path.Root(policyAttrConnections), "Connections not planned one by one",
			fmt.Sprintf("The state of the policy of endpoint service %s does not hold the accounts of its connections "+
				"(it was written without a refresh), so this plan cannot name the endpoints the apply changes: the apply "+
				"reads the service and decides it by the rules. Run terraform plan again without -refresh=false to see "+
				"each endpoint.", plan.ServiceID.ValueString()))
		setPlanned(types.MapUnknown(types.StringType))
		return
	}
	setPlanned(statusesValue(policy.Planned(statuses, policy.Plan(rules, svc))))
	stateRules, _ := policyRules(state)
	if d := newlyFailedDiag(plan.ServiceID.ValueString(), rules, stateRules, svc); d != nil {
		resp.Diagnostics.Append(d)
	}
	r.planWarnings(plan.ServiceID.ValueString(), rules, svc, mem.Domains, &resp.Diagnostics)
}

// planCreate names, in a warning, what the create will decide: before the
// resource exists its attributes cannot show it. A create planned over a
// policy's own memory is the second plan of a replacement on the same
// service (-replace, replace_triggered_by), which is refused.
func (r *connectionPolicyResource) planCreate(ctx context.Context, plan connectionPolicyModel, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if replacingInPlace(ctx, req.Private) {
		resp.Diagnostics.AddError("A connection policy cannot be replaced on its own service",
			fmt.Sprintf("Replacing the vpcep_connection_policy of endpoint service %s (terraform apply -replace, or "+
				"lifecycle.replace_triggered_by) destroys it and creates it again: with on_destroy = \"reject\" the "+
				"destroy rejects every connection the policy accepted, cutting those consumers off until the new policy "+
				"accepts them again, and whatever on_destroy says, the new policy's decisions cannot be named in this "+
				"plan. A policy has no cloud object to rebuild: a plain terraform apply already decides every "+
				"connection by the rules. This policy sends nothing.", plan.ServiceID.ValueString()))
		return
	}
	rules, _ := policyRules(plan)
	if !r.claim(plan.ServiceID, policy.PlanCreate, rules, &resp.Diagnostics) || changingService(ctx, req.Private) {
		return // a service_id change's first plan named what this create decides
	}
	r.createWarnings(ctx, plan, &resp.Diagnostics)
}

// replacingInPlace reports whether a create is planned with the memory of
// an existing policy: Terraform passes the first plan's private state to the
// second plan of a replacement, and nothing else to a create. A change of
// service_id marks its own replacement (planServiceChange).
func replacingInPlace(ctx context.Context, p privateState) bool {
	mem, _ := p.GetKey(ctx, policyMemoryKey)
	return len(mem) > 0 && !changingService(ctx, p)
}

// changingService reports whether a create is the second plan of a change
// of service_id (planServiceChange marked the first).
func changingService(ctx context.Context, p privateState) bool {
	mark, _ := p.GetKey(ctx, policyServiceChangeKey)
	return len(mark) > 0
}

// createWarnings names what a create of plan will decide, reading the
// service for it; the apply reads it again (see the resource page for a
// consumer that connects in between).
func (r *connectionPolicyResource) createWarnings(ctx context.Context, plan connectionPolicyModel, diags *diag.Diagnostics) {
	rules, known := policyRules(plan)
	switch {
	case !isKnown(plan.ServiceID):
		diags.AddAttributeWarning(path.Root(connAttrServiceID), "Service not known until apply",
			"service_id is known only after apply, so this plan cannot name the connections the policy will decide, "+
				"nor check that no other vpcep_connection_policy of this configuration decides the same service: that "+
				"check runs at apply, after any other policy may have been applied. Make service_id known at plan time "+
				"(for example from a variable or a separate apply) to review each endpoint.")
		return
	case !known:
		diags.Append(unknownRulesDiag(plan.ServiceID.ValueString(), true))
		return
	case r.data == nil:
		return
	}
	serviceID := plan.ServiceID.ValueString()
	conns, err := r.data.Client.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{})
	if err != nil {
		// A plan that cannot name what the policy will decide is no plan to approve.
		diags.Append(policyReadErrorDiag(serviceID, err, "Nothing was sent: the plan reads the service to name "+
			"each connection the new policy will decide."))
		return
	}
	svc := policy.ServiceOf(conns)
	diags.Append(createPlanDiag(serviceID, policy.Plan(rules, svc), svc))
	diags.Append(failedConnectionsDiag(serviceID, rules, conns)...)
	r.planWarnings(serviceID, rules, svc, domainsOf(svc), diags)
}

// planServiceChange plans a change of service_id, which replaces the
// policy. Terraform shows the warnings of this first plan of a replacement
// only (it drops those of the second, the create's), so this one names both
// what destroying the old service's policy rejects and what the create on
// the new service decides.
func (r *connectionPolicyResource) planServiceChange(ctx context.Context, plan, state connectionPolicyModel,
	req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, policyServiceChangeKey, []byte("true"))...)
	if !r.destroyWarnings(ctx, state, req.Private, &resp.Diagnostics) {
		return
	}
	next := fmt.Sprintf("a new one decides endpoint service %s, as any new policy does (a consumer that connects "+
		"after this plan is decided by its rules); the other warnings of this plan name each endpoint of both",
		plan.ServiceID.ValueString())
	if !isKnown(plan.ServiceID) {
		next = "a new one decides the service that service_id turns out to be at apply. If that is the same service, " +
			"the consumers the destroy rejects are cut off until the new policy accepts them again: keep service_id " +
			"known at plan time to avoid it"
	}
	resp.Diagnostics.AddAttributeWarning(path.Root(connAttrServiceID), "Changing service_id replaces the policy",
		fmt.Sprintf("The policy of endpoint service %s is destroyed (on_destroy = %q), and %s.",
			state.ServiceID.ValueString(), state.OnDestroy.ValueString(), next))
	r.createWarnings(ctx, plan, &resp.Diagnostics)
}

// planDestroy names, in a warning, every connection the destroy rejects.
func (r *connectionPolicyResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	state, diags := policyModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if !resp.Diagnostics.HasError() {
		r.destroyWarnings(ctx, state, req.Private, &resp.Diagnostics)
	}
}

// destroyWarnings claims the destroy of the policy in state and names what
// it rejects; it reports false when the claim was refused.
func (r *connectionPolicyResource) destroyWarnings(ctx context.Context, state connectionPolicyModel, private privateState, diags *diag.Diagnostics) bool {
	rules, _ := policyRules(state)
	if !r.claim(state.ServiceID, policy.PlanDestroy, rules, diags) {
		return false
	}
	if state.OnDestroy.ValueString() == policy.OnDestroyLeave {
		return true
	}
	mem, d := readPolicyMemory(ctx, private)
	diags.Append(d...)
	if w := destroyPlanDiag(state.ServiceID.ValueString(), policy.DestroyRejections(mem.Accepted, statusesOf(state.Connections))); w != nil {
		diags.Append(w)
	}
	return true
}

// claim records the plan in the run's claims; it reports false, with an
// error on service_id, when another policy of the run decides the service.
// Rules still unknown count as they read so far.
func (r *connectionPolicyResource) claim(serviceID types.String, kind policy.PlanKind, rules policy.Rules, diags *diag.Diagnostics) bool {
	if r.data == nil || r.data.Claims == nil || !isKnown(serviceID) {
		return true
	}
	if err := r.data.Claims.ClaimPolicy(serviceID.ValueString(), kind, rules); err != nil {
		diags.AddAttributeError(path.Root(connAttrServiceID), "Two connection policies for one endpoint service", err.Error()+".")
		return false
	}
	return true
}

// planWarnings warns about rules that match nothing and approvals of the same configuration that the policy contradicts.
func (r *connectionPolicyResource) planWarnings(serviceID string, rules policy.Rules, svc policy.Service,
	domains map[string]string, diags *diag.Diagnostics) {
	if u := rules.Unmatched(svc); len(u) > 0 {
		diags.Append(unmatchedRulesDiag(serviceID, u))
	}
	if r.data != nil && r.data.Claims != nil {
		for _, x := range r.data.Claims.PolicyDecides(serviceID, rules, domains) {
			diags.Append(contradictionDiag(serviceID, x))
		}
	}
}

// policyRules reads the rules of m; known is false while any of them is unknown.
func policyRules(m connectionPolicyModel) (rules policy.Rules, known bool) {
	known = !m.Others.IsUnknown()
	lists := make([][]string, 4)
	for i, s := range []types.Set{m.AcceptEndpointIDs.SetValue, m.AcceptDomainIDs.SetValue, m.RejectEndpointIDs.SetValue, m.RejectDomainIDs.SetValue} {
		if s.IsUnknown() {
			known = false
			continue
		}
		for _, v := range s.Elements() {
			str, ok := v.(types.String)
			if !ok || str.IsUnknown() {
				known = false
				continue
			}
			if !str.IsNull() {
				lists[i] = append(lists[i], str.ValueString())
			}
		}
	}
	return policy.NewRules(lists[0], lists[1], lists[2], lists[3], m.Others.ValueString()), known
}

// statusesOf converts `connections`; unknown or null is empty.
func statusesOf(v types.Map) map[string]string {
	out := make(map[string]string, len(v.Elements()))
	for id, elem := range v.Elements() {
		if s, ok := elem.(types.String); ok && isKnown(s) {
			out[id] = s.ValueString()
		}
	}
	return out
}

// statusesValue converts statuses into `connections`.
func statusesValue(statuses map[string]string) types.Map {
	elems := make(map[string]attr.Value, len(statuses))
	for id, s := range statuses {
		elems[id] = types.StringValue(s)
	}
	return types.MapValueMust(types.StringType, elems)
}

func domainsOf(svc policy.Service) map[string]string {
	out := make(map[string]string, len(svc))
	for id, c := range svc {
		out[id] = c.DomainID
	}
	return out
}

// policyMemoryKey is the private state key of the policy's memory;
// policyServiceChangeKey marks the plan of a replacement that a change of
// service_id caused, whose first plan named everything.
const (
	policyMemoryKey        = "policy"
	policyServiceChangeKey = "service_change"
)

// privateState is the part of the framework's private state the policy uses.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func readPolicyMemory(ctx context.Context, p privateState) (policy.Memory, diag.Diagnostics) {
	b, diags := p.GetKey(ctx, policyMemoryKey)
	m, err := policy.UnmarshalMemory(b)
	if err != nil {
		diags.AddWarning("Policy memory unreadable", err.Error()+". The next refresh writes it again.")
	}
	return m, diags
}

func writePolicyMemory(ctx context.Context, p privateState, m policy.Memory) diag.Diagnostics {
	b, err := m.Marshal()
	if err != nil {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Policy memory not written", err.Error())}
	}
	return p.SetKey(ctx, policyMemoryKey, b)
}
