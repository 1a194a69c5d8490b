package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

var (
	_ datasource.DataSource              = (*connectionDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*connectionDataSource)(nil)
)

// dataSourceIDValidators validate an id argument of a data source: 1 to 64
// characters, no whitespace (a pasted id with a trailing newline or space
// would otherwise reach the API and come back as a confusing "not found").
func dataSourceIDValidators() []validator.String {
	return []validator.String{idValidator{}}
}

// NewConnectionDataSource returns the vpcep_connection data source: one
// endpoint's connection to one endpoint service.
func NewConnectionDataSource() datasource.DataSource {
	return &connectionDataSource{}
}

// connectionDataSource reads one connection by service_id and endpoint_id.
type connectionDataSource struct {
	data *providerData // nil until the provider is configured
}

// connectionDataSourceModel is the configuration and state of
// vpcep_connection: the one Terraform view of a connection, and the service.
type connectionDataSourceModel struct {
	connectionModel
	ServiceID types.String `tfsdk:"service_id"`
}

// Metadata names the data source vpcep_connection.
func (d *connectionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

// Schema describes vpcep_connection.
func (d *connectionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := connectionComputedDataSourceAttributes()
	attrs[connAttrID] = schema.StringAttribute{
		MarkdownDescription: "`service_id/endpoint_id`, the same form `vpcep_connection_approval` is imported with.",
		Computed:            true,
	}
	attrs[connAttrServiceID] = schema.StringAttribute{
		MarkdownDescription: "ID of your VPC endpoint service (1 to 64 characters, no whitespace). " +
			"The service must belong to the provider's project.",
		Required:   true,
		Validators: dataSourceIDValidators(),
	}
	attrs[connAttrEndpointID] = schema.StringAttribute{
		MarkdownDescription: "ID of the consumer's VPC endpoint (1 to 64 characters, no whitespace), " +
			"as the consumer gives it to you or as `vpcep_connections` lists it.",
		Required:   true,
		Validators: dataSourceIDValidators(),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the connection of one consumer's VPC endpoint to one of your VPC endpoint " +
			"services: its status, the consumer's account (`domain_id`), its marker ID, description and, " +
			"when it failed, the API's errors. Reading fails when the connection does not exist; use " +
			"`vpcep_connections` to list whatever connections a service has.",
		Attributes: attrs,
	}
}

// Configure takes the API client from the configured provider.
func (d *connectionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	pd, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	d.data = pd
}

// Read fetches the connection and fills every attribute.
func (d *connectionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg connectionDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.Append(notConfiguredDiag())
		return
	}
	serviceID, endpointID := cfg.ServiceID.ValueString(), cfg.EndpointID.ValueString()

	conn, err := d.data.Reader.Get(ctx, serviceID, endpointID, time.Time{})
	if err != nil {
		if client.IsNotFound(err) {
			resp.Diagnostics.AddError("VPC endpoint connection not found",
				fmt.Sprintf("No connection of VPC endpoint %q to VPC endpoint service %q was found. Check that "+
					"endpoint_id is the ID of the consumer's VPC endpoint (not its name), that the endpoint was "+
					"created for this service and still exists, and that service_id is an endpoint service of "+
					"the project the provider is configured for (project_id, region). "+
					"To see the connections the service has, use the vpcep_connections data source.\n\n"+
					"Original Error: %s", endpointID, serviceID, err))
			return
		}
		resp.Diagnostics.Append(apiErrorDiag("Error reading VPC endpoint connection",
			fmt.Sprintf("Reading the connection of VPC endpoint %q to VPC endpoint service %q failed.", endpointID, serviceID), err))
		return
	}

	m, diags := newConnectionModel(serviceID, *conn)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	state := connectionDataSourceModel{connectionModel: m, ServiceID: cfg.ServiceID}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
