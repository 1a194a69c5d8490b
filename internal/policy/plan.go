package policy

import (
	"slices"
	"strings"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Entry is one connection a policy decides.
type Entry struct {
	EndpointID, DomainID string
	// Status is the live status; "" when it is about to change (planned).
	Status   string
	Decision string
}

// Evaluate returns an Entry for every connection of conns the rules decide,
// keyed by endpoint id, with its live status. A connection being deleted
// is left out: its endpoint is going away.
func Evaluate(r Rules, conns []client.Connection) map[string]Entry {
	out := make(map[string]Entry)
	for _, c := range conns {
		if c.Status == client.StatusDeleting {
			continue
		}
		if d := r.Decide(c.ID, c.DomainID); d != "" {
			out[c.ID] = Entry{EndpointID: c.ID, DomainID: c.DomainID, Status: c.Status, Decision: d}
		}
	}
	return out
}

// NeedsAction reports whether e's live status differs from its decision in
// a way an action can change: failed and deleting connections cannot be
// decided by anyone, so they are reported, never planned.
func (e Entry) NeedsAction() bool {
	return e.Status != TargetStatus(e.Decision) && !Stuck(e.Status)
}

// Stuck reports the statuses no action changes.
func Stuck(status string) bool {
	return status == client.StatusFailed || status == client.StatusDeleting
}

// Changes returns the changes that bring entries to their decisions, sorted by endpoint id.
func Changes(entries map[string]Entry) []Change {
	var out []Change
	for _, e := range entries {
		if e.NeedsAction() {
			out = append(out, Change{EndpointID: e.EndpointID, Decision: e.Decision})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.EndpointID, b.EndpointID) })
	return out
}

// DestroyChanges are the rejections destroying a policy sends: the
// connections it accepts (per entries, from state) that live (conns) shows
// still accepted, or on the way there (creating), and nothing else.
func DestroyChanges(entries map[string]Entry, conns []client.Connection) []Change {
	var out []Change
	for _, c := range conns {
		if e, ok := entries[c.ID]; ok && e.Decision == DecisionAccept &&
			(c.Status == client.StatusAccepted || c.Status == client.StatusCreating) {
			out = append(out, Change{EndpointID: c.ID, Decision: DecisionReject})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.EndpointID, b.EndpointID) })
	return out
}
