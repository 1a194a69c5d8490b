package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// connectionsFixture is a service whose connections differ in every field a
// filter or an order can use. They are made in the order pendingA,
// accepted, pendingB, failed (so created_at ascends in that order), and then
// accepted and failed are forced into their status (so updated_at ascends
// pendingA, pendingB, accepted, failed: a different order).
type connectionsFixture struct {
	env                                  *testEnv
	serviceID                            string
	domain1, domain2                     string
	pendingA, accepted, pendingB, failed vpcepmock.Connection
}

// newConnectionsFixture builds the fixture in a fresh mock whose clock steps
// a minute on every reading.
func newConnectionsFixture(t *testing.T) *connectionsFixture {
	t.Helper()
	env := newTestEnv(t, withSteppingClock())
	f := &connectionsFixture{env: env, serviceID: env.NewService(t, true),
		domain1: "domain1-" + vpcepmock.RandomHex(8), domain2: "domain2-" + vpcepmock.RandomHex(8)}
	pendingA := env.NewEndpoint(t, f.serviceID, f.domain1)
	accepted := env.NewEndpoint(t, f.serviceID, f.domain1)
	pendingB := env.NewEndpoint(t, f.serviceID, f.domain2)
	failed := env.NewEndpoint(t, f.serviceID, f.domain2)
	forces := []struct {
		endpointID string
		force      vpcepmock.Force
	}{
		{accepted, vpcepmock.Force{Status: vpcepmock.StatusAccepted, Hold: true}},
		{failed, vpcepmock.Force{Status: vpcepmock.StatusFailed, Hold: true, Errors: []vpcepmock.QueryError{
			{ErrorCode: "EndPoint.0042", ErrorMessage: "Failed to create the VPC endpoint connection."}}}},
	}
	for _, fc := range forces {
		if err := env.Mock.ForceStatus(f.serviceID, fc.endpointID, fc.force); err != nil {
			t.Fatalf("forcing %s to %s: %v", fc.endpointID, fc.force.Status, err)
		}
	}
	f.pendingA = mockConnection(t, env, f.serviceID, pendingA)
	f.accepted = mockConnection(t, env, f.serviceID, accepted)
	f.pendingB = mockConnection(t, env, f.serviceID, pendingB)
	f.failed = mockConnection(t, env, f.serviceID, failed)

	// The expectations of the sort tests rest on these orders; say so
	// plainly if the mock's timestamps do not provide them.
	created := []vpcepmock.Connection{f.pendingA, f.accepted, f.pendingB, f.failed}
	updated := []vpcepmock.Connection{f.pendingA, f.pendingB, f.accepted, f.failed}
	for i := 1; i < len(created); i++ {
		if created[i-1].CreatedAt >= created[i].CreatedAt {
			t.Fatalf("fixture: created_at %s of %s is not before %s of %s",
				created[i-1].CreatedAt, created[i-1].ID, created[i].CreatedAt, created[i].ID)
		}
		if updated[i-1].UpdatedAt >= updated[i].UpdatedAt {
			t.Fatalf("fixture: updated_at %s of %s is not before %s of %s",
				updated[i-1].UpdatedAt, updated[i-1].ID, updated[i].UpdatedAt, updated[i].ID)
		}
	}
	return f
}

// TestAccDataSourceConnections_filters catches a filter or order that lists
// a connection it should not, misses one, loses a field, or returns them in
// another order.
func TestAccDataSourceConnections_filters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// args are the arguments besides service_id, as HCL.
		args func(f *connectionsFixture) string
		want func(f *connectionsFixture) []vpcepmock.Connection
	}{
		{
			name: "none, newest first",
			args: func(*connectionsFixture) string { return "" },
			want: func(f *connectionsFixture) []vpcepmock.Connection {
				return []vpcepmock.Connection{f.failed, f.pendingB, f.accepted, f.pendingA}
			},
		},
		{
			name: "status pendingAcceptance",
			args: func(*connectionsFixture) string { return `status = "pendingAcceptance"` },
			want: func(f *connectionsFixture) []vpcepmock.Connection {
				return []vpcepmock.Connection{f.pendingB, f.pendingA}
			},
		},
		{
			name: "status failed with its errors",
			args: func(*connectionsFixture) string { return `status = "failed"` },
			want: func(f *connectionsFixture) []vpcepmock.Connection { return []vpcepmock.Connection{f.failed} },
		},
		{
			name: "status rejected matches nothing",
			args: func(*connectionsFixture) string { return `status = "rejected"` },
			want: func(*connectionsFixture) []vpcepmock.Connection { return nil },
		},
		{
			name: "endpoint_id",
			args: func(f *connectionsFixture) string { return fmt.Sprintf("endpoint_id = %q", f.accepted.ID) },
			want: func(f *connectionsFixture) []vpcepmock.Connection { return []vpcepmock.Connection{f.accepted} },
		},
		{
			name: "endpoint_id of no connection",
			args: func(*connectionsFixture) string { return fmt.Sprintf("endpoint_id = %q", vpcepmock.NewID()) },
			want: func(*connectionsFixture) []vpcepmock.Connection { return nil },
		},
		{
			name: "marker_id",
			args: func(f *connectionsFixture) string { return fmt.Sprintf("marker_id = %d", f.pendingB.MarkerID) },
			want: func(f *connectionsFixture) []vpcepmock.Connection { return []vpcepmock.Connection{f.pendingB} },
		},
		{
			name: "domain_id",
			args: func(f *connectionsFixture) string { return fmt.Sprintf("domain_id = %q", f.domain1) },
			want: func(f *connectionsFixture) []vpcepmock.Connection {
				return []vpcepmock.Connection{f.accepted, f.pendingA}
			},
		},
		{
			name: "domain_id and status",
			args: func(f *connectionsFixture) string {
				return fmt.Sprintf("domain_id = %q\n  status = \"pendingAcceptance\"", f.domain2)
			},
			want: func(f *connectionsFixture) []vpcepmock.Connection { return []vpcepmock.Connection{f.pendingB} },
		},
		{
			name: "sort_dir asc",
			args: func(*connectionsFixture) string { return `sort_dir = "asc"` },
			want: func(f *connectionsFixture) []vpcepmock.Connection {
				return []vpcepmock.Connection{f.pendingA, f.accepted, f.pendingB, f.failed}
			},
		},
		{
			name: "sort_key created_at desc",
			args: func(*connectionsFixture) string { return "sort_key = \"created_at\"\n  sort_dir = \"desc\"" },
			want: func(f *connectionsFixture) []vpcepmock.Connection {
				return []vpcepmock.Connection{f.failed, f.pendingB, f.accepted, f.pendingA}
			},
		},
		{
			name: "sort_key updated_at",
			args: func(*connectionsFixture) string { return `sort_key = "updated_at"` },
			want: func(f *connectionsFixture) []vpcepmock.Connection {
				return []vpcepmock.Connection{f.failed, f.accepted, f.pendingB, f.pendingA}
			},
		},
		{
			name: "sort_key updated_at asc",
			args: func(*connectionsFixture) string { return "sort_key = \"updated_at\"\n  sort_dir = \"asc\"" },
			want: func(f *connectionsFixture) []vpcepmock.Connection {
				return []vpcepmock.Connection{f.pendingA, f.pendingB, f.accepted, f.failed}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newConnectionsFixture(t)
			want := tc.want(f)
			elems := make([]knownvalue.Check, 0, len(want))
			ids := make([]knownvalue.Check, 0, len(want))
			for _, c := range want {
				elems = append(elems, connectionElementCheck(f.serviceID, c))
				ids = append(ids, knownvalue.StringExact(c.ID))
			}
			const address = "data.vpcep_connections.this"
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: f.env.ProviderConfig() + fmt.Sprintf(`
data "vpcep_connections" "this" {
  service_id = %q
  %s
}
`, f.serviceID, tc.args(f)),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(address, tfjsonpath.New(connAttrID), knownvalue.StringExact(f.serviceID)),
						statecheck.ExpectKnownValue(address, tfjsonpath.New(connsAttrConnections), knownvalue.ListExact(elems)),
						statecheck.ExpectKnownValue(address, tfjsonpath.New(connsAttrIDs), knownvalue.ListExact(ids)),
					},
				}},
			})
		})
	}
}

// TestAccDataSourceConnections_paging catches a list of a service with 1203
// connections that loses some, or costs more than ceil(1203/1000) = 2 list
// calls per read.
func TestAccDataSourceConnections_paging(t *testing.T) {
	t.Parallel()
	const total = 1203
	wantCalls := (total + client.MaxPageSize - 1) / client.MaxPageSize
	env := newTestEnv(t)
	serviceID := env.NewService(t, false)
	domain := "domain-" + vpcepmock.RandomHex(8)
	for range total {
		env.NewEndpoint(t, serviceID, domain)
	}
	if n := len(env.Mock.Connections(serviceID)); n != total {
		t.Fatalf("the mock has %d connections, want %d", n, total)
	}
	// Every connection's endpoint id must appear once in ids.
	mockIDs := make([]string, 0, total)
	for _, c := range env.Mock.Connections(serviceID) {
		mockIDs = append(mockIDs, c.ID)
	}
	slices.Sort(mockIDs)

	const address = "data.vpcep_connections.all"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "vpcep_connections" "all" {
  service_id = %q
}
`, serviceID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(address, tfjsonpath.New(connsAttrConnections), knownvalue.ListSizeExact(total)),
				statecheck.ExpectKnownValue(address, tfjsonpath.New(connsAttrIDs), knownvalue.ListSizeExact(total)),
			},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(address, "connections.#", strconv.Itoa(total)),
				resource.TestCheckResourceAttr(address, "connections.1202.domain_id", domain),
				func(s *terraform.State) error {
					// The step's check runs after one plan (which read the data
					// source) and the apply of that saved plan (which does not
					// read it again): exactly one read so far.
					if n := env.Mock.RequestCounts()[vpcepmock.OpListServiceConnections]; n != wantCalls {
						return fmt.Errorf("the mock served %d list calls for one read, want %d", n, wantCalls)
					}
					attrs := s.RootModule().Resources[address].Primary.Attributes
					got := make([]string, 0, total)
					for i := range total {
						got = append(got, attrs[fmt.Sprintf("ids.%d", i)])
					}
					slices.Sort(got)
					if !slices.Equal(got, mockIDs) {
						return fmt.Errorf("ids is not the set of the mock's %d endpoint ids", total)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccDataSourceConnections_missingService catches a service that does
// not exist read as empty, or reported without its id.
func TestAccDataSourceConnections_missingService(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	missing := vpcepmock.NewID()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
data "vpcep_connections" "this" {
  service_id = %q
}
`, missing),
			ExpectError: regexp.MustCompile(`(?s)Error listing VPC endpoint connections.*` + regexp.QuoteMeta(missing)),
		}},
	})
}

// TestAccDataSourceConnections_validation catches a bad argument that is
// not refused at plan time, or that sends a request to the API first.
func TestAccDataSourceConnections_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	cases := []struct {
		name, args, want string
	}{
		{name: "empty service_id", args: `service_id = ""`, want: `service_id must be 1-64 characters without whitespace; got "" \(it is empty\)`},
		{name: "service_id with space", args: `service_id = "a b"`, want: `service_id must be 1-64 characters without whitespace; got "a b" \(it contains whitespace\)`},
		{name: "unknown status", args: `service_id = "s"` + "\n" + `status = "pending"`, want: `status.*pendingAcceptance`},
		{name: "long endpoint_id", args: `service_id = "s"` + "\n" + fmt.Sprintf("endpoint_id = %q", strings.Repeat("e", 65)), want: `endpoint_id must be 1-64 characters without whitespace; got "e{65}" \(it has 65 characters\)`},
		{name: "negative marker_id", args: `service_id = "s"` + "\nmarker_id = -1", want: `marker_id.*at least 0`},
		{name: "empty domain_id", args: `service_id = "s"` + "\n" + `domain_id = ""`, want: `domain_id must be 1-64 characters without whitespace; got "" \(it is empty\)`},
		{name: "API spelling of sort_key", args: `service_id = "s"` + "\n" + `sort_key = "create_at"`, want: `sort_key.*created_at`},
		{name: "unknown sort_dir", args: `service_id = "s"` + "\n" + `sort_dir = "up"`, want: `sort_dir.*asc`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      env.ProviderConfig() + "data \"vpcep_connections\" \"this\" {\n" + tc.args + "\n}\n",
			PlanOnly:    true,
			ExpectError: expectErr(`Invalid Attribute Value.*` + tc.want),
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	if n := env.Mock.RequestCounts()[vpcepmock.OpListServiceConnections]; n != 0 {
		t.Errorf("invalid arguments reached the API: %d list calls, want 0", n)
	}
}

// TestUnitConnectionsQuery checks that every argument of vpcep_connections
// reaches the client's query, and that an unset marker_id is no filter. It
// catches an argument the data source reads but never applies (the query's
// own rules are tested in package client).
func TestUnitConnectionsQuery(t *testing.T) {
	t.Parallel()
	empty := connectionsDataSourceModel{
		Status: types.StringNull(), EndpointID: types.StringNull(), MarkerID: types.Int64Null(),
		DomainID: types.StringNull(), SortKey: types.StringNull(), SortDir: types.StringNull(),
	}
	full := empty
	full.Status = types.StringValue(client.StatusFailed)
	full.EndpointID = types.StringValue("ep-1")
	full.MarkerID = types.Int64Value(422321321312321321)
	full.DomainID = types.StringValue("d-1")
	full.SortKey = types.StringValue(client.SortKeyUpdatedAt)
	full.SortDir = types.StringValue(client.SortDirAsc)
	marker := int64(422321321312321321)
	cases := []struct {
		name string
		in   connectionsDataSourceModel
		want client.ConnectionQuery
	}{
		{name: "no arguments", in: empty, want: client.ConnectionQuery{}},
		{name: "every argument", in: full, want: client.ConnectionQuery{EndpointID: "ep-1", MarkerID: &marker,
			Status: client.StatusFailed, DomainID: "d-1", SortKey: client.SortKeyUpdatedAt, SortDir: client.SortDirAsc}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.in.query(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("query() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// allowListConfig is the documented use of vpcep_connections: approve every
// connection whose owner is in an allow-list. It selects by domain_id only,
// not by status, so connections it approved stay in the for_each set.
func allowListConfig(env *testEnv, serviceID string, allowed ...string) string {
	quoted := make([]string, 0, len(allowed))
	for _, d := range allowed {
		quoted = append(quoted, strconv.Quote(d))
	}
	return env.ProviderConfig() + fmt.Sprintf(`
locals {
  allowed_domains = [%s]
}

data "vpcep_connections" "this" {
  service_id = %q
}

resource "vpcep_connection_approval" "allowed" {
  for_each = {
    for c in data.vpcep_connections.this.connections : c.endpoint_id => c
    if contains(local.allowed_domains, c.domain_id)
  }

  service_id  = data.vpcep_connections.this.service_id
  endpoint_id = each.key
  action      = "receive"
}
`, strings.Join(quoted, ", "), serviceID)
}

// mockCheck is a state check that asserts on the mock rather than on the
// state. The legacy Check functions cannot be used with for_each (their state
// shim refuses string instance keys), so the mock is checked this way.
type mockCheck func() error

// CheckState implements statecheck.StateCheck.
func (c mockCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c()
}

// expectMockStatuses checks the status of each endpoint's connection in the
// mock; want is evaluated when the check runs.
func expectMockStatuses(env *testEnv, serviceID string, want func() map[string]string) mockCheck {
	return func() error {
		for endpointID, status := range want() {
			c, ok := env.Mock.Connection(serviceID, endpointID)
			if !ok {
				return fmt.Errorf("the mock has no connection of endpoint %s", endpointID)
			}
			if c.Status != status {
				return fmt.Errorf("connection of endpoint %s (domain %s) is %q in the mock, want %q",
					endpointID, c.DomainID, c.Status, status)
			}
		}
		return nil
	}
}

// expectMockReceives checks that the mock recorded exactly n effective
// actions, all of them receive.
func expectMockReceives(env *testEnv, n int) mockCheck {
	return func() error {
		actions := env.Mock.Actions()
		for _, a := range actions {
			if a.Action != vpcepmock.ActionReceive {
				return fmt.Errorf("unexpected action %+v", a)
			}
		}
		if len(actions) != n {
			return fmt.Errorf("the mock recorded %d receive actions, want %d (one per allowed connection)", len(actions), n)
		}
		return nil
	}
}

// TestAccDataSourceConnections_approveAllowList catches the documented use
// case going wrong: an allowed account's pending connection not accepted, a
// stranger's decided, a plan after apply that is not empty, a connection an
// allowed account adds later not accepted by the next apply, or removing
// the approvals not rejecting what they accepted.
func TestAccDataSourceConnections_approveAllowList(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	serviceID := env.NewService(t, true)
	allowed1, allowed2, stranger := "allowed1-"+vpcepmock.RandomHex(8), "allowed2-"+vpcepmock.RandomHex(8), "stranger-"+vpcepmock.RandomHex(8)
	first := env.NewEndpoint(t, serviceID, allowed1)
	second := env.NewEndpoint(t, serviceID, allowed2)
	strangers := env.NewEndpoint(t, serviceID, stranger)
	var late string // created between the steps
	config := allowListConfig(env, serviceID, allowed1, allowed2)
	approval := func(endpointID string) string {
		return fmt.Sprintf("vpcep_connection_approval.allowed[%q]", endpointID)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectApprovals(func() []string { return []string{first, second} }),
					statecheck.ExpectKnownValue(approval(first), tfjsonpath.New(connAttrStatus), knownvalue.StringExact(vpcepmock.StatusAccepted)),
					statecheck.ExpectKnownValue(approval(second), tfjsonpath.New(connAttrStatus), knownvalue.StringExact(vpcepmock.StatusAccepted)),
					expectMockStatuses(env, serviceID, func() map[string]string {
						return map[string]string{first: vpcepmock.StatusAccepted, second: vpcepmock.StatusAccepted,
							strangers: vpcepmock.StatusPendingAcceptance}
					}),
					expectMockReceives(env, 2),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() { late = env.NewEndpoint(t, serviceID, allowed1) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectOnlyCreate(func() string { return approval(late) })},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					expectApprovals(func() []string { return []string{first, second, late} }),
					expectMockStatuses(env, serviceID, func() map[string]string {
						return map[string]string{first: vpcepmock.StatusAccepted, second: vpcepmock.StatusAccepted,
							late: vpcepmock.StatusAccepted, strangers: vpcepmock.StatusPendingAcceptance}
					}),
					expectMockReceives(env, 3),
				},
			},
			{
				// Removing the approvals rejects the connections. The step is
				// also needed by the framework: its post-test destroy shims the
				// state into a form that has no string (for_each) keys, so the
				// for_each instances must be gone before the test ends.
				Config: env.ProviderConfig() + fmt.Sprintf("data \"vpcep_connections\" \"this\" {\n  service_id = %q\n}\n", serviceID),
				ConfigStateChecks: []statecheck.StateCheck{
					expectApprovals(func() []string { return nil }),
					expectMockStatuses(env, serviceID, func() map[string]string {
						return map[string]string{first: vpcepmock.StatusRejected, second: vpcepmock.StatusRejected,
							late: vpcepmock.StatusRejected, strangers: vpcepmock.StatusPendingAcceptance}
					}),
				},
			},
		},
	})
}

// onlyCreateCheck is a plan check: the plan creates exactly one resource,
// the one at the address given when the check runs (it may be known only
// after the step's PreConfig), and changes nothing else.
type onlyCreateCheck struct{ address func() string }

// expectOnlyCreate returns an onlyCreateCheck for the address address()
// returns.
func expectOnlyCreate(address func() string) plancheck.PlanCheck { return onlyCreateCheck{address} }

// CheckPlan implements plancheck.PlanCheck.
func (c onlyCreateCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	want := c.address()
	var created []string
	for _, rc := range req.Plan.ResourceChanges {
		switch {
		case rc.Change.Actions.NoOp() || rc.Change.Actions.Read():
		case rc.Change.Actions.Create():
			created = append(created, rc.Address)
		default:
			resp.Error = fmt.Errorf("plan %v %s, want no change to it", rc.Change.Actions, rc.Address)
			return
		}
	}
	if len(created) != 1 || created[0] != want {
		resp.Error = fmt.Errorf("plan creates %v, want only %s", created, want)
	}
}

// approvalsCheck is a state check: the vpcep_connection_approval instances in
// state are exactly those of the endpoint ids given when the check runs.
type approvalsCheck struct{ endpointIDs func() []string }

// expectApprovals returns an approvalsCheck for the ids endpointIDs returns.
func expectApprovals(endpointIDs func() []string) statecheck.StateCheck {
	return approvalsCheck{endpointIDs}
}

// CheckState implements statecheck.StateCheck.
func (c approvalsCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	var got []string
	if req.State != nil && req.State.Values != nil && req.State.Values.RootModule != nil {
		for _, r := range req.State.Values.RootModule.Resources {
			if r.Type == "vpcep_connection_approval" {
				got = append(got, fmt.Sprint(r.AttributeValues[connAttrEndpointID]))
			}
		}
	}
	want := slices.Clone(c.endpointIDs())
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		resp.Error = fmt.Errorf("approvals in state for endpoints %v, want %v", got, want)
	}
}
