package mocktest

import (
	"net/http"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Catches: a server whose token the mock does not know, or two servers
// sharing a project (parallel tests would see each other's endpoints).
func TestUnitStart(t *testing.T) {
	a, b := Start(t, vpcepmock.Config{}), Start(t, vpcepmock.Config{})
	if a.ProjectID == b.ProjectID || a.Token == b.Token {
		t.Fatalf("two servers share project %s or token %s", a.ProjectID, a.Token)
	}
	req, err := http.NewRequest(http.MethodGet, a.URL+"/v1/"+a.ProjectID+"/vpc-endpoint-services", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Auth-Token", a.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("listing services with the server's token answered %d, want 200", resp.StatusCode)
	}
	req.Header.Set("X-Auth-Token", b.Token)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("another server's token was accepted for project %s", a.ProjectID)
	}
}

// Catches: a Server describing another project than the mock's first, whose
// fixtures the tests look up.
func TestUnitStartGivenCredentials(t *testing.T) {
	s := Start(t, vpcepmock.Config{Credentials: []vpcepmock.Credential{
		{ProjectID: "p1", AccessKey: "ak1", SecretKey: "sk1"},
		{ProjectID: "p2", Token: "t2"},
		{ProjectID: "p1", Token: "t1"},
	}})
	if s.ProjectID != "p1" || s.Token != "t1" || s.AccessKey != "ak1" || s.SecretKey != "sk1" {
		t.Errorf("Server = %s/%s/%s/%s, want p1/t1/ak1/sk1", s.ProjectID, s.Token, s.AccessKey, s.SecretKey)
	}
}
