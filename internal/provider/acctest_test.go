package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock/mocktest"
)

// Shared acceptance-test helpers: every test in this package starts its own
// in-process mock with newTestEnv, so tests can run in parallel without
// seeing each other's services and endpoints.

// testAccProtoV6ProviderFactories serves the provider in-process to the
// Terraform CLI that terraform-plugin-testing drives.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"vpcep": providerserver.NewProtocol6WithError(New("test")()),
}

// testEnv is one mock API behind an httptest server, with one token and one
// AK/SK credential for ProjectID.
type testEnv struct {
	*mocktest.Server
}

// newTestEnv starts a mock for the test; opts adjust the mock's Config
// (transition delay, faults, ...) before it is created. The server is closed
// when the test ends.
func newTestEnv(t *testing.T, opts ...func(*vpcepmock.Config)) *testEnv {
	t.Helper()
	cfg := vpcepmock.Config{Credentials: mocktest.NewCredentials()}
	for _, o := range opts {
		o(&cfg)
	}
	return &testEnv{mocktest.Start(t, cfg)}
}

// ProviderConfig is an HCL provider block that reaches the mock with the
// token credential, plus lines (other arguments). Setting endpoint and
// auth_token in the configuration makes the tests independent of VPCEP_* and
// HW_* variables in the environment.
func (e *testEnv) ProviderConfig(lines ...string) string {
	return e.ProviderConfigAt(e.URL, lines...)
}

// ProviderConfigAt is ProviderConfig for a server in front of the mock at url.
func (e *testEnv) ProviderConfigAt(url string, lines ...string) string {
	return providerBlock(url, e.ProjectID, append([]string{tokenLine(e.Token)}, lines...)...)
}

// The HCL builders of the tests: a configuration is blocks, a block is lines.

// noRetries makes every failed call final, so that one fault is seen as it is.
const noRetries = "  max_retries = 0"

// approvalHeader opens the approval most tests manage.
const approvalHeader = `resource "vpcep_connection_approval" "test"`

// requiredProviders makes a configuration run by the CLI use the provider's
// dev_overrides address.
const requiredProviders = `terraform {
  required_providers {
    vpcep = {
      source = "vpcep/vpcep"
    }
  }
}
`

// hclBlock is header { lines }; empty lines are left out, so an optional
// argument can be passed as "".
func hclBlock(header string, lines ...string) string {
	var b strings.Builder
	b.WriteString("\n" + header + " {\n")
	for _, l := range lines {
		if l != "" {
			b.WriteString(l + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// providerBlock is a provider block for url and projectID; lines give the
// credential and any other argument.
func providerBlock(url, projectID string, lines ...string) string {
	return hclBlock(`provider "vpcep"`, append([]string{
		fmt.Sprintf("  endpoint   = %q", url),
		fmt.Sprintf("  project_id = %q", projectID),
	}, lines...)...)
}

// approvalBlock is the approval of endpointID's connection to serviceID with
// extra lines (action, description, timeouts).
func approvalBlock(serviceID, endpointID string, extra ...string) string {
	return hclBlock(approvalHeader, append([]string{
		fmt.Sprintf("  service_id  = %q", serviceID),
		fmt.Sprintf("  endpoint_id = %q", endpointID),
	}, extra...)...)
}

// approvalConfig is e's provider block plus one approval.
func approvalConfig(e *testEnv, serviceID, endpointID string, extra ...string) string {
	return e.ProviderConfig() + approvalBlock(serviceID, endpointID, extra...)
}

func tokenLine(token string) string { return fmt.Sprintf("  auth_token = %q", token) }

func keyLines(ak, sk string) string {
	return fmt.Sprintf("  access_key = %q\n  secret_key = %q", ak, sk)
}

// NewService creates an endpoint service in the mock and returns its id.
// With approval, new connections wait in pendingAcceptance; without, they
// are accepted at once.
func (e *testEnv) NewService(t *testing.T, approval bool) string {
	t.Helper()
	id := vpcepmock.NewID()
	e.Mock.CreateService(e.ProjectID, vpcepmock.ServiceSpec{ID: id, Name: "svc-" + id[:8], ApprovalEnabled: &approval})
	return id
}

// NewEndpoint creates a consumer's endpoint connected to serviceID, owned by
// domainID, and returns its id.
func (e *testEnv) NewEndpoint(t *testing.T, serviceID, domainID string) string {
	t.Helper()
	id := vpcepmock.NewID()
	if _, err := e.Mock.CreateEndpoint(e.ProjectID, vpcepmock.EndpointSpec{ID: id, ServiceID: serviceID, DomainID: domainID}); err != nil {
		t.Fatalf("creating endpoint for service %s in the mock: %v", serviceID, err)
	}
	return id
}

// Checks shared by the acceptance tests.

// approvalAddr is the address of the approval most tests manage.
const approvalAddr = "vpcep_connection_approval.test"

// emptyPlanAfterApply is set on every apply step: a plan right after apply
// (and refresh) must be empty.
var emptyPlanAfterApply = resource.ConfigPlanChecks{
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

// expectErr compiles an ExpectError pattern; Terraform wraps diagnostics, so
// every space in the pattern matches any run of whitespace, and . matches
// newlines.
func expectErr(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

// checkMockConnection checks the mock's view of the connection.
func checkMockConnection(e *testEnv, serviceID, endpointID, wantStatus, wantDescription string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, ok := e.Mock.Connection(serviceID, endpointID)
		if !ok {
			return fmt.Errorf("mock: no connection of endpoint %s to service %s", endpointID, serviceID)
		}
		if c.Status != wantStatus {
			return fmt.Errorf("mock: connection status %q, want %q", c.Status, wantStatus)
		}
		if c.Description != wantDescription {
			return fmt.Errorf("mock: connection description %q, want %q", c.Description, wantDescription)
		}
		return nil
	}
}

// checkDestroyRejected is a CheckDestroy: destroy must leave the connection
// rejected (or gone, when its endpoint was deleted).
func checkDestroyRejected(e *testEnv, serviceID, endpointID string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		c, ok := e.Mock.Connection(serviceID, endpointID)
		if ok && c.Status != vpcepmock.StatusRejected {
			return fmt.Errorf("after destroy the mock shows status %q for endpoint %s, want %q", c.Status, endpointID, vpcepmock.StatusRejected)
		}
		return nil
	}
}
