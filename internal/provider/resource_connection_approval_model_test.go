package provider

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// TestUnitApprovalModelCodec: the hand-written conversion covers every
// attribute of the schema and reads back what it writes. Catches: an
// attribute added to the schema but not to the model's fields (state would
// lose it, or building the value would panic), and a field written under
// another attribute's name.
func TestUnitApprovalModelCodec(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	attrTypes, objectType := approvalTypes()
	var m connectionApprovalModel
	fields := m.fields()
	for name := range attrTypes {
		if _, ok := fields[name]; !ok {
			t.Errorf("attribute %s has no field in the model", name)
		}
	}
	for name := range fields {
		if _, ok := attrTypes[name]; !ok {
			t.Errorf("field %s is not an attribute of the schema", name)
		}
	}
	if t.Failed() {
		return
	}

	errs, _ := connectionErrorsValue([]client.QueryError{{ErrorCode: "EndPoint.9001", ErrorMessage: "no free IP"}})
	want := connectionApprovalModel{
		ID: types.StringValue("s/e"), ServiceID: types.StringValue("s"), EndpointID: types.StringValue("e"),
		Action: types.StringValue(client.ActionReject), Description: types.StringValue("d"),
		MissingEndpointTimeout: types.StringNull(), Status: types.StringUnknown(), MarkerID: types.Int64Value(1 << 40),
		DomainID: types.StringValue("dom"), CreatedAt: types.StringValue("c"), UpdatedAt: types.StringValue("u"),
		Error: errs,
		Timeouts: timeouts.Value{Object: types.ObjectValueMust(attrTypes[attrTimeouts].(timeouts.Type).AttrTypes,
			map[string]attr.Value{"create": types.StringValue("1m"), "update": types.StringNull(), "delete": types.StringNull()})},
	}
	raw, diags := want.terraformValue(ctx)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !raw.Type().Equal(objectType) {
		t.Fatalf("type %s, want %s", raw.Type(), objectType)
	}
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]tftypes.Value{
		connAttrID: tftypes.NewValue(tftypes.String, "s/e"), connAttrServiceID: tftypes.NewValue(tftypes.String, "s"),
		connAttrEndpointID: tftypes.NewValue(tftypes.String, "e"), connAttrAction: tftypes.NewValue(tftypes.String, "reject"),
		connAttrDescription: tftypes.NewValue(tftypes.String, "d"), attrMissingEndpointTimeout: tftypes.NewValue(tftypes.String, nil),
		connAttrStatus: tftypes.NewValue(tftypes.String, tftypes.UnknownValue), connAttrMarkerID: tftypes.NewValue(tftypes.Number, big.NewFloat(1<<40)),
		connAttrDomainID: tftypes.NewValue(tftypes.String, "dom"), connAttrCreatedAt: tftypes.NewValue(tftypes.String, "c"),
		connAttrUpdatedAt: tftypes.NewValue(tftypes.String, "u"),
	} {
		if !values[name].Equal(v) {
			t.Errorf("%s written as %s, want %s", name, values[name], v)
		}
	}
	got, diags := approvalModelFrom(ctx, raw)
	if diags.HasError() {
		t.Fatal(diags)
	}
	for _, f := range []struct {
		name      string
		got, want attr.Value
	}{
		{"ID", got.ID, want.ID}, {"ServiceID", got.ServiceID, want.ServiceID}, {"EndpointID", got.EndpointID, want.EndpointID},
		{"Action", got.Action, want.Action}, {"Description", got.Description, want.Description},
		{"MissingEndpointTimeout", got.MissingEndpointTimeout, want.MissingEndpointTimeout}, {"Status", got.Status, want.Status},
		{"MarkerID", got.MarkerID, want.MarkerID}, {"DomainID", got.DomainID, want.DomainID}, {"CreatedAt", got.CreatedAt, want.CreatedAt},
		{"UpdatedAt", got.UpdatedAt, want.UpdatedAt}, {"Error", got.Error, want.Error}, {"Timeouts", got.Timeouts, want.Timeouts},
	} {
		if !f.got.Equal(f.want) {
			t.Errorf("%s: read back %s, wrote %s", f.name, f.got, f.want)
		}
	}
}

// TestUnitApprovalIdentityType: the identity written by hand has the
// identity schema's type. Catches: an identity the framework refuses.
func TestUnitApprovalIdentityType(t *testing.T) {
	t.Parallel()
	var resp resource.IdentitySchemaResponse
	(&connectionApprovalResource{}).IdentitySchema(context.Background(), resource.IdentitySchemaRequest{}, &resp)
	if want := resp.IdentitySchema.Type().TerraformType(context.Background()); !approvalIdentityType.Equal(want) {
		t.Errorf("identity type %s, want %s", approvalIdentityType, want)
	}
}
