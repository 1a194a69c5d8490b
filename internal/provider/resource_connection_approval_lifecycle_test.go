package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// forceStatus changes a connection out of band, as the cloud or its owner would.
func forceStatus(t *testing.T, e *testEnv, svc, ep string, f vpcepmock.Force) func() {
	return func() {
		if err := e.Mock.ForceStatus(svc, ep, f); err != nil {
			t.Fatal(err)
		}
	}
}

// setDescription changes a connection's description out of band through the API.
func setDescription(t *testing.T, e *testEnv, svc, ep, description string) {
	t.Helper()
	c, err := client.New(client.Config{Endpoint: e.URL, ProjectID: e.ProjectID, AuthToken: e.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateConnectionDescription(context.Background(), svc, ep, description); err != nil {
		t.Fatal(err)
	}
}

// releaseOnAction lets a held connection settle once the next action call
// reaches the mock, so the plan before it still sees the connection held.
func releaseOnAction(t *testing.T, e *testEnv, svc, ep string) {
	before := e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]
	go func() {
		for e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint] == before {
			time.Sleep(20 * time.Millisecond)
		}
		if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: vpcepmock.StatusCreating}); err != nil {
			t.Error(err)
		}
	}()
}

// plansAccepted expects an in-place update whose plan moves status to accepted.
func plansAccepted() []plancheck.PlanCheck {
	return []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(approvalAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectKnownValue(approvalAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.StatusAccepted)),
	}
}

// TestAccConnectionApproval_timedOutCreateContinues catches a create that
// timed out while the connection was creating and left something in state.
// Before: the resource was tainted and the next apply sent reject, then
// receive (the log showed receive, reject, receive), cutting off a
// connection that was on its way to accepted.
func TestAccConnectionApproval_timedOutCreateContinues(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-slow")
	cfg := approvalConfig(e, svc, ep, "  timeouts {\n    create = \"2s\"\n  }")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { e.Mock.SetTransitionDelay(1 << 40) }, // creating never ends on its own
				Config:    cfg,
				ExpectError: expectErr(`Timed out waiting.*last status seen was "creating".*Nothing was saved in state.*` +
					`sends "receive" again`),
			},
			{
				Config: cfg,
				PreConfig: func() {
					e.Mock.SetTransitionDelay(0)
					forceStatus(t, e, svc, ep, vpcepmock.Force{Status: vpcepmock.StatusCreating})()
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(approvalAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
					checkActions(e, ep, client.ActionReceive), // never a reject in between
				),
			},
		},
	})
}

// TestAccConnectionApproval_unsettledStatusPlansChange catches an empty
// plan, or an apply that does not wait again, while the live status is not
// where the configured action leads. Before: pendingAcceptance, creating
// and failed all planned "No changes".
func TestAccConnectionApproval_unsettledStatusPlansChange(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-u")
	cfg := approvalConfig(e, svc, ep, "  timeouts {\n    update = \"2s\"\n  }")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, "")},
			{ // out of band back to pendingAcceptance: the plan shows the way back and apply takes it
				PreConfig:        forceStatus(t, e, svc, ep, vpcepmock.Force{Status: vpcepmock.StatusPendingAcceptance}),
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: plansAccepted(), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check:            checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
			},
			{ // stuck creating: the update times out and keeps the configured action
				PreConfig:        forceStatus(t, e, svc, ep, vpcepmock.Force{Status: vpcepmock.StatusCreating, Hold: true}),
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: plansAccepted()},
				ExpectError:      expectErr(`within 2s \(timeouts.update\).*"creating".*State keeps the configured action "receive"`),
			},
			{ // still not settled: the plan is still not empty
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{ // the next apply sends the same action again and waits; the mock releases it on that action
				PreConfig:        func() { releaseOnAction(t, e, svc, ep) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: plansAccepted(), PostApplyPostRefresh: emptyPlanAfterApply.PostApplyPostRefresh},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
					resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
				),
			},
			{ // failed out of band: the plan is not empty and apply says why and what to do
				PreConfig: forceStatus(t, e, svc, ep, vpcepmock.Force{Status: vpcepmock.StatusFailed, Errors: failedErrors}),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: plansAccepted(),
				},
				ExpectError: expectErr(`VPC endpoint connection failed.*EndPoint.9001: subnet has no free IP addresses; ` +
					`EndPoint.9002: quota exceeded.*re-create the endpoint.*remove this resource`),
			},
			{ // removing it leaves the failed connection alone, with a warning, and destroy succeeds
				Config: e.ProviderConfig(),
				Check:  checkNotInState(approvalAddr),
			},
		},
	})
}

// TestAccConnectionApproval_deletingDropsFromState catches a connection
// whose endpoint is being deleted kept in state as a change to apply
// instead of gone.
func TestAccConnectionApproval_deletingDropsFromState(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-d")
	cfg := approvalConfig(e, svc, ep, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: forceStatus(t, e, svc, ep, vpcepmock.Force{Status: vpcepmock.StatusDeleting, Hold: true}),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(approvalAddr, plancheck.ResourceActionCreate),
				}},
				ExpectError: expectErr(`being deleted`),
			},
			{Config: e.ProviderConfig(), Check: checkActions(e, ep, client.ActionReceive)},
		},
	})
}

// TestAccConnectionApproval_omittedDescriptionKept catches a configuration
// without description that wipes the live one, and description = "" that
// does not clear it. Before: description was Optional only, so the plan
// wiped it.
func TestAccConnectionApproval_omittedDescriptionKept(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-desc")
	setDescription(t, e, svc, ep, "set by the console")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:           approvalConfig(e, svc, ep, ""),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, "set by the console"),
					resource.TestCheckResourceAttr(approvalAddr, "description", "set by the console"),
				),
			},
			{ // changed out of band while unmanaged: still no change planned
				PreConfig:          func() { setDescription(t, e, svc, ep, "changed again") },
				Config:             approvalConfig(e, svc, ep, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{ // a description update plans error as known, not "(known after apply)"
				Config: approvalConfig(e, svc, ep, `  description = "managed"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(approvalAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(approvalAddr, tfjsonpath.New("error"), knownvalue.ListSizeExact(0)),
					plancheck.ExpectKnownValue(approvalAddr, tfjsonpath.New("status"), knownvalue.StringExact(client.StatusAccepted)),
				}},
				Check: checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, "managed"),
			},
			{
				Config:           approvalConfig(e, svc, ep, `  description = ""`),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check:            checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
			},
		},
	})
}

// TestAccConnectionApproval_nonPositiveTimeouts catches "0s" and "-1m"
// timeouts accepted, or refused without naming the block and attribute.
// Before: accepted, and a delete = "-1m" made destroy impossible.
func TestAccConnectionApproval_nonPositiveTimeouts(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for _, tc := range []struct{ attr, value string }{
		{"create", "0s"}, {"update", "-1m"}, {"delete", "-1m"}, {"create", "1ns"},
	} {
		t.Run(tc.attr+tc.value, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      approvalConfig(e, "svc", "ep", fmt.Sprintf("  timeouts {\n    %s = %q\n  }", tc.attr, tc.value)),
					PlanOnly:    true,
					ExpectError: expectErr(`timeouts.` + tc.attr + ` must be`),
				}},
			})
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      approvalConfig(e, "svc", "ep", `  missing_endpoint_timeout = "0s"`),
			PlanOnly:    true,
			ExpectError: expectErr(`missing_endpoint_timeout must be positive`),
		}},
	})
}

// TestAccConnectionApproval_unknownEndpointFailsFast catches an endpoint id
// the service has never listed (here: an existing id in upper case) waiting
// past missing_endpoint_timeout, or failing without the service's size and
// the case hint. Before: only "Still creating..." for the whole create
// timeout.
func TestAccConnectionApproval_unknownEndpointFailsFast(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-case")
	e.NewEndpoint(t, svc, "domain-other")
	upper := strings.ToUpper(ep)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: approvalConfig(e, svc, upper, `  missing_endpoint_timeout = "2s"`),
			ExpectError: expectErr(`Endpoint ` + upper + ` did not appear among the 2 connections of endpoint service ` + svc +
				` within 2s.*case-sensitive`),
		}},
	})
	if len(e.Mock.Actions()) != 0 {
		t.Errorf("mock recorded actions %v, want none", e.Mock.Actions())
	}
}

// TestAccConnectionApproval_rejectGoneBetweenPlanAndApply catches an update
// to reject failing when its endpoint is deleted between plan and apply
// (destroy succeeds then, so must it), or a next refresh that keeps it.
// Before: the apply failed with EndPoint.2013.
func TestAccConnectionApproval_rejectGoneBetweenPlanAndApply(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-gone")
	r := newCLIRun(t, requiredProviders+approvalConfig(e, svc, ep, ""))
	if out, code := r.run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("apply exited %d:\n%s", code, out)
	}
	writeFile(t, filepath.Join(r.dir, "main.tf"), requiredProviders+approvalConfig(e, svc, ep, `  action = "reject"`))
	if out, code := r.run("plan", "-out=tfplan", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("plan exited %d:\n%s", code, out)
	}
	if err := e.Mock.DeleteEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	out, code := r.run("apply", "-input=false", "-no-color", "tfplan")
	if code != 0 || !strings.Contains(out, "VPC endpoint is gone") {
		t.Fatalf("applying the saved plan exited %d, want 0 with a warning that the endpoint is gone:\n%s", code, out)
	}
	if out, code := r.run("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("refresh exited %d:\n%s", code, out)
	}
	if got := r.approvals(); len(got) != 0 {
		t.Errorf("after the refresh, state still holds %v", got)
	}
	for _, a := range e.Mock.Actions() {
		if a.Action != client.ActionReceive {
			t.Errorf("the mock recorded %v; only the first receive was expected", a)
		}
	}
}
