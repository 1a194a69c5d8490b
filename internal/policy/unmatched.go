package policy

import (
	"maps"
	"slices"
	"strings"
)

// RuleList names one of the four id lists of Rules.
type RuleList int

// The id lists of Rules.
const (
	AcceptEndpoints RuleList = iota
	AcceptDomains
	RejectEndpoints
	RejectDomains
)

// Unmatched is an id in a rule that names no connection of the service.
type Unmatched struct {
	List RuleList
	ID   string
	// Near is an id of the service that differs from ID only in case, or
	// for a long id by one character (a likely typo), or "".
	Near string
}

// Unmatched lists the ids of the rules that name no connection of svc,
// sorted by list and id. An account that has not connected yet is the
// legitimate case, so callers warn rather than refuse.
func (r Rules) Unmatched(svc Service) []Unmatched {
	endpoints := make([]string, 0, len(svc))
	domainSet := map[string]bool{}
	for id, c := range svc {
		endpoints = append(endpoints, id)
		domainSet[c.DomainID] = true
	}
	domains := make([]string, 0, len(domainSet))
	for d := range domainSet {
		domains = append(domains, d)
	}
	slices.Sort(endpoints)
	slices.Sort(domains)
	var out []Unmatched
	for _, l := range []struct {
		list  RuleList
		ids   map[string]bool
		known []string
	}{
		{AcceptEndpoints, r.AcceptEndpoints, endpoints}, {AcceptDomains, r.AcceptDomains, domains},
		{RejectEndpoints, r.RejectEndpoints, endpoints}, {RejectDomains, r.RejectDomains, domains},
	} {
		for _, id := range slices.Sorted(maps.Keys(l.ids)) {
			if _, found := slices.BinarySearch(l.known, id); !found {
				out = append(out, Unmatched{List: l.list, ID: id, Near: nearest(id, l.known)})
			}
		}
	}
	return out
}

// minTypoLength is the shortest id for which one character off is taken as
// a typo: real ids have 32 or 36 characters, and short ones are all alike.
const minTypoLength = 16

// nearest is the first of known that id misspells, or "".
func nearest(id string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(id, k) || len(id) >= minTypoLength && oneEdit(id, k) {
			return k
		}
	}
	return ""
}

// oneEdit reports whether a and b differ by exactly one character replaced,
// inserted or deleted, ignoring case.
func oneEdit(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 || a == b {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i:] == b[i+1:]
}
