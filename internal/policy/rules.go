// Package policy decides every connection of one endpoint service by rules
// (accept or reject by endpoint id or by the owner's account), plans what
// would change, and applies the decisions concurrently. It knows nothing of
// Terraform, so the resource vpcep_connection_policy is glue over it.
package policy

import (
	"slices"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Decisions a policy makes about a connection.
const (
	DecisionAccept = "accept"
	DecisionReject = "reject"
)

// What happens to connections no rule names (Rules.Others).
const (
	OthersLeave  = "leave"
	OthersReject = "reject"
)

// What destroying a policy does (the resource's on_destroy).
const (
	OnDestroyReject = "reject"
	OnDestroyLeave  = "leave"
)

// Rules are a policy's configuration. An endpoint's own rule beats its
// account's rule; an id under both accept and reject of one kind is refused
// by Conflicts, and should it get through anyway, reject wins.
type Rules struct {
	AcceptEndpoints, AcceptDomains map[string]bool
	RejectEndpoints, RejectDomains map[string]bool
	// Others is OthersReject or OthersLeave; anything else leaves them, so
	// no value admits a consumer nobody named.
	Others string
}

// NewRules builds Rules from lists of ids.
func NewRules(acceptEndpoints, acceptDomains, rejectEndpoints, rejectDomains []string, others string) Rules {
	return Rules{
		AcceptEndpoints: set(acceptEndpoints), AcceptDomains: set(acceptDomains),
		RejectEndpoints: set(rejectEndpoints), RejectDomains: set(rejectDomains),
		Others: others,
	}
}

func set(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Conflicts returns the ids listed under both accept and reject, by kind, sorted.
func (r Rules) Conflicts() (endpoints, domains []string) {
	return both(r.AcceptEndpoints, r.RejectEndpoints), both(r.AcceptDomains, r.RejectDomains)
}

func both(a, b map[string]bool) []string {
	var out []string
	for id := range a {
		if b[id] {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// Decide returns the decision the rules make about the connection of
// endpointID owned by domainID, or "" when they leave it alone.
func (r Rules) Decide(endpointID, domainID string) string {
	switch {
	case r.RejectEndpoints[endpointID]:
		return DecisionReject
	case r.AcceptEndpoints[endpointID]:
		return DecisionAccept
	case r.RejectDomains[domainID]:
		return DecisionReject
	case r.AcceptDomains[domainID]:
		return DecisionAccept
	case r.Others == OthersReject:
		return DecisionReject
	}
	return ""
}

// Action is the API action that carries out decision.
func Action(decision string) string {
	if decision == DecisionAccept {
		return client.ActionReceive
	}
	return client.ActionReject
}
