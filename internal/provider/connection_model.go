package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// The Terraform view of one connection (client.Connection), shared by the
// data sources, the resource and the list resource: one place names the
// attributes and describes them, so every type shows them the same way.

// Attribute names of a connection, used by the schemas and the models.
const (
	connAttrID           = "id"
	connAttrServiceID    = "service_id"
	connAttrEndpointID   = "endpoint_id"
	connAttrStatus       = "status"
	connAttrAction       = "action" // the resource's decision
	connAttrMarkerID     = "marker_id"
	connAttrDomainID     = "domain_id"
	connAttrCreatedAt    = "created_at"
	connAttrUpdatedAt    = "updated_at"
	connAttrDescription  = "description"
	connAttrError        = "error"
	connAttrErrorCode    = "error_code"
	connAttrErrorMessage = "error_message"
)

// connectionIDSeparator joins service_id and endpoint_id into the id of a
// connection; it is the same form the resource imports.
const connectionIDSeparator = "/"

// connectionID is the Terraform id of the connection of endpointID to
// serviceID: "service_id/endpoint_id".
func connectionID(serviceID, endpointID string) string {
	return serviceID + connectionIDSeparator + endpointID
}

// connectionErrorAttrTypes are the attribute types of one error entry.
var connectionErrorAttrTypes = map[string]attr.Type{
	connAttrErrorCode:    types.StringType,
	connAttrErrorMessage: types.StringType,
}

// connectionErrorObjectType is the element type of a connection's error list.
var connectionErrorObjectType = types.ObjectType{AttrTypes: connectionErrorAttrTypes}

// connectionModel is one connection as a Terraform object. ID is
// "service_id/endpoint_id" so that an element of vpcep_connections can be
// used as an import id of vpcep_connection_approval as it is.
type connectionModel struct {
	ID          types.String `tfsdk:"id"`
	EndpointID  types.String `tfsdk:"endpoint_id"`
	Status      types.String `tfsdk:"status"`
	MarkerID    types.Int64  `tfsdk:"marker_id"`
	DomainID    types.String `tfsdk:"domain_id"`
	CreatedAt   types.String `tfsdk:"created_at"`
	UpdatedAt   types.String `tfsdk:"updated_at"`
	Description types.String `tfsdk:"description"`
	Error       types.List   `tfsdk:"error"`
}

// connectionAttrTypes are the attribute types of connectionModel, for lists
// of connections.
var connectionAttrTypes = map[string]attr.Type{
	connAttrID:          types.StringType,
	connAttrEndpointID:  types.StringType,
	connAttrStatus:      types.StringType,
	connAttrMarkerID:    types.Int64Type,
	connAttrDomainID:    types.StringType,
	connAttrCreatedAt:   types.StringType,
	connAttrUpdatedAt:   types.StringType,
	connAttrDescription: types.StringType,
	connAttrError:       types.ListType{ElemType: connectionErrorObjectType},
}

// connectionObjectType is the element type of a list of connections.
var connectionObjectType = types.ObjectType{AttrTypes: connectionAttrTypes}

// connectionErrorsValue converts the API's error list into a Terraform list.
// A connection without errors gets an empty list rather than null, so that
// length(...) and for expressions work without a null check.
func connectionErrorsValue(errs []client.QueryError) (types.List, diag.Diagnostics) {
	elems := make([]attr.Value, 0, len(errs))
	var diags diag.Diagnostics
	for _, e := range errs {
		obj, d := types.ObjectValue(connectionErrorAttrTypes, map[string]attr.Value{
			connAttrErrorCode:    types.StringValue(e.ErrorCode),
			connAttrErrorMessage: types.StringValue(e.ErrorMessage),
		})
		diags.Append(d...)
		elems = append(elems, obj)
	}
	list, d := types.ListValue(connectionErrorObjectType, elems)
	diags.Append(d...)
	return list, diags
}

// newConnectionModel converts a connection of serviceID as the API returns
// it. Absent strings become "" (the API omits empty fields), so a value
// never flips between null and "" from one read to the next.
func newConnectionModel(serviceID string, c client.Connection) (connectionModel, diag.Diagnostics) {
	errs, diags := connectionErrorsValue(c.Error)
	return connectionModel{
		ID:          types.StringValue(connectionID(serviceID, c.ID)),
		EndpointID:  types.StringValue(c.ID),
		Status:      types.StringValue(c.Status),
		MarkerID:    types.Int64Value(c.MarkerID),
		DomainID:    types.StringValue(c.DomainID),
		CreatedAt:   types.StringValue(c.CreatedAt),
		UpdatedAt:   types.StringValue(c.UpdatedAt),
		Description: types.StringValue(c.Description),
		Error:       errs,
	}, diags
}

// connectionObjectValue converts a connection of serviceID into an object of
// connectionObjectType.
func connectionObjectValue(ctx context.Context, serviceID string, c client.Connection) (types.Object, diag.Diagnostics) {
	m, diags := newConnectionModel(serviceID, c)
	if diags.HasError() {
		return types.ObjectNull(connectionAttrTypes), diags
	}
	obj, d := types.ObjectValueFrom(ctx, connectionAttrTypes, m)
	diags.Append(d...)
	return obj, diags
}

// Descriptions of the computed attributes of a connection, shared by every
// type so the docs say the same thing everywhere.
const (
	connDescEndpointID = "ID of the consumer's VPC endpoint whose connection this is."
	connDescStatus     = "Status of the connection as the API reports it: `pendingAcceptance` (waiting for the " +
		"service owner), `creating`, `accepted`, `rejected`, `failed` (see `error`) or `deleting`."
	connDescMarkerID = "Packet ID (marker ID) of the VPC endpoint as the API reports it; it identifies " +
		"the endpoint in the traffic the service receives and is a filter of `vpcep_connections`."
	connDescDomainID    = "Account (domain) ID of the endpoint's owner. Compare it with an allow-list to decide whom to accept."
	connDescCreatedAt   = "When the connection was created, UTC, in the form `YYYY-MM-DDTHH:MM:SSZ`."
	connDescUpdatedAt   = "When the connection last changed, UTC, in the form `YYYY-MM-DDTHH:MM:SSZ`."
	connDescDescription = "Description of the connection set by the service owner (empty when none is set)."
	connDescError       = "Why the connection failed: one entry per error the API reports. Empty unless `status` is " +
		"`failed`; quote the codes to support."
	connDescErrorCode    = "Error code reported by the API, e.g. `EndPoint.0042`."
	connDescErrorMessage = "Error message reported by the API."
)

// connectionErrorDataSourceAttribute is the schema of a connection's error
// list in a data source.
func connectionErrorDataSourceAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: connDescError,
		Computed:            true,
		NestedObject: schema.NestedAttributeObject{
			Attributes: map[string]schema.Attribute{
				connAttrErrorCode:    schema.StringAttribute{MarkdownDescription: connDescErrorCode, Computed: true},
				connAttrErrorMessage: schema.StringAttribute{MarkdownDescription: connDescErrorMessage, Computed: true},
			},
		},
	}
}

// connectionComputedDataSourceAttributes are the computed attributes every
// connection has in a data source, except id and endpoint_id whose meaning
// depends on where the connection appears.
func connectionComputedDataSourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		connAttrStatus:      schema.StringAttribute{MarkdownDescription: connDescStatus, Computed: true},
		connAttrMarkerID:    schema.Int64Attribute{MarkdownDescription: connDescMarkerID, Computed: true},
		connAttrDomainID:    schema.StringAttribute{MarkdownDescription: connDescDomainID, Computed: true},
		connAttrCreatedAt:   schema.StringAttribute{MarkdownDescription: connDescCreatedAt, Computed: true},
		connAttrUpdatedAt:   schema.StringAttribute{MarkdownDescription: connDescUpdatedAt, Computed: true},
		connAttrDescription: schema.StringAttribute{MarkdownDescription: connDescDescription, Computed: true},
		connAttrError:       connectionErrorDataSourceAttribute(),
	}
}
