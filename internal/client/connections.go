package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Actions of POST .../connections/action.
const (
	// ActionReceive accepts a connection.
	ActionReceive = "receive"
	// ActionReject rejects a connection.
	ActionReject = "reject"
)

// Connection statuses (ConnectionEndpoints.status).
const (
	StatusPendingAcceptance = "pendingAcceptance"
	StatusCreating          = "creating"
	StatusAccepted          = "accepted"
	StatusRejected          = "rejected"
	StatusFailed            = "failed"
	StatusDeleting          = "deleting"
)

// MaxPageSize is the largest limit the list call accepts.
const MaxPageSize = 1000

// Path segments and query parameters of the connection calls.
const (
	segmentServices    = "vpc-endpoint-services"
	segmentConnections = "connections"
	segmentAction      = "action"
	segmentDescription = "description"

	queryID       = "id"
	queryMarkerID = "marker_id"
	queryStatus   = "status"
	querySortKey  = "sort_key"
	querySortDir  = "sort_dir"
	queryLimit    = "limit"
	queryOffset   = "offset"
)

// QueryError is one entry of a failed connection's error list.
type QueryError struct {
	ErrorCode    string `json:"error_code"`
	ErrorMessage string `json:"error_message"`
}

// Connection is a VPC endpoint as its service's owner sees it (the API's
// ConnectionEndpoints object).
type Connection struct {
	ID string `json:"id"`
	// MarkerID is int64: documented examples exceed int32.
	MarkerID  int64  `json:"marker_id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	// DomainID is the account of the endpoint's owner.
	DomainID string `json:"domain_id"`
	// Error is set only when Status is StatusFailed.
	Error       []QueryError `json:"error,omitempty"`
	Status      string       `json:"status"`
	Description string       `json:"description"`
}

// ListConnectionsOptions are the query parameters of the list call; zero
// values are not sent. SortKey is create_at or update_at, SortDir asc or desc.
type ListConnectionsOptions struct {
	ID       string
	MarkerID string
	Status   string
	SortKey  string
	SortDir  string
	Limit    int
	Offset   int
}

// values encodes the non-zero options.
func (o ListConnectionsOptions) values() url.Values {
	q := url.Values{}
	for _, p := range []struct{ key, value string }{
		{queryID, o.ID}, {queryMarkerID, o.MarkerID}, {queryStatus, o.Status},
		{querySortKey, o.SortKey}, {querySortDir, o.SortDir},
	} {
		if p.value != "" {
			q.Set(p.key, p.value)
		}
	}
	if o.Limit != 0 {
		q.Set(queryLimit, strconv.Itoa(o.Limit))
	}
	if o.Offset != 0 {
		q.Set(queryOffset, strconv.Itoa(o.Offset))
	}
	return q
}

// ListConnectionsResult is one page of connections.
type ListConnectionsResult struct {
	Connections []Connection `json:"connections"`
	// TotalCount counts every match, regardless of limit and offset.
	TotalCount int `json:"total_count"`
}

// connectionsBody is the response of the action and description calls.
type connectionsBody struct {
	Connections []Connection `json:"connections"`
}

// actionRequest is the body of POST .../connections/action, fields in the SDK's order.
type actionRequest struct {
	Action    string   `json:"action"`
	Endpoints []string `json:"endpoints"`
}

// descriptionRequest is the body of PUT .../connections/description.
type descriptionRequest struct {
	Connections []connectionDescription `json:"connections"`
}

type connectionDescription struct {
	ID          string `json:"id"`
	Description string `json:"description"`
}

// ListConnections returns one page of the connections of a service.
func (c *Client) ListConnections(ctx context.Context, serviceID string, opts ListConnectionsOptions) (*ListConnectionsResult, error) {
	if serviceID == "" {
		return nil, errors.New("VPCEP client: service id is required")
	}
	var out ListConnectionsResult
	path := c.projectPath(segmentServices, serviceID, segmentConnections)
	if err := c.do(ctx, http.MethodGet, path, opts.values(), nil, &out); err != nil {
		return nil, fmt.Errorf("listing connections of VPC endpoint service %s: %w", serviceID, err)
	}
	return &out, nil
}

// GetConnection lists with id=endpointID; when there is none the error wraps
// ErrConnectionNotFound, and IsNotFound reports true for it as for a missing service.
func (c *Client) GetConnection(ctx context.Context, serviceID, endpointID string) (*Connection, error) {
	if endpointID == "" {
		return nil, errors.New("VPCEP client: endpoint id is required")
	}
	// limit=1000 too, in case a server ignores the id filter (DESIGN.md).
	page, err := c.ListConnections(ctx, serviceID, ListConnectionsOptions{ID: endpointID, Limit: MaxPageSize})
	if err != nil {
		return nil, err
	}
	for i := range page.Connections {
		if page.Connections[i].ID == endpointID {
			return &page.Connections[i], nil
		}
	}
	return nil, fmt.Errorf("connection of VPC endpoint %s on service %s: %w", endpointID, serviceID, ErrConnectionNotFound)
}

// AcceptOrReject applies action (ActionReceive or ActionReject) to one
// endpoint's connection and returns the connection from the answer, or nil
// when the answer holds none usable (the caller reads it instead). Retries are
// safe; EndPoint.2014 after a lost "receive" success counts as success.
func (c *Client) AcceptOrReject(ctx context.Context, serviceID, endpointID, action string) (*Connection, error) {
	if serviceID == "" || endpointID == "" {
		return nil, errors.New("VPCEP client: service id and endpoint id are required")
	}
	var out connectionsBody
	path := c.projectPath(segmentServices, serviceID, segmentConnections, segmentAction)
	err := c.do(ctx, http.MethodPost, path, nil, actionRequest{Action: action, Endpoints: []string{endpointID}}, &out)
	if err != nil {
		if action == ActionReceive && HasCode(err, CodeAlreadyConnected) {
			if conn, getErr := c.GetConnection(ctx, serviceID, endpointID); getErr == nil &&
				(conn.Status == StatusAccepted || conn.Status == StatusCreating) {
				return conn, nil
			}
		}
		return nil, fmt.Errorf("%s connection of VPC endpoint %s on service %s: %w", action, endpointID, serviceID, err)
	}
	return pickConnection(out.Connections, endpointID), nil
}

// UpdateConnectionDescription sets one connection's description and returns
// the connection from the answer, or nil as AcceptOrReject does.
func (c *Client) UpdateConnectionDescription(ctx context.Context, serviceID, endpointID, description string) (*Connection, error) {
	if serviceID == "" || endpointID == "" {
		return nil, errors.New("VPCEP client: service id and endpoint id are required")
	}
	var out connectionsBody
	path := c.projectPath(segmentServices, serviceID, segmentConnections, segmentDescription)
	in := descriptionRequest{Connections: []connectionDescription{{ID: endpointID, Description: description}}}
	if err := c.do(ctx, http.MethodPut, path, nil, in, &out); err != nil {
		return nil, fmt.Errorf("updating description of connection of VPC endpoint %s on service %s: %w", endpointID, serviceID, err)
	}
	conn := pickConnection(out.Connections, endpointID)
	if conn != nil && conn.Status == "" && conn.Description == "" {
		// The answer did not show the description: report what was written.
		conn.Description = description
	}
	return conn, nil
}

// pickConnection returns the connection with endpointID, else the only one,
// else nil (an empty Connection would pass for a real one).
func pickConnection(conns []Connection, endpointID string) *Connection {
	for i := range conns {
		if conns[i].ID == endpointID {
			return &conns[i]
		}
	}
	if len(conns) == 1 {
		// One endpoint was named, so a lone connection is its, whatever id it shows.
		conn := conns[0]
		conn.ID = endpointID
		return &conn
	}
	return nil
}
