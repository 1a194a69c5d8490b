package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

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

// Values of the sort_key and sort_dir arguments of vpcep_connections.
const (
	sortKeyCreatedAt = "created_at"
	sortKeyUpdatedAt = "updated_at"
	sortDirAsc       = "asc"
	sortDirDesc      = "desc"
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
				Validators: []validator.String{stringvalidator.OneOf(sortKeyCreatedAt, sortKeyUpdatedAt)},
			},
			connsAttrSortDir: schema.StringAttribute{
				MarkdownDescription: "Direction of the order: `desc` (newest first, the API's default) or `asc`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(sortDirAsc, sortDirDesc)},
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
// filters and the order the API cannot.
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

	conns, err := d.data.Client.ListAllConnections(ctx, serviceID, cfg.listOptions())
	if err != nil {
		detail := fmt.Sprintf("Listing the connections of VPC endpoint service %q failed.", serviceID)
		if client.IsNotFound(err) {
			detail += " Check that service_id is an endpoint service of the project the provider is " +
				"configured for (project_id, region)."
		}
		resp.Diagnostics.Append(apiErrorDiag("Error listing VPC endpoint connections", detail, err))
		return
	}
	conns = filterAndSortConnections(conns, cfg.DomainID.ValueString(), cfg.SortKey.ValueString(), cfg.sortDir())

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

// listOptions are the filters the API applies itself. domain_id and
// sort_key are not among them (see the schema's descriptions).
func (m connectionsDataSourceModel) listOptions() client.ListConnectionsOptions {
	opts := client.ListConnectionsOptions{
		ID:      m.EndpointID.ValueString(),
		Status:  m.Status.ValueString(),
		SortDir: m.SortDir.ValueString(),
		Limit:   client.MaxPageSize,
	}
	if isKnown(m.MarkerID) {
		// The API takes marker_id as a string in the query, though it
		// returns it as a number.
		opts.MarkerID = strconv.FormatInt(m.MarkerID.ValueInt64(), 10)
	}
	return opts
}

// sortDir is the configured direction, or the API's default.
func (m connectionsDataSourceModel) sortDir() string {
	if m.SortDir.ValueString() == "" {
		return sortDirDesc
	}
	return m.SortDir.ValueString()
}

// filterAndSortConnections keeps the connections owned by domainID (all when
// empty) and, for sortKey updated_at, orders them by update time in dir. The
// sort is stable, so equal times keep the API's (creation) order.
func filterAndSortConnections(conns []client.Connection, domainID, sortKey, dir string) []client.Connection {
	if domainID != "" {
		conns = slices.DeleteFunc(slices.Clone(conns), func(c client.Connection) bool { return c.DomainID != domainID })
	}
	if sortKey == sortKeyUpdatedAt {
		conns = slices.Clone(conns)
		slices.SortStableFunc(conns, func(a, b client.Connection) int {
			n := compareAPITimes(a.UpdatedAt, b.UpdatedAt)
			if dir == sortDirDesc {
				return -n
			}
			return n
		})
	}
	return conns
}

// apiTimeLayouts are the timestamp forms the API is known to return; the
// documented one first.
var apiTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"}

// compareAPITimes orders two API timestamps by time, falling back to their
// text when one cannot be parsed (the documented form sorts as text too).
func compareAPITimes(a, b string) int {
	ta, okA := parseAPITime(a)
	tb, okB := parseAPITime(b)
	if okA && okB {
		return ta.Compare(tb)
	}
	return cmp.Compare(a, b)
}

// parseAPITime parses s in the first layout of apiTimeLayouts that fits.
func parseAPITime(s string) (time.Time, bool) {
	for _, layout := range apiTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
