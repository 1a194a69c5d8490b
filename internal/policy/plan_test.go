package policy

import (
	"maps"
	"slices"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// testService is a service with one connection in every interesting state.
func testService() Service {
	return Service{
		"pending":  {DomainID: "good", Status: client.StatusPendingAcceptance},
		"done":     {DomainID: "good", Status: client.StatusAccepted},
		"coming":   {DomainID: "good", Status: client.StatusCreating},
		"failed":   {DomainID: "good", Status: client.StatusFailed},
		"leaving":  {DomainID: "good", Status: client.StatusDeleting},
		"stranger": {DomainID: "x", Status: client.StatusAccepted},
		"bad":      {DomainID: "bad", Status: client.StatusAccepted},
		"badcome":  {DomainID: "bad", Status: client.StatusCreating},
	}
}

// Catches: a failed or deleting connection planned (nobody can change it, so
// every plan would show it for ever), a connection on its way to accepted
// accepted again, one being accepted not rejected by a reject rule, a
// connection no rule names touched, and changes that do not say where they
// start from.
func TestUnitPlan(t *testing.T) {
	t.Parallel()
	rules := NewRules(nil, []string{"good"}, nil, []string{"bad"}, OthersLeave)
	got := Plan(rules, testService())
	want := []Change{
		{EndpointID: "bad", Decision: DecisionReject, From: client.StatusAccepted},
		{EndpointID: "badcome", Decision: DecisionReject, From: client.StatusCreating},
		{EndpointID: "pending", Decision: DecisionAccept, From: client.StatusPendingAcceptance},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Plan = %v, want %v", got, want)
	}
	rules.Others = OthersReject
	if got := Plan(rules, testService()); len(got) != 4 || got[3].EndpointID != "stranger" || got[3].Decision != DecisionReject {
		t.Errorf("with others = reject, Plan = %v: want the stranger rejected too", got)
	}
}

// Catches: a plan whose statuses and changes disagree, so that the apply
// of a saved plan would send something other than what the plan showed.
func TestUnitPlannedAndChangesBetweenAreInverse(t *testing.T) {
	t.Parallel()
	svc := testService()
	rules := NewRules([]string{"stranger"}, []string{"good"}, nil, []string{"bad"}, OthersReject)
	changes := Plan(rules, svc)
	planned := Planned(svc.Statuses(), changes)
	if got := ChangesBetween(svc.Statuses(), planned); !slices.Equal(got, changes) {
		t.Errorf("ChangesBetween(Planned(changes)) = %v, want %v", got, changes)
	}
	for id, c := range svc {
		if !slices.ContainsFunc(changes, func(ch Change) bool { return ch.EndpointID == id }) && planned[id] != c.Status {
			t.Errorf("%s is planned %q although nothing changes it (was %q)", id, planned[id], c.Status)
		}
	}
	// A consumer that arrived after the plan is not in it, so the apply does not touch it.
	live := svc.Statuses()
	live["newcomer"] = client.StatusPendingAcceptance
	if got := ChangesBetween(live, planned); !slices.Equal(got, changes) {
		t.Errorf("a newcomer changed the apply: %v", got)
	}
}

// Catches: the merge of an interrupted or failed apply leaving a status
// unknown or empty (Terraform then reports a provider bug and saves null),
// an endpoint that went away kept, and the accepted set missing what the
// policy accepted (also an accept sent whose wait was cut short, which a
// later destroy would otherwise leave accepted) or keeping what it rejected.
func TestUnitMerge(t *testing.T) {
	t.Parallel()
	prior := map[string]string{"a": "pendingAcceptance", "b": "accepted", "c": "pendingAcceptance", "d": "pendingAcceptance",
		"e": "pendingAcceptance", "f": "pendingAcceptance", "untouched": "accepted"}
	changes := []Change{
		{EndpointID: "a", Decision: DecisionAccept, From: "pendingAcceptance"},
		{EndpointID: "b", Decision: DecisionReject, From: "accepted"},
		{EndpointID: "c", Decision: DecisionAccept, From: "pendingAcceptance"},
		{EndpointID: "d", Decision: DecisionAccept, From: "pendingAcceptance"},
		{EndpointID: "e", Decision: DecisionAccept, From: "pendingAcceptance"},
		{EndpointID: "f", Decision: DecisionAccept, From: "pendingAcceptance"},
	}
	out := approval.BatchOutcome{
		Settled: map[string]client.Connection{"a": {ID: "a", Status: "accepted"}, "b": {ID: "b", Status: "rejected"}},
		Stuck:   map[string]client.Connection{"c": {ID: "c", Status: "failed"}},
		Gone:    map[string]bool{"d": true},
		Failed: map[string]*approval.Error{
			"e": {Kind: approval.TimedOut, Action: "receive", Sent: true, Conn: &client.Connection{ID: "e", Status: "creating"}},
			// f: interrupted before anything was seen of it (the case of a new endpoint)
			"f": {Kind: approval.Interrupted, Action: "receive"},
		},
	}
	res := Merge(prior, map[string]bool{"b": true, "d": true, "untouched": true}, changes, out)
	want := map[string]string{"a": "accepted", "b": "rejected", "c": "failed", "e": "creating", "f": "pendingAcceptance",
		"untouched": "accepted"}
	if !maps.Equal(res.Statuses, want) {
		t.Errorf("Statuses = %v, want %v", res.Statuses, want)
	}
	// e's accept was sent and its wait cut short: it may settle accepted later, so it is the policy's own.
	if wantAcc := map[string]bool{"a": true, "e": true, "untouched": true}; !maps.Equal(res.Accepted, wantAcc) {
		t.Errorf("Accepted = %v, want %v", res.Accepted, wantAcc)
	}
	if got := slices.Sorted(maps.Keys(res.Unplanned)); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("Unplanned = %v, want c (failed) and d (gone)", got)
	}
	for id, s := range res.Statuses {
		if s == "" {
			t.Errorf("%s has no status", id)
		}
	}
}

// Catches: a destroy that rejects connections the policy never accepted
// (accepted before it existed, or by a vpcep_connection_approval), or that
// misses one it accepted which is still accepted or on its way there.
func TestUnitDestroyRejections(t *testing.T) {
	t.Parallel()
	statuses := map[string]string{"mine": "accepted", "mine-coming": "creating", "mine-rejected": "rejected",
		"theirs": "accepted", "mine-gone": ""}
	accepted := map[string]bool{"mine": true, "mine-coming": true, "mine-rejected": true, "mine-gone": true}
	want := []Change{{EndpointID: "mine", Decision: DecisionReject, From: "accepted"},
		{EndpointID: "mine-coming", Decision: DecisionReject, From: "creating"}}
	if got := DestroyRejections(accepted, statuses); !slices.Equal(got, want) {
		t.Errorf("DestroyRejections = %v, want %v", got, want)
	}
}

// Catches: private state that does not round-trip (a plan of new rules
// would then decide by the wrong account), that encodes differently each
// time (every refresh would rewrite state), and an old or foreign blob read
// as if it were ours.
func TestUnitMemoryRoundTrip(t *testing.T) {
	t.Parallel()
	svc := testService()
	m := MemoryOf(svc, map[string]bool{"done": true, "gone-for-good": true})
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := MemoryOf(svc, map[string]bool{"done": true}).Marshal(); string(again) != string(b) {
		t.Errorf("two encodings of one memory differ:\n%s\n%s", b, again)
	}
	back, err := UnmarshalMemory(b)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(back.Domains, m.Domains) || !maps.Equal(back.Accepted, map[string]bool{"done": true}) {
		t.Errorf("round trip: %+v, want %+v with only live accepted endpoints", back, m)
	}
	joined, known := back.Service(svc.Statuses())
	if !known || !maps.Equal(joined, svc) {
		t.Errorf("Service = %v (known %v), want %v", joined, known, svc)
	}
	if _, known := back.Service(map[string]string{"newcomer": "pendingAcceptance"}); known {
		t.Error("a status without an account is reported known")
	}
	if empty, err := UnmarshalMemory(nil); err != nil || empty.Domains != nil {
		t.Errorf("empty private state: %+v, %v; want unknown domains", empty, err)
	}
	if _, err := UnmarshalMemory([]byte(`{"v":99}`)); err == nil {
		t.Error("a newer version was read")
	}
}

// Catches: a typo in an account id (a character missing, upper case) that
// rejects an allowed account silently, and warnings for ids that do match.
func TestUnitUnmatched(t *testing.T) {
	t.Parallel()
	svc := Service{
		"ep-1":                                 {DomainID: "0a1b2c3d4e5f40718293a4b5c6d7e8f9", Status: "accepted"},
		"a1000000-0000-4000-8000-000000000002": {DomainID: "ffff2c3d4e5f40718293a4b5c6d7e8f9", Status: "pendingAcceptance"},
	}
	rules := NewRules([]string{"ep-1", "ep-9"}, []string{"0a1b2c3d4e5f40718293a4b5c6d7e8f", "FFFF2C3D4E5F40718293A4B5C6D7E8F9",
		"not-yet-connected"}, []string{"a1000000-0000-4000-8000-00000000002"}, nil, OthersReject)
	got := rules.Unmatched(svc)
	want := []Unmatched{
		{List: AcceptEndpoints, ID: "ep-9"},
		{List: AcceptDomains, ID: "0a1b2c3d4e5f40718293a4b5c6d7e8f", Near: "0a1b2c3d4e5f40718293a4b5c6d7e8f9"},
		{List: AcceptDomains, ID: "FFFF2C3D4E5F40718293A4B5C6D7E8F9", Near: "ffff2c3d4e5f40718293a4b5c6d7e8f9"},
		{List: AcceptDomains, ID: "not-yet-connected"},
		{List: RejectEndpoints, ID: "a1000000-0000-4000-8000-00000000002", Near: "a1000000-0000-4000-8000-000000000002"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Unmatched =\n %v\nwant\n %v", got, want)
	}
}
