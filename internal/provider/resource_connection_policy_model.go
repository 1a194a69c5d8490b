package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The policy's model is converted by hand (model_codec.go): the
// framework's Get and Set take time quadratic in the size of a rule list.

// policyTypes are the resource's attribute types and its object type, read
// once from its schema.
var policyTypes = sync.OnceValues(func() (map[string]attr.Type, tftypes.Type) {
	return schemaTypes(&connectionPolicyResource{})
})

// fields pairs each attribute of the schema with its field of m.
func (m *connectionPolicyModel) fields() map[string]modelField {
	return map[string]modelField{
		connAttrID:                  valueField(&m.ID),
		connAttrServiceID:           valueField(&m.ServiceID),
		policyAttrAcceptEndpointIDs: valueField(&m.AcceptEndpointIDs),
		policyAttrAcceptDomainIDs:   valueField(&m.AcceptDomainIDs),
		policyAttrRejectEndpointIDs: valueField(&m.RejectEndpointIDs),
		policyAttrRejectDomainIDs:   valueField(&m.RejectDomainIDs),
		policyAttrOthers:            valueField(&m.Others),
		policyAttrOnDestroy:         valueField(&m.OnDestroy),
		policyAttrConcurrency:       valueField(&m.ConcurrentRequests),
		policyAttrConnections:       valueField(&m.Connections),
		attrTimeouts:                valueField(&m.Timeouts),
	}
}

// policyModelFrom reads a config, plan or state value into a model.
func policyModelFrom(ctx context.Context, raw tftypes.Value) (m connectionPolicyModel, diags diag.Diagnostics) {
	attrTypes, _ := policyTypes()
	return m, readModel(ctx, "vpcep_connection_policy", raw, attrTypes, m.fields())
}

// terraformValue is m as a plan or state value.
func (m connectionPolicyModel) terraformValue(ctx context.Context) (tftypes.Value, diag.Diagnostics) {
	_, objectType := policyTypes()
	return modelValue(ctx, "vpcep_connection_policy", objectType, m.fields())
}

// writePolicy stores m through set (a plan's or state's raw value).
func writePolicy(ctx context.Context, m connectionPolicyModel, set func(tftypes.Value)) diag.Diagnostics {
	v, diags := m.terraformValue(ctx)
	if !diags.HasError() {
		set(v)
	}
	return diags
}
