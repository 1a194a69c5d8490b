package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
	"github.com/vpcep/terraform-provider-vpcep/internal/sharedread"
)

// providerData is what the provider's Configure hands to every resource and
// data source (as resp.ResourceData and resp.DataSourceData). It is shared by
// all of them in one provider process, which is what lets the reader coalesce
// reads made by concurrent resources.
type providerData struct {
	// Client is the configured VPCEP API client.
	Client *client.Client
	// Reader coalesces reads of one service into paged list calls; use it for
	// reads of single connections, and invalidate through it after writes.
	Reader *sharedread.Reader
	// Claims are the plans of this run's policies and approvals, so that
	// two resources deciding one service are caught at plan time.
	Claims *policy.Claims
}

// providerDataFrom converts the ProviderData a resource or data source
// receives in its Configure. A nil value is not an error: the framework
// configures resources before the provider is configured, and the provider
// skips configuring when a value is unknown at plan time. Callers keep the nil
// and report it with notConfiguredDiag only when they need the client.
func providerDataFrom(v any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if v == nil {
		return nil, diags
	}
	pd, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", v))
		return nil, diags
	}
	return pd, diags
}

// notConfiguredDiag is the error for an operation that needs the API when the
// provider could not be configured (its configuration depended on values not
// known until apply).
func notConfiguredDiag() diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The vpcep provider's configuration depends on values that are not known yet, so it could not "+
			"reach the API during this operation. Make the provider's arguments (endpoint, region, project_id, "+
			"credentials) known at plan time, for example by not deriving them from resources created in the same apply.")
}
