package policy

import (
	"slices"
	"strings"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Conn is what a policy knows of one connection of its service.
type Conn struct {
	DomainID, Status string
}

// Service is every connection of one endpoint service, by endpoint id, as a
// refresh read it. A plan is computed from it alone, so that the plan made
// at `terraform plan` and the one Terraform makes again at apply agree.
type Service map[string]Conn

// ServiceOf keeps the id, account and status of every listed connection
// but those being deleted: nobody can decide them, and they are going away.
func ServiceOf(conns []client.Connection) Service {
	svc := make(Service, len(conns))
	for _, c := range conns {
		if c.Status != client.StatusDeleting {
			svc[c.ID] = Conn{DomainID: c.DomainID, Status: c.Status}
		}
	}
	return svc
}

// Statuses are the services' statuses by endpoint id: what `connections` holds.
func (s Service) Statuses() map[string]string {
	out := make(map[string]string, len(s))
	for id, c := range s {
		out[id] = c.Status
	}
	return out
}

// Change is one decision an apply sends. It is explicit, not a marker in a
// status: From is the status the plan saw, which is what state keeps when
// the decision does not get through.
type Change struct {
	EndpointID, Decision string
	From                 string
}

// Target is the status the change leads to.
func (c Change) Target() string { return approval.TargetStatus(Action(c.Decision)) }

// Decisions are the changes as the approval engine's decisions.
func Decisions(changes []Change) []approval.Decision {
	out := make([]approval.Decision, len(changes))
	for i, ch := range changes {
		out[i] = approval.Decision{EndpointID: ch.EndpointID, Action: Action(ch.Decision)}
	}
	return out
}

// NeedsAction reports whether a connection in status needs decision sent.
// Failed and deleting connections cannot be decided by anyone, so they are
// reported, never planned; a connection being accepted (creating) already
// is on its way to an accept.
func NeedsAction(status, decision string) bool {
	switch {
	case decision == "" || Stuck(status):
		return false
	case decision == DecisionAccept:
		return status != client.StatusAccepted && status != client.StatusCreating
	}
	return status != client.StatusRejected
}

// Stuck reports the statuses no action changes.
func Stuck(status string) bool {
	return status == client.StatusFailed || status == client.StatusDeleting
}

// Plan decides every connection of svc by the rules: the changes an apply
// sends, sorted by endpoint id, each from its status in svc.
func Plan(r Rules, svc Service) []Change {
	var out []Change
	for id, c := range svc {
		if d := r.Decide(id, c.DomainID); NeedsAction(c.Status, d) {
			out = append(out, Change{EndpointID: id, Decision: d, From: c.Status})
		}
	}
	sortChanges(out)
	return out
}

// Planned is statuses with each change's target: what `connections` will
// hold after an apply that carries the changes out.
func Planned(statuses map[string]string, changes []Change) map[string]string {
	out := make(map[string]string, len(statuses))
	for id, s := range statuses {
		out[id] = s
	}
	for _, ch := range changes {
		out[ch.EndpointID] = ch.Target()
	}
	return out
}

// ChangesBetween are the changes from statuses to planned: the inverse of
// Planned, which is how an apply reads the plan it was given.
func ChangesBetween(statuses, planned map[string]string) []Change {
	var out []Change
	for id, to := range planned {
		from, known := statuses[id]
		if !known || from == to {
			continue
		}
		switch to {
		case client.StatusAccepted:
			out = append(out, Change{EndpointID: id, Decision: DecisionAccept, From: from})
		case client.StatusRejected:
			out = append(out, Change{EndpointID: id, Decision: DecisionReject, From: from})
		}
	}
	sortChanges(out)
	return out
}

// DestroyRejections are the rejections destroying a policy sends: the
// connections this policy accepted itself (accepted) that statuses show
// still accepted or on their way there, and nothing else. A connection
// accepted before the policy existed, or by anyone else, stays accepted.
func DestroyRejections(accepted map[string]bool, statuses map[string]string) []Change {
	var out []Change
	for id := range accepted {
		if s := statuses[id]; s == client.StatusAccepted || s == client.StatusCreating {
			out = append(out, Change{EndpointID: id, Decision: DecisionReject, From: s})
		}
	}
	sortChanges(out)
	return out
}

func sortChanges(changes []Change) {
	slices.SortFunc(changes, func(a, b Change) int { return strings.Compare(a.EndpointID, b.EndpointID) })
}
