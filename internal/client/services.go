package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// ServicePort is one port mapping of an endpoint service.
type ServicePort struct {
	ClientPort int    `json:"client_port"`
	ServerPort int    `json:"server_port"`
	Protocol   string `json:"protocol"`
}

// EndpointService is a VPC endpoint service as
// GET /v1/{project_id}/vpc-endpoint-services/{id} returns it (the fields the
// provider may use).
type EndpointService struct {
	ID          string `json:"id"`
	ServiceName string `json:"service_name"`
	Status      string `json:"status"` // creating, available, failed or deleting
	ServiceType string `json:"service_type"`
	ServerType  string `json:"server_type"`
	PortID      string `json:"port_id"`
	VPCID       string `json:"vpc_id"`
	PoolID      string `json:"pool_id"`
	ProjectID   string `json:"project_id"`
	CIDRType    string `json:"cidr_type"`
	TCPProxy    string `json:"tcp_proxy"`
	Description string `json:"description"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
	// ApprovalEnabled means new connections wait in pendingAcceptance.
	ApprovalEnabled bool          `json:"approval_enabled"`
	ConnectionCount int           `json:"connection_count"`
	Ports           []ServicePort `json:"ports"`
}

// GetEndpointService reads an endpoint service; IsNotFound(err) reports a
// missing one.
func (c *Client) GetEndpointService(ctx context.Context, serviceID string) (*EndpointService, error) {
	if serviceID == "" {
		return nil, errors.New("VPCEP client: service id is required")
	}
	var out EndpointService
	if err := c.do(ctx, http.MethodGet, c.projectPath(segmentServices, serviceID), nil, nil, &out); err != nil {
		return nil, fmt.Errorf("reading VPC endpoint service %s: %w", serviceID, err)
	}
	return &out, nil
}
