package policy

import (
	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Result is what state keeps after an apply of changes.
type Result struct {
	// Statuses are the connections' statuses: the prior ones, with each
	// change's settled status, or the last status seen when it did not
	// settle; every status is known. An endpoint that went away is dropped.
	Statuses map[string]string
	// Accepted are the endpoints this policy has accepted itself.
	Accepted map[string]bool
	// Unplanned are the changes that ended elsewhere than the plan said:
	// failed, deleting or gone. They are errors, because the plan promised
	// their target status.
	Unplanned map[string]client.Connection
}

// Merge writes an apply's outcome over prior, the statuses the changes were
// planned from, and over accepted, the endpoints the policy accepted before.
func Merge(prior map[string]string, accepted map[string]bool, changes []Change, out approval.BatchOutcome) Result {
	res := Result{Statuses: make(map[string]string, len(prior)), Accepted: make(map[string]bool, len(accepted)),
		Unplanned: map[string]client.Connection{}}
	for id, s := range prior {
		res.Statuses[id] = s
	}
	for id := range accepted {
		res.Accepted[id] = true
	}
	for _, ch := range changes {
		id := ch.EndpointID
		switch {
		case out.Gone[id]:
			delete(res.Statuses, id)
			delete(res.Accepted, id)
			res.Unplanned[id] = client.Connection{ID: id, Status: client.StatusDeleting}
		case hasKey(out.Settled, id):
			res.Statuses[id] = out.Settled[id].Status
			res.Accepted[id] = ch.Decision == DecisionAccept
		case hasKey(out.Stuck, id):
			res.Statuses[id] = out.Stuck[id].Status
			res.Unplanned[id] = out.Stuck[id]
		case hasKey(out.Failed, id) && out.Failed[id].LastStatus() != "":
			res.Statuses[id] = out.Failed[id].LastStatus()
		default: // failed before any status was seen, or never sent
			res.Statuses[id] = ch.From
		}
		// An accept that may have reached the API counts as the policy's own
		// even when its wait was cut short: the connection may settle
		// accepted after the apply, and destroy must then reject it.
		if f, failed := out.Failed[id]; failed && f.Sent && ch.Decision == DecisionAccept {
			res.Accepted[id] = true
		}
		if !res.Accepted[id] {
			delete(res.Accepted, id)
		}
	}
	return res
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}
