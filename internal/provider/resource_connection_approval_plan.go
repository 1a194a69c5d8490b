package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
)

// plannedTarget returns the status the planned action leads to, and whether
// the prior state's status is already there; ok is false on create, destroy
// or an unknown action, where nothing can be planned.
func plannedTarget(ctx context.Context, plan tfsdk.Plan, state tfsdk.State) (target string, settled, ok bool) {
	if state.Raw.IsNull() || plan.Raw.IsNull() {
		return "", false, false
	}
	var action, prior types.String
	if plan.GetAttribute(ctx, path.Root("action"), &action).HasError() || !isKnown(action) ||
		state.GetAttribute(ctx, path.Root(connAttrStatus), &prior).HasError() {
		return "", false, false
	}
	target = approval.TargetStatus(action.ValueString())
	return target, prior.ValueString() == target, true
}

// statusFollowsAction plans status as the one the configured action leads
// to, so that a connection left pendingAcceptance, creating or failed never
// plans "No changes".
type statusFollowsAction struct{ describer }

func (statusFollowsAction) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if target, _, ok := plannedTarget(ctx, req.Plan, req.State); ok {
		resp.PlanValue = types.StringValue(target)
	}
}

// updatedAtFollowsStatus plans updated_at as unknown when status moves, which
// the framework does not see: the configuration did not change.
type updatedAtFollowsStatus struct{ describer }

func (updatedAtFollowsStatus) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if _, settled, ok := plannedTarget(ctx, req.Plan, req.State); ok && !settled {
		resp.PlanValue = types.StringUnknown()
	}
}

// errorFollowsStatus plans error: as it is while status stays, empty when
// the status moves (a settled connection has none).
type errorFollowsStatus struct{ describer }

func (errorFollowsStatus) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	_, settled, ok := plannedTarget(ctx, req.Plan, req.State)
	switch {
	case !ok:
	case settled && !req.StateValue.IsNull():
		resp.PlanValue = req.StateValue
	default:
		resp.PlanValue = emptyErrorList()
	}
}

// emptyErrorList is the error list of a connection without errors.
func emptyErrorList() types.List {
	list, _ := connectionErrorsValue(nil)
	return list
}

// connectionErrorResourceAttribute is the schema of the resource's error list.
func connectionErrorResourceAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: connDescError,
		PlanModifiers:       []planmodifier.List{errorFollowsStatus{"error is empty once the connection settles"}},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			connAttrErrorCode:    schema.StringAttribute{Computed: true, MarkdownDescription: connDescErrorCode},
			connAttrErrorMessage: schema.StringAttribute{Computed: true, MarkdownDescription: connDescErrorMessage},
		}},
	}
}
