package provider

import (
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// tlsConfig is an approval through the https server at url, with insecure
// set as given ("" leaves it out).
func tlsConfig(url string, e *testEnv, insecure, serviceID, endpointID string) string {
	line := ""
	if insecure != "" {
		line = "  insecure = " + insecure
	}
	return e.ProviderConfigAt(url, noRetries, line) + approvalBlock(serviceID, endpointID)
}

// TestAccTLS_selfSigned catches TLS verification off by default or with
// insecure = false (the apply against a self-signed mock on loopback must
// fail with the certificate error, nothing reaching the API), and insecure
// = true not letting the same apply work.
func TestAccTLS_selfSigned(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	srv := httptest.NewTLSServer(e.Mock)
	t.Cleanup(srv.Close)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-tls")
	// The diagnostic says the API could not be reached (not that it refused),
	// names the endpoint, and points at insecure for test servers only.
	certErr := expectErr(`Request not sent.*The VPCEP API at ` + srv.URL +
		` could not be reached: no HTTP response was received.*endpoint \(or region.*x509.*Only for a test server ` +
		`with a self-signed certificate, set insecure = true.*Original Error: .*VPCEP API request POST ` +
		srv.URL + `/v1/.*was not sent:.*tls: failed to verify certificate: x509: certificate signed by unknown authority`)
	noAPICall := func() {
		if n := e.Mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]; n != 0 {
			t.Errorf("%d action calls reached the mock through an unverified TLS connection", n)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			{Config: tlsConfig(srv.URL, e, "", svc, ep), ExpectError: certErr},
			{PreConfig: noAPICall, Config: tlsConfig(srv.URL, e, "false", svc, ep), ExpectError: certErr},
			{
				PreConfig:        noAPICall,
				Config:           tlsConfig(srv.URL, e, "true", svc, ep),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(approvalAddr, "status", client.StatusAccepted),
					checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
				),
			},
		},
	})
}
