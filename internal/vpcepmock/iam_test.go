package vpcepmock

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// signed signs req with ak/sk (and a security token when given) at the
// harness clock's time, as the official SDK does: the token header goes on
// before signing.
func (h *harness) signed(req *http.Request, body, ak, sk, securityToken string) result {
	h.t.Helper()
	if securityToken != "" {
		req.Header.Set(SecurityTokenHeader, securityToken)
	}
	if err := aksk.Sign(req, []byte(body), ak, sk, h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
	return h.send(req)
}

// testJWT is a well-formed, unsigned JWT expiring at exp.
func testJWT(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(fmt.Sprintf(`{"sub":"ci","exp":%d}`, exp.Unix()))) + ".c2ln"
}

const assumeBody = `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":%q,"domain_name":%q,"duration_seconds":3600}}}}`

func iamHarness(t *testing.T) *harness {
	return newHarness(t, func(c *Config) {
		c.IAM = IAMConfig{DomainName: "acme", Agencies: []string{"ops"}, IdentityProviders: []string{"ci-idp"},
			CredentialTTL: 10 * time.Minute, Projects: map[string]string{DefaultRegion + "_sub": otherProject}}
	})
}

// assume issues temporary keys for the agency with the default AK/SK.
func (h *harness) assume(agency, domain string) (result, iamCredentialBody) {
	h.t.Helper()
	body := fmt.Sprintf(assumeBody, agency, domain)
	r := h.signed(newRequest(http.MethodPost, "/v3.0/OS-CREDENTIAL/securitytokens", body), body, DefaultAccessKey, DefaultSecretKey, "")
	var out struct{ Credential iamCredentialBody }
	if r.code == http.StatusCreated {
		r.decode(h.t, &out)
	}
	return r, out.Credential
}

// TestUnitIAMProjectList catches the region not naming the default project,
// a sub-project not listed by its own name, a wrong name listing something,
// and the call answered without a credential.
func TestUnitIAMProjectList(t *testing.T) {
	h := iamHarness(t)
	for name, want := range map[string]string{DefaultRegion: testProject, DefaultRegion + "_sub": otherProject, "xx-nowhere-1": ""} {
		r := h.signed(newRequest(http.MethodGet, "/v3/projects?name="+name, ""), "", DefaultAccessKey, DefaultSecretKey, "")
		var out struct {
			Projects []struct{ ID, Name, DomainID string } `json:"projects"`
		}
		r.decode(t, &out)
		got := ""
		if len(out.Projects) == 1 {
			got = out.Projects[0].ID
		}
		if r.code != http.StatusOK || got != want || len(out.Projects) > 1 || r.hdr.Get(headerRequestID) == "" || r.hdr.Get(headerIAMTraceID) == "" {
			t.Errorf("projects?name=%s: %d %s, want id %q", name, r.code, r.body, want)
		}
	}
	if r := h.send(newRequest(http.MethodGet, "/v3/projects?name="+DefaultRegion, "")); r.code != http.StatusUnauthorized {
		t.Errorf("anonymous project list: %d, want 401", r.code)
	}
	r := h.signed(newRequest(http.MethodGet, "/v3/auth/domains", ""), "", DefaultAccessKey, DefaultSecretKey, "")
	if r.code != http.StatusOK || !strings.Contains(string(r.body), `"name":"acme"`) {
		t.Errorf("auth domains: %d %s", r.code, r.body)
	}
}

// TestUnitIAMAssumeRoleCredentialsWork catches an agency's temporary keys
// that cannot sign API calls with their security token, or that are
// accepted without it, with another key's token or after the TTL; and a
// foreign agency or domain not refused with 403.
func TestUnitIAMAssumeRoleCredentialsWork(t *testing.T) {
	h := iamHarness(t)
	r, cred := h.assume("ops", "acme")
	if r.code != http.StatusCreated || cred.Access == "" || cred.SecurityToken == "" || cred.ExpiresAt != h.clock.Now().Add(10*time.Minute).Format(iamTimeLayout) {
		t.Fatalf("assume_role: %d %s", r.code, r.body)
	}
	list := "/v1/" + testProject + "/vpc-endpoint-services"
	if r := h.signed(newRequest(http.MethodGet, list, ""), "", cred.Access, cred.Secret, cred.SecurityToken); r.code != http.StatusOK {
		t.Errorf("temporary keys with their token: %d %s", r.code, r.body)
	}
	// A temporary AK without its security token is refused.
	if r := h.signed(newRequest(http.MethodGet, list, ""), "", cred.Access, cred.Secret, ""); r.code != http.StatusUnauthorized || !strings.Contains(string(r.body), "x-security-token not found") {
		t.Errorf("temporary keys without a token: %d %s, want 401", r.code, r.body)
	}
	_, other := h.assume("ops", "acme")
	if r := h.signed(newRequest(http.MethodGet, list, ""), "", cred.Access, cred.Secret, other.SecurityToken); r.code != http.StatusUnauthorized {
		t.Errorf("temporary keys with another key's token: %d, want 401", r.code)
	}
	// Sent but not signed: added after signing.
	req := newRequest(http.MethodGet, list, "")
	_ = aksk.Sign(req, nil, cred.Access, cred.Secret, h.clock.Now())
	req.Header.Set(SecurityTokenHeader, cred.SecurityToken)
	if r := h.send(req); r.code != http.StatusUnauthorized || !strings.Contains(string(r.body), "not signed") {
		t.Errorf("unsigned security token: %d %s, want 401", r.code, r.body)
	}
	if r := h.signed(newRequest(http.MethodGet, "/v1/"+otherProject+"/vpc-endpoint-services", ""), "", cred.Access, cred.Secret, cred.SecurityToken); r.code != http.StatusForbidden {
		t.Errorf("temporary keys on another project: %d, want 403", r.code)
	}
	h.clock.Advance(10 * time.Minute)
	if r := h.signed(newRequest(http.MethodGet, list, ""), "", cred.Access, cred.Secret, cred.SecurityToken); r.code != http.StatusUnauthorized || !strings.Contains(string(r.body), "security token expired") {
		t.Errorf("expired temporary keys: %d %s, want 401 security token expired", r.code, r.body)
	}
	for _, tt := range [][2]string{{"root", "acme"}, {"ops", "someone-else"}} {
		if r, _ := h.assume(tt[0], tt[1]); r.code != http.StatusForbidden {
			t.Errorf("assume %s in %s: %d, want 403", tt[0], tt[1], r.code)
		}
	}
	if n := len(h.m.IssuedCredentials()); n != 2 {
		t.Errorf("issued %d credentials, want 2", n)
	}
	if got := h.m.RequestCounts()[OpCreateTemporaryAccessKeyByAgency]; got != 4 {
		t.Errorf("counted %d agency calls, want 4", got)
	}
}

// TestUnitIAMOIDCFederation catches an ID token of a known identity
// provider that does not become an IAM token (X-Subject-Token) and then
// temporary keys, and an unknown provider or an expired or malformed ID
// token not refused with 401.
func TestUnitIAMOIDCFederation(t *testing.T) {
	h := iamHarness(t)
	exchange := func(idp, jwt string) result {
		req := newRequest(http.MethodPost, "/v3.0/OS-AUTH/id-token/tokens", fmt.Sprintf(`{"auth":{"id_token":{"id":%q}}}`, jwt))
		req.Header.Set(headerIdpID, idp)
		return h.send(req)
	}
	r := exchange("ci-idp", testJWT(h.clock.Now().Add(time.Hour)))
	token := r.hdr.Get(headerSubjectToken)
	var body struct {
		Token struct {
			ExpiresAt string   `json:"expires_at"`
			Methods   []string `json:"methods"`
		} `json:"token"`
	}
	r.decode(t, &body)
	if r.code != http.StatusCreated || token == "" || body.Token.ExpiresAt == "" || r.hdr.Get(headerRequestID) == "" {
		t.Fatalf("id-token exchange: %d %s", r.code, r.body)
	}
	for _, bad := range []result{exchange("other-idp", testJWT(h.clock.Now().Add(time.Hour))),
		exchange("ci-idp", testJWT(h.clock.Now().Add(-time.Second))), exchange("ci-idp", "not-a-jwt")} {
		if bad.code != http.StatusUnauthorized {
			t.Errorf("bad id-token exchange: %d %s, want 401", bad.code, bad.body)
		}
	}
	inBody := fmt.Sprintf(`{"auth":{"identity":{"methods":["token"],"token":{"id":%q,"duration_seconds":900}}}}`, token)
	r = h.send(newRequest(http.MethodPost, "/v3.0/OS-CREDENTIAL/securitytokens", inBody))
	var out struct{ Credential iamCredentialBody }
	r.decode(t, &out)
	if r.code != http.StatusCreated || out.Credential.SecurityToken == "" {
		t.Fatalf("securitytokens by token: %d %s", r.code, r.body)
	}
	// The token may come in X-Auth-Token instead of the body.
	req := newRequest(http.MethodPost, "/v3.0/OS-CREDENTIAL/securitytokens", `{"auth":{"identity":{"methods":["token"]}}}`)
	req.Header.Set(headerAuthToken, token)
	if r := h.send(req); r.code != http.StatusCreated {
		t.Errorf("securitytokens with X-Auth-Token: %d %s", r.code, r.body)
	}
	if r := h.send(newRequest(http.MethodPost, "/v3.0/OS-CREDENTIAL/securitytokens", strings.Replace(inBody, token, "forged", 1))); r.code != http.StatusUnauthorized {
		t.Errorf("securitytokens with a forged token: %d, want 401", r.code)
	}
	if r := h.signed(newRequest(http.MethodGet, "/v1/"+testProject+"/vpc-endpoint-services", ""), "", out.Credential.Access, out.Credential.Secret, out.Credential.SecurityToken); r.code != http.StatusOK {
		t.Errorf("federated temporary keys: %d %s", r.code, r.body)
	}
}
