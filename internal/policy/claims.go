package policy

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// PlanKind is what a plan does to a policy.
type PlanKind int

// The kinds of plan of a policy.
const (
	PlanCreate PlanKind = iota
	PlanUpdate
	PlanDestroy
)

// Claims are the plans of one run (one provider process plans every
// resource of its configuration), so that two resources deciding one
// service are caught before anything is sent. It is safe for concurrent use:
// Terraform plans resources in parallel.
type Claims struct {
	mu        sync.Mutex
	policies  map[string][]policyClaim     // by service id
	approvals map[string]map[string]string // service id -> endpoint id -> action
	services  map[string]map[string]string // service id -> endpoint id -> account, from policies' reads
}

type policyClaim struct {
	kind  PlanKind
	rules Rules
}

// Contradiction is an endpoint that a policy and a vpcep_connection_approval
// of one configuration decide differently.
type Contradiction struct {
	EndpointID, PolicyDecision, ApprovalAction string
}

// ClaimPolicy records the plan of a policy of serviceID and returns an error
// when another policy of the same run plans for it too: two policies flip
// the connections they disagree on at every apply, and a renamed policy's
// destroy would race the new one's create. (A replacement's second plan, a
// create, is refused before it claims: see the provider's planCreate.)
func (c *Claims) ClaimPolicy(serviceID string, kind PlanKind, rules Rules) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.policies == nil {
		c.policies = map[string][]policyClaim{}
	}
	for _, prior := range c.policies[serviceID] {
		if err := conflict(serviceID, prior, policyClaim{kind, rules}); err != nil {
			return err
		}
	}
	c.policies[serviceID] = append(c.policies[serviceID], policyClaim{kind, rules})
	return nil
}

func conflict(serviceID string, a, b policyClaim) error {
	kinds := []PlanKind{a.kind, b.kind}
	slices.Sort(kinds)
	switch {
	case kinds[0] == PlanDestroy: // both destroyed: nothing decides the service afterwards
		return nil
	case kinds[1] == PlanDestroy:
		return fmt.Errorf("endpoint service %s has one vpcep_connection_policy destroyed and another planned in the same "+
			"run. Run together, the destroy's rejections and the other's accepts race, and consumers both accept can "+
			"end up rejected. If you renamed the resource or moved it into a module, add a moved block from the old "+
			"address to the new one, so that the policy is kept rather than destroyed and created again; otherwise "+
			"destroy the old policy in a run of its own first. This policy sends nothing", serviceID)
	}
	return fmt.Errorf("endpoint service %s is decided by two vpcep_connection_policy resources in this configuration. "+
		"Each would undo what the other decides at every apply. Keep one policy per service (merge their rules), "+
		"or use a moved block if one replaces the other. This policy sends nothing", serviceID)
}

// PolicyDecides records what a policy of serviceID decides (its rules, and
// the account of each endpoint it read) and returns the approvals of the
// same run that it contradicts, sorted by endpoint id.
func (c *Claims) PolicyDecides(serviceID string, rules Rules, domains map[string]string) []Contradiction {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.services == nil {
		c.services = map[string]map[string]string{}
	}
	c.services[serviceID] = domains
	var out []Contradiction
	for ep, action := range c.approvals[serviceID] {
		if x, ok := contradiction(rules, domains, ep, action); ok {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(a, b Contradiction) int { return strings.Compare(a.EndpointID, b.EndpointID) })
	return out
}

// ApprovalDecides records a vpcep_connection_approval's action and returns
// the contradiction with a policy of the same run, if any.
func (c *Claims) ApprovalDecides(serviceID, endpointID, action string) (Contradiction, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.approvals == nil {
		c.approvals = map[string]map[string]string{}
	}
	if c.approvals[serviceID] == nil {
		c.approvals[serviceID] = map[string]string{}
	}
	c.approvals[serviceID][endpointID] = action
	domains, ok := c.services[serviceID]
	if !ok {
		return Contradiction{}, false
	}
	for _, p := range c.policies[serviceID] {
		if p.kind != PlanDestroy {
			return contradiction(p.rules, domains, endpointID, action)
		}
	}
	return Contradiction{}, false
}

// contradiction reports whether the rules decide endpointID otherwise than action.
func contradiction(rules Rules, domains map[string]string, endpointID, action string) (Contradiction, bool) {
	d := rules.Decide(endpointID, domains[endpointID])
	if d == "" || Action(d) == action {
		return Contradiction{}, false
	}
	return Contradiction{EndpointID: endpointID, PolicyDecision: d, ApprovalAction: action}, true
}
