package provider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// actionFate is what actionProxy does with an accept/reject call.
type actionFate int32

const (
	// fatePass forwards the call to the mock and its answer back.
	fatePass actionFate = iota
	// fateDropAnswer lets the mock apply the action, then closes the
	// connection without answering: the client sees a transport error after
	// sending, as when a connection breaks on the way back.
	fateDropAnswer
	// fateHoldAnswer lets the mock apply the action, then answers nothing
	// until the client gives up (its context ends).
	fateHoldAnswer
	// fateRefuse answers 400 EndPoint.2012 without applying anything.
	fateRefuse
)

// actionSuffix ends the path of the accept/reject call.
const actionSuffix = "/connections/action"

// actionProxy serves e's mock over a second server whose accept/reject
// calls meet the fate held in fate (changeable between steps); everything
// else passes through. It returns the proxy's URL.
func actionProxy(t *testing.T, e *testEnv, fate *atomic.Int32) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, actionSuffix) {
			e.Mock.ServeHTTP(w, r)
			return
		}
		switch actionFate(fate.Load()) {
		case fateDropAnswer:
			e.Mock.ServeHTTP(httptest.NewRecorder(), r)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Errorf("hijacking the connection: %v", err)
				return
			}
			_ = conn.Close()
		case fateHoldAnswer:
			e.Mock.ServeHTTP(httptest.NewRecorder(), r)
			<-r.Context().Done()
		case fateRefuse:
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{
				"code": "EndPoint.2012", "message": "You have no permission to connect to the VPC endpoint service.",
			}})
		default:
			e.Mock.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// checkEffectiveActions fails the test unless the mock applied exactly want
// effective actions so far.
func checkEffectiveActions(t *testing.T, e *testEnv, want int) {
	t.Helper()
	if got := e.Mock.Actions(); len(got) != want {
		t.Errorf("the mock applied %d effective actions (%v), want %d", len(got), got, want)
	}
}

// TestAccConnectionApproval_createOutcome catches a stopped create (an
// answer lost after sending, a timeout while the API holds the answer, a
// refusal, a request that never left) that keeps something in state, so
// that it is tainted and the next apply sends a reject first instead of the
// same action. Before, a lost answer did exactly that.
func TestAccConnectionApproval_createOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fate    actionFate
		closed  bool   // reach a closed port instead of the proxy
		extra   string // resource lines of the failing step
		want    string // expectErr pattern of the failing step
		applied int    // effective actions in the mock after the failing step
	}{
		{name: "answer lost after sending", fate: fateDropAnswer,
			want:    `Outcome of "receive" unknown.*could not be reached: no HTTP response was received.*may have acted on it.*Nothing was saved in state.*sends "receive" again.*Original Error: .*POST http://127.0.0.1:[0-9]+/v1/`,
			applied: 1},
		{name: "create timeout ran out waiting for the answer", fate: fateHoldAnswer,
			extra:   "  timeouts {\n    create = \"1s\"\n  }",
			want:    `Timed out waiting.*within 1s \(timeouts.create\).*Nothing was saved in state.*sends "receive" again.*Original Error: .*context deadline exceeded`,
			applied: 1},
		{name: "definite refusal", fate: fateRefuse,
			want:    `Error sending "receive".*The API refused to accept.*HTTP 400 EndPoint.2012`,
			applied: 0},
		{name: "nothing listening", closed: true,
			want:    `Request not sent.*never left the provider.*could not be reached: the connection was refused, so nothing was sent.*Nothing was changed.*Original Error: .*connection refused`,
			applied: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			svc := e.NewService(t, true)
			ep := e.NewEndpoint(t, svc, "domain-outcome")
			var fate atomic.Int32
			fate.Store(int32(tt.fate))
			url := actionProxy(t, e, &fate)
			if tt.closed {
				url = "http://" + closedAddr(t)
			}
			next := plancheck.ResourceActionCreate
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkDestroyRejected(e, svc, ep),
				Steps: []resource.TestStep{
					{Config: e.ProviderConfigAt(url, noRetries) + approvalBlock(svc, ep, tt.extra), ExpectError: expectErr(tt.want)},
					{
						PreConfig: func() {
							checkEffectiveActions(t, e, tt.applied)
							fate.Store(int32(fatePass))
						},
						Config: e.ProviderConfig(noRetries) + approvalBlock(svc, ep),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(approvalAddr, next)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
							checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
						),
					},
				},
			})
		})
	}
}

// TestAccConnectionApproval_updateAndDeleteOutcome catches an update or
// destroy whose reject call loses its answer and does not say that the
// outcome is unknown, or drops the resource from state; the next plan must
// read the connection (which the mock did reject) and have nothing left to
// do.
func TestAccConnectionApproval_updateAndDeleteOutcome(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-outcome")
	var fate atomic.Int32
	url := actionProxy(t, e, &fate)
	reject := "  action = \"reject\""
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			{Config: e.ProviderConfigAt(url, noRetries) + approvalBlock(svc, ep)},
			{
				PreConfig:   func() { fate.Store(int32(fateDropAnswer)) },
				Config:      e.ProviderConfigAt(url, noRetries) + approvalBlock(svc, ep, reject),
				ExpectError: expectErr(`Outcome of "reject" unknown.*may have acted on it.*State keeps the configured action "reject"`),
			},
			{
				PreConfig: func() {
					checkEffectiveActions(t, e, 2) // the accept, then the reject whose answer was lost
					fate.Store(int32(fatePass))
				},
				Config: e.ProviderConfigAt(url, noRetries) + approvalBlock(svc, ep, reject),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(approvalAddr, plancheck.ResourceActionNoop)},
				},
				Check: resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusRejected),
			},
			{
				PreConfig:   func() { fate.Store(int32(fateDropAnswer)) },
				Config:      e.ProviderConfigAt(url, noRetries) + approvalBlock(svc, ep, reject),
				Destroy:     true,
				ExpectError: expectErr(`Outcome of "reject" unknown.*may have acted on it.*The resource stays in state; the next destroy sends "reject" again`),
			},
			{
				PreConfig: func() { fate.Store(int32(fatePass)) },
				Config:    e.ProviderConfigAt(url, noRetries) + approvalBlock(svc, ep, reject),
				Check:     resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusRejected),
			},
		},
	})
}
