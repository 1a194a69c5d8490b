package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Helpers of the vpcep_connection_policy tests.

// policyHeader opens the policy most tests manage.
const policyHeader = `resource "vpcep_connection_policy" "test"`

// policyBlock is the policy of serviceID with extra lines (rules, others, on_destroy).
func policyBlock(serviceID string, extra ...string) string {
	return hclBlock(policyHeader, append([]string{fmt.Sprintf("  service_id = %q", serviceID)}, extra...)...)
}

// policyConfig is e's provider block (dev_overrides source) plus one policy.
func policyConfig(e *testEnv, serviceID string, extra ...string) string {
	return requiredProviders + e.ProviderConfig() + policyBlock(serviceID, extra...)
}

// idsLine is `name = ["id", ...]`.
func idsLine(name string, ids ...string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return fmt.Sprintf("  %s = [%s]", name, strings.Join(q, ", "))
}

// policyValues are the attributes of a vpcep_connection_policy in state.
type policyValues struct {
	ServiceID   string            `json:"service_id"`
	Others      string            `json:"others"`
	OnDestroy   string            `json:"on_destroy"`
	Connections map[string]string `json:"connections"`
}

// policy returns the one policy in state, or false when there is none.
func (r *cliRun) policy() (policyValues, bool) {
	r.t.Helper()
	res := r.resources("vpcep_connection_policy")
	if len(res) == 0 {
		return policyValues{}, false
	}
	if len(res) > 1 || res[0].Tainted {
		r.t.Fatalf("want one untainted policy in state, got %+v", res)
	}
	var v policyValues
	if err := json.Unmarshal(res[0].Values, &v); err != nil {
		r.t.Fatal(err)
	}
	return v, true
}

// mustRun runs a CLI command and fails the test unless it exits with want.
func (r *cliRun) mustRun(want int, args ...string) string {
	r.t.Helper()
	// Flags go before a positional argument such as a saved plan.
	full := append([]string{args[0], "-input=false", "-no-color"}, args[1:]...)
	out, code := r.run(full...)
	if code != want {
		r.t.Fatalf("terraform %s exited %d, want %d:\n%s", strings.Join(args, " "), code, want, out)
	}
	return out
}

// statuses maps each endpoint of serviceID to its status in the mock.
func statuses(e *testEnv, serviceID string) map[string]string {
	out := map[string]string{}
	for _, c := range e.Mock.Connections(serviceID) {
		out[c.ID] = c.Status
	}
	return out
}

// actionsOn lists the mock's effective actions as "action endpoint".
func actionsOn(e *testEnv) []string {
	var out []string
	for _, a := range e.Mock.Actions() {
		out = append(out, a.Action+" "+a.EndpointID)
	}
	slices.Sort(out)
	return out
}

func sortedActions(list ...string) []string {
	slices.Sort(list)
	return list
}

// TestAccConnectionPolicy_lifecycle catches rules applied wrongly (an
// account's rule beating the endpoint's own, `others` touched while "leave"),
// a plan that is not empty right after apply, state that disagrees with the
// mock, and a destroy that rejects more than the policy accepted.
func TestAccConnectionPolicy_lifecycle(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	good1 := e.NewEndpoint(t, svc, "good")
	good2 := e.NewEndpoint(t, svc, "good")
	bad := e.NewEndpoint(t, svc, "bad")
	badButNamed := e.NewEndpoint(t, svc, "bad")
	goodButNamed := e.NewEndpoint(t, svc, "good")
	other := e.NewEndpoint(t, svc, "stranger")
	r := newCLIRun(t, policyConfig(e, svc,
		idsLine("accept_domain_ids", "good"), idsLine("reject_domain_ids", "bad"),
		idsLine("accept_endpoint_ids", badButNamed), idsLine("reject_endpoint_ids", goodButNamed)))

	r.mustRun(0, "apply", "-auto-approve")

	want := map[string]string{good1: client.StatusAccepted, good2: client.StatusAccepted, bad: client.StatusRejected,
		badButNamed: client.StatusAccepted, goodButNamed: client.StatusRejected, other: client.StatusPendingAcceptance}
	if got := statuses(e, svc); !equalMaps(got, want) {
		t.Errorf("mock statuses after apply:\n got %v\nwant %v", got, want)
	}
	wantActions := sortedActions("receive "+good1, "receive "+good2, "reject "+bad, "receive "+badButNamed, "reject "+goodButNamed)
	if got := actionsOn(e); !slices.Equal(got, wantActions) {
		t.Errorf("mock actions:\n got %v\nwant %v", got, wantActions)
	}
	p, ok := r.policy()
	if !ok {
		t.Fatal("no policy in state after apply")
	}
	if !equalMaps(p.Connections, want) {
		t.Errorf("state connections:\n got %v\nwant every connection with its status %v", p.Connections, want)
	}
	if p.Others != "leave" || p.OnDestroy != "reject" {
		t.Errorf("state: %+v", p)
	}
	r.mustRun(0, "plan", "-detailed-exitcode")

	// Destroy rejects what the policy accepted, and nothing else.
	r.mustRun(0, "destroy", "-auto-approve")
	want[good1], want[good2], want[badButNamed] = client.StatusRejected, client.StatusRejected, client.StatusRejected
	if got := statuses(e, svc); !equalMaps(got, want) {
		t.Errorf("mock statuses after destroy:\n got %v\nwant %v", got, want)
	}
	wantActions = sortedActions(append(wantActions, "reject "+good1, "reject "+good2, "reject "+badButNamed)...)
	if got := actionsOn(e); !slices.Equal(got, wantActions) {
		t.Errorf("mock actions after destroy:\n got %v\nwant %v", got, wantActions)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestAccConnectionPolicy_onDestroyLeave catches a destroy that rejects
// connections although on_destroy = "leave".
func TestAccConnectionPolicy_onDestroyLeave(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "good")
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good"), `  on_destroy = "leave"`))
	r.mustRun(0, "apply", "-auto-approve")
	r.mustRun(0, "destroy", "-auto-approve")
	if got := statuses(e, svc)[ep]; got != client.StatusAccepted {
		t.Errorf("status after destroy with on_destroy = leave: %q, want accepted", got)
	}
	if n := len(e.Mock.Actions()); n != 1 {
		t.Errorf("mock actions %v, want only the accept", e.Mock.Actions())
	}
	if _, ok := r.policy(); ok {
		t.Error("the policy is still in state after destroy")
	}
}

// TestAccConnectionPolicy_bothLists catches an id listed under accept and
// reject of the same kind reaching the API: the plan must fail naming it,
// with nothing sent.
func TestAccConnectionPolicy_bothLists(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "acct-1")
	for _, tc := range []struct{ name, accept, reject, id string }{
		{"endpoint", "accept_endpoint_ids", "reject_endpoint_ids", ep},
		{"domain", "accept_domain_ids", "reject_domain_ids", "acct-1"},
	} {
		r := newCLIRun(t, policyConfig(e, svc, idsLine(tc.accept, tc.id, "x"), idsLine(tc.reject, "y", tc.id)))
		out := r.mustRun(1, "apply", "-auto-approve")
		if !strings.Contains(out, "ID both accepted and rejected") || !strings.Contains(out, fmt.Sprintf("%q", tc.id)) ||
			!strings.Contains(out, tc.accept) || !strings.Contains(out, tc.reject) {
			t.Errorf("%s: the error does not name the id and both lists:\n%s", tc.name, out)
		}
	}
	if n := e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]; n != 0 {
		t.Errorf("%d action requests reached the mock, want none", n)
	}
	if got := statuses(e, svc)[ep]; got != client.StatusPendingAcceptance {
		t.Errorf("status %q, want pendingAcceptance", got)
	}
}

// TestAccConnectionPolicy_newConsumerAndDrift catches a plan that misses a
// consumer arriving between runs, or a change made behind Terraform's back,
// and a plan that does not name the endpoint concerned.
func TestAccConnectionPolicy_newConsumerAndDrift(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	first := e.NewEndpoint(t, svc, "good")
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good"), `  others = "reject"`))
	r.mustRun(0, "apply", "-auto-approve")
	r.mustRun(0, "plan", "-detailed-exitcode")

	newcomer := e.NewEndpoint(t, svc, "good")
	stranger := e.NewEndpoint(t, svc, "stranger")
	out := r.mustRun(2, "plan", "-detailed-exitcode")
	if !strings.Contains(out, newcomer) || !strings.Contains(out, stranger) || strings.Contains(out, first) {
		t.Errorf("the plan must name the two new consumers, and only them:\n%s", out)
	}
	r.mustRun(0, "apply", "-auto-approve")
	want := map[string]string{first: client.StatusAccepted, newcomer: client.StatusAccepted, stranger: client.StatusRejected}
	if got := statuses(e, svc); !equalMaps(got, want) {
		t.Errorf("mock statuses:\n got %v\nwant %v", got, want)
	}
	r.mustRun(0, "plan", "-detailed-exitcode")

	// Someone rejects an accepted consumer behind Terraform's back.
	if err := e.Mock.ForceStatus(svc, first, vpcepmock.Force{Status: client.StatusRejected}); err != nil {
		t.Fatal(err)
	}
	out = r.mustRun(2, "plan", "-detailed-exitcode")
	if !strings.Contains(out, first) || strings.Contains(out, newcomer) {
		t.Errorf("the plan must name %s, and only it:\n%s", first, out)
	}
	before := len(e.Mock.Actions())
	r.mustRun(0, "apply", "-auto-approve")
	acts := e.Mock.Actions()[before:]
	if len(acts) != 1 || acts[0].EndpointID != first || acts[0].Action != client.ActionReceive {
		t.Errorf("the drift apply sent %v, want one receive for %s", acts, first)
	}
	if p, _ := r.policy(); p.Connections[first] != client.StatusAccepted {
		t.Errorf("state after the drift apply: %q", p.Connections[first])
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
}

// TestAccConnectionPolicy_listShiftsBetweenPages catches a policy read (at
// create and at refresh) that misses a live connection when a consumer
// deletes an endpoint between two page reads: the accepted ep-0009 would
// drop out of `connections`, and destroy would no longer reject it.
func TestAccConnectionPolicy_listShiftsBetweenPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newRacedService(t, e)
	r := newCLIRun(t, policyConfig(e, s.ID, idsLine("accept_domain_ids", racedAccount)))
	check := func(when string) {
		t.Helper()
		s.checkUntouched(t, e)
		p, _ := r.policy()
		for _, id := range s.Accepted {
			if p.Connections[id] != client.StatusAccepted {
				t.Errorf("%s: %s is %q in state, want accepted", when, id, p.Connections[id])
			}
		}
		if want := statuses(e, s.ID); !equalMaps(p.Connections, want) {
			t.Errorf("%s: %d connections in state, want the mock's %d", when, len(p.Connections), len(want))
		}
	}
	s.race(t, e)
	r.mustRun(0, "apply", "-auto-approve")
	check("after create")
	if err := e.Mock.ChangeBeforeList(vpcepmock.ListChange{ServiceID: s.ID, AtOffset: 1, DeleteEndpoint: "ep-0501"}); err != nil {
		t.Fatal(err)
	}
	r.mustRun(0, "apply", "-auto-approve")
	check("after a refresh")
	r.mustRun(0, "plan", "-detailed-exitcode")
}

// TestAccConnectionPolicy_badInput catches near-miss values reaching the
// API, or refused without naming the attribute: an id with whitespace, an
// empty or null id, an `others` value that would admit anyone, a zero bound, a
// service that does not exist, and a conflict between ids known only at apply.
func TestAccConnectionPolicy_badInput(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "acct-1")
	missingService := vpcepmock.NewID()
	for _, tc := range []struct {
		name  string
		extra []string
		want  []string
	}{
		{"trailing space", []string{idsLine("accept_domain_ids", "acct-1 ")}, []string{"accept_domain_ids", "ends with whitespace"}},
		{"empty id", []string{idsLine("reject_endpoint_ids", "")}, []string{"reject_endpoint_ids", "it is empty"}},
		// A reject rule that names nobody (try(x.id, null)) was kept and cut off no one.
		{"null id", []string{"  reject_endpoint_ids = [null]"}, []string{"reject_endpoint_ids", "Null in a rule list"}},
		{"others accept", []string{`  others = "accept"`}, []string{"others", `"leave"`, `"reject"`}},
		{"zero bound", []string{"  concurrent_requests = 0"}, []string{"concurrent_requests", "between 1 and 256"}},
		{"on_destroy typo", []string{`  on_destroy = "rejected"`}, []string{"on_destroy"}},
		{"no such service", nil, []string{missingService, "does not exist", "project_id"}},
		{"conflict known at apply", []string{"  accept_endpoint_ids = terraform_data.ids.output", idsLine("reject_endpoint_ids", ep)},
			[]string{"ID both accepted and rejected", fmt.Sprintf("%q", ep), "Nothing was sent"}},
	} {
		config := policyConfig(e, svc, tc.extra...) + fmt.Sprintf("\nresource \"terraform_data\" \"ids\" {\n  input = [%q]\n}\n", ep)
		if tc.name == "no such service" {
			config = policyConfig(e, missingService, idsLine("accept_domain_ids", "acct-1"))
		}
		r := newCLIRun(t, config)
		out := r.mustRun(1, "apply", "-auto-approve")
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the error lacks %q:\n%s", tc.name, w, out)
			}
		}
		if _, ok := r.policy(); ok {
			t.Errorf("%s: a policy was saved", tc.name)
		}
	}
	if n := e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]; n != 0 {
		t.Errorf("%d action requests reached the mock, want none", n)
	}
}

// TestUnitPolicyFailureDiagnostic catches a partial-failure error that does
// not name each endpoint with the API's code, message and request id, or
// that blames the ids for a server error.
func TestUnitPolicyFailureDiagnostic(t *testing.T) {
	t.Parallel()
	d := failedDecisionsDiag(opUpdate, "svc-1", map[string]*approval.Error{
		"ep-2": {Kind: approval.Refused, Action: "receive", Conn: &client.Connection{Status: "pendingAcceptance"},
			Err: fmt.Errorf("receive connection of VPC endpoint ep-2 on service svc-1: %w",
				&client.APIError{StatusCode: 503, Code: "EndPoint.0001", Message: "System error.", RequestID: "req-9"})},
		"ep-1": {Kind: approval.TimedOut, Action: "reject", Sent: true, Conn: &client.Connection{Status: "creating"},
			Err: context.DeadlineExceeded},
	}, 10*time.Minute)
	text := d.Summary() + "\n" + d.Detail()
	for _, want := range []string{
		"2 VPC endpoint connection(s) not decided",
		`endpoint ep-1 (reject, last status "creating")`,
		`endpoint ep-2 (receive, last status "pendingAcceptance"): VPCEP API error: HTTP 503 EndPoint.0001: System error. (request id req-9)`,
		"server error", "raise timeouts.update", "sends again only the decisions listed here",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the diagnostic lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "ep-1") > strings.Index(text, "ep-2") {
		t.Errorf("endpoints are not sorted:\n%s", text)
	}
}

// TestUnitPolicyDiagnosticsListAtMost catches a warning or error that lists
// thousands of endpoints, one per line, on every plan of a big service.
func TestUnitPolicyDiagnosticsListAtMost(t *testing.T) {
	t.Parallel()
	stuck, failed := map[string]client.Connection{}, map[string]*approval.Error{}
	for i := range maxListedEndpoints + 5 {
		id := fmt.Sprintf("ep-%03d", i)
		stuck[id] = client.Connection{ID: id, DomainID: "d", Status: client.StatusFailed}
		failed[id] = &approval.Error{Kind: approval.Refused, Action: "receive", Err: errors.New("refused")}
	}
	for _, d := range []diag.Diagnostic{stuckConnectionsDiag("svc-1", stuck), failedDecisionsDiag(opUpdate, "svc-1", failed, time.Minute)} {
		text := d.Summary() + "\n" + d.Detail()
		if n := strings.Count(text, "  - endpoint "); n != maxListedEndpoints || !strings.Contains(text, "  - and 5 more") ||
			!strings.Contains(text, "ep-000") || strings.Contains(text, fmt.Sprintf("ep-%03d", maxListedEndpoints)) ||
			!strings.Contains(text, "30") {
			t.Errorf("%d endpoints listed, want the first %d, the count of the rest and the total:\n%s", n, maxListedEndpoints, text)
		}
	}
}

// TestUnitPolicyInterruptedDiagnostic catches a wait cut short by Ctrl-C
// that tells the user to raise a timeout that was never reached.
func TestUnitPolicyInterruptedDiagnostic(t *testing.T) {
	t.Parallel()
	d := failedDecisionsDiag(opCreate, "svc-1", map[string]*approval.Error{
		"ep-1": {Kind: approval.Interrupted, Action: "receive", Sent: true, Conn: &client.Connection{Status: "creating"},
			Err: context.Canceled},
	}, 10*time.Minute)
	text := d.Detail()
	if !strings.Contains(text, "interrupted (for example with Ctrl-C) while the provider sent these decisions or waited") ||
		strings.Contains(text, "timeouts.") || strings.Contains(text, "before the API answered") {
		t.Errorf("the diagnostic of an interrupted wait:\n%s", text)
	}
}

// TestUnitPolicyThrottledDiagnostic catches a policy's throttling error
// that advises lowering Terraform's -parallelism, which does nothing for one
// resource's requests, instead of its concurrent_requests; and a create's
// error that does not say its accepts will not count as the policy's own.
func TestUnitPolicyThrottledDiagnostic(t *testing.T) {
	t.Parallel()
	d := failedDecisionsDiag(opCreate, "svc-1", map[string]*approval.Error{
		"ep-1": {Kind: approval.Refused, Action: "receive", Conn: &client.Connection{Status: "pendingAcceptance"},
			Err: &client.APIError{StatusCode: 429, Code: "APIGW.0308", Message: "slow down", Retries: 6}},
	}, time.Minute)
	text := strings.Join(strings.Fields(d.Detail()), " ")
	if !strings.Contains(text, "lower concurrent_requests") || strings.Contains(text, "-parallelism") ||
		!strings.Contains(text, "its destroy will not reject them") {
		t.Errorf("the diagnostic of a throttled create:\n%s", text)
	}
}

// TestUnitCreatePlanSaysWhatTheApplyRereads catches a create plan that
// promises "sends nothing" or a fixed list while its apply reads the
// service again and decides consumers that connected after the plan.
func TestUnitCreatePlanSaysWhatTheApplyRereads(t *testing.T) {
	t.Parallel()
	svc := policy.Service{"ep-1": {DomainID: "d", Status: client.StatusAccepted}}
	for _, changes := range [][]policy.Change{nil, {{EndpointID: "ep-1", From: client.StatusPendingAcceptance, Decision: policy.DecisionAccept}}} {
		if d := createPlanDiag("svc-1", changes, svc); !strings.Contains(d.Detail(), "a consumer that connects in between") {
			t.Errorf("%d changes: the create warning does not say what the apply does with newcomers:\n%s", len(changes), d.Detail())
		}
	}
}

// TestAccConnectionPolicy_refreshCost catches a refresh that reads a
// service in more than one pass of pages (or looks connections up one by
// one): 1,500 connections must cost ceil(1500/1000) = 2 list requests per plan.
func TestAccConnectionPolicy_refreshCost(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newListedService(t, e, 1500, mixedConnection)
	r := newCLIRun(t, policyConfig(e, s.ID, idsLine("accept_domain_ids", "domain-a"), idsLine("reject_domain_ids", "domain-b")))
	r.mustRun(0, "apply", "-auto-approve")
	off := 0 // connections whose status is not their account's decision
	for _, c := range s.Conns {
		if c.DomainID == "domain-a" && c.Status != client.StatusAccepted || c.DomainID == "domain-b" && c.Status != client.StatusRejected {
			off++
		}
	}
	if n := len(e.Mock.Actions()); n != off {
		t.Errorf("%d effective actions, want one per connection not yet decided as its account's rule says (%d)", n, off)
	}
	e.Mock.ResetRequestCounts()
	r.mustRun(0, "plan", "-detailed-exitcode")
	counts := e.Mock.RequestCounts()
	if counts[vpcepmock.OpListServiceConnections] != 2 || counts[vpcepmock.OpAcceptOrRejectEndpoint] != 0 {
		t.Errorf("a plan of 1,500 connections made requests %v, want 2 list requests and nothing else", counts)
	}
	if p, _ := r.policy(); len(p.Connections) != 1500 {
		t.Errorf("%d connections in state, want all 1500", len(p.Connections))
	}
}
