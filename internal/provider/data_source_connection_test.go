package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// withSteppingClock makes the mock's clock advance by a minute on every
// reading, so connections created or changed one after the other get
// distinct created_at and updated_at (the API's timestamps have whole
// seconds) and the order of the sort tests is known in advance.
func withSteppingClock() func(*vpcepmock.Config) {
	start := time.Now().UTC().Truncate(time.Second)
	var ticks atomic.Int64
	return func(c *vpcepmock.Config) {
		c.Now = func() time.Time { return start.Add(time.Duration(ticks.Add(1)) * time.Minute) }
	}
}

// mockConnection returns the mock's view of a connection, failing the test
// when it has none.
func mockConnection(t *testing.T, env *testEnv, serviceID, endpointID string) vpcepmock.Connection {
	t.Helper()
	c, ok := env.Mock.Connection(serviceID, endpointID)
	if !ok {
		t.Fatalf("the mock has no connection of endpoint %s to service %s", endpointID, serviceID)
	}
	return c
}

// connectionErrorsCheck expects exactly the mock's error list.
func connectionErrorsCheck(errs []vpcepmock.QueryError) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(errs))
	for _, e := range errs {
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			connAttrErrorCode:    knownvalue.StringExact(e.ErrorCode),
			connAttrErrorMessage: knownvalue.StringExact(e.ErrorMessage),
		}))
	}
	return knownvalue.ListExact(checks)
}

// connectionElementCheck expects an element of vpcep_connections to carry
// every field of the mock's connection c of serviceID.
func connectionElementCheck(serviceID string, c vpcepmock.Connection) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		connAttrID:          knownvalue.StringExact(serviceID + "/" + c.ID),
		connAttrEndpointID:  knownvalue.StringExact(c.ID),
		connAttrStatus:      knownvalue.StringExact(c.Status),
		connAttrMarkerID:    knownvalue.Int64Exact(c.MarkerID),
		connAttrDomainID:    knownvalue.StringExact(c.DomainID),
		connAttrCreatedAt:   knownvalue.StringExact(c.CreatedAt),
		connAttrUpdatedAt:   knownvalue.StringExact(c.UpdatedAt),
		connAttrDescription: knownvalue.StringExact(c.Description),
		connAttrError:       connectionErrorsCheck(c.Error),
	})
}

// connectionDataSourceChecks expect every attribute of the vpcep_connection
// at address to match the mock's connection c of serviceID.
func connectionDataSourceChecks(address, serviceID string, c vpcepmock.Connection) []statecheck.StateCheck {
	want := map[string]knownvalue.Check{
		connAttrID:          knownvalue.StringExact(serviceID + "/" + c.ID),
		connAttrServiceID:   knownvalue.StringExact(serviceID),
		connAttrEndpointID:  knownvalue.StringExact(c.ID),
		connAttrStatus:      knownvalue.StringExact(c.Status),
		connAttrMarkerID:    knownvalue.Int64Exact(c.MarkerID),
		connAttrDomainID:    knownvalue.StringExact(c.DomainID),
		connAttrCreatedAt:   knownvalue.StringExact(c.CreatedAt),
		connAttrUpdatedAt:   knownvalue.StringExact(c.UpdatedAt),
		connAttrDescription: knownvalue.StringExact(c.Description),
		connAttrError:       connectionErrorsCheck(c.Error),
	}
	checks := make([]statecheck.StateCheck, 0, len(want))
	for name, check := range want {
		checks = append(checks, statecheck.ExpectKnownValue(address, tfjsonpath.New(name), check))
	}
	return checks
}

// connectionDataSourceConfig is a vpcep_connection named "this".
func connectionDataSourceConfig(env *testEnv, serviceID, endpointID string) string {
	return env.ProviderConfig() + fmt.Sprintf(`
data "vpcep_connection" "this" {
  service_id  = %q
  endpoint_id = %q
}
`, serviceID, endpointID)
}

// TestAccDataSourceConnection_statuses catches a settled status the mock
// can hold that reads wrong, and a failed connection's error list that does
// not reach Terraform entry by entry.
func TestAccDataSourceConnection_statuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		force *vpcepmock.Force // nil: leave the connection as created
	}{
		{name: "pending"},
		{name: "accepted", force: &vpcepmock.Force{Status: vpcepmock.StatusAccepted, Hold: true}},
		{name: "rejected", force: &vpcepmock.Force{Status: vpcepmock.StatusRejected, Hold: true}},
		{name: "failed", force: &vpcepmock.Force{Status: vpcepmock.StatusFailed, Hold: true, Errors: []vpcepmock.QueryError{
			{ErrorCode: "EndPoint.0042", ErrorMessage: "Failed to create the VPC endpoint connection."},
			{ErrorCode: "EndPoint.0043", ErrorMessage: "Quota of connections exceeded."},
		}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			serviceID := env.NewService(t, true)
			endpointID := env.NewEndpoint(t, serviceID, "domain-"+vpcepmock.RandomHex(8))
			if tc.force != nil {
				if err := env.Mock.ForceStatus(serviceID, endpointID, *tc.force); err != nil {
					t.Fatalf("forcing the connection to %s: %v", tc.force.Status, err)
				}
			}
			want := mockConnection(t, env, serviceID, endpointID)
			if tc.force != nil && want.Status != tc.force.Status {
				t.Fatalf("the mock holds status %q, want %q", want.Status, tc.force.Status)
			}

			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:            connectionDataSourceConfig(env, serviceID, endpointID),
					ConfigStateChecks: connectionDataSourceChecks("data.vpcep_connection.this", serviceID, want),
					Check: resource.ComposeTestCheckFunc(
						resource.TestCheckResourceAttr("data.vpcep_connection.this", "error.#", fmt.Sprint(len(want.Error))),
						func(*terraform.State) error {
							// A data source only reads: the mock must have seen no action.
							if n := len(env.Mock.Actions()); n != 0 {
								return fmt.Errorf("the mock recorded %d actions, want none", n)
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

// TestAccDataSourceConnection_description catches a description shown from
// a default instead of the API's (here one the consumer side set).
func TestAccDataSourceConnection_description(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	serviceID := env.NewService(t, true)
	endpointID := vpcepmock.NewID()
	if _, err := env.Mock.CreateEndpoint(env.ProjectID, vpcepmock.EndpointSpec{
		ID: endpointID, ServiceID: serviceID, DomainID: "domain-" + vpcepmock.RandomHex(8), Description: "team billing, ticket 42",
	}); err != nil {
		t.Fatalf("creating endpoint: %v", err)
	}
	want := mockConnection(t, env, serviceID, endpointID)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            connectionDataSourceConfig(env, serviceID, endpointID),
			ConfigStateChecks: connectionDataSourceChecks("data.vpcep_connection.this", serviceID, want),
		}},
	})
}

// TestAccDataSourceConnection_missing catches an error for an endpoint the
// service does not have, or for a service that does not exist, that does
// not name the endpoint and the service and say what to check.
func TestAccDataSourceConnection_missing(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	serviceID := env.NewService(t, true)
	env.NewEndpoint(t, serviceID, "domain-"+vpcepmock.RandomHex(8)) // the service is not empty
	missingEndpoint, missingService := vpcepmock.NewID(), vpcepmock.NewID()

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: connectionDataSourceConfig(env, serviceID, missingEndpoint),
				ExpectError: regexp.MustCompile(`(?s)VPC endpoint connection not found.*` +
					regexp.QuoteMeta(missingEndpoint) + `.*` + regexp.QuoteMeta(serviceID) + `.*Check\s+that\s+endpoint_id`),
			},
			{
				Config: connectionDataSourceConfig(env, missingService, missingEndpoint),
				ExpectError: regexp.MustCompile(`(?s)(not found|Error reading).*` +
					regexp.QuoteMeta(missingEndpoint) + `.*` + regexp.QuoteMeta(missingService)),
			},
		},
	})
}

// TestAccDataSourceConnection_validation catches a bad argument that is not
// refused at plan time, or that sends a request to the API first.
func TestAccDataSourceConnection_validation(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	cases := []struct {
		name, serviceID, endpointID string
		want                        string
	}{
		{name: "empty service_id", serviceID: "", endpointID: "ep", want: `service_id must be 1-64 characters without whitespace; got "" \(it is empty\)`},
		{name: "long service_id", serviceID: strings.Repeat("s", 65), endpointID: "ep", want: `service_id must be 1-64 characters without whitespace; got "s{65}" \(it has 65 characters\)`},
		{name: "service_id with space", serviceID: "svc 1", endpointID: "ep", want: `service_id must be 1-64 characters without whitespace; got "svc 1" \(it contains whitespace\)`},
		{name: "empty endpoint_id", serviceID: "svc", endpointID: "", want: `endpoint_id must be 1-64 characters without whitespace; got "" \(it is empty\)`},
		{name: "long endpoint_id", serviceID: "svc", endpointID: strings.Repeat("e", 65), want: `endpoint_id must be 1-64 characters without whitespace; got "e{65}" \(it has 65 characters\)`},
		{name: "endpoint_id with newline", serviceID: "svc", endpointID: "ep\n", want: `endpoint_id must be 1-64 characters without whitespace; got "ep\\n" \(it ends with whitespace\)`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      connectionDataSourceConfig(env, tc.serviceID, tc.endpointID),
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

// TestUnitConnectionModel catches a field of the API's connection converted
// wrong, and an error list that is null rather than empty when there is
// none.
func TestUnitConnectionModel(t *testing.T) {
	t.Parallel()
	errType := connectionErrorObjectType
	cases := []struct {
		name      string
		in        client.Connection
		wantError []attr.Value
	}{
		{
			name: "accepted without errors",
			in: client.Connection{ID: "ep-1", MarkerID: 422321321312321321, DomainID: "d-1", Status: client.StatusAccepted,
				CreatedAt: "2018-09-17T11:10:11Z", UpdatedAt: "2018-09-17T11:10:12Z", Description: "billing"},
			wantError: []attr.Value{},
		},
		{
			name: "failed with two errors",
			in: client.Connection{ID: "ep-2", Status: client.StatusFailed, Error: []client.QueryError{
				{ErrorCode: "EndPoint.0001", ErrorMessage: "first"}, {ErrorCode: "EndPoint.0002", ErrorMessage: "second"}}},
			wantError: []attr.Value{
				types.ObjectValueMust(connectionErrorAttrTypes, map[string]attr.Value{
					connAttrErrorCode: types.StringValue("EndPoint.0001"), connAttrErrorMessage: types.StringValue("first")}),
				types.ObjectValueMust(connectionErrorAttrTypes, map[string]attr.Value{
					connAttrErrorCode: types.StringValue("EndPoint.0002"), connAttrErrorMessage: types.StringValue("second")}),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, diags := newConnectionModel("svc-1", tc.in)
			if diags.HasError() {
				t.Fatalf("newConnectionModel: %v", diags)
			}
			want := connectionModel{
				ID:          types.StringValue("svc-1/" + tc.in.ID),
				EndpointID:  types.StringValue(tc.in.ID),
				Status:      types.StringValue(tc.in.Status),
				MarkerID:    types.Int64Value(tc.in.MarkerID),
				DomainID:    types.StringValue(tc.in.DomainID),
				CreatedAt:   types.StringValue(tc.in.CreatedAt),
				UpdatedAt:   types.StringValue(tc.in.UpdatedAt),
				Description: types.StringValue(tc.in.Description),
				Error:       types.ListValueMust(errType, tc.wantError),
			}
			if !m.ID.Equal(want.ID) || !m.EndpointID.Equal(want.EndpointID) || !m.Status.Equal(want.Status) ||
				!m.MarkerID.Equal(want.MarkerID) || !m.DomainID.Equal(want.DomainID) || !m.CreatedAt.Equal(want.CreatedAt) ||
				!m.UpdatedAt.Equal(want.UpdatedAt) || !m.Description.Equal(want.Description) || !m.Error.Equal(want.Error) {
				t.Errorf("newConnectionModel =\n%+v\nwant\n%+v", m, want)
			}
			obj, diags := connectionObjectValue(context.Background(), "svc-1", tc.in)
			if diags.HasError() {
				t.Fatalf("connectionObjectValue: %v", diags)
			}
			if !obj.Type(context.Background()).Equal(connectionObjectType) {
				t.Errorf("object type = %s, want %s", obj.Type(context.Background()), connectionObjectType)
			}
			if got := obj.Attributes()[connAttrError]; !got.Equal(want.Error) {
				t.Errorf("object error = %s, want %s", got, want.Error)
			}
		})
	}
}

// TestAccDataSourceConnection_afterApproval catches a data source read
// after an approval in the same configuration that shows a view listed
// before the write instead of the new status.
func TestAccDataSourceConnection_afterApproval(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	serviceID := env.NewService(t, true)
	endpointID := env.NewEndpoint(t, serviceID, "domain-"+vpcepmock.RandomHex(8))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: env.ProviderConfig() + fmt.Sprintf(`
resource "vpcep_connection_approval" "this" {
  service_id  = %q
  endpoint_id = %q
}

data "vpcep_connection" "this" {
  service_id  = vpcep_connection_approval.this.service_id
  endpoint_id = vpcep_connection_approval.this.endpoint_id
}
`, serviceID, endpointID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.vpcep_connection.this", tfjsonpath.New(connAttrStatus),
					knownvalue.StringExact(vpcepmock.StatusAccepted)),
				statecheck.CompareValuePairs("data.vpcep_connection.this", tfjsonpath.New(connAttrID),
					"vpcep_connection_approval.this", tfjsonpath.New(connAttrID), compare.ValuesSame()),
				statecheck.CompareValuePairs("data.vpcep_connection.this", tfjsonpath.New(connAttrMarkerID),
					"vpcep_connection_approval.this", tfjsonpath.New(connAttrMarkerID), compare.ValuesSame()),
			},
		}},
	})
}

// TestAccDataSourceConnection_coalesced catches many data sources of one
// service in one plan read with one call each, instead of list calls of the
// whole service shared by the burst.
func TestAccDataSourceConnection_coalesced(t *testing.T) {
	t.Parallel()
	const n = 20
	env := newTestEnv(t)
	serviceID := env.NewService(t, true)
	var config strings.Builder
	config.WriteString(env.ProviderConfig())
	checks := make([]statecheck.StateCheck, 0, n)
	for i := range n {
		endpointID := env.NewEndpoint(t, serviceID, "domain-"+vpcepmock.RandomHex(8))
		fmt.Fprintf(&config, "\ndata \"vpcep_connection\" \"c%d\" {\n  service_id  = %q\n  endpoint_id = %q\n}\n", i, serviceID, endpointID)
		checks = append(checks, statecheck.ExpectKnownValue(fmt.Sprintf("data.vpcep_connection.c%d", i),
			tfjsonpath.New(connAttrEndpointID), knownvalue.StringExact(endpointID)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:            config.String(),
			ConfigStateChecks: checks,
			Check: func(*terraform.State) error {
				// One plan has read the n data sources so far. Terraform reads
				// up to 10 at once, so the reader must have coalesced most of
				// them; the bound leaves room for scheduling.
				got := env.Mock.RequestCounts()[vpcepmock.OpListServiceConnections]
				t.Logf("%d data sources of one service cost %d list calls", n, got)
				if got > n/2 {
					return fmt.Errorf("%d data sources of one service cost %d list calls, want at most %d", n, got, n/2)
				}
				return nil
			},
		}},
	})
}
