package vpcepmock

// Wire vocabulary of the VPCEP v1 API (docs/api-notes.md). Every string the
// mock puts on the wire or reads from it is named here once.

// Connection and endpoint statuses (ConnectionEndpoints.status).
const (
	StatusPendingAcceptance = "pendingAcceptance"
	StatusCreating          = "creating"
	StatusAccepted          = "accepted"
	StatusRejected          = "rejected"
	StatusFailed            = "failed"
	StatusDeleting          = "deleting"
)

// connectionStatuses lists every status a connection can have, in the order
// the per-status counters use.
var connectionStatuses = [...]string{
	StatusPendingAcceptance, StatusCreating, StatusAccepted,
	StatusRejected, StatusFailed, StatusDeleting,
}

// Service statuses (ServiceDetails.status).
const (
	ServiceStatusAvailable = "available"
)

// Actions of POST .../connections/action.
const (
	ActionReceive = "receive"
	ActionReject  = "reject"
)

// Operation names, as the official SDK names the calls; RequestCounts is
// keyed by them.
const (
	OpCreateEndpointService         = "CreateEndpointService"
	OpListEndpointService           = "ListEndpointService"
	OpListServicePublicDetails      = "ListServicePublicDetails"
	OpListServiceDescribeDetails    = "ListServiceDescribeDetails"
	OpListServiceDetails            = "ListServiceDetails"
	OpDeleteEndpointService         = "DeleteEndpointService"
	OpListServiceConnections        = "ListServiceConnections"
	OpAcceptOrRejectEndpoint        = "AcceptOrRejectEndpoint"
	OpUpdateEndpointConnectionsDesc = "UpdateEndpointConnectionsDesc"
	OpCreateEndpoint                = "CreateEndpoint"
	OpListEndpoints                 = "ListEndpoints"
	OpListEndpointInfoDetails       = "ListEndpointInfoDetails"
	OpDeleteEndpoint                = "DeleteEndpoint"

	// CountUnauthorized counts API requests refused by authentication (401)
	// or by project isolation (403), in addition to their operation.
	CountUnauthorized = "Unauthorized"
	// CountFaulted counts API requests answered by an injected fault, in
	// addition to their operation.
	CountFaulted = "Faulted"
	// CountUnknownRoute counts requests on no API route (404 APIGW.0101).
	CountUnknownRoute = "UnknownRoute"
)

// Headers.
const (
	headerRequestID   = "X-Request-Id"
	headerAuthToken   = "X-Auth-Token"
	headerContentType = "Content-Type"
	contentTypeJSON   = "application/json"
)

// TimeLayout is the layout of every timestamp the mock emits (UTC, no fraction).
const TimeLayout = "2006-01-02T15:04:05Z"

// Limits of the API.
const (
	maxDescriptionLength = 512 // connection description, characters
	maxServiceNameLength = 16
	maxIDLength          = 64
	maxBodyBytes         = 1 << 20
	// maxGeneratedMarkerID keeps generated marker ids int32-safe: the
	// official SDK decodes marker_id as int32.
	maxGeneratedMarkerID = 1<<31 - 1
	firstMarkerID        = 16777216
)

// Server and service types.
const (
	serviceTypeInterface = "interface"
	serverTypeVM         = "VM"
	serverTypeVIP        = "VIP"
	serverTypeLB         = "LB"
	cidrTypeInternal     = "internal"
	tcpProxyClose        = "close"
	protocolTCP          = "TCP"
	activeStatusActive   = "active"
	enableStatusEnable   = "enable"
	specificationDefault = "default"
)

// QueryError is one entry of a failed connection's "error" list.
type QueryError struct {
	ErrorCode    string `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// Connection is a VPC endpoint as its service's owner sees it, the
// ConnectionEndpoints object of the API.
type Connection struct {
	ID          string       `json:"id"`
	MarkerID    int64        `json:"marker_id"`
	CreatedAt   string       `json:"created_at"`
	UpdatedAt   string       `json:"updated_at"`
	DomainID    string       `json:"domain_id"`
	Error       []QueryError `json:"error,omitempty"`
	Status      string       `json:"status"`
	Description string       `json:"description"`
}

// Port is one port mapping of an endpoint service.
type Port struct {
	ClientPort int    `json:"client_port"`
	ServerPort int    `json:"server_port"`
	Protocol   string `json:"protocol"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Service is an endpoint service as GET /v1/{project_id}/vpc-endpoint-services/{id}
// returns it.
type Service struct {
	ID              string `json:"id"`
	PortID          string `json:"port_id"`
	PoolID          string `json:"pool_id"`
	ServiceName     string `json:"service_name"`
	ServerType      string `json:"server_type"`
	VPCID           string `json:"vpc_id"`
	ApprovalEnabled bool   `json:"approval_enabled"`
	Status          string `json:"status"`
	ServiceType     string `json:"service_type"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
	ProjectID       string `json:"project_id"`
	CIDRType        string `json:"cidr_type"`
	Ports           []Port `json:"ports"`
	TCPProxy        string `json:"tcp_proxy"`
	Tags            []Tag  `json:"tags"`
	EnablePolicy    bool   `json:"enable_policy"`
	Description     string `json:"description"`
	ConnectionCount int    `json:"connection_count"`
}

// Endpoint is a VPC endpoint as its owner (the consumer) sees it, the body
// of GET /v1/{project_id}/vpc-endpoints/{id}.
type Endpoint struct {
	ID                  string       `json:"id"`
	ServiceType         string       `json:"service_type"`
	Status              string       `json:"status"`
	ActiveStatus        []string     `json:"active_status"`
	EnableStatus        string       `json:"enable_status"`
	SpecificationName   string       `json:"specification_name"`
	EndpointServiceName string       `json:"endpoint_service_name"`
	EndpointServiceID   string       `json:"endpoint_service_id"`
	MarkerID            int64        `json:"marker_id"`
	EnableDNS           bool         `json:"enable_dns"`
	IP                  string       `json:"ip,omitempty"`
	VPCID               string       `json:"vpc_id"`
	SubnetID            string       `json:"subnet_id,omitempty"`
	CreatedAt           string       `json:"created_at"`
	UpdatedAt           string       `json:"updated_at"`
	ProjectID           string       `json:"project_id"`
	DomainID            string       `json:"domain_id"`
	Tags                []Tag        `json:"tags"`
	Error               []QueryError `json:"error,omitempty"`
	Whitelist           []string     `json:"whitelist"`
	EnableWhitelist     bool         `json:"enable_whitelist"`
	Description         string       `json:"description"`
}
