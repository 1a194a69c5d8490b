package provider

import (
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
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
	Mock                 *vpcepmock.Mock
	URL, ProjectID       string
	Token                string
	AccessKey, SecretKey string
}

// newTestEnv starts a mock for the test; opts adjust the mock's Config
// (transition delay, faults, ...) before it is created. The server is closed
// when the test ends.
func newTestEnv(t *testing.T, opts ...func(*vpcepmock.Config)) *testEnv {
	t.Helper()
	e := &testEnv{
		ProjectID: randomHex(16),
		Token:     "token-" + randomHex(16),
		AccessKey: "AK" + randomHex(9),
		SecretKey: "SK" + randomHex(19),
	}
	cfg := vpcepmock.Config{Credentials: []vpcepmock.Credential{
		{ProjectID: e.ProjectID, Token: e.Token},
		{ProjectID: e.ProjectID, AccessKey: e.AccessKey, SecretKey: e.SecretKey},
	}}
	for _, o := range opts {
		o(&cfg)
	}
	e.Mock = vpcepmock.New(cfg)
	srv := httptest.NewServer(e.Mock)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// ProviderConfig is an HCL provider block that reaches the mock with the
// token credential. Setting endpoint and auth_token in the configuration makes
// the tests independent of VPCEP_* and HW_* variables in the environment.
func (e *testEnv) ProviderConfig() string {
	return fmt.Sprintf(`
provider "vpcep" {
  endpoint   = %q
  project_id = %q
  auth_token = %q
}
`, e.URL, e.ProjectID, e.Token)
}

// NewService creates an endpoint service in the mock and returns its id.
// With approval, new connections wait in pendingAcceptance; without, they
// are accepted at once.
func (e *testEnv) NewService(t *testing.T, approval bool) string {
	t.Helper()
	id := newUUID()
	e.Mock.CreateService(e.ProjectID, vpcepmock.ServiceSpec{ID: id, Name: "svc-" + id[:8], ApprovalEnabled: &approval})
	return id
}

// NewEndpoint creates a consumer's endpoint connected to serviceID, owned by
// domainID, and returns its id.
func (e *testEnv) NewEndpoint(t *testing.T, serviceID, domainID string) string {
	t.Helper()
	id := newUUID()
	if _, err := e.Mock.CreateEndpoint(e.ProjectID, vpcepmock.EndpointSpec{ID: id, ServiceID: serviceID, DomainID: domainID}); err != nil {
		t.Fatalf("creating endpoint for service %s in the mock: %v", serviceID, err)
	}
	return id
}

// newUUID returns a random version-4 UUID string, the id form the API uses.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// randomHex returns n random bytes as 2n hex characters.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}
