package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
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

// The resource converts its model to and from the raw values itself: the
// framework's Get and Set go through reflection that compiles a regular
// expression per struct field on every call, a cost paid per resource per
// operation (bench/RESULTS.md).

// approvalTypes are the resource's attribute types and its object type, read
// once from its schema.
var approvalTypes = sync.OnceValues(func() (map[string]attr.Type, tftypes.Type) {
	var resp resource.SchemaResponse
	(&connectionApprovalResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	object, ok := resp.Schema.Type().(types.ObjectType)
	if !ok {
		panic("the approval schema's type is not an object")
	}
	return object.AttrTypes, object.TerraformType(context.Background())
})

// approvalModelFrom reads a plan or state value into a model.
func approvalModelFrom(ctx context.Context, raw tftypes.Value) (m connectionApprovalModel, diags diag.Diagnostics) {
	attrTypes, _ := approvalTypes()
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil {
		diags.AddError("Unexpected resource data", "Reading vpcep_connection_approval: "+err.Error()+
			". This is a bug in the provider; please report it.")
		return m, diags
	}
	fields := m.fields()
	for name, field := range fields {
		v, err := attrTypes[name].ValueFromTerraform(ctx, values[name])
		if err == nil {
			err = field.set(v)
		}
		if err != nil {
			diags.AddError("Unexpected resource data", fmt.Sprintf("Reading %s of vpcep_connection_approval: %v. "+
				"This is a bug in the provider; please report it.", name, err))
		}
	}
	return m, diags
}

// terraformValue is m as a plan or state value.
func (m connectionApprovalModel) terraformValue(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	_, objectType := approvalTypes()
	var diags diag.Diagnostics
	fields := m.fields()
	values := make(map[string]tftypes.Value, len(fields))
	for name, field := range fields {
		v, err := field.get().ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Unexpected resource data", fmt.Sprintf("Writing %s of vpcep_connection_approval: %v. "+
				"This is a bug in the provider; please report it.", name, err))
		}
		values[name] = v
	}
	return tftypes.NewValue(objectType, values), diags
}

// writeTo stores m as the resource's state.
func (m connectionApprovalModel) writeTo(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	v, diags := m.terraformValue(ctx)
	if !diags.HasError() {
		state.Raw = v
	}
	return diags
}

// modelField reads and writes one field of a model.
type modelField struct {
	get func() attr.Value
	set func(attr.Value) error
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

// valueField is the modelField of a field of type T.
func valueField[T attr.Value](p *T) modelField {
	return modelField{
		get: func() attr.Value { return *p },
		set: func(v attr.Value) error {
			t, ok := v.(T)
			if !ok {
				return fmt.Errorf("got %T, want %T", v, *p)
			}
			*p = t
			return nil
		},
	}
}
