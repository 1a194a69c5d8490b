package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// connectionApprovalModel is the resource's schema as Go values.
type connectionApprovalModel struct {
	ID                     types.String   `tfsdk:"id"`
	ServiceID              types.String   `tfsdk:"service_id"`
	EndpointID             types.String   `tfsdk:"endpoint_id"`
	Action                 types.String   `tfsdk:"action"`
	Description            types.String   `tfsdk:"description"`
	MissingEndpointTimeout types.String   `tfsdk:"missing_endpoint_timeout"`
	Status                 types.String   `tfsdk:"status"`
	MarkerID               types.Int64    `tfsdk:"marker_id"`
	DomainID               types.String   `tfsdk:"domain_id"`
	CreatedAt              types.String   `tfsdk:"created_at"`
	UpdatedAt              types.String   `tfsdk:"updated_at"`
	Error                  types.List     `tfsdk:"error"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

// setConnection copies the API's view into m. Immutable fields that the
// answer leaves empty keep a known value, since Update planned them from
// state. A settled connection has no errors, whatever the answer lists.
func (m *connectionApprovalModel) setConnection(c *client.Connection) (diags diag.Diagnostics) {
	m.Status = types.StringValue(c.Status)
	if c.MarkerID != 0 || !isKnown(m.MarkerID) {
		m.MarkerID = types.Int64Value(c.MarkerID)
	}
	if c.DomainID != "" || !isKnown(m.DomainID) {
		m.DomainID = types.StringValue(c.DomainID)
	}
	if c.CreatedAt != "" || !isKnown(m.CreatedAt) {
		m.CreatedAt = types.StringValue(c.CreatedAt)
	}
	m.UpdatedAt = types.StringValue(c.UpdatedAt)
	m.Description = types.StringValue(c.Description)
	errs := c.Error
	if _, settled := approval.ActionForStatus(c.Status); settled {
		errs = nil
	}
	m.Error, diags = connectionErrorsValue(errs)
	return diags
}

// nullUnknowns replaces values still unknown after a failure with null:
// state must not hold unknowns.
func (m *connectionApprovalModel) nullUnknowns() {
	for _, s := range []*types.String{&m.Status, &m.DomainID, &m.CreatedAt, &m.UpdatedAt, &m.Description} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.MarkerID.IsUnknown() {
		m.MarkerID = types.Int64Null()
	}
	if m.Error.IsUnknown() {
		m.Error = types.ListNull(connectionErrorObjectType)
	}
}

// approvalTypes are the resource's attribute types and its object type, read
// once from its schema.
var approvalTypes = sync.OnceValues(func() (map[string]attr.Type, tftypes.Type) {
	return schemaTypes(&connectionApprovalResource{})
})

// approvalModelFrom reads a plan or state value into a model.
func approvalModelFrom(ctx context.Context, raw tftypes.Value) (m connectionApprovalModel, diags diag.Diagnostics) {
	attrTypes, _ := approvalTypes()
	return m, readModel(ctx, "vpcep_connection_approval", raw, attrTypes, m.fields())
}

// terraformValue is m as a plan or state value.
func (m connectionApprovalModel) terraformValue(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	_, objectType := approvalTypes()
	return modelValue(ctx, "vpcep_connection_approval", objectType, m.fields())
}

// writeTo stores m as the resource's state.
func (m connectionApprovalModel) writeTo(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	v, diags := m.terraformValue(ctx)
	if !diags.HasError() {
		state.Raw = v
	}
	return diags
}

// fields pairs each attribute of the schema with its field of m.
func (m *connectionApprovalModel) fields() map[string]modelField {
	return map[string]modelField{
		connAttrID:                 valueField(&m.ID),
		connAttrServiceID:          valueField(&m.ServiceID),
		connAttrEndpointID:         valueField(&m.EndpointID),
		connAttrAction:             valueField(&m.Action),
		connAttrDescription:        valueField(&m.Description),
		attrMissingEndpointTimeout: valueField(&m.MissingEndpointTimeout),
		connAttrStatus:             valueField(&m.Status),
		connAttrMarkerID:           valueField(&m.MarkerID),
		connAttrDomainID:           valueField(&m.DomainID),
		connAttrCreatedAt:          valueField(&m.CreatedAt),
		connAttrUpdatedAt:          valueField(&m.UpdatedAt),
		connAttrError:              valueField(&m.Error),
		attrTimeouts:               valueField(&m.Timeouts),
	}
}
