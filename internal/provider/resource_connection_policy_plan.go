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

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
)

// The plan of vpcep_connection_policy: `connections` holds every connection
// the rules decide with its live status; the plan marks the status of each
// one the apply would change as unknown, so the plan names those endpoints
// and is empty when every decided connection already has its status.
// Failed connections are not planned: nobody can change them (Read warns).

// policyConnectionAttrTypes are the attributes of one entry of `connections`.
var policyConnectionAttrTypes = map[string]attr.Type{
	connAttrDomainID:   types.StringType,
	connAttrStatus:     types.StringType,
	policyAttrDecision: types.StringType,
}

// policyConnectionType is the element type of `connections`.
var policyConnectionType = types.ObjectType{AttrTypes: policyConnectionAttrTypes}

// ValidateConfig refuses an id under both accept and reject of one kind,
// and timeouts that cannot work, at plan time.
func (r *connectionPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateTimeouts(ctx, req.Config, &resp.Diagnostics)
	var m connectionPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
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

func quoteAll(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return strings.Join(q, ", ")
}

// ModifyPlan plans `connections` from state when the service and the rules
// are unchanged, so the plan names each endpoint whose status the apply
// changes. Otherwise (create, import, new rules) they are known after apply:
// Terraform plans again at apply and refuses any difference, so a plan from a
// live read would fail whenever a consumer arrived in between.
func (r *connectionPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan connectionPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned := types.MapUnknown(policyConnectionType)
	rules, known := policyRules(plan)
	if !req.State.Raw.IsNull() && known {
		var state connectionPolicyModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		stateRules, _ := policyRules(state)
		if state.ServiceID.Equal(plan.ServiceID) && stateRules.Equal(rules) && isKnown(state.Connections) {
			entries, diags := policyEntries(state.Connections)
			resp.Diagnostics.Append(diags...)
			for id, e := range entries {
				if e.NeedsAction() {
					e.Status = "" // the apply changes it
					entries[id] = e
				}
			}
			planned, diags = policyConnectionsValue(entries)
			resp.Diagnostics.Append(diags...)
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(policyAttrConnections), planned)...)
}

// policyRules reads the rules of m; known is false while any of them is unknown.
func policyRules(m connectionPolicyModel) (rules policy.Rules, known bool) {
	known = !m.Others.IsUnknown()
	lists := make([][]string, 4)
	for i, s := range []types.Set{m.AcceptEndpointIDs, m.AcceptDomainIDs, m.RejectEndpointIDs, m.RejectDomainIDs} {
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

// policyEntries converts `connections`; an unknown status becomes "".
func policyEntries(v types.Map) (map[string]policy.Entry, diag.Diagnostics) {
	out := map[string]policy.Entry{}
	if !isKnown(v) {
		return out, nil
	}
	// Read the objects directly: the framework's reflection (ElementsAs)
	// costs about 11 KB per element, which a 100,000-connection service multiplies.
	var diags diag.Diagnostics
	str := func(attrs map[string]attr.Value, name string) string {
		s, _ := attrs[name].(types.String)
		return s.ValueString()
	}
	for id, elem := range v.Elements() {
		obj, ok := elem.(types.Object)
		if !ok {
			diags.AddError("Unexpected connections value", fmt.Sprintf("connections[%q] is %T, not an object: please report this as a bug.", id, elem))
			continue
		}
		attrs := obj.Attributes()
		out[id] = policy.Entry{EndpointID: id, DomainID: str(attrs, connAttrDomainID), Status: str(attrs, connAttrStatus),
			Decision: str(attrs, policyAttrDecision)}
	}
	return out, diags
}

// policyConnectionsValue converts entries into `connections`; a status ""
// becomes unknown (planned to change).
func policyConnectionsValue(entries map[string]policy.Entry) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make(map[string]attr.Value, len(entries))
	for id, e := range entries {
		status := types.StringValue(e.Status)
		if e.Status == "" {
			status = types.StringUnknown()
		}
		obj, d := types.ObjectValue(policyConnectionAttrTypes, map[string]attr.Value{
			connAttrDomainID: types.StringValue(e.DomainID), connAttrStatus: status,
			policyAttrDecision: types.StringValue(e.Decision),
		})
		diags.Append(d...)
		elems[id] = obj
	}
	m, d := types.MapValue(policyConnectionType, elems)
	diags.Append(d...)
	return m, diags
}

// mergeOutcome writes what an apply saw into entries: the settled or stuck
// status, "deleting" for an endpoint that went away (the next read drops
// it), and for a failure the last status seen, else the one in prior.
func mergeOutcome(entries, prior map[string]policy.Entry, out policy.Outcome) map[string]policy.Entry {
	for id, e := range entries {
		c, settled := out.Settled[id]
		if !settled {
			c, settled = out.Stuck[id]
		}
		switch f, failed := out.Failed[id]; {
		case settled:
			e.Status = c.Status
			if c.DomainID != "" {
				e.DomainID = c.DomainID
			}
		case out.Gone[id]:
			e.Status = client.StatusDeleting
		case failed && f.LastStatus != "":
			e.Status = f.LastStatus
		case failed || e.Status == "":
			e.Status = prior[id].Status
		}
		entries[id] = e
	}
	return entries
}
