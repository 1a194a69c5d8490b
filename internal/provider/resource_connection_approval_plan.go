package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

var _ resource.ResourceWithModifyPlan = (*connectionApprovalResource)(nil)

// Attributes planned from state: changing one replaces the resource, or an
// unknown planned value keeps the value in state.
var (
	approvalReplaceAttrs   = []string{connAttrServiceID, connAttrEndpointID}
	approvalKeepStateAttrs = []string{connAttrID, connAttrDescription, connAttrMarkerID, connAttrDomainID, connAttrCreatedAt}
)

// ModifyPlan plans an update in one pass over the raw values, where
// attribute plan modifiers would each walk the schema again:
//   - service_id or endpoint_id changed: replace;
//   - id, description, marker_id, domain_id, created_at: the value in state
//     when the plan does not know it (and the configuration does not leave it unknown);
//   - status: the one the planned action leads to, so that a connection left
//     pendingAcceptance, creating or failed never plans "No changes";
//   - updated_at: unknown when status moves, which the framework does not
//     see since the configuration did not change;
//   - error: as in state while status stays, empty when it moves (a
//     settled connection has none).
//
// An imported connection that awaits a decision, planned with the default
// action, is refused (undecidedImportDiag). Create and destroy plan nothing here.
func (r *connectionApprovalResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state, config map[string]tftypes.Value
	if req.Plan.Raw.As(&plan) != nil {
		return // not an object: the framework reports such values before planning
	}
	r.checkAgainstPolicies(plan, &resp.Diagnostics)
	if req.State.Raw.IsNull() || req.State.Raw.As(&state) != nil || req.Config.Raw.As(&config) != nil {
		return
	}
	if d := undecidedImportDiag(state, config); d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	for _, name := range approvalReplaceAttrs {
		if !plan[name].Equal(state[name]) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root(name))
		}
	}
	changed := false
	set := func(name string, v tftypes.Value) {
		if !plan[name].Equal(v) {
			plan[name], changed = v, true
		}
	}
	for _, name := range approvalKeepStateAttrs {
		if !plan[name].IsKnown() && config[name].IsKnown() {
			set(name, state[name])
		}
	}
	var action, prior string
	if a := plan[connAttrAction]; a.IsKnown() && !a.IsNull() && a.As(&action) == nil && state[connAttrStatus].As(&prior) == nil {
		target := approval.TargetStatus(action)
		set(connAttrStatus, tftypes.NewValue(tftypes.String, target))
		switch settled := prior == target; {
		case !settled:
			set(connAttrUpdatedAt, tftypes.NewValue(tftypes.String, tftypes.UnknownValue))
			set(connAttrError, emptyErrorListTerraform())
		case state[connAttrError].IsNull():
			set(connAttrError, emptyErrorListTerraform())
		default:
			set(connAttrError, state[connAttrError])
		}
	}
	if changed {
		resp.Plan.Raw = tftypes.NewValue(req.Plan.Raw.Type(), plan)
	}
}

// undecidedImportDiag refuses to plan the default action for an imported
// connection nobody has decided yet: the default, receive, would admit a
// consumer nobody chose. Only an import leaves action null in state, since
// a settled status sets it and create and update store the configured one.
func undecidedImportDiag(state, config map[string]tftypes.Value) diag.Diagnostic {
	var status, serviceID, endpointID string
	if !state[connAttrAction].IsNull() || !config[connAttrAction].IsNull() || state[connAttrStatus].As(&status) != nil {
		return nil
	}
	if status != client.StatusPendingAcceptance && status != client.StatusCreating {
		return nil
	}
	_ = state[connAttrServiceID].As(&serviceID)
	_ = state[connAttrEndpointID].As(&endpointID)
	return diag.NewAttributeErrorDiagnostic(path.Root(connAttrAction), "Imported connection awaits a decision",
		fmt.Sprintf("The connection of %s was imported in status %q: nobody has accepted or rejected it yet, and "+
			"the provider does not accept it by default. Set action = \"receive\" to accept it or action = "+
			"\"reject\" to refuse it, then plan again.", connectionRef(serviceID, endpointID), status))
}

// emptyErrorList is the error list of a connection without errors.
func emptyErrorList() types.List {
	list, _ := connectionErrorsValue(nil)
	return list
}

// emptyErrorListTerraform is emptyErrorList as a raw value, made once.
var emptyErrorListTerraform = sync.OnceValue(func() tftypes.Value {
	v, _ := emptyErrorList().ToTerraformValue(context.Background())
	return v
})

// connectionErrorResourceAttribute is the schema of the resource's error list.
func connectionErrorResourceAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: connDescError,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			connAttrErrorCode:    schema.StringAttribute{Computed: true, MarkdownDescription: connDescErrorCode},
			connAttrErrorMessage: schema.StringAttribute{Computed: true, MarkdownDescription: connDescErrorMessage},
		}},
	}
}

// checkAgainstPolicies warns when a vpcep_connection_policy of the same
// run decides this endpoint otherwise than the planned action.
func (r *connectionApprovalResource) checkAgainstPolicies(plan map[string]tftypes.Value, diags *diag.Diagnostics) {
	if r.data == nil || r.data.Claims == nil {
		return
	}
	var serviceID, endpointID, action string
	for name, dst := range map[string]*string{connAttrServiceID: &serviceID, connAttrEndpointID: &endpointID, connAttrAction: &action} {
		if v := plan[name]; !v.IsKnown() || v.IsNull() || v.As(dst) != nil {
			return
		}
	}
	if x, ok := r.data.Claims.ApprovalDecides(serviceID, endpointID, action); ok {
		diags.Append(contradictionDiag(serviceID, x))
	}
}
