package provider

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Parameters of the fault-injection test. The fault rate is set above the
// 20% the issue asks for, so that the measured share stays above 20% whatever
// order Terraform's ten workers happen to send their requests in.
const (
	faultsApprovals  = 50
	faultsRate       = 0.3
	faultsLatency    = 40 * time.Millisecond
	faultsMinShare   = 0.2
	faultsMaxRetries = 10
	faultsAddr       = "vpcep_connection_approval.all"
)

// faultFleet is one service with many endpoints and the action requested
// for each.
type faultFleet struct {
	env       *testEnv
	serviceID string
	endpoints []string          // in creation order
	action    map[string]string // endpoint id -> requested action
	domain    map[string]string // endpoint id -> owner's domain id
}

// newFaultFleet creates n endpoints on one approval-enabled service; every
// fifth one is to be rejected, the others accepted, so both kinds of action
// run under faults.
func newFaultFleet(t *testing.T, e *testEnv, n int) *faultFleet {
	t.Helper()
	f := &faultFleet{env: e, serviceID: e.NewService(t, true), action: map[string]string{}, domain: map[string]string{}}
	for i := 0; i < n; i++ {
		domain := fmt.Sprintf("domain-%02d", i%7)
		ep := e.NewEndpoint(t, f.serviceID, domain)
		f.endpoints = append(f.endpoints, ep)
		f.domain[ep] = domain
		f.action[ep] = client.ActionReceive
		if i%5 == 4 {
			f.action[ep] = client.ActionReject
		}
	}
	return f
}

// config is every approval in one resource block. It uses count, not
// for_each: terraform-plugin-testing's state shim (which every TestCase goes
// through, also for CheckDestroy) refuses string instance keys. The
// concurrency is the same; the interrupt test drives for_each through the
// real CLI.
func (f *faultFleet) config() string {
	var b strings.Builder
	// max_retries is raised from the default 6. Waits no longer need it: they
	// poll through retryable errors until their timeout. But the ~105 calls
	// of a run that are not waits (50 accepts or rejects, 50 destroy rejects,
	// a few refresh lists) each fail when seven faults in a row hit them:
	// 0.3^7 = 1 call in 4,600, about one run in 45 with the default (three
	// runs in a row passed without the override, which proves little at that
	// rate). With 10 retries it is 0.3^11, one run in about 5,000.
	b.WriteString(f.env.ProviderConfig(fmt.Sprintf("  max_retries = %d", faultsMaxRetries)))
	b.WriteString("locals {\n  approvals = [\n")
	for _, ep := range f.endpoints {
		fmt.Fprintf(&b, "    { endpoint_id = %q, action = %q },\n", ep, f.action[ep])
	}
	fmt.Fprintf(&b, `  ]
}

resource "vpcep_connection_approval" "all" {
  count       = length(local.approvals)
  service_id  = %q
  endpoint_id = local.approvals[count.index].endpoint_id
  action      = local.approvals[count.index].action
}
`, f.serviceID)
	return b.String()
}

// checkConverged checks, for every endpoint, the mock (status, exactly one
// effective action, the requested one) and the state (present with the
// mock's status, marker_id and domain_id), and that state holds nothing else.
func (f *faultFleet) checkConverged() resource.TestCheckFunc {
	return func(s *terraform.State) error {
		actions := map[string][]vpcepmock.ActionRecord{}
		for _, a := range f.env.Mock.Actions() {
			actions[a.EndpointID] = append(actions[a.EndpointID], a)
		}
		var problems []string
		inState := 0
		for addr := range s.RootModule().Resources {
			if strings.HasPrefix(addr, faultsAddr+".") {
				inState++
			}
		}
		if inState != len(f.endpoints) {
			problems = append(problems, fmt.Sprintf("state holds %d approvals, want %d", inState, len(f.endpoints)))
		}
		for i, ep := range f.endpoints {
			want := approval.TargetStatus(f.action[ep])
			c, ok := f.env.Mock.Connection(f.serviceID, ep)
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("mock lost endpoint %s", ep))
				continue
			case c.Status != want:
				problems = append(problems, fmt.Sprintf("mock: endpoint %s is %q, want %q", ep, c.Status, want))
			}
			if got := actions[ep]; len(got) != 1 || got[0].Action != f.action[ep] {
				problems = append(problems, fmt.Sprintf("mock: effective actions on %s are %v, want exactly one %q", ep, got, f.action[ep]))
			}
			rs, ok := s.RootModule().Resources[fmt.Sprintf("%s.%d", faultsAddr, i)]
			if !ok {
				problems = append(problems, fmt.Sprintf("state: no approval for endpoint %s", ep))
				continue
			}
			attrs := rs.Primary.Attributes
			for name, wantValue := range map[string]string{
				"id":          f.serviceID + "/" + ep,
				"action":      f.action[ep],
				"status":      want,
				"marker_id":   strconv.FormatInt(c.MarkerID, 10),
				"domain_id":   f.domain[ep],
				"service_id":  f.serviceID,
				"endpoint_id": ep,
			} {
				if attrs[name] != wantValue {
					problems = append(problems, fmt.Sprintf("state: %s of %s is %q, want %q", name, ep, attrs[name], wantValue))
				}
			}
		}
		if len(problems) > 0 {
			sort.Strings(problems)
			return fmt.Errorf("%d problems after apply under faults:\n%s", len(problems), strings.Join(problems, "\n"))
		}
		return nil
	}
}

// checkAllRejected is the CheckDestroy: every connection ends rejected in the mock.
func (f *faultFleet) checkAllRejected() resource.TestCheckFunc {
	return func(*terraform.State) error {
		var bad []string
		for _, ep := range f.endpoints {
			c, ok := f.env.Mock.Connection(f.serviceID, ep)
			if !ok || c.Status != vpcepmock.StatusRejected {
				bad = append(bad, fmt.Sprintf("%s: %q (present %v)", ep, c.Status, ok))
			}
		}
		if len(bad) > 0 {
			return fmt.Errorf("after destroy %d connections are not rejected: %s", len(bad), strings.Join(bad, "; "))
		}
		return nil
	}
}

// faultFigures are the mock's counts of API requests and injected faults.
type faultFigures struct{ requests, faulted int }

func (f faultFigures) share() float64 {
	if f.requests == 0 {
		return 0
	}
	return float64(f.faulted) / float64(f.requests)
}

// countFaults reads the mock's counters: every routed API request is counted
// under its operation, and faulted ones also under CountFaulted.
func countFaults(m *vpcepmock.Mock) faultFigures {
	var f faultFigures
	for name, n := range m.RequestCounts() {
		switch name {
		case vpcepmock.CountFaulted:
			f.faulted = n
		case vpcepmock.CountUnauthorized, vpcepmock.CountUnknownRoute:
		default:
			f.requests += n
		}
	}
	return f
}

// checkFaultsInjected fails unless the mock answered at least minShare of the
// API requests so far with a fault: without it the test would prove nothing.
func checkFaultsInjected(t *testing.T, m *vpcepmock.Mock, phase string, minShare float64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		f := countFaults(m)
		t.Logf("%s: %d API requests, %d answered with an injected fault (%.1f%%), all survived; by operation: %v",
			phase, f.requests, f.faulted, 100*f.share(), m.RequestCounts())
		if f.faulted == 0 || f.share() < minShare {
			return fmt.Errorf("%s: the mock faulted %d of %d API requests (%.1f%%), want at least %.0f%%",
				phase, f.faulted, f.requests, 100*f.share(), 100*minShare)
		}
		return nil
	}
}

// TestAccFaults_manyApprovals catches approvals that do not converge under
// faults: 50 in one counted block (Terraform's default parallelism of 10)
// while the mock answers about 30% of API requests with 429 APIGW.0308, 503
// EndPoint.0001 or 400 EndPoint.0022 and delays every request randomly.
// Every connection must converge, the mock must record exactly one
// effective action per endpoint, state must hold all 50 with the mock's
// attributes, the plan after apply must be empty, and destroy must leave
// all of them rejected.
func TestAccFaults_manyApprovals(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) {
		c.TransitionDelay = 150 * time.Millisecond
		c.Faults = vpcepmock.Faults{Rate: faultsRate, Latency: faultsLatency, Seed: 20240605}
	})
	f := newFaultFleet(t, e, faultsApprovals)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			f.checkAllRejected(),
			checkFaultsInjected(t, e.Mock, "apply, plan and destroy", faultsMinShare),
		),
		Steps: []resource.TestStep{{
			Config:           f.config(),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				f.checkConverged(),
				checkFaultsInjected(t, e.Mock, "apply", faultsMinShare),
			),
		}},
	})
}
