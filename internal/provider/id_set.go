package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// idSetType is the type of the policy's rule lists: a set of strings whose
// Validate is linear. The framework's own set type compares every pair of
// elements for duplicates, in every validate and plan step, which made a plan
// with a rule list of 3,000 IDs spend most of its seconds there; a set that
// Terraform sends never holds duplicates, and this one still checks, by hash.
type idSetType struct {
	basetypes.SetType
}

var (
	_ basetypes.SetTypable  = idSetType{}
	_ basetypes.SetValuable = idSetValue{}
)

func newIDSetType() idSetType { return idSetType{basetypes.SetType{ElemType: types.StringType}} }

// Equal implements attr.Type.
func (t idSetType) Equal(o attr.Type) bool {
	other, ok := o.(idSetType)
	return ok && t.SetType.Equal(other.SetType)
}

// String implements attr.Type.
func (t idSetType) String() string { return "idSetType" }

// ValueType implements attr.Type.
func (t idSetType) ValueType(context.Context) attr.Value { return idSetValue{} }

// ValueFromTerraform implements attr.Type.
func (t idSetType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.SetType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	set, ok := v.(basetypes.SetValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return idSetValue{set}, nil
}

// ValueFromSet implements basetypes.SetTypable.
func (t idSetType) ValueFromSet(_ context.Context, in basetypes.SetValue) (basetypes.SetValuable, diag.Diagnostics) {
	return idSetValue{in}, nil
}

// Validate replaces the framework's pairwise duplicate check with a map.
func (t idSetType) Validate(_ context.Context, in tftypes.Value, p path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	if in.Type() == nil || !in.IsKnown() || in.IsNull() {
		return diags
	}
	var elems []tftypes.Value
	if err := in.As(&elems); err != nil {
		diags.AddAttributeError(p, "Unexpected set value", err.Error()+". This is a bug in the provider; please report it.")
		return diags
	}
	seen := make(map[string]bool, len(elems))
	for _, e := range elems {
		var s string
		if !e.IsKnown() || e.IsNull() || e.As(&s) != nil {
			continue
		}
		if seen[s] {
			diags.AddAttributeError(p, "Duplicate set element", fmt.Sprintf("%s lists %q twice.", p, s))
		}
		seen[s] = true
	}
	return diags
}

// idSetValue is a value of idSetType.
type idSetValue struct {
	basetypes.SetValue
}

// Type implements attr.Value.
func (v idSetValue) Type(context.Context) attr.Type { return newIDSetType() }

// Equal implements attr.Value.
func (v idSetValue) Equal(o attr.Value) bool {
	other, ok := o.(idSetValue)
	return ok && v.SetValue.Equal(other.SetValue)
}

// ToSetValue implements basetypes.SetValuable.
func (v idSetValue) ToSetValue(context.Context) (basetypes.SetValue, diag.Diagnostics) {
	return v.SetValue, nil
}
