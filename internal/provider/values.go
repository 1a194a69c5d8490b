package provider

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Helpers for the values of schemas and messages, shared by every resource,
// data source, list resource and action.

// apiIDMaxLength is the longest id the API accepts in a path or query
// parameter (endpoint service, endpoint and domain ids alike).
const apiIDMaxLength = 64

// isKnown reports whether v holds a value (neither null nor unknown).
func isKnown(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// parseDurationOr parses a validated duration attribute, or returns def when it is not set.
func parseDurationOr(v types.String, def time.Duration) time.Duration {
	if !isKnown(v) {
		return def
	}
	d, err := time.ParseDuration(v.ValueString())
	if err != nil || d <= 0 {
		return def
	}
	return d
}

// durationText writes d as a user would: 10m rather than 10m0s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// describer gives a plan modifier or validator its description.
type describer string

func (d describer) Description(context.Context) string { return string(d) }

func (d describer) MarkdownDescription(context.Context) string { return string(d) }
