package vpcepmock

import (
	"net/http"
	"slices"
	"strings"
)

// maxEndpointDescriptionLength is the limit of description on endpoint creation.
const maxEndpointDescriptionLength = 128

// createEndpointRequest is the body of POST /v1/{project_id}/vpc-endpoints
// (the fields the mock uses; the others are accepted and ignored).
type createEndpointRequest struct {
	EndpointServiceID string `json:"endpoint_service_id"`
	VPCID             string `json:"vpc_id"`
	SubnetID          string `json:"subnet_id"`
	Description       string `json:"description"`
}

// handleCreateEndpoint serves POST .../vpc-endpoints, the consumer side: the service may be in any project.
func (m *Mock) handleCreateEndpoint(c *call) {
	var req createEndpointRequest
	if !m.decodeBody(c, &req) {
		return
	}
	switch {
	case req.EndpointServiceID == "":
		m.fail(c, errServiceIDEmpty)
		return
	case req.VPCID == "":
		m.fail(c, errVPCEmpty)
		return
	case len([]rune(req.Description)) > maxEndpointDescriptionLength || strings.ContainsAny(req.Description, "<>"):
		m.fail(c, errParameter)
		return
	}
	m.mu.Lock()
	s, ok := m.services[req.EndpointServiceID]
	if !ok {
		m.mu.Unlock()
		m.fail(c, errServiceNotExist)
		return
	}
	if req.SubnetID == "" && s.info.ServiceType == serviceTypeInterface {
		m.mu.Unlock()
		m.fail(c, errSubnetEmpty)
		return
	}
	m.settleLocked(s, c.now)
	conn, err := m.newConnLocked(s, connSpec{
		projectID: c.project, domainID: c.cred.DomainID, description: req.Description,
		vpcID: req.VPCID, subnetID: req.SubnetID,
	}, c.now)
	if err != nil {
		m.mu.Unlock()
		m.fail(c, errSystem)
		return
	}
	body := conn.endpointView()
	m.mu.Unlock()
	m.ok(c, body)
}

// listEndpointsBody is the ListEndpoints response.
type listEndpointsBody struct {
	Endpoints  []Endpoint `json:"endpoints"`
	TotalCount int        `json:"total_count"`
}

// handleListEndpoints serves GET .../vpc-endpoints; it scans, since a consumer's list is no hot path.
func (m *Mock) handleListEndpoints(c *call) {
	q := c.r.URL.Query()
	lq, e := parseListQuery(q)
	if e != nil {
		m.fail(c, *e)
		return
	}
	id, name, serviceID, vpcID := q.Get(queryID), q.Get(queryServiceName), q.Get(queryServiceID), q.Get(queryVPCID)
	m.mu.Lock()
	m.settleAllLocked(c.now)
	matches := make([]*conn, 0)
	for _, e := range m.endpoints {
		if e.projectID != c.project ||
			(id != "" && e.id != id) ||
			(serviceID != "" && e.svc.info.ID != serviceID) ||
			(name != "" && !strings.Contains(e.svc.info.ServiceName, name)) ||
			(vpcID != "" && e.vpcID != vpcID) {
			continue
		}
		matches = append(matches, e)
	}
	slices.SortFunc(matches, func(a, b *conn) int {
		if lq.byUpdate {
			if d := a.updated.Compare(b.updated); d != 0 {
				return d
			}
		}
		if d := a.created.Compare(b.created); d != 0 {
			return d
		}
		return strings.Compare(a.id, b.id)
	})
	if !lq.asc {
		slices.Reverse(matches)
	}
	body := listEndpointsBody{Endpoints: []Endpoint{}, TotalCount: len(matches)}
	if lq.offset < len(matches) {
		for _, e := range matches[lq.offset:min(len(matches), lq.offset+lq.limit)] {
			body.Endpoints = append(body.Endpoints, e.endpointView())
		}
	}
	m.mu.Unlock()
	m.ok(c, body)
}

// endpointLocked returns the project's live endpoint id after settling its service.
func (m *Mock) endpointLocked(project, id string, c *call) *conn {
	e, ok := m.endpoints[id]
	if !ok || e.projectID != project {
		return nil
	}
	m.settleLocked(e.svc, c.now)
	if e.removed {
		return nil
	}
	return e
}

// handleGetEndpoint serves GET /v1/{project_id}/vpc-endpoints/{id}; its
// status is the connection's.
func (m *Mock) handleGetEndpoint(c *call) {
	m.mu.Lock()
	e := m.endpointLocked(c.project, c.id, c)
	var body Endpoint
	if e != nil {
		body = e.endpointView()
	}
	m.mu.Unlock()
	if e == nil {
		m.fail(c, errNotFound)
		return
	}
	m.ok(c, body)
}

// handleDeleteEndpoint serves DELETE /v1/{project_id}/vpc-endpoints/{id}:
// 204; the connection turns deleting, then disappears after the delay.
func (m *Mock) handleDeleteEndpoint(c *call) {
	m.mu.Lock()
	e := m.endpointLocked(c.project, c.id, c)
	if e != nil {
		m.deleteConnLocked(e, c.now)
	}
	m.mu.Unlock()
	if e == nil {
		m.fail(c, errNotFound)
		return
	}
	c.w.WriteHeader(http.StatusNoContent)
}
