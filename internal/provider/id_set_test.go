package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// rawIDSet is a raw set of n distinct strings, plus extra.
func rawIDSet(n int, extra ...string) tftypes.Value {
	elems := make([]tftypes.Value, 0, n+len(extra))
	for i := range n {
		elems = append(elems, tftypes.NewValue(tftypes.String, fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)))
	}
	for _, e := range extra {
		elems = append(elems, tftypes.NewValue(tftypes.String, e))
	}
	return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
}

// TestUnitIDSetType catches the rule lists' type letting a duplicate
// through, refusing an unknown or null set, or reading a value other than
// the framework's set would.
func TestUnitIDSetType(t *testing.T) {
	t.Parallel()
	ctx, typ := context.Background(), newIDSetType()
	p := path.Root(policyAttrAcceptEndpointIDs)
	if d := typ.Validate(ctx, rawIDSet(3, "dup", "dup"), p); !d.HasError() || !strings.Contains(d[0].Detail(), `"dup" twice`) {
		t.Errorf("a duplicate passed: %v", d)
	}
	for _, v := range []tftypes.Value{rawIDSet(3), tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil),
		tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, tftypes.UnknownValue)} {
		if d := typ.Validate(ctx, v, p); d.HasError() {
			t.Errorf("%v refused: %v", v, d)
		}
	}
	got, err := typ.ValueFromTerraform(ctx, rawIDSet(3))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := types.SetType{ElemType: types.StringType}.ValueFromTerraform(ctx, rawIDSet(3))
	if v, ok := got.(idSetValue); !ok || !v.SetValue.Equal(want) || !v.Type(ctx).Equal(typ) || !got.Equal(idSetValue{v.SetValue}) {
		t.Errorf("ValueFromTerraform = %#v, want the framework's set %v as an idSetValue", got, want)
	}
}

// BenchmarkRuleListValidate: the rule lists' Validate against the
// framework's set type's, which every validate and plan step calls, on a
// list of 3,000 IDs.
func BenchmarkRuleListValidate(b *testing.B) {
	ctx, in, p := context.Background(), rawIDSet(3000), path.Root(policyAttrAcceptEndpointIDs)
	b.Run("idSetType", func(b *testing.B) {
		for range b.N {
			newIDSetType().Validate(ctx, in, p)
		}
	})
	b.Run("framework", func(b *testing.B) {
		for range b.N {
			types.SetType{ElemType: types.StringType}.Validate(ctx, in, p)
		}
	})
}
