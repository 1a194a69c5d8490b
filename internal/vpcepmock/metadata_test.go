package vpcepmock

import (
	"net/http"
	"testing"
)

// TestUnitMetadata catches the security key served without the session
// token when the token service is on, not served directly when it is off,
// or served at all when metadata is disabled (404).
func TestUnitMetadata(t *testing.T) {
	h := iamHarness(t)
	put := newRequest(http.MethodPut, "/meta-data/latest/api/token", "")
	put.Header.Set(headerMetadataTTL, "21600")
	r := h.send(put)
	session := string(r.body)
	if r.code != http.StatusOK || session == "" {
		t.Fatalf("metadata token: %d %s", r.code, r.body)
	}
	if r := h.send(newRequest(http.MethodGet, "/openstack/latest/securitykey", "")); r.code != http.StatusUnauthorized {
		t.Errorf("security key without the session token: %d, want 401", r.code)
	}
	get := newRequest(http.MethodGet, "/openstack/latest/securitykey", "")
	get.Header.Set(headerMetadataToken, session)
	r = h.send(get)
	var out struct{ Credential iamCredentialBody }
	r.decode(t, &out)
	if r.code != http.StatusOK || out.Credential.Access == "" {
		t.Fatalf("security key: %d %s", r.code, r.body)
	}
	if r := h.signed(newRequest(http.MethodGet, "/v1/"+testProject+"/vpc-endpoint-services", ""), "", out.Credential.Access, out.Credential.Secret, out.Credential.SecurityToken); r.code != http.StatusOK {
		t.Errorf("metadata keys: %d %s", r.code, r.body)
	}

	noToken := newHarness(t, func(c *Config) { c.IAM.MetadataWithoutSessionToken = true })
	if r := noToken.send(put); r.code != http.StatusNotFound {
		t.Errorf("token service absent: PUT %d, want 404", r.code)
	}
	if r := noToken.send(newRequest(http.MethodGet, "/openstack/latest/securitykey", "")); r.code != http.StatusOK {
		t.Errorf("token service absent: GET %d %s, want 200", r.code, r.body)
	}
	off := newHarness(t, func(c *Config) { c.IAM.DisableMetadata = true })
	if r := off.send(newRequest(http.MethodGet, "/openstack/latest/securitykey", "")); r.code != http.StatusNotFound {
		t.Errorf("metadata disabled: GET %d, want 404", r.code)
	}
}

// TestUnitMetadataTokenTTLBounds catches a session token issued for a TTL ECS
// refuses (0, negative, over 6 hours, not a number).
func TestUnitMetadataTokenTTLBounds(t *testing.T) {
	t.Parallel()
	h := iamHarness(t)
	for _, ttl := range []string{"", "0", "-1", "21601", "1h", " 60"} {
		put := newRequest(http.MethodPut, "/meta-data/latest/api/token", "")
		put.Header.Set(headerMetadataTTL, ttl)
		if r := h.send(put); r.code != http.StatusBadRequest {
			t.Errorf("TTL %q: %d %s, want 400", ttl, r.code, r.body)
		}
	}
}
