package vpcepmock

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// serviceNamePattern is the API's rule for service_name.
var serviceNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

// createServiceRequest is the body of POST /v1/{project_id}/vpc-endpoint-services.
type createServiceRequest struct {
	PortID          string `json:"port_id"`
	VPCID           string `json:"vpc_id"`
	ServerType      string `json:"server_type"`
	Ports           []Port `json:"ports"`
	ServiceName     string `json:"service_name"`
	ApprovalEnabled *bool  `json:"approval_enabled"`
	ServiceType     string `json:"service_type"`
	TCPProxy        string `json:"tcp_proxy"`
	Tags            []Tag  `json:"tags"`
	Description     string `json:"description"`
	PoolID          string `json:"pool_id"`
}

// validTCPProxy lists the tcp_proxy values of the API.
var validTCPProxy = []string{"", tcpProxyClose, "toa_open", "proxy_open", "open", "proxy_vni"}

// handleCreateService serves POST /v1/{project_id}/vpc-endpoint-services.
// The service is available at once (the documented examples show it so).
func (m *Mock) handleCreateService(c *call) {
	var req createServiceRequest
	if !m.decodeBody(c, &req) {
		return
	}
	if e := req.validate(); e != nil {
		m.fail(c, *e)
		return
	}
	approval := true
	if req.ApprovalEnabled != nil {
		approval = *req.ApprovalEnabled
	}
	info := Service{
		PortID: req.PortID, VPCID: req.VPCID, ServerType: req.ServerType, Ports: req.Ports,
		ApprovalEnabled: approval, TCPProxy: req.TCPProxy, Tags: req.Tags,
		Description: req.Description, PoolID: req.PoolID,
	}
	m.mu.Lock()
	s := m.newServiceLocked(c.project, info, req.ServiceName, c.now)
	body := s.view()
	m.mu.Unlock()
	m.ok(c, body)
}

// validate applies the API's checks to a create-service body.
func (req *createServiceRequest) validate() *apiError {
	switch {
	case req.PortID == "" || len(req.PortID) > maxIDLength:
		return &errInvalidPortID
	case req.VPCID == "":
		return &errVPCEmpty
	case len(req.VPCID) > maxIDLength:
		return &errInvalidVPCID
	case req.ServerType != serverTypeVM && req.ServerType != serverTypeVIP && req.ServerType != serverTypeLB:
		return &errInvalidServerType
	case len(req.Ports) == 0 || len(req.Ports) > 200:
		return &errInvalidPort
	case req.ServiceName != "" && !serviceNamePattern.MatchString(req.ServiceName):
		return &errInvalidServiceName
	case req.ServiceType != "" && req.ServiceType != serviceTypeInterface:
		return &errParameter
	case !slices.Contains(validTCPProxy, req.TCPProxy):
		return &errParameter
	}
	for _, p := range req.Ports {
		if p.ClientPort < 1 || p.ClientPort > 65535 || p.ServerPort < 1 || p.ServerPort > 65535 ||
			(p.Protocol != "" && p.Protocol != protocolTCP) {
			return &errInvalidPort
		}
	}
	for i := range req.Ports {
		if req.Ports[i].Protocol == "" {
			req.Ports[i].Protocol = protocolTCP
		}
	}
	return nil
}

// listServicesBody is the ListEndpointService response.
type listServicesBody struct {
	EndpointServices []Service `json:"endpoint_services"`
	TotalCount       int       `json:"total_count"`
}

// handleListServices serves GET .../vpc-endpoint-services; a project owns few services, so it scans.
func (m *Mock) handleListServices(c *call) {
	q := c.r.URL.Query()
	lq, e := parseListQuery(q)
	if e != nil {
		m.fail(c, *e)
		return
	}
	id, name, status := q.Get(queryID), q.Get(queryServiceName), q.Get(queryStatus)
	m.mu.Lock()
	m.settleAllLocked(c.now)
	matches := make([]*service, 0)
	for _, s := range m.services {
		if s.info.ProjectID != c.project ||
			(id != "" && s.info.ID != id) ||
			(name != "" && !strings.Contains(s.info.ServiceName, name)) ||
			(status != "" && s.info.Status != status) {
			continue
		}
		matches = append(matches, s)
	}
	slices.SortFunc(matches, func(a, b *service) int {
		ka, kb := a.info.CreatedAt, b.info.CreatedAt
		if lq.byUpdate {
			ka, kb = a.info.UpdatedAt, b.info.UpdatedAt
		}
		if d := strings.Compare(ka, kb); d != 0 {
			return d
		}
		return strings.Compare(a.info.ID, b.info.ID)
	})
	if !lq.asc {
		slices.Reverse(matches)
	}
	body := listServicesBody{EndpointServices: []Service{}, TotalCount: len(matches)}
	if lq.offset < len(matches) {
		for _, s := range matches[lq.offset:min(len(matches), lq.offset+lq.limit)] {
			body.EndpointServices = append(body.EndpointServices, s.view())
		}
	}
	m.mu.Unlock()
	m.ok(c, body)
}

// handleListPublicServices serves GET .../vpc-endpoint-services/public: the
// mock hosts no public (cloud-operated) services, so the list is empty.
func (m *Mock) handleListPublicServices(c *call) {
	lq := listQuery{limit: defaultLimit}
	if e := lq.parsePaging(c.r.URL.Query()); e != nil {
		m.fail(c, *e)
		return
	}
	m.ok(c, listServicesBody{EndpointServices: []Service{}})
}

// describeServiceBody is the ListServiceDescribeDetails response: what a
// consumer may learn about any service before connecting to it.
type describeServiceBody struct {
	ID              string `json:"id"`
	ServiceName     string `json:"service_name"`
	ServiceType     string `json:"service_type"`
	CreatedAt       string `json:"created_at"`
	IsCharge        bool   `json:"is_charge"`
	ApprovalEnabled bool   `json:"approval_enabled"`
	Description     string `json:"description"`
}

// handleDescribeService serves GET .../vpc-endpoint-services/describe?id=|endpoint_service_name=,
// which consumers use to look up a service of any project.
func (m *Mock) handleDescribeService(c *call) {
	q := c.r.URL.Query()
	id, name := q.Get(queryID), q.Get(queryServiceName)
	if id == "" && name == "" {
		m.fail(c, errParameter)
		return
	}
	m.mu.RLock()
	var found *service
	if id != "" {
		found = m.services[id]
	} else {
		for _, s := range m.services {
			if s.info.ServiceName == name {
				found = s
				break
			}
		}
	}
	var body describeServiceBody
	if found != nil {
		body = describeServiceBody{
			ID: found.info.ID, ServiceName: found.info.ServiceName, ServiceType: found.info.ServiceType,
			CreatedAt: found.info.CreatedAt, ApprovalEnabled: found.info.ApprovalEnabled,
			Description: found.info.Description,
		}
	}
	m.mu.RUnlock()
	if found == nil {
		m.fail(c, errNotFound)
		return
	}
	m.ok(c, body)
}

// handleGetService serves GET /v1/{project_id}/vpc-endpoint-services/{id}.
// Another project's service is not found (404), as it is invisible.
func (m *Mock) handleGetService(c *call) {
	var body Service
	if !m.readService(c.project, c.id, c.now, func(s *service) { body = s.view() }) {
		m.fail(c, errNotFound)
		return
	}
	m.ok(c, body)
}

// handleDeleteService serves DELETE /v1/{project_id}/vpc-endpoint-services/{id}:
// 204, and the service and its connections are gone (their endpoints with them).
func (m *Mock) handleDeleteService(c *call) {
	s := m.lockService(c)
	if s == nil {
		return
	}
	for _, conn := range slices.Clone(s.conns) {
		m.removeConnLocked(conn)
	}
	delete(m.services, c.id)
	m.mu.Unlock()
	c.w.WriteHeader(http.StatusNoContent)
}
