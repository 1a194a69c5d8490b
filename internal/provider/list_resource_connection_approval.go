package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// The list resource vpcep_connection_approval (Terraform 1.14 and later):
// `terraform query` lists the connections of one endpoint service with their
// identities, and -generate-config-out turns them into import and resource
// blocks, which is how a service with many existing connections is adopted.

var (
	_ list.ListResource              = (*connectionApprovalListResource)(nil)
	_ list.ListResourceWithConfigure = (*connectionApprovalListResource)(nil)
)

// Attribute names that only the list resource's configuration has.
const (
	listAttrDomainIDs   = "domain_ids"
	listAttrEndpointIDs = "endpoint_ids"
)

// NewConnectionApprovalListResource returns the list resource of
// vpcep_connection_approval.
func NewConnectionApprovalListResource() list.ListResource { return &connectionApprovalListResource{} }

type connectionApprovalListResource struct {
	data *providerData // nil until the provider is configured
}

// connectionApprovalListModel is the `config` block of a list block.
type connectionApprovalListModel struct {
	ServiceID   types.String `tfsdk:"service_id"`
	Status      types.String `tfsdk:"status"`
	DomainIDs   types.List   `tfsdk:"domain_ids"`
	EndpointIDs types.List   `tfsdk:"endpoint_ids"`
}

// Metadata gives the list resource the name of the resource it lists.
func (l *connectionApprovalListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_approval"
}

// ListResourceConfigSchema describes the `config` block; its filters match
// those of the vpcep_connections data source.
func (l *connectionApprovalListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	idList := []validator.List{
		listvalidator.SizeAtLeast(1),
		listvalidator.ValueStringsAre(idValidator{forbidSlash: true}),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the connections of one of your VPC endpoint services for `terraform query` " +
			"(Terraform 1.14 and later), each with its identity (`service_id`, `endpoint_id`) and a display name " +
			"showing the endpoint id, the consumer's account and the status. With `include_resource = true` each " +
			"result carries the full `vpcep_connection_approval` object, and `terraform query " +
			"-generate-config-out=FILE` writes an import block and a resource block per connection. The " +
			"provider reads 1000 connections per request, and reads the whole list again when it changed " +
			"between two requests, so that no connection is missing from the results.",
		Attributes: map[string]schema.Attribute{
			connAttrServiceID: schema.StringAttribute{
				MarkdownDescription: "ID of your VPC endpoint service whose connections to list (1 to 64 " +
					"characters, no whitespace). The service must belong to the provider's project.",
				Required:   true,
				Validators: []validator.String{idValidator{forbidSlash: true}},
			},
			connAttrStatus: schema.StringAttribute{
				MarkdownDescription: "Only connections in this status: `pendingAcceptance`, `creating`, `accepted`, " +
					"`rejected`, `failed` or `deleting`. Filtered by the API, so only matching connections are read.",
				Optional: true,
				Validators: []validator.String{stringvalidator.OneOf(
					client.StatusPendingAcceptance, client.StatusCreating, client.StatusAccepted,
					client.StatusRejected, client.StatusFailed, client.StatusDeleting)},
			},
			listAttrDomainIDs: schema.ListAttribute{
				MarkdownDescription: "Only connections of endpoints owned by one of these accounts (domain IDs). " +
					"The API has no such filter: the provider reads every connection (of `status`, when set) " +
					"and keeps the matching ones. Omit it to list every account.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  idList,
			},
			listAttrEndpointIDs: schema.ListAttribute{
				MarkdownDescription: "Only the connections of these VPC endpoint IDs. With one ID the API filters " +
					"(one request); with more the provider reads every connection and keeps the matching ones. " +
					"Omit it to list every endpoint.",
				Optional:    true,
				ElementType: types.StringType,
				Validators:  idList,
			},
		},
	}
}

// Configure keeps the provider's client.
func (l *connectionApprovalListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	pd, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	l.data = pd
}

// connectionFilter is the part of a list block's filters the API cannot
// apply; nil sets match everything.
type connectionFilter struct {
	domains, endpoints map[string]bool
}

func (f connectionFilter) match(c client.Connection) bool {
	return (f.domains == nil || f.domains[c.DomainID]) && (f.endpoints == nil || f.endpoints[c.ID])
}

// stringSet turns a list of strings into a set; a null list gives nil.
func stringSet(ctx context.Context, l types.List) (map[string]bool, diag.Diagnostics) {
	if !isKnown(l) {
		return nil, nil
	}
	var values []string
	diags := l.ElementsAs(ctx, &values, false)
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set, diags
}

// List streams the matching connections, page by page.
func (l *connectionApprovalListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg connectionApprovalListModel
	diags := req.Config.Get(ctx, &cfg)
	var filter connectionFilter
	var d diag.Diagnostics
	filter.domains, d = stringSet(ctx, cfg.DomainIDs)
	diags.Append(d...)
	filter.endpoints, d = stringSet(ctx, cfg.EndpointIDs)
	diags.Append(d...)
	if !diags.HasError() && l.data == nil {
		diags.Append(notConfiguredDiag())
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	serviceID := cfg.ServiceID.ValueString()
	opts := client.ListConnectionsOptions{Status: cfg.Status.ValueString(), Limit: client.MaxPageSize}
	if len(filter.endpoints) == 1 {
		for id := range filter.endpoints {
			opts.ID = id // the API filters by one endpoint id
		}
	}
	stream.Results = func(push func(list.ListResult) bool) {
		conns, err := l.listConnections(ctx, serviceID, opts, filter, req.Limit)
		if err != nil {
			var diags diag.Diagnostics
			diags.Append(apiErrorDiag("Error listing VPC endpoint connections",
				fmt.Sprintf("Could not list the connections of endpoint service %s. Check service_id and that "+
					"the provider's credentials may list the service's connections.", serviceID), err))
			push(list.ListResult{Diagnostics: diags})
			return
		}
		pushed := int64(0)
		for _, c := range conns {
			if !filter.match(c) {
				continue
			}
			if !push(l.result(ctx, req, serviceID, c)) {
				return
			}
			if pushed++; req.Limit > 0 && pushed >= req.Limit {
				return
			}
		}
	}
}

// listConnections reads the connections the list block asks for: one page
// when it is enough (a single page is consistent by itself), else the whole,
// checked list, so that no live connection is missing from the results.
func (l *connectionApprovalListResource) listConnections(ctx context.Context, serviceID string, opts client.ListConnectionsOptions, filter connectionFilter, limit int64) ([]client.Connection, error) {
	if filter.domains == nil && (filter.endpoints == nil || opts.ID != "") && limit > 0 && limit <= client.MaxPageSize {
		opts.Limit = int(limit)
		page, err := l.data.Client.ListConnections(ctx, serviceID, opts)
		if err != nil {
			return nil, err
		}
		return page.Connections, nil
	}
	return l.data.Client.ListAllConnections(ctx, serviceID, opts)
}

// connectionDisplayName is what `terraform query` shows for a connection.
func connectionDisplayName(c client.Connection) string {
	return fmt.Sprintf("%s (account %s, %s)", c.ID, c.DomainID, c.Status)
}

// result converts one connection into a list result: its identity, and with
// include_resource the resource object as import followed by a read would
// store it, so generated configuration plans no change.
func (l *connectionApprovalListResource) result(ctx context.Context, req list.ListRequest, serviceID string, c client.Connection) list.ListResult {
	r := req.NewListResult(ctx)
	r.DisplayName = connectionDisplayName(c)
	setApprovalIdentity(r.Identity, serviceID, c.ID)
	if req.IncludeResource {
		r.Diagnostics.Append(setApprovalResourceObject(ctx, r.Resource, serviceID, c)...)
	}
	return r
}

// setApprovalResourceObject writes a connection into a (null) resource
// object attribute by attribute; attributes the API does not know
// (timeouts, the waits) stay null, so generated configuration omits them.
func setApprovalResourceObject(ctx context.Context, res *tfsdk.Resource, serviceID string, c client.Connection) diag.Diagnostics {
	var m connectionApprovalModel
	diags := m.setConnection(&c)
	action := types.StringValue(adoptedAction(c.Status))
	for _, a := range []struct {
		name  string
		value any
	}{
		{connAttrID, types.StringValue(connectionID(serviceID, c.ID))},
		{connAttrServiceID, types.StringValue(serviceID)},
		{connAttrEndpointID, types.StringValue(c.ID)},
		{"action", action},
		{connAttrDescription, m.Description},
		{connAttrStatus, m.Status},
		{connAttrMarkerID, m.MarkerID},
		{connAttrDomainID, m.DomainID},
		{connAttrCreatedAt, m.CreatedAt},
		{connAttrUpdatedAt, m.UpdatedAt},
		{connAttrError, m.Error},
	} {
		diags.Append(res.SetAttribute(ctx, path.Root(a.name), a.value)...)
	}
	return diags
}

// adoptedAction is the action generated configuration gives a connection in
// status. It keeps every decision someone made: `creating` is a connection
// on its way to accepted after someone accepted it, so it is not cut off.
// It fails closed otherwise: a connection nobody has decided
// (pendingAcceptance) is rejected, so applying generated configuration never
// admits a consumer, and a failed one, which no action changes, is too.
func adoptedAction(status string) string {
	switch status {
	case client.StatusAccepted, client.StatusCreating:
		return client.ActionReceive
	}
	return client.ActionReject
}
