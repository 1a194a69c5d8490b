package vpcepmock

import (
	"container/heap"
	"sort"
	"strconv"
	"time"
)

// conn is one VPC endpoint: the consumer's endpoint and the owner's
// connection are the same record, seen from two sides.
type conn struct {
	id        string
	svc       *service
	projectID string // the consumer's project
	domainID  string
	markerID  int64
	status    string
	errors    []QueryError // shown only while status is failed
	// description is the connection description, shown on both sides.
	description  string
	hold         bool // a forced status stays until forced again
	everAccepted bool // the endpoint has an ip once accepted, even if rejected later
	vpcID        string
	subnetID     string
	created      time.Time
	updated      time.Time
	// createdStr and updatedStr are formatted once, not on every list.
	createdStr string
	updatedStr string
	seq        uint64 // creation order among equal created times
	gen        uint64 // bumped on every status change; stale timers are skipped
	removed    bool
}

// view is the connection as the service owner sees it.
func (c *conn) view() Connection {
	out := Connection{
		ID:          c.id,
		MarkerID:    c.markerID,
		CreatedAt:   c.createdStr,
		UpdatedAt:   c.updatedStr,
		DomainID:    c.domainID,
		Status:      c.status,
		Description: c.description,
	}
	if c.status == StatusFailed && len(c.errors) > 0 {
		out.Error = append([]QueryError(nil), c.errors...)
	}
	return out
}

// endpointView is the endpoint as its consumer sees it.
func (c *conn) endpointView() Endpoint {
	out := Endpoint{
		ID:                  c.id,
		ServiceType:         c.svc.info.ServiceType,
		Status:              c.status,
		ActiveStatus:        []string{activeStatusActive},
		EnableStatus:        enableStatusEnable,
		SpecificationName:   specificationDefault,
		EndpointServiceName: c.svc.info.ServiceName,
		EndpointServiceID:   c.svc.info.ID,
		MarkerID:            c.markerID,
		VPCID:               c.vpcID,
		SubnetID:            c.subnetID,
		CreatedAt:           c.createdStr,
		UpdatedAt:           c.updatedStr,
		ProjectID:           c.projectID,
		DomainID:            c.domainID,
		Tags:                []Tag{},
		Whitelist:           []string{},
		Description:         c.description,
	}
	// The API shows ip only once the connection has been accepted (it stays
	// when the connection is rejected afterwards).
	if c.everAccepted && (c.status == StatusAccepted || c.status == StatusRejected) {
		out.IP = ipForMarker(c.markerID)
	}
	if c.status == StatusFailed && len(c.errors) > 0 {
		out.Error = append([]QueryError(nil), c.errors...)
	}
	return out
}

// timer is a pending automatic transition of one connection.
type timer struct {
	at  time.Time
	c   *conn
	gen uint64
}

// timerHeap orders pending transitions by due time, so that settling a
// service costs only the transitions that are due.
type timerHeap []timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any) {
	if t, ok := x.(timer); ok {
		*h = append(*h, t)
	}
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = timer{}
	*h = old[:len(old)-1]
	return t
}

// service is an endpoint service with its connections, in creation order and indexed (DESIGN.md).
type service struct {
	info     Service // ConnectionCount is filled in when viewed
	name     string  // the short name given at creation
	conns    []*conn
	byID     map[string]*conn
	byMarker map[int64]*conn
	counts   [len(connectionStatuses)]int
	timers   timerHeap
}

func newService(info Service, name string) *service {
	return &service{info: info, name: name, byID: map[string]*conn{}, byMarker: map[int64]*conn{}}
}

// view is the service as the API returns it.
func (s *service) view() Service {
	out := s.info
	out.Ports = append([]Port{}, s.info.Ports...)
	out.Tags = append([]Tag{}, s.info.Tags...)
	out.ConnectionCount = len(s.conns)
	return out
}

// statusIndex is the counter slot of a status, or -1 for an unknown one.
func statusIndex(status string) int {
	for i, s := range connectionStatuses {
		if s == status {
			return i
		}
	}
	return -1
}

// validStatus reports whether status is a connection status.
func validStatus(status string) bool { return statusIndex(status) >= 0 }

// connBefore is the creation order of connections.
func connBefore(a, b *conn) bool {
	if !a.created.Equal(b.created) {
		return a.created.Before(b.created)
	}
	return a.seq < b.seq
}

// insert adds c in creation order; the common case (newest) is an append.
func (s *service) insert(c *conn) {
	n := len(s.conns)
	if n == 0 || !connBefore(c, s.conns[n-1]) {
		s.conns = append(s.conns, c)
	} else {
		i := sort.Search(n, func(i int) bool { return connBefore(c, s.conns[i]) })
		s.conns = append(s.conns, nil)
		copy(s.conns[i+1:], s.conns[i:])
		s.conns[i] = c
	}
	s.byID[c.id] = c
	s.byMarker[c.markerID] = c
	s.counts[statusIndex(c.status)]++
}

// remove drops c; finding it is a binary search, the shift a memmove.
func (s *service) remove(c *conn) {
	n := len(s.conns)
	i := sort.Search(n, func(i int) bool { return !connBefore(s.conns[i], c) })
	if i < n && s.conns[i] == c {
		copy(s.conns[i:], s.conns[i+1:])
		s.conns[n-1] = nil
		s.conns = s.conns[:n-1]
	}
	delete(s.byID, c.id)
	if s.byMarker[c.markerID] == c {
		delete(s.byMarker, c.markerID)
	}
	s.counts[statusIndex(c.status)]--
	c.removed = true
}

// due reports whether an automatic transition of s is due at now. It only
// reads, so it may run under the read lock.
func (s *service) due(now time.Time) bool {
	return len(s.timers) > 0 && !s.timers[0].at.After(now)
}

// setStatusLocked moves c to status at time at, keeping the counters right.
func (m *Mock) setStatusLocked(c *conn, status string, at time.Time) {
	if c.status != status {
		c.svc.counts[statusIndex(c.status)]--
		c.svc.counts[statusIndex(status)]++
		c.status = status
	}
	if status == StatusAccepted {
		c.everAccepted = true
	}
	c.gen++
	c.touch(at)
}

// touch sets the update time.
func (c *conn) touch(at time.Time) {
	c.updated = at
	c.updatedStr = at.UTC().Format(TimeLayout)
}

// scheduleLocked arranges the automatic step out of creating or deleting:
// at once when the delay is zero, else as a timer that the next read settles.
func (m *Mock) scheduleLocked(c *conn, now time.Time) {
	if c.hold || (c.status != StatusCreating && c.status != StatusDeleting) {
		return
	}
	if m.delay <= 0 {
		m.advanceLocked(c, now)
		return
	}
	heap.Push(&c.svc.timers, timer{at: now.Add(m.delay), c: c, gen: c.gen})
}

// advanceLocked takes the automatic step: creating -> accepted, deleting -> gone.
func (m *Mock) advanceLocked(c *conn, at time.Time) {
	switch c.status {
	case StatusCreating:
		m.setStatusLocked(c, StatusAccepted, at)
	case StatusDeleting:
		m.removeConnLocked(c)
	}
}

// removeConnLocked forgets c on both sides.
func (m *Mock) removeConnLocked(c *conn) {
	c.svc.remove(c)
	if m.endpoints[c.id] == c {
		delete(m.endpoints, c.id)
	}
}

// settleLocked applies every transition of s that is due at now.
func (m *Mock) settleLocked(s *service, now time.Time) {
	for s.due(now) {
		t, ok := heap.Pop(&s.timers).(timer)
		if !ok || t.c.removed || t.c.gen != t.gen || t.c.hold {
			continue
		}
		m.advanceLocked(t.c, t.at)
	}
}

// settleAllLocked settles every service.
func (m *Mock) settleAllLocked(now time.Time) {
	for _, s := range m.services {
		m.settleLocked(s, now)
	}
}

// ipForMarker derives a stable private address for an accepted endpoint.
func ipForMarker(marker int64) string {
	u := uint64(marker)
	return "10." + strconv.Itoa(int((u>>16)&0xff)) + "." + strconv.Itoa(int((u>>8)&0xff)) + "." + strconv.Itoa(int(u&0xff))
}
