package conformance

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/region"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	iam "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3"
	vpcep "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpcep/v1"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// The test mock's agency, and a second project's credential.
const (
	agency       = "conformance-agency"
	otherProject = "fedcba9876543210fedcba9876543210"
	otherAK      = "OTHERACCESSKEY"
	otherSK      = "OTHERSECRETKEY"
)

// mockServer is an in-process mock and its URL.
type mockServer struct {
	*vpcepmock.Mock
	URL string
}

// newMock starts an in-process mock with its default credentials, another
// project's, and one agency.
func newMock(t *testing.T) *mockServer {
	t.Helper()
	m := vpcepmock.New(vpcepmock.Config{
		Credentials: []vpcepmock.Credential{
			{ProjectID: vpcepmock.DefaultProjectID, Token: vpcepmock.DefaultToken, AccessKey: vpcepmock.DefaultAccessKey, SecretKey: vpcepmock.DefaultSecretKey},
			{ProjectID: otherProject, AccessKey: otherAK, SecretKey: otherSK},
		},
		IAM: vpcepmock.IAMConfig{Agencies: []string{agency}},
	})
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return &mockServer{Mock: m, URL: srv.URL}
}

// httpConfig is the SDK's default without retries, so that every request
// the mock counts is one the test made.
func httpConfig() *config.HttpConfig {
	return config.DefaultHttpConfig().WithRetries(0).WithTimeout(30 * time.Second)
}

// vpcepClient is the SDK's VPCEP client for url, signing with ak/sk (and a
// security token when given) for project.
func vpcepClient(t *testing.T, url, project, ak, sk, securityToken string) *vpcep.VpcepClient {
	t.Helper()
	b := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(project)
	if securityToken != "" {
		b = b.WithSecurityToken(securityToken)
	}
	cred, err := b.SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := vpcep.VpcepClientBuilder().WithEndpoints([]string{url}).WithCredential(cred).WithHttpConfig(httpConfig()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return vpcep.NewVpcepClient(hc)
}

// defaultClient is vpcepClient with the mock's default AK/SK and project.
func defaultClient(t *testing.T, url string) *vpcep.VpcepClient {
	t.Helper()
	return vpcepClient(t, url, vpcepmock.DefaultProjectID, vpcepmock.DefaultAccessKey, vpcepmock.DefaultSecretKey, "")
}

// iamClient is the SDK's IAM client with global (account) credentials; it
// looks the account id up itself through the mock's IAM.
func iamClient(t *testing.T, url string) *iam.IamClient {
	t.Helper()
	cred, err := global.NewCredentialsBuilder().WithAk(vpcepmock.DefaultAccessKey).WithSk(vpcepmock.DefaultSecretKey).
		WithIamEndpointOverride(url).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	hc, err := iam.IamClientBuilder().WithRegion(region.NewRegion(vpcepmock.DefaultRegion, url)).
		WithCredential(cred).WithHttpConfig(httpConfig()).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	return iam.NewIamClient(hc)
}

// regionClient is a VPCEP client whose credentials hold no project id: the
// SDK looks it up by region through IAM, as its users' code often does.
func regionClient(t *testing.T, url string) (*vpcep.VpcepClient, error) {
	t.Helper()
	cred, err := basic.NewCredentialsBuilder().WithAk(vpcepmock.DefaultAccessKey).WithSk(vpcepmock.DefaultSecretKey).
		WithIamEndpointOverride(url).SafeBuild()
	if err != nil {
		return nil, err
	}
	hc, err := vpcep.VpcepClientBuilder().WithRegion(region.NewRegion(vpcepmock.DefaultRegion, url)).
		WithCredential(cred).WithHttpConfig(httpConfig()).SafeBuild()
	if err != nil {
		return nil, err
	}
	return vpcep.NewVpcepClient(hc), nil
}

// wantAPIError fails unless err is the SDK's error for status and code.
func wantAPIError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var sre *sdkerr.ServiceResponseError
	if !errors.As(err, &sre) {
		t.Errorf("%s: error %v (%T), want the SDK's ServiceResponseError %d %s", what, err, err, status, code)
		return
	}
	if sre.StatusCode != status || sre.ErrorCode != code || sre.RequestId == "" || sre.ErrorMessage == "" {
		t.Errorf("%s: %d %s %q (request id %q), want %d %s with a message and a request id",
			what, sre.StatusCode, sre.ErrorCode, sre.ErrorMessage, sre.RequestId, status, code)
	}
}

// ptr is a pointer to v, for the SDK's optional fields.
func ptr[T any](v T) *T { return &v }
