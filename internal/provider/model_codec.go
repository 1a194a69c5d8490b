package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The resources convert their models to and from the raw values
// themselves. The framework's Get and Set go through reflection that
// compiles a regular expression per struct field on every call (a cost
// paid per resource per operation), and that takes time quadratic in the
// size of a set attribute: 1.4 s to read a policy with a rule list of 4,000
// IDs, 3 ms by hand (DESIGN.md, "Provider").

// modelField reads and writes one field of a model.
type modelField struct {
	get func() attr.Value
	set func(attr.Value) error
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

// schemaTypes are a resource schema's attribute types and its object type.
func schemaTypes(r resource.Resource) (map[string]attr.Type, tftypes.Type) {
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	object, ok := resp.Schema.Type().(types.ObjectType)
	if !ok {
		panic("a resource schema's type is not an object")
	}
	return object.AttrTypes, object.TerraformType(context.Background())
}

// readModel reads raw (a config, plan or state value of typeName) into fields.
func readModel(ctx context.Context, typeName string, raw tftypes.Value, attrTypes map[string]attr.Type, fields map[string]modelField) diag.Diagnostics {
	var diags diag.Diagnostics
	var values map[string]tftypes.Value
	if err := raw.As(&values); err != nil {
		diags.AddError("Unexpected resource data", "Reading "+typeName+": "+err.Error()+
			". This is a bug in the provider; please report it.")
		return diags
	}
	for name, field := range fields {
		v, err := attrTypes[name].ValueFromTerraform(ctx, values[name])
		if err == nil {
			err = field.set(v)
		}
		if err != nil {
			diags.AddError("Unexpected resource data", fmt.Sprintf("Reading %s of %s: %v. "+
				"This is a bug in the provider; please report it.", name, typeName, err))
		}
	}
	return diags
}

// modelValue is fields as a plan or state value of objectType.
func modelValue(ctx context.Context, typeName string, objectType tftypes.Type, fields map[string]modelField) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := make(map[string]tftypes.Value, len(fields))
	for name, field := range fields {
		v, err := field.get().ToTerraformValue(ctx)
		if err != nil {
			diags.AddError("Unexpected resource data", fmt.Sprintf("Writing %s of %s: %v. "+
				"This is a bug in the provider; please report it.", name, typeName, err))
		}
		values[name] = v
	}
	return tftypes.NewValue(objectType, values), diags
}
