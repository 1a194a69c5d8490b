package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// overrulingProxy serves e's mock, and right after the mock answers an
// accept or reject of endpoint ep on svc, forces the connection to status
// (held), as someone else deciding it while the provider waits.
func overrulingProxy(t *testing.T, e *testEnv, svc, ep, status string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.Mock.ServeHTTP(w, r)
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, actionSuffix) {
			if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: status, Hold: true}); err != nil {
				t.Errorf("forcing %s: %v", status, err)
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// rejectedWhileCreating is a mock that holds accepted connections in
// creating for an hour, a pending endpoint on it, and the URL of a proxy that
// rejects that endpoint right after any decision's answer.
func rejectedWhileCreating(t *testing.T) (e *testEnv, svc, ep, url string) {
	t.Helper()
	e = newTestEnv(t, func(c *vpcepmock.Config) { c.TransitionDelay = time.Hour })
	svc = e.NewService(t, true)
	ep = e.NewEndpoint(t, svc, "domain-overruled")
	return e, svc, ep, overrulingProxy(t, e, svc, ep, client.StatusRejected)
}

// Catches: a create waiting for accepted (the mock holds the connection in
// creating) whose connection someone else rejects waited out
// timeouts.create (10m by default), then advised raising it. It must end at
// once with an error saying so and what to do.
func TestAccConnectionApproval_rejectedBySomeoneElse(t *testing.T) {
	t.Parallel()
	e, svc, ep, url := rejectedWhileCreating(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// The create timeout is short only so that the old behaviour
			// fails this test in seconds rather than in ten minutes.
			Config: e.ProviderConfigAt(url) + approvalBlock(svc, ep, "  timeouts {\n    create = \"20s\"\n  }"),
			ExpectError: expectErr(`VPC endpoint connection rejected by someone else.*"receive" was sent.*while the ` +
				`provider waited for it to be accepted, someone else rejected it.*stopped after.*instead of waiting out ` +
				`its timeout.*set action = "reject" instead.*Nothing was saved in state`),
		}},
	})
	checkEffectiveActions(t, e, 1)
	if c, ok := e.Mock.Connection(svc, ep); !ok || c.Status != client.StatusRejected {
		t.Errorf("the mock's connection %+v, want the status someone else set, rejected", c)
	}
}

// Catches: the action waiting for accepted (the mock holds the connection
// in creating) waited out its timeout when someone else rejected the
// connection, then advised raising it. It must end at once.
func TestAccConnectionDecision_rejectedBySomeoneElse(t *testing.T) {
	t.Parallel()
	e, svc, ep, url := rejectedWhileCreating(t)
	r := newModernCLIRun(t, requiredProviders+e.ProviderConfigAt(url)+fmt.Sprintf(`
action "vpcep_connection_decision" "cut_off" {
  config {
    service_id  = %q
    endpoint_id = %q
    action      = "receive"
    timeout     = "20s"
  }
}
`, svc, ep))
	out, code := invoke(r)
	flat := strings.Join(strings.Fields(out), " ")
	if code == 0 {
		t.Fatalf("an action whose connection someone else rejected exited 0:\n%s", out)
	}
	for _, want := range []string{"VPC endpoint connection rejected by someone else", `"receive" was sent`,
		"someone else rejected it", `set action = "reject" instead`, "Invoking the action again"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the error does not say %q:\n%s", want, out)
		}
	}
	checkEffectiveActions(t, e, 1)
	checkNoState(t, r)
}
