package vpcepmock

// What the mock records for tests to assert on: effective actions and request counts.

import "time"

// ActionRecord is one effective action: one that changed the connection's status.
type ActionRecord struct {
	ServiceID  string    `json:"service_id"`
	EndpointID string    `json:"endpoint_id"`
	Action     string    `json:"action"`
	From       string    `json:"from"`
	To         string    `json:"to"` // the status right after the action (creating, accepted or rejected)
	At         time.Time `json:"at"`
}

// RequestCounts returns the number of API requests by operation name (the
// Op* constants), plus CountUnauthorized, CountFaulted and CountUnknownRoute.
func (m *Mock) RequestCounts() map[string]int {
	m.countMu.Lock()
	defer m.countMu.Unlock()
	out := make(map[string]int, len(m.counts))
	for k, v := range m.counts {
		out[k] = v
	}
	return out
}

// ResetRequestCounts sets every request counter to zero.
func (m *Mock) ResetRequestCounts() {
	m.countMu.Lock()
	m.counts = map[string]int{}
	m.countMu.Unlock()
}

// count adds one request to a counter.
func (m *Mock) count(name string) {
	m.countMu.Lock()
	m.counts[name]++
	m.countMu.Unlock()
}

// Actions returns the effective actions (those that changed a status), oldest first.
func (m *Mock) Actions() []ActionRecord {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]ActionRecord{}, m.actions...)
}
