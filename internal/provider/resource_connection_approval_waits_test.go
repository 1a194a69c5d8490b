package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// listsFailing serves e's mock, but once an accept/reject call has passed it
// answers the next n list calls with 503 (a retryable error), as an API
// having a short outage in the middle of a wait would.
func listsFailing(t *testing.T, e *testEnv, n int32) (url string, failed *atomic.Int32) {
	t.Helper()
	failed = new(atomic.Int32)
	var acted atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, actionSuffix):
			acted.Store(true)
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/connections") && acted.Load() && failed.Load() < n:
			failed.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = fmt.Fprint(w, `{"error":{"code":"EndPoint.0001","message":"System error. Please retry."}}`)
			return
		}
		e.Mock.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, failed
}

// TestAccConnectionApproval_waitOutlastsRetryableErrors catches a create
// wait that gives up on retryable answers: while the connection settles,
// the API answers several polls in a row with 503 and, with max_retries =
// 0, each is final for its call, yet the wait must go on to the create
// timeout and succeed once the API recovers.
func TestAccConnectionApproval_waitOutlastsRetryableErrors(t *testing.T) {
	t.Parallel()
	const outage = 4
	e := newTestEnv(t, func(c *vpcepmock.Config) { c.TransitionDelay = 300 * time.Millisecond })
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-waits")
	url, failed := listsFailing(t, e, outage)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{{
			Config:           e.ProviderConfigAt(url, noRetries) + approvalBlock(svc, ep),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
				checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
				func(*terraform.State) error {
					if n := failed.Load(); n != outage {
						return fmt.Errorf("the API failed %d polls, want %d: the test did not test the wait", n, outage)
					}
					return nil
				},
			),
		}},
	})
}
