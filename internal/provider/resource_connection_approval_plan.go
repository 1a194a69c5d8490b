package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
)

// statusFollowsAction plans status: unchanged when it already is where the
// configured action leads, else that target, so that a connection left
// pendingAcceptance, creating or failed never plans "No changes".
type statusFollowsAction struct{}

func (statusFollowsAction) Description(context.Context) string {
	return "status is planned as the one the action leads to"
}

func (m statusFollowsAction) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (statusFollowsAction) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return // create (known after apply) or destroy
	}
	var action types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("action"), &action)...)
	if !isKnown(action) {
		return
	}
	resp.PlanValue = types.StringValue(approval.TargetStatus(action.ValueString()))
}

// errorFollowsStatus plans error: as it is while status stays, empty when
// the plan moves status to a settled one (a settled connection has none).
type errorFollowsStatus struct{}

func (errorFollowsStatus) Description(context.Context) string {
	return "error is empty once the connection settles"
}

func (m errorFollowsStatus) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (errorFollowsStatus) PlanModifyList(ctx context.Context, req planmodifier.ListRequest, resp *planmodifier.ListResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(connAttrStatus), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(connAttrStatus), &prior)...)
	switch {
	case planned.Equal(prior) && !req.StateValue.IsNull():
		resp.PlanValue = req.StateValue
	case isKnown(planned):
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
		PlanModifiers:       []planmodifier.List{errorFollowsStatus{}},
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			connAttrErrorCode:    schema.StringAttribute{Computed: true, MarkdownDescription: connDescErrorCode},
			connAttrErrorMessage: schema.StringAttribute{Computed: true, MarkdownDescription: connDescErrorMessage},
		}},
	}
}
