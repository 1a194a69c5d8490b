package policy

import (
	"slices"
	"testing"
)

// Catches: an account's rule beating the endpoint's own, a conflict
// resolved towards accept, and an unknown `others` value admitting anyone.
func TestUnitRulesDecide(t *testing.T) {
	t.Parallel()
	r := NewRules([]string{"ep-a", "ep-both"}, []string{"good", "mixed"}, []string{"ep-r", "ep-both"},
		[]string{"bad", "mixed"}, OthersLeave)
	for _, tt := range []struct{ endpoint, domain, want string }{
		{"ep-a", "bad", DecisionAccept},
		{"ep-r", "good", DecisionReject},
		{"ep-both", "good", DecisionReject},
		{"ep-x", "good", DecisionAccept},
		{"ep-x", "bad", DecisionReject},
		{"ep-x", "mixed", DecisionReject},
		{"ep-x", "stranger", ""},
	} {
		if got := r.Decide(tt.endpoint, tt.domain); got != tt.want {
			t.Errorf("Decide(%s, %s) = %q, want %q", tt.endpoint, tt.domain, got, tt.want)
		}
	}
	for others, want := range map[string]string{OthersReject: DecisionReject, OthersLeave: "", "": "", "accept": ""} {
		r.Others = others
		if got := r.Decide("ep-x", "stranger"); got != want {
			t.Errorf("others %q: Decide = %q, want %q", others, got, want)
		}
	}
	endpoints, domains := r.Conflicts()
	if !slices.Equal(endpoints, []string{"ep-both"}) || !slices.Equal(domains, []string{"mixed"}) {
		t.Errorf("Conflicts() = %v, %v", endpoints, domains)
	}
}
