package vpcepmock

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Errors of the Go controls, for errors.Is.
var (
	// ErrServiceNotFound: no endpoint service has the id.
	ErrServiceNotFound = errors.New("vpcepmock: endpoint service not found")
	// ErrEndpointNotFound: no endpoint (connection) has the id.
	ErrEndpointNotFound = errors.New("vpcepmock: endpoint not found")
	// ErrDuplicateID: the id is already taken.
	ErrDuplicateID = errors.New("vpcepmock: duplicate id")
	// ErrInvalidStatus: not one of the six connection statuses.
	ErrInvalidStatus = errors.New("vpcepmock: invalid connection status")
)

// Mock is an in-memory, stateful VPCEP v1 API and an http.Handler; safe for concurrent use.
type Mock struct {
	mux *http.ServeMux
	// controls are the /_mock/ route patterns, fixed after New.
	controls []string
	iam      *iamService
	format   string
	now      func() time.Time
	region   string
	// tokens and accessKeys map a token or an access key to its credential;
	// fixed after New.
	tokens         map[string]Credential
	accessKeys     map[string]Credential
	defaultProject string
	fixtures       *Fixtures
	initialFaults  Faults

	// mu guards the store: services, endpoints, actions and the generators.
	mu         sync.RWMutex
	services   map[string]*service
	endpoints  map[string]*conn
	actions    []ActionRecord
	seq        uint64
	nextMarker int64
	delay      time.Duration

	countMu sync.Mutex
	counts  map[string]int

	faultMu sync.Mutex
	faults  Faults
	rng     *rand.Rand

	limiter          rateLimiter
	initialRateLimit int

	listChanges listChanges
}

// ServiceSpec describes an endpoint service created through the Go controls.
type ServiceSpec struct {
	ID              string // empty = a new UUID
	Name            string // the short name; the API shows {region}.{name}.{id}
	ApprovalEnabled *bool  // nil = true, the API's default
	Description     string
}

// EndpointSpec describes an endpoint created through the Go controls, as a
// consumer would create it.
type EndpointSpec struct {
	ID          string // empty = a new UUID
	ServiceID   string
	DomainID    string // empty = derived from the consumer project
	Description string // the connection description
	VPCID       string // empty = a generated id
	SubnetID    string // empty = a generated id
}

// Force sets a connection's status out of band.
type Force struct {
	Status string
	Errors []QueryError // shown while Status is failed
	// Hold keeps the status until forced again or moved by an effective action.
	Hold bool
}

// New returns a mock configured by cfg.
func New(cfg Config) *Mock {
	creds := cfg.Credentials
	if len(creds) == 0 {
		creds = []Credential{defaultCredential()}
	}
	m := &Mock{
		format:         cfg.ErrorFormat,
		now:            cfg.Now,
		region:         cfg.Region,
		tokens:         map[string]Credential{},
		accessKeys:     map[string]Credential{},
		defaultProject: creds[0].ProjectID,
		fixtures:       cfg.Fixtures,
		initialFaults:  cfg.Faults,
		delay:          cfg.TransitionDelay,
	}
	m.iam = newIAMService(cfg.IAM, creds[0].ProjectID)
	m.mux = m.routes()
	if m.now == nil {
		m.now = time.Now
	}
	if m.region == "" {
		m.region = DefaultRegion
	}
	if m.format != ErrorFormatFlat {
		m.format = ErrorFormatNested
	}
	for _, c := range creds {
		if c.DomainID == "" {
			c.DomainID = domainIDFor(c.ProjectID)
		}
		if c.Token != "" {
			m.tokens[c.Token] = c
		}
		if c.AccessKey != "" {
			m.accessKeys[c.AccessKey] = c
		}
	}
	m.resetState()
	m.SetFaults(cfg.Faults)
	m.initialRateLimit = cfg.RateLimit
	m.SetRateLimit(cfg.RateLimit)
	if cfg.Fixtures != nil {
		// A bad fixtures document given in code is a programming error; the
		// binary validates its file before calling New.
		if err := m.LoadFixtures(*cfg.Fixtures); err != nil {
			panic(err)
		}
	}
	return m
}

// resetState empties the store and the counters.
func (m *Mock) resetState() {
	m.mu.Lock()
	m.services = map[string]*service{}
	m.endpoints = map[string]*conn{}
	m.actions = nil
	m.nextMarker = firstMarkerID
	m.mu.Unlock()
	m.ResetRequestCounts()
}

// Reset forgets every service, endpoint, action, request count and list
// change, restores the configured faults and rate limit, and loads
// Config.Fixtures again if there were any.
func (m *Mock) Reset() {
	m.resetState()
	m.ClearListChanges()
	m.SetFaults(m.initialFaults)
	m.SetRateLimit(m.initialRateLimit)
	if m.fixtures != nil {
		_ = m.LoadFixtures(*m.fixtures) // loaded once by New already
	}
}

// DefaultProjectID is the project of the first configured credential, used
// where a control is given no project.
func (m *Mock) DefaultProjectID() string { return m.defaultProject }

// SetTransitionDelay changes Config.TransitionDelay for transitions that
// start from now on.
func (m *Mock) SetTransitionDelay(d time.Duration) {
	m.mu.Lock()
	m.delay = d
	m.mu.Unlock()
}

// newServiceLocked creates a service; the caller has checked the id.
func (m *Mock) newServiceLocked(projectID string, info Service, name string, now time.Time) *service {
	if info.ID == "" {
		info.ID = NewID()
	}
	if projectID == "" {
		projectID = m.defaultProject
	}
	ts := now.UTC().Format(TimeLayout)
	info.ProjectID = projectID
	if name != "" {
		info.ServiceName = m.region + "." + name + "." + info.ID
	} else {
		info.ServiceName = m.region + "." + info.ID
	}
	info.Status = ServiceStatusAvailable
	info.ServiceType = serviceTypeInterface
	info.CreatedAt, info.UpdatedAt = ts, ts
	if info.ServerType == "" {
		info.ServerType = serverTypeLB
	}
	if info.PortID == "" {
		info.PortID = NewID()
	}
	if info.VPCID == "" {
		info.VPCID = NewID()
	}
	if info.PoolID == "" {
		info.PoolID = NewID()
	}
	if info.CIDRType == "" {
		info.CIDRType = cidrTypeInternal
	}
	if info.TCPProxy == "" {
		info.TCPProxy = tcpProxyClose
	}
	if len(info.Ports) == 0 {
		info.Ports = []Port{{ClientPort: 80, ServerPort: 80, Protocol: protocolTCP}}
	}
	s := newService(info, name)
	m.services[info.ID] = s
	return s
}

// CreateService creates an available service owned by projectID (empty =
// DefaultProjectID()), or returns the one that has spec.ID.
func (m *Mock) CreateService(projectID string, spec ServiceSpec) Service {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.services[spec.ID]; ok && spec.ID != "" {
		return s.view()
	}
	approval := true
	if spec.ApprovalEnabled != nil {
		approval = *spec.ApprovalEnabled
	}
	s := m.newServiceLocked(projectID, Service{ID: spec.ID, ApprovalEnabled: approval, Description: spec.Description}, spec.Name, m.now())
	return s.view()
}

// connSpec is what every way of creating an endpoint provides.
type connSpec struct {
	id, projectID, domainID, description, vpcID, subnetID string
	status                                                string
	markerID                                              int64
	created, updated                                      time.Time
	errors                                                []QueryError
	hold                                                  bool
}

// newConnLocked creates an endpoint on s; an empty status follows the service's approval setting.
func (m *Mock) newConnLocked(s *service, spec connSpec, now time.Time) (*conn, error) {
	if spec.id == "" {
		spec.id = NewID()
	}
	if _, ok := m.endpoints[spec.id]; ok {
		return nil, fmt.Errorf("%w: endpoint %s", ErrDuplicateID, spec.id)
	}
	if spec.markerID == 0 {
		spec.markerID = m.nextMarker
		m.nextMarker++
	} else if spec.markerID >= m.nextMarker && spec.markerID < maxGeneratedMarkerID {
		m.nextMarker = spec.markerID + 1
	}
	if _, ok := s.byMarker[spec.markerID]; ok {
		return nil, fmt.Errorf("%w: marker_id %d on service %s", ErrDuplicateID, spec.markerID, s.info.ID)
	}
	if spec.projectID == "" {
		spec.projectID = s.info.ProjectID
	}
	if spec.domainID == "" {
		spec.domainID = m.domainForProject(spec.projectID)
	}
	if spec.vpcID == "" {
		spec.vpcID = NewID()
	}
	if spec.subnetID == "" {
		spec.subnetID = NewID()
	}
	if spec.created.IsZero() {
		spec.created = now
	}
	if spec.updated.IsZero() {
		spec.updated = spec.created
	}
	if spec.status == "" {
		spec.status = StatusCreating
		if s.info.ApprovalEnabled {
			spec.status = StatusPendingAcceptance
		}
	}
	if !validStatus(spec.status) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidStatus, spec.status)
	}
	m.seq++
	c := &conn{
		id: spec.id, svc: s, projectID: spec.projectID, domainID: spec.domainID,
		markerID: spec.markerID, status: spec.status, errors: spec.errors,
		description: spec.description, hold: spec.hold,
		everAccepted: spec.status == StatusAccepted,
		vpcID:        spec.vpcID, subnetID: spec.subnetID,
		created: spec.created, createdStr: spec.created.UTC().Format(TimeLayout),
		seq: m.seq,
	}
	c.touch(spec.updated)
	s.insert(c)
	m.endpoints[c.id] = c
	m.scheduleLocked(c, now)
	return c, nil
}

// domainForProject is the domain_id of a project's credential, or a derived one.
func (m *Mock) domainForProject(projectID string) string {
	for _, c := range m.tokens {
		if c.ProjectID == projectID {
			return c.DomainID
		}
	}
	for _, c := range m.accessKeys {
		if c.ProjectID == projectID {
			return c.DomainID
		}
	}
	return domainIDFor(projectID)
}

// CreateEndpoint creates an endpoint on e.ServiceID as the consumer projectID
// would (empty = the service's own project).
func (m *Mock) CreateEndpoint(projectID string, e EndpointSpec) (Endpoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.services[e.ServiceID]
	if !ok {
		return Endpoint{}, fmt.Errorf("%w: %s", ErrServiceNotFound, e.ServiceID)
	}
	now := m.now()
	m.settleLocked(s, now)
	c, err := m.newConnLocked(s, connSpec{
		id: e.ID, projectID: projectID, domainID: e.DomainID, description: e.Description,
		vpcID: e.VPCID, subnetID: e.SubnetID,
	}, now)
	if err != nil {
		return Endpoint{}, err
	}
	return c.endpointView(), nil
}

// DeleteEndpoint deletes an endpoint as its consumer would: its connection
// becomes deleting, then disappears after the transition delay.
func (m *Mock) DeleteEndpoint(endpointID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	c, ok := m.endpoints[endpointID]
	if ok {
		m.settleLocked(c.svc, now)
		c, ok = m.endpoints[endpointID]
	}
	if !ok {
		return fmt.Errorf("%w: %s", ErrEndpointNotFound, endpointID)
	}
	m.deleteConnLocked(c, now)
	return nil
}

// deleteConnLocked starts the deletion of c (idempotent while deleting).
func (m *Mock) deleteConnLocked(c *conn, now time.Time) {
	if c.status == StatusDeleting {
		return
	}
	c.hold = false
	m.setStatusLocked(c, StatusDeleting, now)
	m.scheduleLocked(c, now)
}

// Connection returns the connection of endpointID on serviceID as the
// service owner sees it now.
func (m *Mock) Connection(serviceID, endpointID string) (Connection, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.services[serviceID]
	if !ok {
		return Connection{}, false
	}
	m.settleLocked(s, m.now())
	c, ok := s.byID[endpointID]
	if !ok {
		return Connection{}, false
	}
	return c.view(), true
}

// Connections returns every connection of serviceID, oldest first.
func (m *Mock) Connections(serviceID string) []Connection {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.services[serviceID]
	if !ok {
		return nil
	}
	m.settleLocked(s, m.now())
	out := make([]Connection, len(s.conns))
	for i, c := range s.conns {
		out[i] = c.view()
	}
	return out
}

// Endpoint returns an endpoint as its consumer sees it now.
func (m *Mock) Endpoint(endpointID string) (Endpoint, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.endpoints[endpointID]
	if !ok {
		return Endpoint{}, false
	}
	m.settleLocked(c.svc, m.now())
	if c.removed {
		return Endpoint{}, false
	}
	return c.endpointView(), true
}

// ForceStatus sets a connection's status out of band, recording no action
// (e.g. failed with errors, or creating with Hold for a stuck connection).
func (m *Mock) ForceStatus(serviceID, endpointID string, f Force) error {
	if !validStatus(f.Status) {
		return fmt.Errorf("%w: %q", ErrInvalidStatus, f.Status)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.services[serviceID]
	if !ok {
		return fmt.Errorf("%w: %s", ErrServiceNotFound, serviceID)
	}
	now := m.now()
	m.settleLocked(s, now)
	c, ok := s.byID[endpointID]
	if !ok {
		return fmt.Errorf("%w: %s on service %s", ErrEndpointNotFound, endpointID, serviceID)
	}
	m.setStatusLocked(c, f.Status, now)
	c.errors = append([]QueryError(nil), f.Errors...)
	c.hold = f.Hold
	m.scheduleLocked(c, now)
	return nil
}

// SetFaults replaces the fault configuration and restarts its random
// sequence from f.Seed.
func (m *Mock) SetFaults(f Faults) {
	m.faultMu.Lock()
	defer m.faultMu.Unlock()
	m.faults = f
	m.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x5eed_fa17))
}

// CurrentFaults returns the fault configuration in force.
func (m *Mock) CurrentFaults() Faults {
	m.faultMu.Lock()
	defer m.faultMu.Unlock()
	return m.faults
}

// State is a snapshot of the mock's services and their connections. Its
// JSON is a valid fixtures document.
type State struct {
	Services []ServiceState `json:"services"`
}

// ServiceState is one service of a State with its connections, oldest first.
type ServiceState struct {
	Service
	Connections []Connection `json:"connections"`
}

// Dump returns a snapshot of every service (ordered by id) and its connections.
func (m *Mock) Dump() State {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.settleAllLocked(m.now())
	st := State{Services: make([]ServiceState, 0, len(m.services))}
	for _, s := range m.services {
		ss := ServiceState{Service: s.view(), Connections: make([]Connection, len(s.conns))}
		for i, c := range s.conns {
			ss.Connections[i] = c.view()
		}
		st.Services = append(st.Services, ss)
	}
	slices.SortFunc(st.Services, func(a, b ServiceState) int { return strings.Compare(a.ID, b.ID) })
	return st
}
