package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

var (
	_ datasource.DataSource              = (*connectionsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*connectionsDataSource)(nil)
)

// Attribute names that only vpcep_connections has.
const (
	connsAttrSortKey     = "sort_key"
	connsAttrSortDir     = "sort_dir"
	connsAttrConnections = "connections"
	connsAttrIDs         = "ids"
)

// NewConnectionsDataSource returns the vpcep_connections data source: every
// connection of one endpoint service, optionally filtered and sorted.
func NewConnectionsDataSource() datasource.DataSource {
	return &connectionsDataSource{}
}

// connectionsDataSource lists the connections of a service across all pages.
type connectionsDataSource struct {
	data *providerData // nil until the provider is configured
}

// connectionsDataSourceModel is the configuration and state of
// vpcep_connections.
type connectionsDataSourceModel struct {
	ID          types.String `tfsdk:"id"`
	ServiceID   types.String `tfsdk:"service_id"`
	Status      types.String `tfsdk:"status"`
	EndpointID  types.String `tfsdk:"endpoint_id"`
	MarkerID    types.Int64  `tfsdk:"marker_id"`
	DomainID    types.String `tfsdk:"domain_id"`
	SortKey     types.String `tfsdk:"sort_key"`
	SortDir     types.String `tfsdk:"sort_dir"`
	Connections types.List   `tfsdk:"connections"`
	IDs         types.List   `tfsdk:"ids"`
}

// Metadata names the data source vpcep_connections.
func (d *connectionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connections"
}

// Schema describes vpcep_connections.
func (d *connectionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	element := connectionComputedDataSourceAttributes()
	element[connAttrID] = schema.StringAttribute{
		MarkdownDescription: "`service_id/endpoint_id`: the id of `vpcep_connection` and the import id of " +
			"`vpcep_connection_approval` for this connection.",
		Computed: true,
	}
	element[connAttrEndpointID] = schema.StringAttribute{MarkdownDescription: connDescEndpointID, Computed: true}

	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the connections of consumers' VPC endpoints to one of your VPC endpoint " +
			"services, across all pages of the API (1000 per request), optionally filtered and sorted. " +
			"A typical use is to approve, with `for_each` over `vpcep_connection_approval`, every " +
			"connection whose `domain_id` is in an allow-list of consumer accounts. Select them by " +
			"`domain_id` and not by `status = \"pendingAcceptance\"`: a connection approved by one apply " +
			"is no longer pending, would leave the `for_each` set, and the next apply would destroy " +
			"(reject) it. " +
			"No connection matching is not an error: `connections` and `ids` are then empty.",
		Attributes: map[string]schema.Attribute{
			connAttrID: schema.StringAttribute{
				MarkdownDescription: "The `service_id`.",
				Computed:            true,
			},
			connAttrServiceID: schema.StringAttribute{
				MarkdownDescription: "ID of your VPC endpoint service whose connections to list (1 to 64 " +
					"characters, no whitespace). The service must belong to the provider's project.",
				Required:   true,
				Validators: dataSourceIDValidators(),
			},
			connAttrStatus: schema.StringAttribute{
				MarkdownDescription: "Only connections in this status: `pendingAcceptance`, `creating`, `accepted`, " +
					"`rejected`, `failed` or `deleting`. Use `pendingAcceptance` to find the connections " +
					"waiting for your decision. Filtered by the API.",
				Optional: true,
				Validators: []validator.String{stringvalidator.OneOf(
					client.StatusPendingAcceptance, client.StatusCreating, client.StatusAccepted,
					client.StatusRejected, client.StatusFailed, client.StatusDeleting)},
			},
			connAttrEndpointID: schema.StringAttribute{
				MarkdownDescription: "Only the connection of this VPC endpoint ID (1 to 64 characters, no " +
					"whitespace); the list is empty when it has none. Filtered by the API. To require that " +
					"the connection exists, use `vpcep_connection` instead.",
				Optional:   true,
				Validators: dataSourceIDValidators(),
			},
			connAttrMarkerID: schema.Int64Attribute{
				MarkdownDescription: "Only the connection with this marker (packet) ID. Filtered by the API.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			connAttrDomainID: schema.StringAttribute{
				MarkdownDescription: "Only connections of endpoints owned by this account (domain) ID (1 to 64 " +
					"characters, no whitespace). The API has no such filter: the provider reads every " +
					"connection of the service and filters them itself, so this costs as many requests " +
					"as listing them all. To match several accounts, leave it unset and filter `connections` " +
					"in a `for` expression.",
				Optional:   true,
				Validators: dataSourceIDValidators(),
			},
			connsAttrSortKey: schema.StringAttribute{
				MarkdownDescription: "Order of `connections`: by `created_at` (the API's default) or `updated_at`. " +
					"Huawei Cloud and Open Telekom Cloud spell the API's sort keys differently (`create_at` " +
					"and `created_at`) and each documents only its own, so the provider sends none: " +
					"`created_at` is the API's default order on both, and `updated_at` is sorted by the " +
					"provider after reading all pages (connections updated at the same second keep the " +
					"API's order).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(client.SortKeyCreatedAt, client.SortKeyUpdatedAt)},
			},
			connsAttrSortDir: schema.StringAttribute{
				MarkdownDescription: "Direction of the order: `desc` (newest first, the API's default) or `asc`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(client.SortDirAsc, client.SortDirDesc)},
			},
			connsAttrConnections: schema.ListNestedAttribute{
				MarkdownDescription: "The matching connections, in the order the API returns them (see `sort_key`), " +
					"each with every field the API reports.",
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: element},
			},
			connsAttrIDs: schema.ListAttribute{
				MarkdownDescription: "The `endpoint_id` of each element of `connections`, in the same order: " +
					"convenient for `for_each = toset(...)`.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
	}
}

// Configure takes the API client from the configured provider.
func (d *connectionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	pd, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = pd
}

// Read lists every page of the service's connections and applies the
// filters and the order the API cannot (client.ConnectionQuery).
func (d *connectionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg connectionsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.Append(notConfiguredDiag())
		return
	}
	serviceID := cfg.ServiceID.ValueString()

	query := cfg.query()
	conns, err := d.data.Client.ListAllConnections(ctx, serviceID, query.ListOptions())
	if err != nil {
		detail := fmt.Sprintf("Listing the connections of VPC endpoint service %q failed.", serviceID)
		if client.IsNotFound(err) {
			detail += " Check that service_id is an endpoint service of the project the provider is " +
				"configured for (project_id, region)."
		}
		resp.Diagnostics.Append(apiErrorDiag("Error listing VPC endpoint connections", detail, err))
		return
	}
	conns = query.Select(conns)

	objs := make([]attr.Value, 0, len(conns))
	ids := make([]attr.Value, 0, len(conns))
	for _, c := range conns {
		obj, diags := connectionObjectValue(ctx, serviceID, c)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		objs = append(objs, obj)
		ids = append(ids, types.StringValue(c.ID))
	}
	var diags diag.Diagnostics
	state := cfg
	state.ID = cfg.ServiceID
	state.Connections, diags = types.ListValue(connectionObjectType, objs)
	resp.Diagnostics.Append(diags...)
	state.IDs, diags = types.ListValue(types.StringType, ids)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// query is the configured selection of connections.
func (m connectionsDataSourceModel) query() client.ConnectionQuery {
	q := client.ConnectionQuery{
		EndpointID: m.EndpointID.ValueString(),
		Status:     m.Status.ValueString(),
		DomainID:   m.DomainID.ValueString(),
		SortKey:    m.SortKey.ValueString(),
		SortDir:    m.SortDir.ValueString(),
	}
	if isKnown(m.MarkerID) {
		marker := m.MarkerID.ValueInt64()
		q.MarkerID = &marker
	}
	return q
}
