package policy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Memory is what a policy keeps beside its visible state (in Terraform's
// private state): the account of every connection, which a plan of new
// rules needs without asking the API again, and the endpoints the policy
// accepted itself, which are all that its destroy rejects.
type Memory struct {
	// Domains maps every endpoint of the service to its account.
	Domains map[string]string
	// Accepted are the endpoints this policy accepted.
	Accepted map[string]bool
}

// memoryJSON groups endpoints by account: a service has few accounts and
// many endpoints, so this is about half the size of a flat map.
type memoryJSON struct {
	Version  int                 `json:"v"`
	Domains  map[string][]string `json:"domains"`
	Accepted []string            `json:"accepted"`
}

const memoryVersion = 1

// MemoryOf is the memory of svc with accepted.
func MemoryOf(svc Service, accepted map[string]bool) Memory {
	m := Memory{Domains: make(map[string]string, len(svc)), Accepted: map[string]bool{}}
	for id, c := range svc {
		m.Domains[id] = c.DomainID
	}
	for id := range accepted {
		if _, live := svc[id]; live {
			m.Accepted[id] = true // an endpoint gone for good is forgotten
		}
	}
	return m
}

// Service joins m's accounts with statuses (from the visible state).
// Known is false when a status names an endpoint m has no account for, as
// after a state written without memory: a plan must then read the service.
func (m Memory) Service(statuses map[string]string) (svc Service, known bool) {
	svc = make(Service, len(statuses))
	known = m.Domains != nil
	for id, s := range statuses {
		d, ok := m.Domains[id]
		known = known && ok
		svc[id] = Conn{DomainID: d, Status: s}
	}
	return svc, known
}

// Marshal encodes m for private state.
func (m Memory) Marshal() ([]byte, error) {
	j := memoryJSON{Version: memoryVersion, Domains: map[string][]string{}, Accepted: slices.Sorted(maps.Keys(m.Accepted))}
	for id, d := range m.Domains {
		j.Domains[d] = append(j.Domains[d], id)
	}
	for _, ids := range j.Domains {
		slices.Sort(ids) // the same memory always encodes to the same bytes
	}
	return json.Marshal(j)
}

// UnmarshalMemory decodes what Marshal wrote; empty input is an empty
// memory whose Domains are nil (unknown).
func UnmarshalMemory(b []byte) (Memory, error) {
	m := Memory{Accepted: map[string]bool{}}
	if len(b) == 0 {
		return m, nil
	}
	var j memoryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return m, fmt.Errorf("reading the policy's private state: %w", err)
	}
	if j.Version != memoryVersion {
		return m, fmt.Errorf("the policy's private state has version %d; this provider reads version %d", j.Version, memoryVersion)
	}
	m.Domains = map[string]string{}
	for d, ids := range j.Domains {
		for _, id := range ids {
			m.Domains[id] = d
		}
	}
	for _, id := range j.Accepted {
		m.Accepted[id] = true
	}
	return m, nil
}
