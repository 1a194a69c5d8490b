package client

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

func iamMockEnv(t *testing.T) *mockEnv {
	return newMockEnv(t, vpcepmock.Config{IAM: vpcepmock.IAMConfig{DomainName: "acme", Agencies: []string{"ops"},
		IdentityProviders: []string{"ci"}}})
}

func (e *mockEnv) iam(t *testing.T) *IAMClient {
	t.Helper()
	c, err := NewIAM(IAMConfig{Endpoint: e.url})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var permanentKeys = Credentials{AccessKey: vpcepmock.DefaultAccessKey, SecretKey: vpcepmock.DefaultSecretKey}

// TestUnitIAMClientFlows catches an IAM call the provider makes that fails
// against the mock, and temporary keys that do not sign VPCEP calls with
// their security token.
func TestUnitIAMClientFlows(t *testing.T) {
	t.Parallel()
	e := iamMockEnv(t)
	iam := e.iam(t)
	ctx := context.Background()

	projects, err := iam.ProjectsByName(ctx, permanentKeys, vpcepmock.DefaultRegion)
	if err != nil || len(projects) != 1 || projects[0].ID != vpcepmock.DefaultProjectID {
		t.Fatalf("ProjectsByName: %v %+v", err, projects)
	}
	if p, err := iam.ProjectsByName(ctx, permanentKeys, "xx-nowhere-1"); err != nil || len(p) != 0 {
		t.Errorf("ProjectsByName(wrong region): %v %+v, want none", err, p)
	}

	agency, err := iam.AssumeAgency(ctx, permanentKeys, AssumeAgency{AgencyName: "ops", DomainName: "acme", DurationSeconds: 900})
	if err != nil || !agency.Temporary() || agency.SecurityToken == "" {
		t.Fatalf("AssumeAgency: %v %+v", err, agency.ExpiresAt)
	}
	if _, err := iam.AssumeAgency(ctx, permanentKeys, AssumeAgency{AgencyName: "root", DomainName: "acme"}); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("AssumeAgency(unknown agency): %v, want a 403", err)
	}
	// IAM's answers are labelled IAM's: they read "VPCEP API error" before.
	_, err = iam.AssumeAgency(ctx, permanentKeys, AssumeAgency{AgencyName: "root", DomainName: "acme"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Service != ServiceIAM ||
		!strings.Contains(err.Error(), "IAM API error: HTTP 403") || strings.Contains(err.Error(), "VPCEP") {
		t.Errorf("an IAM refusal reads %q, want it labelled IAM's", err)
	}
	c := e.client(t, func(cfg *Config) {
		cfg.AuthToken, cfg.AccessKey, cfg.SecretKey, cfg.SecurityToken = "", agency.AccessKey, agency.SecretKey, agency.SecurityToken
	})
	if _, err := c.GetEndpointService(ctx, "missing"); !IsNotFound(err) {
		t.Errorf("VPCEP call with agency keys: %v, want a 404 (authenticated)", err)
	}
	// Without its security token the temporary AK is refused.
	bare := e.client(t, func(cfg *Config) {
		cfg.AuthToken, cfg.AccessKey, cfg.SecretKey = "", agency.AccessKey, agency.SecretKey
	})
	if _, err := bare.GetEndpointService(ctx, "missing"); !HasCode(err, "APIGW.0301") {
		t.Errorf("temporary AK without its security token: %v, want 401 APIGW.0301", err)
	}

	enc := base64.RawURLEncoding.EncodeToString
	jwt := enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(fmt.Sprintf(`{"exp":%d}`, time.Now().Add(time.Hour).Unix()))) + ".x"
	token, err := iam.TokenFromIDToken(ctx, "ci", jwt)
	if err != nil || token == "" {
		t.Fatalf("TokenFromIDToken: %v", err)
	}
	if _, err := iam.TokenFromIDToken(ctx, "other", jwt); err == nil {
		t.Error("TokenFromIDToken(unknown idp) succeeded")
	}
	fed, err := iam.CredentialsFromToken(ctx, token, 900)
	if err != nil || fed.SecurityToken == "" {
		t.Fatalf("CredentialsFromToken: %v", err)
	}

	md, err := NewMetadata(e.url, time.Second).SecurityKey(ctx)
	if err != nil || md.SecurityToken == "" {
		t.Fatalf("metadata SecurityKey: %v", err)
	}
	if _, err := NewMetadata("http://127.0.0.1:1", time.Second).SecurityKey(ctx); err == nil {
		t.Error("metadata on a closed port succeeded")
	}
}

// renewingProvider hands out expired keys first and counts renewals.
type renewingProvider struct {
	mu       sync.Mutex
	current  Credentials
	next     func() Credentials
	renewals atomic.Int32
}

func (p *renewingProvider) Credentials(context.Context) (Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current, nil
}

func (p *renewingProvider) Renew(_ context.Context, refused Credentials) (Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current.Same(refused) {
		p.renewals.Add(1)
		p.current = p.next()
	}
	return p.current, nil
}

// TestUnitTemporaryCredentialsRenewedOnceOn401 catches a 401 for expired
// temporary keys that does not renew them and retry once, and keys the API
// still refuses renewed in a loop instead of failing after that one
// renewal.
func TestUnitTemporaryCredentialsRenewedOnceOn401(t *testing.T) {
	t.Parallel()
	clock := struct {
		sync.Mutex
		t time.Time
	}{t: time.Now()}
	now := func() time.Time { clock.Lock(); defer clock.Unlock(); return clock.t }
	e := newMockEnv(t, vpcepmock.Config{Now: now, IAM: vpcepmock.IAMConfig{DomainName: "acme", Agencies: []string{"ops"}, CredentialTTL: time.Minute}})
	iam := e.iam(t)
	ctx := context.Background()
	assume := func() Credentials {
		c, err := iam.AssumeAgency(ctx, permanentKeys, AssumeAgency{AgencyName: "ops", DomainName: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := assume()
	clock.Lock()
	clock.t = clock.t.Add(2 * time.Minute) // first has expired
	clock.Unlock()

	p := &renewingProvider{current: first, next: assume}
	c := e.client(t, func(cfg *Config) { cfg.AuthToken, cfg.Credentials = "", p })
	c.now = now
	if _, err := c.GetEndpointService(ctx, "missing"); !IsNotFound(err) {
		t.Fatalf("after renewal: %v, want the call to go through (404)", err)
	}
	if n := p.renewals.Load(); n != 1 {
		t.Errorf("renewed %d times, want 1", n)
	}

	// A renewal that gives keys the API refuses again: one renewal, then the 401.
	stuck := &renewingProvider{current: first, next: func() Credentials { return first }}
	stuck.next = func() Credentials { c := first; c.SecretKey = "wrong"; return c }
	c2 := e.client(t, func(cfg *Config) { cfg.AuthToken, cfg.Credentials = "", stuck })
	c2.now = now
	before := e.mock.RequestCounts()[vpcepmock.CountUnauthorized]
	if _, err := c2.GetEndpointService(ctx, "missing"); !HasCode(err, "APIGW.0301") {
		t.Fatalf("refused again: %v, want the 401", err)
	}
	if n, sent := stuck.renewals.Load(), e.mock.RequestCounts()[vpcepmock.CountUnauthorized]-before; n != 1 || sent != 2 {
		t.Errorf("renewed %d times and sent %d refused requests, want 1 and 2", n, sent)
	}
}

// newScriptedIAM is an IAM client on a scripted server, with instant
// back-off whose ceilings it records.
func newScriptedIAM(t *testing.T, maxRetries int, script ...step) (*IAMClient, *scriptedServer, *[]int64) {
	t.Helper()
	srv := newScriptedServer(t, script...)
	iam, err := NewIAM(IAMConfig{Endpoint: srv.URL, MaxRetries: maxRetries, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ceilings := &[]int64{}
	iam.jitter = func(n int64) int64 { mu.Lock(); defer mu.Unlock(); *ceilings = append(*ceilings, n); return 0 }
	return iam, srv, ceilings
}

const iamProjects = `{"projects":[{"id":"p1","name":"eu-de","domain_id":"d1","enabled":true}]}`

// TestUnitIAMRetriesLikeVPCEP: IAM calls follow the client's retry rules. It
// catches an IAM loop of its own: a Retry-After ignored, linear steps
// without jitter, or a fixed number of tries instead of max_retries.
func TestUnitIAMRetriesLikeVPCEP(t *testing.T) {
	t.Parallel()
	throttled := `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}`
	iam, srv, ceilings := newScriptedIAM(t, 3,
		step{status: http.StatusTooManyRequests, body: throttled, retryAfter: "1"},
		step{status: http.StatusServiceUnavailable},
		step{status: http.StatusBadGateway},
		step{status: http.StatusOK, body: iamProjects})
	projects, err := iam.ProjectsByName(context.Background(), permanentKeys, "eu-de")
	if err != nil || len(projects) != 1 || projects[0].ID != "p1" {
		t.Fatalf("ProjectsByName after a 429, a 503 and a 502: %v %+v", err, projects)
	}
	if srv.count() != 4 {
		t.Errorf("requests = %d, want 4", srv.count())
	}
	// The 429's Retry-After set its pause without jitter; the 503 (attempt 2)
	// and the 502 (attempt 3) drew from doubling ceilings.
	want := []int64{int64(2*time.Millisecond) + 1, int64(4*time.Millisecond) + 1}
	if fmt.Sprint(*ceilings) != fmt.Sprint(want) {
		t.Errorf("back-off ceilings %v, want %v (exponential, full jitter, Retry-After without jitter)", *ceilings, want)
	}
}

// TestUnitIAMRetriesBoundedByMaxRetries: IAM gives up after max_retries
// retries with IAM's answer, labelled IAM's. It catches a bound of IAM's own.
func TestUnitIAMRetriesBoundedByMaxRetries(t *testing.T) {
	t.Parallel()
	for _, retries := range []int{0, 4} {
		iam, srv, _ := newScriptedIAM(t, retries, step{status: http.StatusServiceUnavailable, body: `{"error_code":"IAM.0001","error_msg":"busy"}`})
		_, err := iam.ProjectsByName(context.Background(), permanentKeys, "eu-de")
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Service != ServiceIAM || apiErr.StatusCode != http.StatusServiceUnavailable ||
			!strings.HasPrefix(err.Error(), "IAM GET /v3/projects: IAM API error: HTTP 503") {
			t.Errorf("max_retries %d: error %v, want IAM's 503", retries, err)
		}
		if srv.count() != retries+1 {
			t.Errorf("max_retries %d: %d requests, want %d", retries, srv.count(), retries+1)
		}
	}
}

// TestUnitIAMRequestsSentAsSigned: an IAM request keeps its own form through
// the shared engine: the body's content type even on a GET, no X-Project-Id,
// and a signature. It catches VPCEP's header rules leaking into IAM calls,
// which would change what is signed.
func TestUnitIAMRequestsSentAsSigned(t *testing.T) {
	t.Parallel()
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		_, _ = w.Write([]byte(iamProjects))
	}))
	t.Cleanup(srv.Close)
	iam, err := NewIAM(IAMConfig{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iam.ProjectsByName(context.Background(), permanentKeys, "eu-de"); err != nil {
		t.Fatal(err)
	}
	if ct := got.Get(headerContentType); ct != contentTypeJSONBody {
		t.Errorf("Content-Type %q, want %q", ct, contentTypeJSONBody)
	}
	if got.Get(headerProjectID) != "" || !strings.HasPrefix(got.Get("Authorization"), "SDK-HMAC-SHA256 ") {
		t.Errorf("headers %v: want a signature and no X-Project-Id", got)
	}
}
