package conformance

import (
	"testing"

	iammodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/iam/v3/model"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/vpcep/v1/model"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// TestUnitSDKProjectLookup catches an IAM project list the SDK cannot use:
// by name through the IAM client, and implicitly when credentials hold no
// project id and the SDK looks it up by region.
func TestUnitSDKProjectLookup(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	url := m.URL
	projects, err := iamClient(t, url).KeystoneListProjects(&iammodel.KeystoneListProjectsRequest{Name: ptr(vpcepmock.DefaultRegion)})
	if err != nil {
		t.Fatalf("KeystoneListProjects: %v", err)
	}
	if projects.Projects == nil || len(*projects.Projects) != 1 || (*projects.Projects)[0].Id != vpcepmock.DefaultProjectID {
		t.Fatalf("KeystoneListProjects?name=%s: %+v", vpcepmock.DefaultRegion, projects.Projects)
	}
	c, err := regionClient(t, url)
	if err != nil {
		t.Fatalf("a client without project id: %v", err)
	}
	if _, err := c.ListEndpointService(&model.ListEndpointServiceRequest{}); err != nil {
		t.Fatalf("ListEndpointService with the looked-up project: %v", err)
	}
	if n := m.RequestCounts()[vpcepmock.OpKeystoneListProjects]; n != 2 {
		t.Errorf("KeystoneListProjects requests: %d, want 2 (one by the IAM client, one by the lookup)", n)
	}
}

// TestUnitSDKTemporaryKeys catches temporary keys the SDK cannot obtain or
// use: assume an agency through the IAM client, then call VPCEP with the
// keys and their security token; an agency not granted is refused.
func TestUnitSDKTemporaryKeys(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	url := m.URL
	ic := iamClient(t, url)
	assume := func(name string) (*iammodel.CreateTemporaryAccessKeyByAgencyResponse, error) {
		return ic.CreateTemporaryAccessKeyByAgency(&iammodel.CreateTemporaryAccessKeyByAgencyRequest{
			Body: &iammodel.CreateTemporaryAccessKeyByAgencyRequestBody{Auth: &iammodel.AgencyAuth{Identity: &iammodel.AgencyAuthIdentity{
				Methods:    []iammodel.AgencyAuthIdentityMethods{iammodel.GetAgencyAuthIdentityMethodsEnum().ASSUME_ROLE},
				AssumeRole: &iammodel.IdentityAssumerole{AgencyName: name, DomainName: ptr(vpcepmock.DefaultDomainName), DurationSeconds: ptr(int32(900))},
			}}},
		})
	}
	resp, err := assume(agency)
	if err != nil {
		t.Fatalf("CreateTemporaryAccessKeyByAgency: %v", err)
	}
	cred := resp.Credential
	if cred == nil || cred.Access == "" || cred.Secret == "" || cred.Securitytoken == "" || cred.ExpiresAt == "" {
		t.Fatalf("temporary credential %+v", cred)
	}
	c := vpcepClient(t, url, vpcepmock.DefaultProjectID, cred.Access, cred.Secret, cred.Securitytoken)
	if _, err := c.ListEndpointService(&model.ListEndpointServiceRequest{}); err != nil {
		t.Errorf("VPCEP with temporary keys: %v", err)
	}
	noToken := vpcepClient(t, url, vpcepmock.DefaultProjectID, cred.Access, cred.Secret, "")
	_, err = noToken.ListEndpointService(&model.ListEndpointServiceRequest{})
	wantAPIError(t, "temporary keys without their security token", err, 401, "APIGW.0301")
	_, err = assume("not-granted")
	wantAPIError(t, "an agency not granted", err, 403, "IAM.0003")
	if issued := m.IssuedCredentials(); len(issued) != 1 || issued[0].Method != "assume_role" {
		t.Errorf("mock's issued credentials: %+v", issued)
	}
}
