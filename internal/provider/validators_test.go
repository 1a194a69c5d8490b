package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestUnitIDValidator catches an id check that refuses a valid id, null or
// unknown, accepts an empty, too long, whitespace-padded or (where
// forbidden) slashed one, or whose error does not say what is wrong with
// the value, such as a service name given for an id.
func TestUnitIDValidator(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", apiIDMaxLength+1)
	tests := []struct {
		name        string
		value       types.String
		forbidSlash bool
		want        string // "" = valid; else the whole detail's start
	}{
		{name: "uuid", value: types.StringValue("4189d3c2-8882-4871-a3c2-d380272eed88"), forbidSlash: true},
		{name: "64 characters", value: types.StringValue(strings.Repeat("x", apiIDMaxLength)), forbidSlash: true},
		{name: "null", value: types.StringNull(), forbidSlash: true},
		{name: "unknown", value: types.StringUnknown(), forbidSlash: true},
		{name: "slash allowed in data sources", value: types.StringValue("a/b")},
		{name: "empty", value: types.StringValue(""), forbidSlash: true,
			want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "" (it is empty).`},
		{name: "too long", value: types.StringValue(long), forbidSlash: true,
			want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "` + long + `" (it has 65 characters).`},
		{name: "trailing space", value: types.StringValue("svc "), forbidSlash: true,
			want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "svc " (it ends with whitespace).`},
		{name: "trailing newline, data source", value: types.StringValue("svc\n"),
			want: `Attribute service_id must be 1-64 characters without whitespace; got "svc\n" (it ends with whitespace).`},
		{name: "leading tab", value: types.StringValue("\tsvc"), forbidSlash: true,
			want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "\tsvc" (it starts with whitespace).`},
		{name: "inner space", value: types.StringValue("s v c"), forbidSlash: true,
			want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "s v c" (it contains whitespace).`},
		{name: "service name", value: types.StringValue("cn-north-4.a-rather-long-service-name.4189d3c2-8882-4871-a3c2-d380272eed88"), forbidSlash: true,
			want: `Attribute service_id takes an ID; got "cn-north-4.a-rather-long-service-name.4189d3c2-8882-4871-a3c2-d380272eed88" (it looks like an endpoint service name, region.name.ID, which consumers use; the service's ID is its last part, "4189d3c2-8882-4871-a3c2-d380272eed88").`},
		{name: "slash", value: types.StringValue("a/b"), forbidSlash: true,
			want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "a/b" (it contains "/").`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := validator.StringRequest{Path: path.Root("service_id"), ConfigValue: tt.value}
			var resp validator.StringResponse
			idValidator{forbidSlash: tt.forbidSlash}.ValidateString(context.Background(), req, &resp)
			if tt.want == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected error: %v", resp.Diagnostics)
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("got %d errors, want 1: %v", resp.Diagnostics.ErrorsCount(), resp.Diagnostics)
			}
			d := resp.Diagnostics.Errors()[0]
			if !strings.HasPrefix(d.Detail(), tt.want) {
				t.Errorf("detail %q, want it to start with %q", d.Detail(), tt.want)
			}
		})
	}
}

// TestUnitUpperCaseUUID catches an endpoint_id pasted in upper case passing
// plan without a word (the approval then waited missing_endpoint_timeout and
// failed without naming the ID it meant), and a warning on IDs that are
// not UUIDs or are already lower case.
func TestUnitUpperCaseUUID(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]string{
		"A1000000-0000-4000-8000-00000000000F": `did you mean "a1000000-0000-4000-8000-00000000000f"?`,
		"a1000000-0000-4000-8000-00000000000f": "",
		"Endpoint-One":                         "",
	} {
		var resp validator.StringResponse
		upperCaseUUID{}.ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("endpoint_id"), ConfigValue: types.StringValue(value)}, &resp)
		got := ""
		if resp.Diagnostics.WarningsCount() == 1 {
			got = resp.Diagnostics[0].Detail()
		}
		if resp.Diagnostics.HasError() || (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%q: diagnostics %v, want a warning containing %q", value, resp.Diagnostics, want)
		}
	}
}
