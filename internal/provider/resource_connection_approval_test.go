package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// checkNotInState checks that the resource is not in state.
func checkNotInState(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if _, ok := s.RootModule().Resources[addr]; ok {
			return fmt.Errorf("%s is still in state", addr)
		}
		return nil
	}
}

// checkActions checks the mock's effective actions on one endpoint.
func checkActions(e *testEnv, endpointID string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var got []string
		for _, a := range e.Mock.Actions() {
			if a.EndpointID == endpointID {
				got = append(got, a.Action)
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("mock recorded actions %v on endpoint %s, want %v", got, endpointID, want)
		}
		return nil
	}
}

// TestAccConnectionApproval_createReceive catches a receive whose state
// lacks a computed attribute or differs from the mock's connection, an
// action other than one receive sent, a plan after apply that is not empty,
// or a destroy that does not reject.
func TestAccConnectionApproval_createReceive(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-a")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{{
			Config:           approvalConfig(e, svc, ep, ""),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(approvalAddr, "id", svc+"/"+ep),
				resource.TestCheckResourceAttr(approvalAddr, "action", client.ActionReceive),
				resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
				resource.TestCheckResourceAttr(approvalAddr, "domain_id", "domain-a"),
				resource.TestCheckResourceAttrSet(approvalAddr, "marker_id"),
				resource.TestCheckResourceAttrSet(approvalAddr, "created_at"),
				resource.TestCheckResourceAttrSet(approvalAddr, "updated_at"),
				resource.TestCheckResourceAttr(approvalAddr, "error.#", "0"),
				resource.TestCheckResourceAttr(approvalAddr, "description", ""),
				checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
				checkActions(e, ep, client.ActionReceive),
			),
		}},
	})
}

// TestAccConnectionApproval_createReject catches a create with action =
// "reject" that sends anything but one reject, or leaves state and the mock
// apart.
func TestAccConnectionApproval_createReject(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-b")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{{
			Config:           approvalConfig(e, svc, ep, `  action = "reject"`),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(approvalAddr, "action", client.ActionReject),
				resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusRejected),
				checkMockConnection(e, svc, ep, vpcepmock.StatusRejected, ""),
				checkActions(e, ep, client.ActionReject),
			),
		}},
	})
}

// TestAccConnectionApproval_update catches an update that does not send the
// new action or does not wait for creating to end (receive -> reject ->
// receive on a mock with a transition delay), and a plan after apply that
// is not empty.
func TestAccConnectionApproval_update(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) { c.TransitionDelay = 300 * time.Millisecond })
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-c")
	step := func(action, status string, actions ...string) resource.TestStep {
		return resource.TestStep{
			Config:           approvalConfig(e, svc, ep, fmt.Sprintf("  action = %q", action)),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(approvalAddr, "action", action),
				resource.TestCheckResourceAttr(approvalAddr, "status", status),
				checkMockConnection(e, svc, ep, status, ""),
				checkActions(e, ep, actions...),
			),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			step(client.ActionReceive, client.StatusAccepted, "receive"),
			step(client.ActionReject, client.StatusRejected, "receive", "reject"),
			step(client.ActionReceive, client.StatusAccepted, "receive", "reject", "receive"),
		},
	})
}

// TestAccConnectionApproval_description catches a description not set at
// create or not changed (ünïcode included), one cleared when the
// configuration stops managing it, or not cleared by description = "".
func TestAccConnectionApproval_description(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-d")
	step := func(extra, want string) resource.TestStep {
		check := resource.TestCheckResourceAttr(approvalAddr, "description", want)
		return resource.TestStep{
			Config:           approvalConfig(e, svc, ep, extra),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(check,
				resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
				checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, want)),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			step(`  description = "team-a"`, "team-a"),                   // set at create
			step(`  description = "team-b, ünïcode"`, "team-b, ünïcode"), // changed
			step("", "team-b, ünïcode"),                                  // no longer managed: left as it is
			step(`  description = ""`, ""),                               // cleared
			step(`  description = "back"`, "back"),
		},
	})
}

// TestAccConnectionApproval_import catches an import (terraform import or
// an import block) whose state differs from what apply wrote, or an import
// block that plans a change.
func TestAccConnectionApproval_import(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-e")
	cfg := approvalConfig(e, svc, ep, `  description = "imported"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigPlanChecks: emptyPlanAfterApply},
			{ // terraform import
				Config:            cfg,
				ResourceName:      approvalAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{ // an import block, planned: must be a no-op import
				Config:          cfg,
				ResourceName:    approvalAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   svc + "/" + ep,
			},
		},
	})
}

// TestAccConnectionApproval_importMalformedID catches a malformed import id
// accepted, or refused without saying the expected form and the value
// received.
func TestAccConnectionApproval_importMalformedID(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-f")
	cfg := approvalConfig(e, svc, ep, "")
	steps := []resource.TestStep{{Config: cfg}}
	for _, id := range []string{"no-separator", svc + "/" + ep + "/extra", "/" + ep, svc + "/", "a b/" + ep} {
		steps = append(steps, resource.TestStep{
			Config:        cfg,
			ResourceName:  approvalAddr,
			ImportState:   true,
			ImportStateId: id,
			ExpectError:   expectErr(`expected an import id of the form.*service_id/endpoint_id.*got "` + regexp.QuoteMeta(id) + `"`),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccConnectionApproval_driftRejectedOutOfBand catches a reject made
// outside Terraform that does not show as a planned update, or that apply
// does not undo.
func TestAccConnectionApproval_driftRejectedOutOfBand(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-g")
	cfg := approvalConfig(e, svc, ep, "")
	rejectOutOfBand := func() {
		if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: vpcepmock.StatusRejected}); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigPlanChecks: emptyPlanAfterApply},
			{PreConfig: rejectOutOfBand, Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(approvalAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
					checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
				),
			},
		},
	})
}

// TestAccConnectionApproval_driftEndpointDeleted catches an endpoint
// deleted by its owner that stays in state on refresh, or that makes the
// refresh fail.
func TestAccConnectionApproval_driftEndpointDeleted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-h")
	cfg := approvalConfig(e, svc, ep, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigPlanChecks: emptyPlanAfterApply},
			{
				PreConfig: func() {
					if err := e.Mock.DeleteEndpoint(ep); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              checkNotInState(approvalAddr),
			},
		},
	})
}

// TestAccConnectionApproval_appearsLater catches a create that fails
// instead of waiting for an endpoint its owner creates a second after apply
// starts.
func TestAccConnectionApproval_appearsLater(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := vpcepmock.NewID()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				time.AfterFunc(time.Second, func() {
					if _, err := e.Mock.CreateEndpoint(e.ProjectID, vpcepmock.EndpointSpec{ID: ep, ServiceID: svc, DomainID: "late"}); err != nil {
						t.Errorf("creating the late endpoint: %v", err)
					}
				})
			},
			Config:           approvalConfig(e, svc, ep, ""),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
				resource.TestCheckResourceAttr(approvalAddr, "domain_id", "late"),
				checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
			),
		}},
	})
}

// TestAccConnectionApproval_neverAppears catches an endpoint id that never
// shows up waiting past the create timeout when that is the shorter, or
// failing without saying what was awaited.
func TestAccConnectionApproval_neverAppears(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := vpcepmock.NewID()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: approvalConfig(e, svc, ep, `  timeouts {
    create = "1s"
  }`),
			ExpectError: expectErr(`VPC endpoint not connected to the service.*` + ep + `.*among the 0 connections.*` + svc +
				`.*case-sensitive.*EndPoint.2013`),
		}},
	})
}

// TestAccConnectionApproval_serviceMissing catches a service id that does
// not exist waiting for the timeout instead of failing at once.
func TestAccConnectionApproval_serviceMissing(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc, ep := vpcepmock.NewID(), vpcepmock.NewID()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      approvalConfig(e, svc, ep, ""),
			ExpectError: expectErr(`VPC endpoint service not found.*` + svc + `.*EndPoint.0005`),
		}},
	})
}

// failedErrors are the reasons the mock gives a failed connection.
var failedErrors = []vpcepmock.QueryError{
	{ErrorCode: "EndPoint.9001", ErrorMessage: "subnet has no free IP addresses"},
	{ErrorCode: "EndPoint.9002", ErrorMessage: "quota exceeded"},
}

var failedErrorRe = expectErr(`VPC endpoint connection failed.*EndPoint.9001: subnet has no free IP addresses; EndPoint.9002: quota exceeded`)

// TestAccConnectionApproval_failedBeforeCreate catches a connection already
// failed reported without every code and message of the API or what to do,
// or kept (and so tainted) in state instead of tried again by the next
// plan.
func TestAccConnectionApproval_failedBeforeCreate(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-j")
	if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: vpcepmock.StatusFailed, Errors: failedErrors, Hold: true}); err != nil {
		t.Fatal(err)
	}
	cfg := approvalConfig(e, svc, ep, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ExpectError: expectErr(`VPC endpoint connection failed.*EndPoint.9001: subnet has no free IP ` +
				`addresses; EndPoint.9002: quota exceeded.*re-create the endpoint.*Nothing was changed and nothing was saved`)},
			{
				Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true,
				Check: checkNotInState(approvalAddr),
			},
		},
	})
}

// TestAccConnectionApproval_failsWhileWaiting catches a connection that
// turns failed while create waits reported without the API's codes, or
// waited on until the timeout.
func TestAccConnectionApproval_failsWhileWaiting(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-k")
	if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: vpcepmock.StatusCreating, Hold: true}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				time.AfterFunc(500*time.Millisecond, func() {
					if err := e.Mock.ForceStatus(svc, ep, vpcepmock.Force{Status: vpcepmock.StatusFailed, Errors: failedErrors, Hold: true}); err != nil {
						t.Errorf("forcing failed: %v", err)
					}
				})
			},
			Config:      approvalConfig(e, svc, ep, ""),
			ExpectError: failedErrorRe,
		}},
	})
}

// TestAccConnectionApproval_validation catches a bad argument that is not
// refused at plan time, or that makes an API call first.
func TestAccConnectionApproval_validation(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	long := strings.Repeat("x", 65)
	tests := []struct {
		name, svc, ep, extra string
		want                 string
	}{
		{"bad action", "svc", "ep", `  action = "accept"`, `value must be one of: \["receive" "reject"\], got: "accept"`},
		{"empty service_id", "", "ep", "", `service_id must be 1-64 characters without whitespace or "/"; got "" \(it is empty\)`},
		{"long service_id", long, "ep", "", `service_id must be 1-64 characters without whitespace or "/"; got "` + long + `" \(it has 65 characters\)`},
		{"empty endpoint_id", "svc", "", "", `endpoint_id must be 1-64 characters without whitespace or "/"; got "" \(it is empty\)`},
		{"long endpoint_id", "svc", long, "", `endpoint_id must be 1-64 characters without whitespace or "/"; got "` + long + `" \(it has 65 characters\)`},
		{"space in endpoint_id", "svc", "ep 1", "", `endpoint_id must be 1-64 characters without whitespace or "/"; got "ep 1" \(it contains whitespace\)`},
		{"slash in service_id", "a/b", "ep", "", `service_id must be 1-64 characters without whitespace or "/"; got "a/b" \(it contains "/"\)`},
		{"description with <", "svc", "ep", `  description = "<b>"`, `description must not contain < or >`},
		{"description too long", "svc", "ep", fmt.Sprintf("  description = %q", strings.Repeat("é", 513)), `description UTF-8 character count must be between 0 and 512, got: 513`},
		{"bad timeout", "svc", "ep", `  timeouts {
    create = "soon"
  }`, `"soon" must be a string containing a sequence of decimal numbers`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      approvalConfig(e, tt.svc, tt.ep, tt.extra),
					PlanOnly:    true,
					ExpectError: expectErr(tt.want),
				}},
			})
			if n := e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]; n != 0 {
				t.Errorf("%d action calls were made; validation must fail before any", n)
			}
		})
	}
}

// TestAccConnectionApproval_requestCounts catches request costs above the
// targets through Terraform: applying N approvals on an instant mock must
// cost N action calls and no reads (the action's response shows the settled
// status), and refreshing them at most ceil(N/1000)+1 list calls. Not
// parallel: Go runs it before the parallel tests, alone, because the reader
// shares lists between reads that come less than a second apart, and a
// machine crowded by other tests' Terraform runs spreads the reads out.
func TestAccConnectionApproval_requestCounts(t *testing.T) {
	const n = 50
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = e.NewEndpoint(t, svc, "domain-many")
	}
	cfg := e.ProviderConfig() + fmt.Sprintf(`
locals {
  endpoint_ids = %s
}
# count rather than for_each: the testing framework's state shim reads
# only numeric indexes.
resource "vpcep_connection_approval" "many" {
  count       = length(local.endpoint_ids)
  service_id  = %q
  endpoint_id = local.endpoint_ids[count.index]
}
`, hclList(ids), svc)
	counts := func(op string, limit int, exact bool) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got := e.Mock.RequestCounts()[op]
			if got > limit || (exact && got != limit) {
				return fmt.Errorf("%s: %d requests, want %s %d", op, got, map[bool]string{true: "exactly", false: "at most"}[exact], limit)
			}
			t.Logf("%s: %d requests for %d approvals", op, got, n)
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: e.Mock.ResetRequestCounts,
				Config:    cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					counts(vpcepmock.OpAcceptOrRejectEndpoint, n, true),
					counts(vpcepmock.OpListServiceConnections, 0, true),
				),
			},
			{
				PreConfig:    e.Mock.ResetRequestCounts,
				RefreshState: true,
				Check:        counts(vpcepmock.OpListServiceConnections, (n+999)/1000+1, false),
			},
		},
	})
}

// hclList renders strings as an HCL list.
func hclList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// TestUnitParseImportID catches an import id split wrong, an empty part,
// extra separator, whitespace or an over-long id accepted, or an error that
// does not show the value received.
func TestUnitParseImportID(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 65)
	tests := []struct {
		id, svc, ep string
		ok          bool
	}{
		{"svc/ep", "svc", "ep", true},
		{"4189d3c2-8882-4871-a3c2-d380272eed88/705290f3-0d00-41f2-aedc-71f09844e879", "4189d3c2-8882-4871-a3c2-d380272eed88", "705290f3-0d00-41f2-aedc-71f09844e879", true},
		{"", "", "", false},
		{"svc", "", "", false},
		{"svc/", "", "", false},
		{"/ep", "", "", false},
		{"a/b/c", "", "", false},
		{"a b/c", "", "", false},
		{"a/b\t", "", "", false},
		{long + "/ep", "", "", false},
	}
	for _, tt := range tests {
		svc, ep, err := parseImportID(tt.id)
		if tt.ok != (err == nil) || svc != tt.svc || ep != tt.ep {
			t.Errorf("parseImportID(%q) = %q, %q, %v", tt.id, svc, ep, err)
		}
		if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("got %q", tt.id)) {
			t.Errorf("parseImportID(%q) error %q does not show the value received", tt.id, err)
		}
	}
}

// TestUnitStatusActionMapping catches an unsettled status (pending,
// creating, failed, deleting) read as an action, or a settled one mapped to
// the wrong action or back to another status.
func TestUnitStatusActionMapping(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status, action string
		settled        bool
	}{
		{client.StatusAccepted, client.ActionReceive, true},
		{client.StatusRejected, client.ActionReject, true},
		{client.StatusPendingAcceptance, "", false},
		{client.StatusCreating, "", false},
		{client.StatusFailed, "", false},
		{client.StatusDeleting, "", false},
	} {
		action, ok := approval.ActionForStatus(tt.status)
		if action != tt.action || ok != tt.settled {
			t.Errorf("approval.ActionForStatus(%q) = %q, %v; want %q, %v", tt.status, action, ok, tt.action, tt.settled)
		}
		if ok && approval.TargetStatus(action) != tt.status {
			t.Errorf("approval.TargetStatus(%q) = %q, want %q", action, approval.TargetStatus(action), tt.status)
		}
	}
}

// TestUnitSetConnectionKeepsKnownImmutables catches Update writing zero
// values over the known marker_id, domain_id or created_at it planned from
// prior state, when the connection lacks them (an action answer without
// them, or a wait that timed out before a poll succeeded); and unknown
// values (Create) not filled from whatever was seen.
func TestUnitSetConnectionKeepsKnownImmutables(t *testing.T) {
	t.Parallel()
	known := connectionApprovalModel{
		MarkerID:  types.Int64Value(42),
		DomainID:  types.StringValue("dom"),
		CreatedAt: types.StringValue("2024-01-01T00:00:00Z"),
	}
	unknown := connectionApprovalModel{
		MarkerID: types.Int64Unknown(), DomainID: types.StringUnknown(), CreatedAt: types.StringUnknown(),
	}
	full := client.Connection{ID: "e", MarkerID: 7, DomainID: "d2", CreatedAt: "c2", Status: client.StatusAccepted}
	empty := client.Connection{ID: "e", Status: client.StatusAccepted}
	tests := []struct {
		name              string
		m                 connectionApprovalModel
		c                 client.Connection
		marker            int64
		domain, createdAt string
	}{
		{"empty answer keeps known", known, empty, 42, "dom", "2024-01-01T00:00:00Z"},
		{"full answer replaces", known, full, 7, "d2", "c2"},
		{"unknown takes the answer", unknown, empty, 0, "", ""},
	}
	for _, tt := range tests {
		m := tt.m
		if d := m.setConnection(&tt.c); d.HasError() {
			t.Fatalf("%s: %v", tt.name, d)
		}
		if m.MarkerID.ValueInt64() != tt.marker || m.DomainID.ValueString() != tt.domain || m.CreatedAt.ValueString() != tt.createdAt || m.MarkerID.IsUnknown() {
			t.Errorf("%s: got marker %v domain %v created %v, want %d %q %q", tt.name, m.MarkerID, m.DomainID, m.CreatedAt, tt.marker, tt.domain, tt.createdAt)
		}
		if m.Status.ValueString() != client.StatusAccepted {
			t.Errorf("%s: status %v, want accepted", tt.name, m.Status)
		}
	}
}
