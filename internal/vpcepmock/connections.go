package vpcepmock

import (
	"net/url"
	"slices"
	"strconv"
	"time"
)

// connQuery is a parsed, valid query of ListServiceConnections.
type connQuery struct {
	id        string
	hasMarker bool
	markerID  int64
	status    string
	listQuery
}

// parseConnQuery validates in the error table's order; an empty value counts as absent.
func parseConnQuery(q url.Values) (connQuery, *apiError) {
	out := connQuery{id: q.Get(queryID)}
	if v := q.Get(queryMarkerID); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return out, &errInvalidMarkerID
		}
		out.hasMarker, out.markerID = true, n
	}
	if v := q.Get(queryStatus); v != "" {
		if !validStatus(v) {
			return out, &errInvalidStatus
		}
		out.status = v
	}
	var e *apiError
	out.listQuery, e = parseListQuery(q)
	return out, e
}

// listConnectionsBody is the ListServiceConnections response.
type listConnectionsBody struct {
	Connections []Connection `json:"connections"`
	TotalCount  int          `json:"total_count"`
}

// connectionsBody is the response of the action and description calls.
type connectionsBody struct {
	Connections []Connection `json:"connections"`
}

// page returns one page of the matches and their count, at a cost that follows
// the page except when sorting by update time (DESIGN.md).
func (s *service) page(q connQuery) ([]*conn, int) {
	if q.id != "" || q.hasMarker {
		c := s.lookup(q)
		if c == nil || (q.status != "" && c.status != q.status) {
			return nil, 0
		}
		if q.offset > 0 {
			return nil, 1
		}
		return []*conn{c}, 1
	}
	if q.byUpdate {
		return s.pageByUpdate(q)
	}
	n := len(s.conns)
	total := n
	if q.status != "" {
		total = s.counts[statusIndex(q.status)]
	}
	if q.offset >= total {
		return nil, total
	}
	at := func(i int) *conn { // the i-th connection in the requested order
		if q.asc {
			return s.conns[i]
		}
		return s.conns[n-1-i]
	}
	size := min(q.limit, total-q.offset)
	out := make([]*conn, 0, size)
	if q.status == "" {
		for i := q.offset; i < q.offset+size; i++ {
			out = append(out, at(i))
		}
		return out, total
	}
	skip := q.offset
	for i := 0; i < n && len(out) < size; i++ {
		c := at(i)
		if c.status != q.status {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, c)
	}
	return out, total
}

// lookup resolves the id and marker_id filters (both must match if both are given).
func (s *service) lookup(q connQuery) *conn {
	var c *conn
	if q.id != "" {
		c = s.byID[q.id]
		if c == nil || (q.hasMarker && c.markerID != q.markerID) {
			return nil
		}
		return c
	}
	return s.byMarker[q.markerID]
}

// pageByUpdate sorts the matches by update time (then creation order).
func (s *service) pageByUpdate(q connQuery) ([]*conn, int) {
	matches := make([]*conn, 0, len(s.conns))
	for _, c := range s.conns {
		if q.status == "" || c.status == q.status {
			matches = append(matches, c)
		}
	}
	slices.SortStableFunc(matches, func(a, b *conn) int {
		if d := a.updated.Compare(b.updated); d != 0 {
			return d
		}
		if connBefore(a, b) {
			return -1
		}
		return 1
	})
	if !q.asc {
		slices.Reverse(matches)
	}
	total := len(matches)
	if q.offset >= total {
		return nil, total
	}
	return matches[q.offset:min(total, q.offset+q.limit)], total
}

// ownedServiceLocked is the service id of project, or nil: another project's
// service is as invisible as a missing one (404 EndPoint.0005).
func (m *Mock) ownedServiceLocked(project, id string) *service {
	if s, ok := m.services[id]; ok && s.info.ProjectID == project {
		return s
	}
	return nil
}

// lockService takes the write lock and returns the call's service, settled,
// for a handler that changes it; if the project has no such service, it
// answers 404 EndPoint.0005 and returns nil with the lock released.
func (m *Mock) lockService(c *call) *service {
	m.mu.Lock()
	s := m.ownedServiceLocked(c.project, c.id)
	if s == nil {
		m.mu.Unlock()
		m.fail(c, errNotFound)
		return nil
	}
	m.settleLocked(s, c.now)
	return s
}

// readService runs fn on the project's service under the read lock, after settling
// due transitions (under the write lock, only when some are due); false if there is none.
func (m *Mock) readService(project, id string, now time.Time, fn func(s *service)) bool {
	m.mu.RLock()
	if s := m.ownedServiceLocked(project, id); s != nil && s.due(now) {
		m.mu.RUnlock()
		m.mu.Lock()
		if s := m.ownedServiceLocked(project, id); s != nil {
			m.settleLocked(s, now)
		}
		m.mu.Unlock()
		m.mu.RLock()
	}
	defer m.mu.RUnlock()
	s := m.ownedServiceLocked(project, id)
	if s == nil {
		return false
	}
	fn(s)
	return true
}

// handleListConnections serves GET .../vpc-endpoint-services/{id}/connections.
func (m *Mock) handleListConnections(c *call) {
	q, e := parseConnQuery(c.r.URL.Query())
	if e != nil {
		m.fail(c, *e)
		return
	}
	m.runListChanges(c.id, q)
	buf, ok := bufferPool.Get().(*[]byte)
	if !ok {
		buf = new([]byte)
	}
	defer bufferPool.Put(buf)
	found := m.readService(c.project, c.id, c.now, func(s *service) {
		page, total := s.page(q)
		*buf = appendListJSON((*buf)[:0], page, total)
	})
	if !found {
		m.fail(c, errNotFound)
		return
	}
	writeRawJSON(c.w, *buf)
}

// actionRequest is the body of POST .../connections/action.
type actionRequest struct {
	Action    string   `json:"action"`
	Endpoints []string `json:"endpoints"`
}

// handleAction serves POST .../connections/action (state machine in docs/vpcep-mock.md).
func (m *Mock) handleAction(c *call) {
	var req actionRequest
	if !m.decodeBody(c, &req) {
		return
	}
	if req.Action != ActionReceive && req.Action != ActionReject {
		m.fail(c, errInvalidAction)
		return
	}
	switch {
	case len(req.Endpoints) == 0:
		m.fail(c, errParameter)
		return
	case len(req.Endpoints) > 1:
		m.fail(c, errOnlyOneEndpoint)
		return
	}
	endpointID := req.Endpoints[0]
	if endpointID == "" || len(endpointID) > maxIDLength {
		m.fail(c, errInvalidEndpointID)
		return
	}
	s := m.lockService(c)
	if s == nil {
		return
	}
	conn, ok := s.byID[endpointID]
	if !ok {
		m.mu.Unlock()
		m.fail(c, errNotOnService)
		return
	}
	if e := m.applyActionLocked(conn, req.Action, c.now); e != nil {
		m.mu.Unlock()
		m.fail(c, *e)
		return
	}
	body := connectionsBody{Connections: []Connection{conn.view()}}
	m.mu.Unlock()
	m.ok(c, body)
}

// applyActionLocked runs the state machine for one action.
func (m *Mock) applyActionLocked(c *conn, action string, now time.Time) *apiError {
	from := c.status
	switch from {
	case StatusFailed:
		return &errFailedUnmodifiable
	case StatusDeleting:
		return &errEndpointDeleting
	}
	var to string
	switch {
	case action == ActionReceive && (from == StatusPendingAcceptance || from == StatusRejected):
		to = StatusCreating
	case action == ActionReject && from != StatusRejected:
		to = StatusRejected
	default:
		return nil // already there or on the way: idempotent, not recorded
	}
	c.hold = false
	m.setStatusLocked(c, to, now)
	m.scheduleLocked(c, now)
	m.actions = append(m.actions, ActionRecord{
		ServiceID: c.svc.info.ID, EndpointID: c.id, Action: action,
		From: from, To: c.status, At: now,
	})
	return nil
}

// descriptionRequest is the body of PUT .../connections/description.
type descriptionRequest struct {
	Connections []struct {
		ID          string  `json:"id"`
		Description *string `json:"description"`
	} `json:"connections"`
}

// handleDescription serves PUT .../vpc-endpoint-services/{id}/connections/description.
// Every entry is checked before any is applied.
func (m *Mock) handleDescription(c *call) {
	var req descriptionRequest
	if !m.decodeBody(c, &req) {
		return
	}
	if len(req.Connections) == 0 {
		m.fail(c, errParameter)
		return
	}
	for _, e := range req.Connections {
		if e.ID == "" || e.Description == nil || checkDescription(*e.Description) != nil {
			m.fail(c, errParameter)
			return
		}
	}
	s := m.lockService(c)
	if s == nil {
		return
	}
	conns := make([]*conn, len(req.Connections))
	for i, e := range req.Connections {
		if conns[i] = s.byID[e.ID]; conns[i] == nil {
			m.mu.Unlock()
			m.fail(c, errNotOnService)
			return
		}
	}
	body := connectionsBody{Connections: make([]Connection, 0, len(conns))}
	for i, conn := range conns {
		conn.description = *req.Connections[i].Description
		conn.touch(c.now)
	}
	for _, conn := range conns {
		body.Connections = append(body.Connections, conn.view())
	}
	m.mu.Unlock()
	m.ok(c, body)
}
