package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// idValidator checks an id argument (service_id, endpoint_id, ...): 1 to
// apiIDMaxLength characters without whitespace and, where the id becomes half
// of the resource's "service_id/endpoint_id", without "/".
//
// It replaces the framework's length and regex validators because their
// messages print the value unquoted: a pasted id with a trailing space or
// newline then reads as a valid id. This one quotes the value and names what
// is wrong with it.
type idValidator struct {
	forbidSlash bool
}

var _ validator.String = idValidator{}

// rule is the requirement, as it reads after the attribute's name.
func (v idValidator) rule() string {
	if v.forbidSlash {
		return fmt.Sprintf(`must be 1-%d characters without whitespace or "/"`, apiIDMaxLength)
	}
	return fmt.Sprintf("must be 1-%d characters without whitespace", apiIDMaxLength)
}

// Description implements validator.Describer.
func (v idValidator) Description(context.Context) string { return "value " + v.rule() }

// MarkdownDescription implements validator.Describer.
func (v idValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// problem names what breaks the rule in id, or returns "" when nothing does.
func (v idValidator) problem(id string) string {
	n := utf8.RuneCountInString(id)
	switch {
	case n == 0:
		return "it is empty"
	case looksLikeServiceName(id):
		return fmt.Sprintf("it looks like an endpoint service name, region.name.ID, which consumers use; the "+
			"service's ID is its last part, %q", id[strings.LastIndex(id, ".")+1:])
	case n > apiIDMaxLength:
		return fmt.Sprintf("it has %d characters", n)
	case strings.TrimLeftFunc(id, unicode.IsSpace) != id:
		return "it starts with whitespace"
	case strings.TrimRightFunc(id, unicode.IsSpace) != id:
		return "it ends with whitespace"
	case strings.IndexFunc(id, unicode.IsSpace) >= 0:
		return "it contains whitespace"
	case v.forbidSlash && strings.Contains(id, connectionIDSeparator):
		return `it contains "/"`
	}
	return ""
}

// looksLikeServiceName reports whether id has the shape of a VPC endpoint
// service name ("region.name.ID"); no ID of the API contains a dot.
func looksLikeServiceName(id string) bool {
	parts := strings.Split(id, ".")
	return len(parts) >= 3 && parts[len(parts)-1] != ""
}

// ValidateString implements validator.String.
func (v idValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isKnown(req.ConfigValue) {
		return
	}
	id := req.ConfigValue.ValueString()
	problem := v.problem(id)
	if problem == "" {
		return
	}
	if looksLikeServiceName(id) { // breaks no rule of the form, only of meaning
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s takes an ID; got %q (%s).", req.Path, id, problem))
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
		fmt.Sprintf("Attribute %s %s; got %q (%s). Copy the id exactly as the console or API shows it.",
			req.Path, v.rule(), id, problem))
}

// upperCaseUUID warns about an ID written as a UUID with upper-case
// letters: the API's IDs are lower case and compared exactly, so it matches
// nothing, and the approval would wait missing_endpoint_timeout to say so.
type upperCaseUUID struct{}

var _ validator.String = upperCaseUUID{}

// Description implements validator.Describer.
func (upperCaseUUID) Description(context.Context) string { return "warns about a UUID in upper case" }

// MarkdownDescription implements validator.Describer.
func (v upperCaseUUID) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

// ValidateString implements validator.String.
func (upperCaseUUID) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isKnown(req.ConfigValue) {
		return
	}
	id := req.ConfigValue.ValueString()
	lower := strings.ToLower(id)
	if lower == id || !uuidShape.MatchString(lower) {
		return
	}
	resp.Diagnostics.AddAttributeWarning(req.Path, "ID in upper case",
		fmt.Sprintf("%s is %q. VPC endpoint and service IDs are lower-case UUIDs and compared exactly, so this one "+
			"matches no connection: did you mean %q?", req.Path, id, lower))
}

// uuidShape matches a lower-case UUID.
var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// positiveDuration requires a Go duration greater than zero, such as "30s".
type positiveDuration struct{ describer }

var _ validator.String = positiveDuration{}

// positiveDurationValidator returns the validator with its description.
func positiveDurationValidator() positiveDuration {
	return positiveDuration{`value must be a duration of at least 1s, such as "30s" or "10m"`}
}

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !isKnown(req.ConfigValue) {
		return
	}
	if problem := durationProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("Attribute %s %s; got %q.", req.Path, problem, req.ConfigValue.ValueString()))
	}
}

// durationProblem says what is wrong with a duration setting, or "".
func durationProblem(s string) string {
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return `must be a duration such as "30s", "10m" or "1h30m" (units: s, m, h)`
	case d <= 0:
		return `must be positive: a zero or negative wait can never succeed; use e.g. "30s" or "10m"`
	case d < time.Second:
		return `must be at least 1s: a shorter wait ends before the API can answer; use e.g. "30s" or "10m"`
	}
	return ""
}

// stringAttribute is a schema's string attribute as validation sees it.
type stringAttribute interface {
	IsRequired() bool
	StringValidators() []validator.String
}

// validateKnownStrings runs the validators of every string attribute of cfg
// on its value now. Terraform validates an action's configuration only while
// values from variables may still be unknown, and validators skip unknown
// values, so Invoke calls this before sending anything; the messages are the
// validators' own, as at validate time.
func validateKnownStrings(ctx context.Context, cfg tfsdk.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	attrs := cfg.Schema.GetAttributes()
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		attr, ok := attrs[name].(stringAttribute)
		if !ok {
			continue
		}
		p := path.Root(name)
		var value types.String
		if diags.Append(cfg.GetAttribute(ctx, p, &value)...); diags.HasError() {
			return diags
		}
		if value.IsNull() && attr.IsRequired() {
			diags.AddAttributeError(p, "Missing required argument",
				fmt.Sprintf("Attribute %s is required, but its value is null (from a variable or expression that "+
					"evaluated to null). Set it.", p))
			continue
		}
		req := validator.StringRequest{Path: p, PathExpression: p.Expression(), Config: cfg, ConfigValue: value}
		for _, v := range attr.StringValidators() {
			resp := &validator.StringResponse{}
			v.ValidateString(ctx, req, resp)
			diags.Append(resp.Diagnostics...)
		}
	}
	return diags
}
