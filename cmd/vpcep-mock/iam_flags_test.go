package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// signedPost sends body signed with the built-in example AK/SK.
func signedPost(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if err := aksk.Sign(req, []byte(body), vpcepmock.DefaultAccessKey, vpcepmock.DefaultSecretKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestUnitRunIAMFlags catches an IAM flag that does not reach the mock:
// -region naming the project in IAM's list, -domain-name and -agency
// deciding which agency may be assumed, -credential-ttl the lifetime of the
// keys issued, -metadata=false turning metadata off.
func TestUnitRunIAMFlags(t *testing.T) {
	t.Parallel()
	url, stop := start(t, "-region", "xx-test-1", "-domain-name", "acme", "-agency", "ops", "-agency", "audit",
		"-idp", "ci", "-credential-ttl", "90s", "-metadata=false")
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	if status, body := get(t, http.DefaultClient, url+"/v3/projects?name=xx-test-1", vpcepmock.DefaultToken); status != 200 ||
		!strings.Contains(body, `"id":"`+vpcepmock.DefaultProjectID+`"`) {
		t.Errorf("project list by -region: %d %s", status, body)
	}
	assume := `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"%s","domain_name":"acme"}}}}`
	for _, agency := range []string{"ops", "audit"} {
		before := time.Now()
		status, body := signedPost(t, url+"/v3.0/OS-CREDENTIAL/securitytokens", strings.Replace(assume, "%s", agency, 1))
		after := time.Now()
		var out struct {
			Credential struct {
				ExpiresAt string `json:"expires_at"`
			} `json:"credential"`
		}
		_ = json.Unmarshal([]byte(body), &out)
		exp, err := time.Parse(time.RFC3339Nano, out.Credential.ExpiresAt)
		// 90s after the request was served, whenever that was (to the second).
		if status != 201 || err != nil || exp.Before(before.Add(89*time.Second)) || exp.After(after.Add(90*time.Second)) {
			t.Errorf("assume %s: %d %s, want keys living -credential-ttl", agency, status, body)
		}
	}
	if status, _ := signedPost(t, url+"/v3.0/OS-CREDENTIAL/securitytokens", strings.Replace(assume, "%s", "root", 1)); status != 403 {
		t.Errorf("assume an agency not given with -agency: %d, want 403", status)
	}
	if status, _ := get(t, http.DefaultClient, url+"/openstack/latest/securitykey", ""); status != 404 {
		t.Errorf("metadata with -metadata=false: %d, want 404", status)
	}
}

// TestUnitRunRefusesBadCredentialTTL catches a zero or negative
// -credential-ttl accepted, which would issue keys that are expired at
// once.
func TestUnitRunRefusesBadCredentialTTL(t *testing.T) {
	t.Parallel()
	if _, err := parseFlags([]string{"-credential-ttl", "0s"}, io.Discard); err == nil || !strings.Contains(err.Error(), "-credential-ttl") {
		t.Errorf("-credential-ttl 0s: %v", err)
	}
}
