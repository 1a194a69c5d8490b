package vpcepmock

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
)

// ListChange is a change the mock makes to a service just before it serves
// a list of the service's connections: a consumer acting between two page
// reads of a client, which shifts the offsets of the pages still to come.
type ListChange struct {
	ServiceID string `json:"service_id"`
	// AtOffset picks the list: the first one of the service whose offset is
	// at least AtOffset (1: any page after the first). Lookups by id or
	// marker_id never count.
	AtOffset int `json:"at_offset"`
	// Times is how many such lists the change runs before (0 means once).
	Times int `json:"times,omitempty"`

	// What happens, in this order; at least one is required.
	DeleteEndpoint string            `json:"delete_endpoint,omitempty"` // as its consumer's DELETE
	Status         *ListChangeStatus `json:"status,omitempty"`          // as POST /_mock/connections/status
	CreateEndpoint bool              `json:"create_endpoint,omitempty"` // a new endpoint, in the service's project
}

// ListChangeStatus forces one connection's status.
type ListChangeStatus struct {
	EndpointID string `json:"endpoint_id"`
	Status     string `json:"status"`
}

// ErrInvalidListChange is a list change with nothing to do or a bad trigger.
var ErrInvalidListChange = errors.New("vpcepmock: invalid list change")

// listChanges holds the changes that have not run out yet.
type listChanges struct {
	mu      sync.Mutex
	pending []ListChange
}

// ChangeBeforeList schedules ch. The service and the endpoints it names must
// exist now, so that a change that could never apply fails here, not silently.
func (m *Mock) ChangeBeforeList(ch ListChange) error {
	if ch.AtOffset < 0 || ch.Times < 0 {
		return fmt.Errorf("%w: at_offset and times must be >= 0", ErrInvalidListChange)
	}
	if ch.DeleteEndpoint == "" && ch.Status == nil && !ch.CreateEndpoint {
		return fmt.Errorf("%w: set delete_endpoint, status or create_endpoint", ErrInvalidListChange)
	}
	if ch.Status != nil && !validStatus(ch.Status.Status) {
		return fmt.Errorf("%w: %q", ErrInvalidStatus, ch.Status.Status)
	}
	if !m.hasService(ch.ServiceID) {
		return fmt.Errorf("%w: %s", ErrServiceNotFound, ch.ServiceID)
	}
	conns := m.Connections(ch.ServiceID)
	for _, id := range []string{ch.DeleteEndpoint, statusEndpoint(ch.Status)} {
		if id != "" && !slices.ContainsFunc(conns, func(c Connection) bool { return c.ID == id }) {
			return fmt.Errorf("%w: %s on service %s", ErrEndpointNotFound, id, ch.ServiceID)
		}
	}
	if ch.Times == 0 {
		ch.Times = 1
	}
	m.listChanges.mu.Lock()
	defer m.listChanges.mu.Unlock()
	m.listChanges.pending = append(m.listChanges.pending, ch)
	return nil
}

// ListChanges returns the scheduled changes that have runs left; Times
// counts the runs left.
func (m *Mock) ListChanges() []ListChange {
	m.listChanges.mu.Lock()
	defer m.listChanges.mu.Unlock()
	return append([]ListChange{}, m.listChanges.pending...)
}

// ClearListChanges drops every scheduled change.
func (m *Mock) ClearListChanges() {
	m.listChanges.mu.Lock()
	defer m.listChanges.mu.Unlock()
	m.listChanges.pending = nil
}

func statusEndpoint(s *ListChangeStatus) string {
	if s == nil {
		return ""
	}
	return s.EndpointID
}

func (m *Mock) hasService(id string) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.services[id]
	return ok
}

// runListChanges makes the changes due before a list of serviceID's
// connections with query q, before the list reads the store.
func (m *Mock) runListChanges(serviceID string, q connQuery) {
	if q.id != "" || q.hasMarker {
		return
	}
	m.listChanges.mu.Lock()
	var due []ListChange
	kept := m.listChanges.pending[:0]
	for _, ch := range m.listChanges.pending {
		if ch.ServiceID == serviceID && q.offset >= ch.AtOffset {
			due = append(due, ch)
			if ch.Times--; ch.Times == 0 {
				continue
			}
		}
		kept = append(kept, ch)
	}
	m.listChanges.pending = kept
	m.listChanges.mu.Unlock()
	for _, ch := range due {
		// Errors are ignored: the endpoint may be gone since ChangeBeforeList,
		// which is the consumer's race too.
		if ch.DeleteEndpoint != "" {
			_ = m.DeleteEndpoint(ch.DeleteEndpoint)
		}
		if ch.Status != nil {
			_ = m.ForceStatus(ch.ServiceID, ch.Status.EndpointID, Force{Status: ch.Status.Status})
		}
		if ch.CreateEndpoint {
			_, _ = m.CreateEndpoint("", EndpointSpec{ServiceID: ch.ServiceID})
		}
	}
}

// The /_mock/list-changes controls, routed in routes.

func (m *Mock) controlAddListChange(w http.ResponseWriter, r *http.Request) {
	var req ListChange
	if !decodeControl(w, r, &req) {
		return
	}
	if err := m.ChangeBeforeList(req); err != nil {
		controlError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (m *Mock) controlListChanges(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, m.ListChanges())
}

func (m *Mock) controlClearListChanges(w http.ResponseWriter, _ *http.Request) {
	m.ClearListChanges()
	w.WriteHeader(http.StatusNoContent)
}
