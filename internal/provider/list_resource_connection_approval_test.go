package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// needsQuery skips on CLIs without `terraform query` (before 1.14), or fails
// there when envRequireAllGates is set.
var needsQuery = gated(tfversion.SkipBelow(tfversion.Version1_14_0))

// listedService is a mock service whose connections were loaded as fixtures.
type listedService struct {
	ID    string
	Conns []vpcepmock.Connection // in the mock's order
}

// count returns how many connections satisfy keep.
func (s listedService) count(keep func(vpcepmock.Connection) bool) int {
	n := 0
	for _, c := range s.Conns {
		if keep(c) {
			n++
		}
	}
	return n
}

// newListedService loads a service with n connections; conn(i) sets each
// one's status, account and description.
func newListedService(t *testing.T, e *testEnv, n int, conn func(i int) vpcepmock.FixtureConnection) listedService {
	t.Helper()
	svc := vpcepmock.NewID()
	conns := make([]vpcepmock.FixtureConnection, n)
	for i := range conns {
		conns[i] = conn(i)
	}
	err := e.Mock.LoadFixtures(vpcepmock.Fixtures{Services: []vpcepmock.FixtureService{{
		ID: svc, ProjectID: e.ProjectID, ServiceName: "svc-list-" + svc[:8], Connections: conns,
	}}})
	if err != nil {
		t.Fatalf("loading %d connections into the mock: %v", n, err)
	}
	return listedService{ID: svc, Conns: e.Mock.Connections(svc)}
}

// mixedConnection: a third each accepted, rejected and pending; accounts
// alternate between domain-a and domain-b; every fifth has a description.
func mixedConnection(i int) vpcepmock.FixtureConnection {
	c := vpcepmock.FixtureConnection{
		Status:   []string{client.StatusAccepted, client.StatusRejected, client.StatusPendingAcceptance}[i%3],
		DomainID: []string{"domain-a", "domain-b"}[i%2],
	}
	if i%5 == 0 {
		c.Description = fmt.Sprintf("consumer %d", i)
	}
	return c
}

// listCalls is a query check on the mock's request log: the query made
// exactly want list calls since *before was taken (in PreConfig).
type listCalls struct {
	mock   *vpcepmock.Mock
	before *int
	want   int
}

func (c listCalls) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	if got := c.mock.RequestCounts()[vpcepmock.OpListServiceConnections] - *c.before; got != c.want {
		resp.Error = fmt.Errorf("the query made %d list calls, want %d (one per page of 1000)", got, c.want)
	}
}

// queryStep is a query-mode step over one list block named "test"; it
// counts the list calls from its own start.
func queryStep(e *testEnv, config string, calls int, checks ...querycheck.QueryResultCheck) tfresource.TestStep {
	before := new(int)
	return tfresource.TestStep{
		PreConfig: func() { *before = e.Mock.RequestCounts()[vpcepmock.OpListServiceConnections] },
		Query:     true,
		Config: fmt.Sprintf(`
list "vpcep_connection_approval" "test" {
  provider         = vpcep
  include_resource = true
  limit            = 10000
  config {
%s
  }
}
`, config),
		QueryResultChecks: append(checks, listCalls{mock: e.Mock, before: before, want: calls}),
	}
}

// Catches: a list resource that stops after the first page or reads pages
// it does not need, loses the identity, shows a display name without the
// account or status, or returns a resource object that differs from what
// import stores (the action following the status, the description).
func TestAccConnectionApprovalList_paging(t *testing.T) {
	e := newTestEnv(t)
	s := newListedService(t, e, 2500, mixedConnection)
	first, rejected := s.Conns[0], s.Conns[1]
	for _, c := range s.Conns {
		if c.Status == client.StatusRejected {
			rejected = c
			break
		}
	}
	const addr = "vpcep_connection_approval.test"
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: e.ProviderConfig()},
			queryStep(e, fmt.Sprintf("    service_id = %q", s.ID), 3,
				querycheck.ExpectLength(addr, 2500),
				querycheck.ExpectIdentity(addr, approvalIdentityChecks(s.ID, first.ID)),
				querycheck.ExpectResourceDisplayName(addr,
					queryfilter.ByResourceIdentity(approvalIdentityChecks(s.ID, rejected.ID)),
					knownvalue.StringExact(fmt.Sprintf("%s (account %s, rejected)", rejected.ID, rejected.DomainID))),
				querycheck.ExpectResourceKnownValues(addr,
					queryfilter.ByResourceIdentity(approvalIdentityChecks(s.ID, rejected.ID)),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(s.ID + "/" + rejected.ID)},
						{Path: tfjsonpath.New("action"), KnownValue: knownvalue.StringExact(client.ActionReject)},
						{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact(client.StatusRejected)},
						{Path: tfjsonpath.New("domain_id"), KnownValue: knownvalue.StringExact(rejected.DomainID)},
					}),
				querycheck.ExpectResourceKnownValues(addr,
					queryfilter.ByResourceIdentity(approvalIdentityChecks(s.ID, first.ID)),
					[]querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("action"), KnownValue: knownvalue.StringExact(client.ActionReceive)},
						{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact(first.Description)},
					}),
			),
		},
	})
	if n := len(e.Mock.Actions()); n != 0 {
		t.Errorf("listing changed %d connections: %+v", n, e.Mock.Actions())
	}
}

// Catches: a filter that is ignored, applied by the API when it cannot be
// (domain_ids), or that costs more list calls than its pages.
func TestAccConnectionApprovalList_filters(t *testing.T) {
	e := newTestEnv(t)
	s := newListedService(t, e, 1201, mixedConnection)
	ep1, ep2 := s.Conns[7].ID, s.Conns[1100].ID
	const addr = "vpcep_connection_approval.test"
	svc := fmt.Sprintf("    service_id = %q\n", s.ID)
	isStatus := func(st string) func(vpcepmock.Connection) bool {
		return func(c vpcepmock.Connection) bool { return c.Status == st }
	}
	rejected := s.count(isStatus(client.StatusRejected))
	domainA := s.count(func(c vpcepmock.Connection) bool { return c.DomainID == "domain-a" })
	pendingA := s.count(func(c vpcepmock.Connection) bool {
		return c.DomainID == "domain-a" && c.Status == client.StatusPendingAcceptance
	})
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: e.ProviderConfig()},
			// status: filtered by the API, so only the matching page is read
			queryStep(e, svc+`    status = "rejected"`, 1, querycheck.ExpectLength(addr, rejected)),
			// domain_ids: every page is read, the provider keeps the matches
			queryStep(e, svc+`    domain_ids = ["domain-a"]`, 2, querycheck.ExpectLength(addr, domainA)),
			queryStep(e, svc+`    domain_ids = ["domain-a", "domain-b"]`, 2, querycheck.ExpectLength(addr, 1201)),
			// status and domain_ids together
			queryStep(e, svc+"    status = \"pendingAcceptance\"\n    domain_ids = [\"domain-a\"]", 1,
				querycheck.ExpectLength(addr, pendingA)),
			// one endpoint id: the API filters, one call
			queryStep(e, svc+fmt.Sprintf("    endpoint_ids = [%q]", ep1), 1,
				querycheck.ExpectLength(addr, 1),
				querycheck.ExpectIdentity(addr, approvalIdentityChecks(s.ID, ep1))),
			// two endpoint ids: all pages, filtered by the provider
			queryStep(e, svc+fmt.Sprintf("    endpoint_ids = [%q, %q]", ep1, ep2), 2,
				querycheck.ExpectLength(addr, 2),
				querycheck.ExpectIdentity(addr, approvalIdentityChecks(s.ID, ep1)),
				querycheck.ExpectIdentity(addr, approvalIdentityChecks(s.ID, ep2))),
			// an account nobody has: no results, not an error
			queryStep(e, svc+`    domain_ids = ["domain-none"]`, 2, querycheck.ExpectLength(addr, 0)),
		},
	})
}

// Catches: a list that keeps reading pages after Terraform's limit is
// reached.
func TestAccConnectionApprovalList_limit(t *testing.T) {
	e := newTestEnv(t)
	s := newListedService(t, e, 1500, mixedConnection)
	before := new(int)
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: e.ProviderConfig()},
			{
				PreConfig: func() { *before = e.Mock.RequestCounts()[vpcepmock.OpListServiceConnections] },
				Query:     true,
				Config: fmt.Sprintf(`
list "vpcep_connection_approval" "test" {
  provider = vpcep
  limit    = 20
  config {
    service_id = %q
  }
}
`, s.ID),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("vpcep_connection_approval.test", 20),
					listCalls{mock: e.Mock, before: before, want: 1},
				},
			},
		},
	})
}

// Catches: bad filters accepted silently instead of an error naming the
// field, and a missing service reported without its id.
func TestAccConnectionApprovalList_badInput(t *testing.T) {
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	step := func(config, pattern string) tfresource.TestStep {
		return tfresource.TestStep{
			Query: true,
			Config: fmt.Sprintf(`
list "vpcep_connection_approval" "test" {
  provider = vpcep
  config {
%s
  }
}
`, config),
			ExpectError: expectErr(pattern),
		}
	}
	missing := vpcepmock.NewID()
	tfresource.ParallelTest(t, tfresource.TestCase{
		TerraformVersionChecks:   needsQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []tfresource.TestStep{
			{Config: e.ProviderConfig()},
			step(fmt.Sprintf("    service_id = %q\n    status = \"approved\"", svc), `status`),
			step(fmt.Sprintf("    service_id = %q\n    domain_ids = []", svc), `domain_ids`),
			step(fmt.Sprintf("    service_id = %q\n    endpoint_ids = [\"a b\"]", svc), `endpoint_ids.*whitespace`),
			step(fmt.Sprintf("    service_id = %q", missing), missing),
		},
	})
}

// listResultFor runs result() on one connection against the real resource
// and identity schemas, as the framework would.
func listResultFor(t *testing.T, includeResource bool, serviceID string, c client.Connection) list.ListResult {
	t.Helper()
	ctx := context.Background()
	r := &connectionApprovalResource{}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	var ids resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ids)
	req := list.ListRequest{IncludeResource: includeResource, ResourceSchema: sch.Schema, ResourceIdentitySchema: ids.IdentitySchema}
	return (&connectionApprovalListResource{}).result(ctx, req, serviceID, c)
}

// Catches: a resource object that cannot be built against the resource's
// schema (an attribute renamed in the resource), an unsettled connection
// listed with an action it does not have, and a display name without the
// account or status.
func TestUnitConnectionApprovalListResult(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		status, wantAction string
	}{
		{client.StatusAccepted, client.ActionReceive},
		{client.StatusRejected, client.ActionReject},
		{client.StatusPendingAcceptance, client.ActionReject}, // no decision yet: fail closed
		// Someone accepted it and it is on its way: generating "reject" cut such consumers off.
		{client.StatusCreating, client.ActionReceive},
		{client.StatusFailed, client.ActionReject}, // no action changes it; nothing is admitted
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			c := client.Connection{ID: "ep-1", DomainID: "dom-9", Status: tt.status, MarkerID: 42, Description: "d",
				CreatedAt: "2024-01-02T03:04:05Z", UpdatedAt: "2024-01-02T03:04:06Z"}
			res := listResultFor(t, true, "svc-1", c)
			if res.Diagnostics.HasError() {
				t.Fatalf("result diagnostics: %v", res.Diagnostics)
			}
			if want := "ep-1 (account dom-9, " + tt.status + ")"; res.DisplayName != want {
				t.Errorf("display name %q, want %q", res.DisplayName, want)
			}
			var m connectionApprovalModel
			if d := res.Resource.Get(ctx, &m); d.HasError() {
				t.Fatalf("reading the resource object: %v", d)
			}
			if m.ID.ValueString() != "svc-1/ep-1" || m.ServiceID.ValueString() != "svc-1" || m.EndpointID.ValueString() != "ep-1" ||
				m.Status.ValueString() != tt.status || m.MarkerID.ValueInt64() != 42 || m.Description.ValueString() != "d" ||
				m.DomainID.ValueString() != "dom-9" {
				t.Errorf("resource object %+v does not carry the connection", m)
			}
			if m.Action.ValueString() != tt.wantAction {
				t.Errorf("action %s, want %q", m.Action, tt.wantAction)
			}
			var id connectionApprovalIdentityModel
			if d := res.Identity.Get(ctx, &id); d.HasError() || id.ServiceID.ValueString() != "svc-1" || id.EndpointID.ValueString() != "ep-1" {
				t.Errorf("identity %+v (%v), want svc-1/ep-1", id, d)
			}
		})
	}
	// Without include_resource the object stays null: nothing to build.
	res := listResultFor(t, false, "svc-1", client.Connection{ID: "ep-2", Status: client.StatusAccepted})
	if res.Diagnostics.HasError() || !res.Resource.Raw.IsNull() {
		t.Errorf("without include_resource: diagnostics %v, resource %v; want none and null", res.Diagnostics, res.Resource.Raw)
	}
}

// listAll runs List over a mock service and collects the results.
func listAll(t *testing.T, e *testEnv, config map[string]tftypes.Value, limit int64) ([]list.ListResult, int) {
	t.Helper()
	ctx := context.Background()
	c, err := client.New(client.Config{Endpoint: e.URL, ProjectID: e.ProjectID, AuthToken: e.Token})
	if err != nil {
		t.Fatal(err)
	}
	l := &connectionApprovalListResource{data: &providerData{Client: c}}
	var sch list.ListResourceSchemaResponse
	l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &sch)
	typ := sch.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for k, v := range config {
		vals[k] = v
	}
	r := &connectionApprovalResource{}
	var rs resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &rs)
	var ids resource.IdentitySchemaResponse
	r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &ids)
	req := list.ListRequest{
		Config:         tfsdk.Config{Schema: sch.Schema, Raw: tftypes.NewValue(typ, vals)},
		Limit:          limit,
		ResourceSchema: rs.Schema, ResourceIdentitySchema: ids.IdentitySchema,
	}
	before := e.Mock.RequestCounts()[vpcepmock.OpListServiceConnections]
	var stream list.ListResultsStream
	l.List(ctx, req, &stream)
	var out []list.ListResult
	for r := range stream.Results {
		out = append(out, r)
	}
	return out, e.Mock.RequestCounts()[vpcepmock.OpListServiceConnections] - before
}

// Catches: a connection listed twice, pages read beyond what a limit needs,
// and an API error that ends the stream silently.
func TestUnitConnectionApprovalListStream(t *testing.T) {
	e := newTestEnv(t)
	s := newListedService(t, e, 2001, mixedConnection)
	svc := map[string]tftypes.Value{connAttrServiceID: tftypes.NewValue(tftypes.String, s.ID)}

	results, calls := listAll(t, e, svc, 0)
	if len(results) != 2001 || calls != 3 {
		t.Fatalf("listed %d connections in %d calls, want 2001 in 3", len(results), calls)
	}
	seen := map[string]bool{}
	for _, r := range results {
		var id connectionApprovalIdentityModel
		r.Identity.Get(context.Background(), &id)
		if seen[id.EndpointID.ValueString()] {
			t.Errorf("endpoint %s listed twice", id.EndpointID.ValueString())
		}
		seen[id.EndpointID.ValueString()] = true
	}

	// A limit that one page covers reads that page only.
	results, calls = listAll(t, e, svc, 1)
	if len(results) != 1 || calls != 1 {
		t.Errorf("with a limit of 1: %d results in %d calls, want 1 in 1", len(results), calls)
	}

	missing := vpcepmock.NewID()
	results, _ = listAll(t, e, map[string]tftypes.Value{connAttrServiceID: tftypes.NewValue(tftypes.String, missing)}, 0)
	if len(results) != 1 || !results[0].Diagnostics.HasError() {
		t.Fatalf("listing a missing service: %d results, want one with an error", len(results))
	}
	var texts []string
	for _, d := range results[0].Diagnostics {
		texts = append(texts, d.Summary()+": "+d.Detail())
	}
	sort.Strings(texts)
	if msg := strings.Join(texts, "\n"); !strings.Contains(msg, missing) || !strings.Contains(msg, "service_id") {
		t.Errorf("error %q does not name the service id and the setting to check", msg)
	}
}
