package vpcepmock

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Fixtures is a document of services and connections to load (docs/vpcep-mock.md); a State is one too.
type Fixtures struct {
	Services []FixtureService `json:"services"`
}

// FixtureService is one endpoint service of a Fixtures document.
type FixtureService struct {
	ID string `json:"id"` // empty = a new UUID
	// ProjectID owns the service; empty = the mock's first credential's project.
	ProjectID string `json:"project_id"`
	// ServiceName is the short name, or the full {region}.{name}.{id} form a
	// dump carries.
	ServiceName     string              `json:"service_name"`
	ApprovalEnabled *bool               `json:"approval_enabled"` // nil = true
	Description     string              `json:"description"`
	Connections     []FixtureConnection `json:"connections"`

	// Optional details of the service; empty = generated.
	PortID     string `json:"port_id"`
	VPCID      string `json:"vpc_id"`
	PoolID     string `json:"pool_id"`
	ServerType string `json:"server_type"`
	Ports      []Port `json:"ports"`
	TCPProxy   string `json:"tcp_proxy"`
	Tags       []Tag  `json:"tags"`
	CIDRType   string `json:"cidr_type"`

	// Read-only fields a dump carries; accepted and ignored so that a dump
	// loads as fixtures (the status is available, the count is computed).
	Status          string `json:"status"`
	ServiceType     string `json:"service_type"`
	CreatedAt       string `json:"created_at"`
	UpdatedAt       string `json:"updated_at"`
	EnablePolicy    bool   `json:"enable_policy"`
	ConnectionCount int    `json:"connection_count"`
}

// FixtureConnection is one endpoint connected to a FixtureService.
type FixtureConnection struct {
	ID        string `json:"id"` // empty = a new UUID
	DomainID  string `json:"domain_id"`
	ProjectID string `json:"project_id"` // the consumer's; empty = the service's
	// Status is any connection status; empty = the API's rule for a new
	// endpoint (pendingAcceptance with approval, else accepted).
	Status      string `json:"status"`
	Description string `json:"description"`
	// MarkerID may exceed int32 here (0 = generated, below 2^31).
	MarkerID  int64        `json:"marker_id"`
	CreatedAt string       `json:"created_at"` // TimeLayout or RFC 3339; empty = load time
	UpdatedAt string       `json:"updated_at"`
	Error     []QueryError `json:"error"`
	Hold      bool         `json:"hold"` // keep a creating/deleting status
}

// ParseFixtures decodes a fixtures document, refusing unknown fields so that
// a typo does not silently load nothing.
func ParseFixtures(data []byte) (Fixtures, error) {
	var f Fixtures
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Fixtures{}, fmt.Errorf("vpcepmock: fixtures: %w", err)
	}
	return f, nil
}

// parseFixtureTime accepts the API's layout and RFC 3339.
func parseFixtureTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(TimeLayout, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// LoadFixtures adds the services and connections of f. It checks the whole
// document first and loads nothing if any id is taken or any value is invalid.
func (m *Mock) LoadFixtures(f Fixtures) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.checkFixturesLocked(f); err != nil {
		return err
	}
	now := m.now()
	for _, fs := range f.Services {
		approval := true
		if fs.ApprovalEnabled != nil {
			approval = *fs.ApprovalEnabled
		}
		name := fs.ServiceName
		if parts := strings.Split(name, "."); len(parts) == 3 && parts[2] == fs.ID {
			name = parts[1] // a dumped full name
		} else if len(parts) == 2 && parts[1] == fs.ID {
			name = ""
		}
		s := m.newServiceLocked(fs.ProjectID, Service{
			ID: fs.ID, ApprovalEnabled: approval, Description: fs.Description,
			PortID: fs.PortID, VPCID: fs.VPCID, PoolID: fs.PoolID, ServerType: fs.ServerType,
			Ports: fs.Ports, TCPProxy: fs.TCPProxy, Tags: fs.Tags, CIDRType: fs.CIDRType,
		}, name, now)
		specs := make([]connSpec, 0, len(fs.Connections))
		for _, fc := range fs.Connections {
			created, _ := parseFixtureTime(fc.CreatedAt) // checked above
			updated, _ := parseFixtureTime(fc.UpdatedAt)
			if created.IsZero() {
				created = now
			}
			spec := connSpec{
				id: fc.ID, projectID: fc.ProjectID, domainID: fc.DomainID, description: fc.Description,
				status: fc.Status, markerID: fc.MarkerID, created: created, updated: updated,
				errors: fc.Error, hold: fc.Hold,
			}
			if spec.status == "" && !approval {
				spec.status = StatusAccepted
			}
			specs = append(specs, spec)
		}
		// Inserting in creation order makes every insert an append, so a
		// large unordered fixture loads in O(n log n), not O(n^2).
		slices.SortStableFunc(specs, func(a, b connSpec) int { return a.created.Compare(b.created) })
		for _, spec := range specs {
			if _, err := m.newConnLocked(s, spec, now); err != nil {
				return err // unreachable after the checks; kept for safety
			}
		}
	}
	return nil
}

// checkFixturesLocked validates f against itself and the current state.
func (m *Mock) checkFixturesLocked(f Fixtures) error {
	services := map[string]bool{}
	endpoints := map[string]bool{}
	for i, fs := range f.Services {
		if err := m.checkFixtureProject(i, fs); err != nil {
			return err
		}
		if fs.ID != "" {
			if _, ok := m.services[fs.ID]; ok || services[fs.ID] {
				return fmt.Errorf("%w: service %s", ErrDuplicateID, fs.ID)
			}
			services[fs.ID] = true
		}
		markers := map[int64]bool{}
		for j, fc := range fs.Connections {
			where := fmt.Sprintf("vpcepmock: fixtures: services[%d].connections[%d]", i, j)
			if fc.ID != "" {
				if _, ok := m.endpoints[fc.ID]; ok || endpoints[fc.ID] {
					return fmt.Errorf("%w: endpoint %s", ErrDuplicateID, fc.ID)
				}
				endpoints[fc.ID] = true
			}
			if fc.MarkerID < 0 {
				return fmt.Errorf("%s: marker_id %d is negative", where, fc.MarkerID)
			}
			if fc.MarkerID != 0 {
				if markers[fc.MarkerID] {
					return fmt.Errorf("%w: marker_id %d in service %d", ErrDuplicateID, fc.MarkerID, i)
				}
				markers[fc.MarkerID] = true
			}
			if fc.Status != "" && !validStatus(fc.Status) {
				return fmt.Errorf("%s: %w: %q", where, ErrInvalidStatus, fc.Status)
			}
			if _, err := parseFixtureTime(fc.CreatedAt); err != nil {
				return fmt.Errorf("%s: created_at: %w", where, err)
			}
			if _, err := parseFixtureTime(fc.UpdatedAt); err != nil {
				return fmt.Errorf("%s: updated_at: %w", where, err)
			}
			if err := checkDescription(fc.Description); err != nil {
				return fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	return nil
}

// ErrUnreachableProject is the error for a fixture service in a project no
// credential of the mock is bound to, which no client could ever see.
var ErrUnreachableProject = errors.New("vpcepmock: fixtures: a service in a project no credential can reach")

// checkFixtureProject refuses a service in a project none of the mock's
// credentials is bound to: loading it would succeed, and every request for
// it would then answer 403 or 404, far from the cause.
func (m *Mock) checkFixtureProject(i int, fs FixtureService) error {
	if fs.ProjectID == "" {
		return nil
	}
	projects := m.credentialProjects()
	if slices.Contains(projects, fs.ProjectID) {
		return nil
	}
	which := "projects " + strings.Join(projects, ", ")
	if len(projects) == 1 {
		which = "project " + projects[0]
	}
	return fmt.Errorf("%w: services[%d] (id %q) has project_id %s, but this mock's credentials are for %s only; "+
		"start vpcep-mock with -project-id %s (or add -credential %s:TOKEN; in Go, a Config.Credentials entry), "+
		"or leave project_id out of the fixtures to load the service into project %s",
		ErrUnreachableProject, i, fs.ID, fs.ProjectID, which,
		fs.ProjectID, fs.ProjectID, m.defaultProject)
}

// credentialProjects lists, sorted, the projects the credentials are bound to.
func (m *Mock) credentialProjects() []string {
	var projects []string
	for _, creds := range []map[string]Credential{m.tokens, m.accessKeys} {
		for _, c := range creds {
			if !slices.Contains(projects, c.ProjectID) {
				projects = append(projects, c.ProjectID)
			}
		}
	}
	slices.Sort(projects)
	return projects
}

// checkDescription applies the API's rule for connection descriptions.
func checkDescription(d string) error {
	if n := len([]rune(d)); n > maxDescriptionLength {
		return fmt.Errorf("description is %d characters, more than %d", n, maxDescriptionLength)
	}
	if strings.ContainsAny(d, "<>") {
		return fmt.Errorf("description contains < or >")
	}
	return nil
}
