package policy

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Catches: two policies of one run on one service let through (they flip
// connections at every apply), a rename without moved (a destroy and a
// create of one service) let through, and a new policy with the same rules
// as an existing one let through.
func TestUnitClaimPolicy(t *testing.T) {
	t.Parallel()
	rules := NewRules(nil, []string{"a"}, nil, nil, OthersReject)
	other := NewRules(nil, []string{"b"}, nil, nil, OthersReject)
	for _, tc := range []struct {
		name        string
		first, then PlanKind
		rules       Rules
		want        string // in the error; "" for none
	}{
		{"two creates", PlanCreate, PlanCreate, rules, "two vpcep_connection_policy resources"},
		{"two updates", PlanUpdate, PlanUpdate, rules, "two vpcep_connection_policy resources"},
		{"rename: destroy then create", PlanDestroy, PlanCreate, rules, "moved block"},
		{"rename: create then destroy", PlanCreate, PlanDestroy, rules, "moved block"},
		{"update and another create alike", PlanUpdate, PlanCreate, rules, "two vpcep_connection_policy resources"},
		{"update and another create", PlanUpdate, PlanCreate, other, "two vpcep_connection_policy resources"},
		{"two destroys", PlanDestroy, PlanDestroy, rules, ""},
	} {
		var c Claims
		if err := c.ClaimPolicy("svc", tc.first, rules); err != nil {
			t.Fatalf("%s: the first claim failed: %v", tc.name, err)
		}
		err := c.ClaimPolicy("svc", tc.then, tc.rules)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "svc")):
			t.Errorf("%s: error %v, want one naming the service and %q", tc.name, err, tc.want)
		}
		if err := c.ClaimPolicy("another-svc", tc.then, tc.rules); err != nil {
			t.Errorf("%s: another service was refused: %v", tc.name, err)
		}
	}
}

// Catches: an approval that contradicts a policy of the same run missed,
// whichever of the two Terraform plans first, and an agreeing one reported.
func TestUnitContradictions(t *testing.T) {
	t.Parallel()
	rules := NewRules(nil, []string{"good"}, nil, nil, OthersLeave)
	domains := map[string]string{"ep-good": "good", "ep-other": "x"}
	var policyFirst Claims
	_ = policyFirst.ClaimPolicy("svc", PlanUpdate, rules)
	policyFirst.PolicyDecides("svc", rules, domains)
	if x, ok := policyFirst.ApprovalDecides("svc", "ep-good", "reject"); !ok || x.PolicyDecision != DecisionAccept {
		t.Errorf("policy first: %+v, %v; want the contradiction", x, ok)
	}
	if _, ok := policyFirst.ApprovalDecides("svc", "ep-other", "reject"); ok {
		t.Error("an endpoint the policy leaves alone was reported")
	}
	var approvalFirst Claims
	approvalFirst.ApprovalDecides("svc", "ep-good", "reject")
	approvalFirst.ApprovalDecides("svc", "ep-good2", "receive")
	_ = approvalFirst.ClaimPolicy("svc", PlanCreate, rules)
	got := approvalFirst.PolicyDecides("svc", rules, map[string]string{"ep-good": "good", "ep-good2": "good"})
	if len(got) != 1 || got[0].EndpointID != "ep-good" {
		t.Errorf("approval first: %+v, want ep-good only", got)
	}
}

// Catches: claims that are not safe when Terraform plans resources in parallel (run with -race).
func TestUnitClaimsConcurrent(t *testing.T) {
	t.Parallel()
	var c Claims
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			svc := fmt.Sprintf("svc-%d", i)
			_ = c.ClaimPolicy(svc, PlanUpdate, Rules{})
			c.PolicyDecides(svc, Rules{}, map[string]string{})
		}()
		go func() {
			defer wg.Done()
			c.ApprovalDecides(fmt.Sprintf("svc-%d", i), "ep", "receive")
		}()
	}
	wg.Wait()
}
