package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// newEndpoints creates n endpoints of domainID on serviceID.
func newEndpoints(t *testing.T, e *testEnv, serviceID, domainID string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = e.NewEndpoint(t, serviceID, domainID)
	}
	return ids
}

// TestAccConnectionPolicy_throttled catches an apply that fails, or sends
// an action twice, when the API throttles: every decision must go through
// once, honouring the gateway's Retry-After.
func TestAccConnectionPolicy_throttled(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) { c.RateLimit = 15 })
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 40)
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good"), "  concurrent_requests = 32"))
	r.mustRun(0, "apply", "-auto-approve")
	if n := e.Mock.RequestCounts()[vpcepmock.CountThrottled]; n == 0 {
		t.Error("the mock throttled no request: the test proves nothing")
	}
	acts := e.Mock.Actions()
	if len(acts) != len(eps) {
		t.Errorf("%d effective actions, want one per endpoint (%d)", len(acts), len(eps))
	}
	p, _ := r.policy()
	for _, ep := range eps {
		if c, _ := e.Mock.Connection(svc, ep); c.Status != client.StatusAccepted || p.Connections[ep] != client.StatusAccepted {
			t.Errorf("%s: mock %q, state %q; want accepted in both", ep, c.Status, p.Connections[ep])
		}
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
}

// TestAccConnectionPolicy_stuckAndVanished catches a failed connection
// planned (nobody can change it: it must be skipped with a warning that shows
// its errors and what to do), a planned decision that ends failed or deleting
// reported as done (the plan promised "accepted": it is an error naming the
// endpoints, and the others settle), and a deleted endpoint staying in `connections`.
func TestAccConnectionPolicy_stuckAndVanished(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 4)
	failedBefore, failsLater, deletedLater, vanishes := eps[0], eps[1], eps[2], eps[3]
	broken := vpcepmock.Force{Status: client.StatusFailed, Errors: []vpcepmock.QueryError{{ErrorCode: "EndPoint.0042", ErrorMessage: "port broken"}}}
	if err := e.Mock.ForceStatus(svc, failedBefore, broken); err != nil {
		t.Fatal(err)
	}
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good")))
	out := r.mustRun(0, "apply", "-auto-approve")
	if !strings.Contains(out, "EndPoint.0042: port broken") {
		t.Errorf("the create does not warn about the failed connection:\n%s", out)
	}
	// New consumers arrive; the saved plan decides them, then one fails and one is deleted before the apply.
	fresh := newEndpoints(t, e, svc, "good", 2)
	for _, ep := range []string{failsLater, deletedLater} {
		if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: client.StatusPendingAcceptance}); err != nil {
			t.Fatal(err)
		}
	}
	out = r.mustRun(0, "plan", "-out=tfplan")
	if !strings.Contains(out, "VPC endpoint connections skipped") || !strings.Contains(out, "EndPoint.0042: port broken") ||
		!strings.Contains(out, failedBefore) || !strings.Contains(out, "re-create") {
		t.Errorf("the plan does not warn about the failed connection with its error and what to do:\n%s", out)
	}
	if err := e.Mock.ForceStatus(svc, failsLater, broken); err != nil {
		t.Fatal(err)
	}
	if err := e.Mock.ForceStatus(svc, deletedLater, vpcepmock.Force{Status: client.StatusDeleting, Hold: true}); err != nil {
		t.Fatal(err)
	}
	out = r.mustRun(1, "apply", "tfplan")
	for _, ep := range []string{failsLater, deletedLater} {
		if !strings.Contains(out, ep) || !strings.Contains(out, "not decided as planned") {
			t.Errorf("the apply's error does not name %s:\n%s", ep, out)
		}
	}
	if strings.Contains(out, "inconsistent result") || strings.Contains(out, "invalid result") {
		t.Errorf("Terraform reports a provider bug:\n%s", out)
	}
	p, _ := r.policy()
	for _, ep := range append(fresh, vanishes) {
		if c, _ := e.Mock.Connection(svc, ep); c.Status != client.StatusAccepted || p.Connections[ep] != client.StatusAccepted {
			t.Errorf("%s: mock %q, state %q; want accepted", ep, c.Status, p.Connections[ep])
		}
	}
	if p.Connections[failsLater] != client.StatusFailed || p.Connections[deletedLater] != client.StatusDeleting {
		t.Errorf("state: %+v", p.Connections)
	}

	// The endpoint being deleted and one deleted since drop out; the failed ones plan nothing.
	if err := e.Mock.DeleteEndpoint(vanishes); err != nil {
		t.Fatal(err)
	}
	r.mustRun(0, "apply", "-auto-approve")
	p, _ = r.policy()
	for _, ep := range []string{vanishes, deletedLater} {
		if _, in := p.Connections[ep]; in {
			t.Errorf("%s is still in connections after it went away", ep)
		}
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
	for _, a := range e.Mock.Actions() {
		if a.Action != client.ActionReceive {
			t.Errorf("the mock saw %+v: only receive was decided", a)
		}
	}
}

// TestAccConnectionPolicy_partialFailure catches an apply that loses what
// settled when some decisions fail, an error that does not name the failed
// endpoints (the first of them, then how many more) with the API's code, and a next apply that sends more than the
// failed decisions or the opposite action.
func TestAccConnectionPolicy_partialFailure(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	// Without retries every 503 is final.
	r := newCLIRun(t, requiredProviders+e.ProviderConfig(noRetries)+policyBlock(svc, idsLine("accept_domain_ids", "good")))
	r.mustRun(0, "apply", "-auto-approve")
	eps := newEndpoints(t, e, svc, "good", 40)
	r.mustRun(0, "plan", "-out=tfplan")
	e.Mock.SetFaults(vpcepmock.Faults{Rate: 0.9, Seed: 11})
	out := r.mustRun(1, "apply", "tfplan")
	e.Mock.SetFaults(vpcepmock.Faults{})

	p, _ := r.policy()
	var failed []string
	for _, ep := range eps {
		c, _ := e.Mock.Connection(svc, ep)
		switch {
		case c.Status == client.StatusAccepted && p.Connections[ep] != client.StatusAccepted:
			t.Errorf("%s settled in the mock but state says %q", ep, p.Connections[ep])
		case c.Status == client.StatusPendingAcceptance:
			failed = append(failed, ep)
		case c.Status != client.StatusAccepted:
			t.Errorf("%s is %q in the mock", ep, c.Status)
		}
	}
	// The error names the failed endpoints in order, at most maxListedEndpoints of them, then the rest's count.
	slices.Sort(failed)
	for i, ep := range failed {
		if listed := strings.Contains(out, ep); listed != (i < maxListedEndpoints) {
			t.Errorf("failed endpoint %d of %d (%s): named in the error = %v", i+1, len(failed), ep, listed)
		}
	}
	if more := len(failed) - maxListedEndpoints; more > 0 && !strings.Contains(out, fmt.Sprintf("and %d more", more)) {
		t.Errorf("the error does not say how many more failed (%d):\n%s", more, out)
	}
	if len(failed) == 0 || len(failed) == len(eps) {
		t.Fatalf("%d of %d decisions failed: the test needs some of each", len(failed), len(eps))
	}
	if !strings.Contains(out, fmt.Sprintf("%d VPC endpoint connection(s) not decided", len(failed))) || !strings.Contains(out, "EndPoint.0001") {
		t.Errorf("the error does not count the %d failures or quote the API's code:\n%s", len(failed), out)
	}

	e.Mock.ResetRequestCounts()
	before := len(e.Mock.Actions())
	r.mustRun(0, "apply", "-auto-approve")
	if n := e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]; n != len(failed) {
		t.Errorf("the retry sent %d actions, want only the %d that failed", n, len(failed))
	}
	for _, a := range e.Mock.Actions()[before:] {
		if a.Action != client.ActionReceive || !strings.Contains(strings.Join(failed, " "), a.EndpointID) {
			t.Errorf("the retry sent %+v", a)
		}
	}
	for _, ep := range eps {
		if c, _ := e.Mock.Connection(svc, ep); c.Status != client.StatusAccepted {
			t.Errorf("%s is %q after the retry", ep, c.Status)
		}
	}
	r.mustRun(0, "plan", "-detailed-exitcode")
}

// TestAccConnectionPolicy_progressLog catches a long wait that says nothing
// in the provider log: the counts of decided, settled and failed connections.
func TestAccConnectionPolicy_progressLog(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) { c.TransitionDelay = 500 * time.Millisecond })
	svc := e.NewService(t, true)
	newEndpoints(t, e, svc, "good", 5)
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good")))
	logPath := filepath.Join(r.dir, "provider.log")
	r.env = append(r.env, "TF_LOG_PROVIDER=INFO", "TF_LOG_PATH="+logPath)
	r.mustRun(0, "apply", "-auto-approve")
	log, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(log), "\n") {
		if strings.Contains(l, "connection policy: waiting for connections to settle") {
			lines = append(lines, l)
		}
	}
	if len(lines) < 2 || !strings.Contains(lines[0], "decided=5") || !strings.Contains(lines[len(lines)-1], "settled=5") ||
		!strings.Contains(lines[len(lines)-1], "failed=0") {
		t.Errorf("progress lines %q, want a first one with decided=5 and a last one with settled=5 failed=0", lines)
	}
}

// TestAccConnectionPolicy_newRulesDecideFailed catches a rules change that
// newly decides a failed connection without a word: the refresh warns with
// the rules in state (which left it alone), so the plan must warn with the
// planned ones, naming it, and plan no change for it.
func TestAccConnectionPolicy_newRulesDecideFailed(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "other")
	if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: client.StatusFailed}); err != nil {
		t.Fatal(err)
	}
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good")))
	if out := r.mustRun(0, "apply", "-auto-approve"); strings.Contains(out, ep) {
		t.Errorf("rules that leave %s alone warn about it:\n%s", ep, out)
	}
	r.setConfig(policyConfig(e, svc, idsLine("accept_domain_ids", "good"), `  others = "reject"`))
	out := r.mustRun(2, "plan", "-detailed-exitcode")
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "The new rules decide failed connections") ||
		!strings.Contains(flat, "endpoint "+ep) {
		t.Errorf("the plan does not warn that the new rules decide failed %s:\n%s", ep, out)
	}
	if strings.Contains(out, `"`+ep+`" = "failed" ->`) {
		t.Errorf("the plan changes the failed connection:\n%s", out)
	}
}

// TestAccConnectionPolicy_createPlanCannotRead catches the plan of a new
// policy that passed ("1 to add") with a wrong token or with no API
// listening, naming nothing it would decide: it must fail, and send nothing.
func TestAccConnectionPolicy_createPlanCannotRead(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	e.NewEndpoint(t, svc, "good")
	for name, provider := range map[string]string{
		"wrong token":  providerBlock(e.URL, e.ProjectID, tokenLine("not-the-token"), noRetries),
		"no API there": providerBlock("http://"+closedAddr(t), e.ProjectID, tokenLine(e.Token), noRetries),
	} {
		r := newCLIRun(t, requiredProviders+provider+policyBlock(svc, idsLine("accept_domain_ids", "good")))
		out := r.mustRun(1, "plan")
		if !strings.Contains(out, "Error reading the VPC endpoint service's connections") || strings.Contains(out, "1 to add") {
			t.Errorf("%s: the create plan did not fail on the read:\n%s", name, out)
		}
	}
	if n := len(e.Mock.Actions()); n != 0 {
		t.Errorf("the mock saw %d actions", n)
	}
	// With the credentials fixed, the same configuration plans and applies as a first create.
	r := newCLIRun(t, policyConfig(e, svc, idsLine("accept_domain_ids", "good")))
	r.mustRun(0, "apply", "-auto-approve")
	if got := actionsOn(e); len(got) != 1 || !strings.HasPrefix(got[0], "receive ") {
		t.Errorf("the apply after the failed plans sent %v, want one receive", got)
	}
}
