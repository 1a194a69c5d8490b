package provider

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// The policy's plan is the contract of its apply: these tests read the
// plan's text, apply it (saved, and after the service changed), and check
// the mock's action log and state against what the plan said.

// setConfig replaces the working directory's configuration.
func (r *cliRun) setConfig(config string) {
	r.t.Helper()
	writeFile(r.t, filepath.Join(r.dir, "main.tf"), config)
}

// planLine matches the plan's line for endpoint ep's status from -> to.
func planLine(ep, from, to string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`~ "%s"\s+= "%s" -> "%s"`, regexp.QuoteMeta(ep), from, to))
}

// actionsSince lists the mock's effective actions after the first n, as "action endpoint", sorted.
func actionsSince(e *testEnv, n int) []string {
	var out []string
	for _, a := range e.Mock.Actions()[n:] {
		out = append(out, a.Action+" "+a.EndpointID)
	}
	slices.Sort(out)
	return out
}

// waitUntilNoneCreating waits until the mock has moved every connection of
// svc out of creating, as the API does after its transition delay.
func waitUntilNoneCreating(t *testing.T, e *testEnv, svc string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		creating := 0
		for _, s := range statuses(e, svc) {
			if s == client.StatusCreating {
				creating++
			}
		}
		if creating == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still creating after a minute", creating)
		}
	}
}

// acceptByHand accepts ep as someone in the console would.
func acceptByHand(t *testing.T, e *testEnv, svc, ep string) {
	t.Helper()
	if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: client.StatusAccepted}); err != nil {
		t.Fatal(err)
	}
}

// TestAccConnectionPolicy_rulesChangePlanIsTheContract catches a rules
// change whose plan names no endpoint (connections known after apply as a
// whole, unchanged entries shown as removed), an apply of the saved plan
// that sends anything the plan did not name, and an apply that decides a
// consumer who connected after the plan instead of leaving it to the next
// plan, which must name it.
func TestAccConnectionPolicy_rulesChangePlanIsTheContract(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	a := newEndpoints(t, e, svc, "acct-a", 4)
	b := newEndpoints(t, e, svc, "acct-b", 4)
	c := newEndpoints(t, e, svc, "acct-c", 4)
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "acct-a")))
	r.mustRun(0, "apply", "-auto-approve")
	// Decisions made by hand before the rules change: two of b's and one of c's accepted.
	acceptByHand(t, e, svc, b[0])
	acceptByHand(t, e, svc, b[1])
	acceptByHand(t, e, svc, c[0])
	before := len(e.Mock.Actions())

	r.setConfig(policyConfig(e, svc, idsLine("accept_domain_ids", "acct-a", "acct-b"), `  others = "reject"`))
	out := r.mustRun(2, "plan", "-detailed-exitcode", "-out=tfplan")
	changes := map[string][2]string{
		b[2]: {client.StatusPendingAcceptance, client.StatusAccepted}, b[3]: {client.StatusPendingAcceptance, client.StatusAccepted},
		c[0]: {client.StatusAccepted, client.StatusRejected}, c[1]: {client.StatusPendingAcceptance, client.StatusRejected},
		c[2]: {client.StatusPendingAcceptance, client.StatusRejected}, c[3]: {client.StatusPendingAcceptance, client.StatusRejected},
	}
	for ep, ch := range changes {
		if !planLine(ep, ch[0], ch[1]).MatchString(out) {
			t.Errorf("the plan does not show %s going %s -> %s:\n%s", ep, ch[0], ch[1], out)
		}
	}
	for _, ep := range append(slices.Clone(a), b[0], b[1]) {
		if strings.Contains(out, ep) {
			t.Errorf("the plan names %s, whose status does not change:\n%s", ep, out)
		}
	}
	if strings.Contains(out, "-> null") || strings.Contains(out, "known after apply") {
		t.Errorf("the plan shows entries removed or unknown:\n%s", out)
	}

	newcomer := e.NewEndpoint(t, svc, "acct-c") // connects between plan and apply
	r.mustRun(0, "apply", "tfplan")
	var want []string
	for ep, ch := range changes {
		want = append(want, map[string]string{client.StatusAccepted: "receive ", client.StatusRejected: "reject "}[ch[1]]+ep)
	}
	slices.Sort(want)
	if got := actionsSince(e, before); !slices.Equal(got, want) {
		t.Errorf("the saved plan's apply sent\n %v\nwant exactly what the plan named\n %v", got, want)
	}
	if got := statuses(e, svc)[newcomer]; got != client.StatusPendingAcceptance {
		t.Errorf("the newcomer is %q after the apply, want it left for the next plan", got)
	}
	if p, _ := r.policy(); p.Connections[c[0]] != client.StatusRejected || p.Connections[b[2]] != client.StatusAccepted {
		t.Errorf("state after the apply: %v", p.Connections)
	}

	out = r.mustRun(2, "plan", "-detailed-exitcode")
	if !planLine(newcomer, client.StatusPendingAcceptance, client.StatusRejected).MatchString(out) || strings.Count(out, `" = "`) != 1 {
		t.Errorf("the next plan must name the newcomer, and only it:\n%s", out)
	}
	before = len(e.Mock.Actions())
	r.mustRun(0, "apply", "-auto-approve")
	if got := actionsSince(e, before); !slices.Equal(got, []string{"reject " + newcomer}) {
		t.Errorf("the newcomer's apply sent %v", got)
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
}

// TestAccConnectionPolicy_createAndDestroyPlansName catches a create plan
// that does not say which endpoints it will accept and reject, a destroy
// plan that names nothing, and a destroy that rejects connections the
// policy did not accept itself: one accepted by hand before the policy
// existed, and one accepted by a vpcep_connection_approval.
func TestAccConnectionPolicy_createAndDestroyPlansName(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	good := newEndpoints(t, e, svc, "good", 2)
	byHand := e.NewEndpoint(t, svc, "good")
	acceptByHand(t, e, svc, byHand)
	byApproval := e.NewEndpoint(t, svc, "good")
	bad := e.NewEndpoint(t, svc, "bad")
	ar := newCLIRun(t, requiredProviders+approvalConfig(e, svc, byApproval))
	ar.mustRun(0, "apply", "-auto-approve")

	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good"), `  others = "reject"`))
	out := r.mustRun(0, "plan")
	for _, want := range []string{"Connections the new policy will decide", "accept 2:", "reject 1:", good[0], good[1], bad} {
		if !strings.Contains(out, want) {
			t.Errorf("the create plan lacks %q:\n%s", want, out)
		}
	}
	for _, ep := range []string{byHand, byApproval} {
		if strings.Contains(out, ep) {
			t.Errorf("the create plan names %s, which is accepted already:\n%s", ep, out)
		}
	}
	r.mustRun(0, "apply", "-auto-approve")
	before := len(e.Mock.Actions())

	out = r.mustRun(0, "plan", "-destroy")
	// The warning, not the diff (which lists every connection as destroyed with the resource).
	_, warning, _ := strings.Cut(out, "Destroying the policy rejects connections")
	warning, _, _ = strings.Cut(warning, "Connections it did not accept")
	if !strings.Contains(warning, good[0]) || !strings.Contains(warning, good[1]) {
		t.Errorf("the destroy plan does not name what it rejects:\n%s", out)
	}
	for _, ep := range []string{byHand, byApproval, bad} {
		if strings.Contains(warning, ep) {
			t.Errorf("the destroy plan names %s, which the policy did not accept:\n%s", ep, out)
		}
	}
	r.mustRun(0, "destroy", "-auto-approve")
	if got, want := actionsSince(e, before), sortedActions("reject "+good[0], "reject "+good[1]); !slices.Equal(got, want) {
		t.Errorf("destroy sent %v, want %v", got, want)
	}
	for _, ep := range []string{byHand, byApproval} {
		if got := statuses(e, svc)[ep]; got != client.StatusAccepted {
			t.Errorf("%s is %q after the policy's destroy, want still accepted", ep, got)
		}
	}
	ar.mustRun(0, "plan", "-detailed-exitcode") // the approval's connection was left alone
}

// TestAccConnectionPolicy_unmatchedRulesWarn catches an account id with a
// typo (one character missing, upper case) that silently cuts the account's
// consumers off under others = "reject": the plan must warn, naming the id
// and the connected id it probably means.
func TestAccConnectionPolicy_unmatchedRulesWarn(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	const acct, other = "0a1b2c3d4e5f40718293a4b5c6d7e8f9", "ffff2c3d4e5f40718293a4b5c6d7e8f9"
	e.NewEndpoint(t, svc, acct)
	e.NewEndpoint(t, svc, other)
	typo, upper := acct[:len(acct)-1], strings.ToUpper(other)
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", typo, upper, "not-connected-yet"), `  others = "reject"`))
	for _, cmd := range []string{"create", "update"} {
		out := r.mustRun(0, "plan")
		for _, want := range []string{"Rules match no connection", fmt.Sprintf("%q: did you mean %q", typo, acct),
			fmt.Sprintf("%q: did you mean %q", upper, other), `accept_domain_ids: "not-connected-yet"`, "has not connected yet"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: the plan lacks %q:\n%s", cmd, want, out)
			}
		}
		if cmd == "create" {
			r.setConfig(policyConfig(e, svc))
			r.mustRun(0, "apply", "-auto-approve")
			r.setConfig(policyConfig(e, svc, idsLine("accept_domain_ids", typo, upper, "not-connected-yet"), `  others = "reject"`))
		}
	}
	if n := len(e.Mock.Actions()); n != 0 {
		t.Errorf("the mock saw %d actions; plans send nothing", n)
	}
}

// TestAccConnectionPolicy_twoPoliciesOneService catches two policies of one
// configuration deciding one service (they flip connections at every
// apply), and a rename without a moved block, whose destroy and create race
// and can leave every consumer both accept rejected: both are plan errors
// and nothing is sent.
func TestAccConnectionPolicy_twoPoliciesOneService(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 3)
	two := policyConfig(e, svc, idsLine("accept_domain_ids", "good")) +
		strings.Replace(policyBlock(svc, `  others = "reject"`), `"test"`, `"second"`, 1)
	r := newCLIRun(t, two)
	out := r.mustRun(1, "apply", "-auto-approve")
	if !strings.Contains(out, "Two connection policies for one endpoint service") || !strings.Contains(out, svc) {
		t.Errorf("two policies on one service were not refused naming it:\n%s", out)
	}
	if n := len(e.Mock.Actions()); n != 0 {
		t.Fatalf("the mock saw %d actions, want none", n)
	}

	r.setConfig(policyConfig(e, svc, idsLine("accept_domain_ids", "good")))
	r.mustRun(0, "apply", "-auto-approve")
	before := len(e.Mock.Actions())
	renamed := strings.Replace(policyConfig(e, svc, idsLine("accept_domain_ids", "good")), `"test"`, `"renamed"`, 1)
	r.setConfig(renamed)
	out = r.mustRun(1, "apply", "-auto-approve")
	if !strings.Contains(out, "moved block") || !strings.Contains(out, svc) {
		t.Errorf("a rename without moved was not refused with the way out:\n%s", out)
	}
	if got := actionsSince(e, before); len(got) != 0 {
		t.Errorf("the refused rename sent %v", got)
	}
	r.setConfig(renamed + "\nmoved {\n  from = vpcep_connection_policy.test\n  to   = vpcep_connection_policy.renamed\n}\n")
	r.mustRun(0, "apply", "-auto-approve")
	for _, ep := range eps {
		if got := statuses(e, svc)[ep]; got != client.StatusAccepted {
			t.Errorf("%s is %q after the moved rename, want accepted", ep, got)
		}
	}
	if got := actionsSince(e, before); len(got) != 0 {
		t.Errorf("the moved rename sent %v", got)
	}
}

// TestAccConnectionPolicy_contradictsApproval catches a policy and an
// approval of one configuration that decide one endpoint differently
// without a word: the plan must warn, naming the endpoint.
func TestAccConnectionPolicy_contradictsApproval(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "good")
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good"))+approvalBlock(svc, ep, `  action = "reject"`))
	out := r.mustRun(0, "plan")
	if !strings.Contains(out, "A policy and an approval disagree about endpoint "+ep) || !strings.Contains(out, `action = "reject"`) {
		t.Errorf("the plan does not warn about the contradiction:\n%s", out)
	}
}

// TestAccConnectionPolicy_interruptedUpdate catches an update interrupted
// (Ctrl-C) while it sends and waits, that leaves unknown or null statuses in
// state ("Provider returned invalid result object after apply" for each
// endpoint new to the policy), a next plan that does not name exactly what
// is left, and a next apply that sends more than one action per connection in all.
func TestAccConnectionPolicy_interruptedUpdate(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) {
		c.TransitionDelay = interruptTransition
		c.Faults = vpcepmock.Faults{Latency: interruptLatency, Seed: 3}
	})
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 60)
	r := newCLIRun(t, policyConfig(e, svc))
	r.mustRun(0, "apply", "-auto-approve") // decides nothing: every endpoint is new to the rules below
	r.setConfig(policyConfig(e, svc, idsLine("accept_domain_ids", "good"), "  concurrent_requests = 2"))
	out, at := applyInterrupted(t, r, func() int { return len(e.Mock.Actions()) }, 8)
	if at >= len(eps) {
		t.Fatalf("the interrupt came after every action:\n%s", out)
	}
	for _, bug := range []string{"invalid result object", "inconsistent result", "This is a bug in the provider"} {
		if strings.Contains(out.String(), bug) {
			t.Errorf("the interrupted update reports a provider bug (%q):\n%s", bug, out)
		}
	}
	p, ok := r.policy()
	if !ok || len(p.Connections) != len(eps) {
		t.Fatalf("state after the interrupt holds %d connections, want %d", len(p.Connections), len(eps))
	}
	for ep, s := range p.Connections {
		if s == "" {
			t.Errorf("%s has no status in state", ep)
		}
	}
	waitUntilNoneCreating(t, e, svc)
	plan := r.mustRun(2, "plan", "-detailed-exitcode")
	left := 0
	for _, ep := range eps {
		if statuses(e, svc)[ep] != client.StatusAccepted {
			left++
			if !planLine(ep, client.StatusPendingAcceptance, client.StatusAccepted).MatchString(plan) {
				t.Errorf("the next plan does not name %s, still pending:\n%s", ep, plan)
			}
		} else if strings.Contains(plan, ep) {
			t.Errorf("the next plan names %s, accepted already", ep)
		}
	}
	if left == 0 {
		t.Fatal("nothing was left after the interrupt: the test proves nothing")
	}
	r.mustRun(0, "apply", "-auto-approve")
	seen := map[string]int{}
	for _, a := range e.Mock.Actions() {
		seen[a.Action+" "+a.EndpointID]++
	}
	for _, ep := range eps {
		if seen["receive "+ep] != 1 || len(seen) != len(eps) {
			t.Errorf("%s: %d receives (%d distinct actions in all), want exactly one receive per connection", ep, seen["receive "+ep], len(seen))
		}
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
	// Every accept the policy sent is its own, also those whose wait the
	// interrupt cut short: destroy must name and reject all of them.
	out2 := strings.Join(strings.Fields(r.mustRun(0, "plan", "-destroy")), " ") // Terraform wraps long lines
	if want := fmt.Sprintf("rejects %d connection(s) that it accepted itself", len(eps)); !strings.Contains(out2, want) {
		t.Errorf("the destroy plan after the interrupted update lacks %q:\n%s", want, out2)
	}
}

// TestAccConnectionPolicy_updateTimeout catches an update whose timeout
// ends while decisions settle reported as a bare "context deadline
// exceeded" or as a provider bug: the error must name timeouts.update and
// its value, and state must keep a known status for every connection.
func TestAccConnectionPolicy_updateTimeout(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 16)
	r := newCLIRun(t, policyConfig(e, svc))
	r.mustRun(0, "apply", "-auto-approve")
	// Slow answers, one at a time: the timeout ends while decisions are still being sent.
	e.Mock.SetTransitionDelay(time.Minute)
	e.Mock.SetFaults(vpcepmock.Faults{Latency: 500 * time.Millisecond, Seed: 5})
	r.setConfig(policyConfig(e, svc, idsLine("accept_domain_ids", "good"), "  concurrent_requests = 1",
		"  timeouts {\n    update = \"2s\"\n  }"))
	out := r.mustRun(1, "apply", "-auto-approve")
	for _, want := range []string{"raise timeouts.update (it was 2s)", eps[0]} {
		if !strings.Contains(out, want) {
			t.Errorf("the timed-out update lacks %q:\n%s", want, out)
		}
	}
	for _, bug := range []string{"invalid result object", "inconsistent result"} {
		if strings.Contains(out, bug) {
			t.Errorf("the timed-out update reports a provider bug:\n%s", out)
		}
	}
	p, _ := r.policy()
	for _, ep := range eps {
		if s, live := p.Connections[ep], statuses(e, svc)[ep]; s != live {
			t.Errorf("%s is %q in state, want the last status seen (%q)", ep, s, live)
		}
	}
	pending := 0
	for _, s := range statuses(e, svc) {
		if s == client.StatusPendingAcceptance {
			pending++
		}
	}
	if pending == 0 {
		t.Error("every decision was sent before the timeout: the test proves nothing")
	}
}

// TestAccConnectionPolicy_unknownRulesWarn catches rules known only at
// apply that reach accepted consumers without a word in the plan (the plan
// cannot name the endpoints, so it must say so), and a warning that says
// otherwise than the apply does: the apply of a saved update plan decides
// the connections the plan read, and a newcomer waits for the next plan.
func TestAccConnectionPolicy_unknownRulesWarn(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "good")
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_endpoint_ids", ep)))
	r.mustRun(0, "apply", "-auto-approve")
	waiting := e.NewEndpoint(t, svc, "other")
	r.setConfig(policyConfig(e, svc, "  accept_endpoint_ids = terraform_data.ids.output", `  others = "reject"`) +
		fmt.Sprintf("\nresource \"terraform_data\" \"ids\" {\n  input = [%q]\n}\n", ep))
	out := r.mustRun(0, "plan", "-out=tfplan")
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "Rules not known until apply") ||
		!strings.Contains(flat, svc) || !strings.Contains(flat, "waits for the next plan") {
		t.Errorf("the plan does not warn that it cannot name the endpoints, and what the apply does:\n%s", out)
	}
	newcomer := e.NewEndpoint(t, svc, "other")
	before := len(e.Mock.Actions())
	r.mustRun(0, "apply", "tfplan")
	if got := actionsSince(e, before); !slices.Equal(got, []string{"reject " + waiting}) {
		t.Errorf("the apply sent %v, want only the rejection of %s, which the plan read", got, waiting)
	}
	out = r.mustRun(2, "plan", "-detailed-exitcode")
	if !planLine(newcomer, client.StatusPendingAcceptance, client.StatusRejected).MatchString(out) {
		t.Errorf("the next plan does not name the newcomer:\n%s", out)
	}
}

// TestAccConnectionPolicy_replaceRefused catches terraform apply -replace of
// a policy, which destroyed it first (rejecting every consumer it had
// accepted) and then accepted them again, with a plan that named none of it.
func TestAccConnectionPolicy_replaceRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 3)
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good")))
	r.mustRun(0, "apply", "-auto-approve")
	waitUntilNoneCreating(t, e, svc)
	before := len(e.Mock.Actions())
	for _, cmd := range [][]string{{"plan"}, {"apply", "-auto-approve"}} {
		out := r.mustRun(1, append(cmd, "-replace=vpcep_connection_policy.test")...)
		if !strings.Contains(out, "cannot be replaced on its own service") || !strings.Contains(out, svc) {
			t.Errorf("terraform %s -replace was not refused naming the service:\n%s", cmd[0], out)
		}
	}
	if got := actionsSince(e, before); len(got) != 0 {
		t.Errorf("the refused replacement sent %v", got)
	}
	for _, ep := range eps {
		if got := statuses(e, svc)[ep]; got != client.StatusAccepted {
			t.Errorf("%s is %q, want still accepted", ep, got)
		}
	}
	r.mustRun(0, "plan", "-detailed-exitcode")

	// A tainted policy's replacement has no memory of what it accepted: its
	// destroy rejects nothing, and the new policy owns nothing.
	if out, code := r.run("taint", "vpcep_connection_policy.test"); code != 0 {
		t.Fatalf("terraform taint: %s", out)
	}
	r.mustRun(0, "apply", "-auto-approve")
	if got := actionsSince(e, before); len(got) != 0 {
		t.Errorf("the tainted policy's replacement sent %v", got)
	}
	if out := r.mustRun(0, "plan", "-destroy"); strings.Contains(out, "Destroying the policy rejects connections") {
		t.Errorf("the replacement claims connections accepted before it existed:\n%s", out)
	}
}

// TestAccConnectionPolicy_serviceChangeNamesBoth catches a change of
// service_id whose plan named nothing: its replacement rejects what the
// policy accepted on the old service and decides the new one, and the
// plan's warnings must name every endpoint of both; the saved plan's apply
// sends exactly that.
func TestAccConnectionPolicy_serviceChangeNamesBoth(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	oldSvc, newSvc := e.NewService(t, true), e.NewService(t, true)
	mine := newEndpoints(t, e, oldSvc, "good", 2)
	byHand := e.NewEndpoint(t, oldSvc, "good")
	acceptByHand(t, e, oldSvc, byHand) // before the policy: not its own
	good, other := e.NewEndpoint(t, newSvc, "good"), e.NewEndpoint(t, newSvc, "other")
	rules := []string{idsLine("accept_domain_ids", "good"), `  others = "reject"`}
	r := newCLIRun(t, policyConfig(e, oldSvc, rules...))
	r.mustRun(0, "apply", "-auto-approve")
	waitUntilNoneCreating(t, e, oldSvc)
	before := len(e.Mock.Actions())

	r.setConfig(policyConfig(e, newSvc, rules...))
	e.Mock.ResetRequestCounts()
	out := r.mustRun(0, "plan", "-out=tfplan")
	// The refresh of the old service and one read of the new: the
	// replacement's second plan, whose warnings Terraform drops, reads nothing.
	if n := e.Mock.RequestCounts()[vpcepmock.OpListServiceConnections]; n != 2 {
		t.Errorf("the plan listed connections %d times, want 2", n)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"Changing service_id replaces the policy", "rejects 2 connection(s)",
		"Connections the new policy will decide", "endpoint " + mine[0], "endpoint " + mine[1], "endpoint " + good, "endpoint " + other} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(flat, "endpoint "+byHand) {
		t.Errorf("the plan's warnings name %s, which the policy did not accept and its destroy leaves alone:\n%s", byHand, out)
	}
	r.mustRun(0, "apply", "tfplan")
	want := sortedActions("reject "+mine[0], "reject "+mine[1], "receive "+good, "reject "+other)
	if got := actionsSince(e, before); !slices.Equal(got, want) {
		t.Errorf("the apply sent\n %v\nwant what the plan named\n %v", got, want)
	}
	if got := statuses(e, oldSvc)[byHand]; got != client.StatusAccepted {
		t.Errorf("%s, accepted by hand, is %q after the replacement", byHand, got)
	}
	r.mustRun(0, "plan", "-detailed-exitcode") // the replacement left nothing to do

	// A service_id known only at apply may be the same service: its
	// consumers would be rejected, then accepted again.
	r.setConfig(strings.Replace(policyConfig(e, "", rules...), `  service_id = ""`, "  service_id = terraform_data.svc.output", 1) +
		fmt.Sprintf("\nresource \"terraform_data\" \"svc\" {\n  input = %q\n}\n", newSvc))
	out = r.mustRun(0, "plan")
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "If that is the same service") ||
		!strings.Contains(flat, "endpoint "+good) {
		t.Errorf("the plan of a service_id known only at apply does not warn, naming what the destroy rejects:\n%s", out)
	}
}
