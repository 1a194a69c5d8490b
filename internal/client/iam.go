package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// IAM wire names (the IAM API reference; the official SDK's iam/v3 meta).
const (
	pathProjects            = "/v3/projects"
	pathSecurityTokens      = "/v3.0/OS-CREDENTIAL/securitytokens"
	pathIDTokenTokens       = "/v3.0/OS-AUTH/id-token/tokens"
	pathMetadataToken       = "/meta-data/latest/api/token"
	pathMetadataSecurityKey = "/openstack/latest/securitykey"
	headerSubjectToken      = "X-Subject-Token"
	headerIdpID             = "X-Idp-Id"
	headerMetadataToken     = "X-Metadata-Token"
	headerMetadataTTL       = "X-Metadata-Token-Ttl-Seconds"
	// metadataSessionTTL is the session token lifetime the SDK asks for.
	metadataSessionTTL = "21600"
)

// DefaultMetadataEndpoint is the ECS instance metadata service.
const DefaultMetadataEndpoint = "http://169.254.169.254"

// IAMConfig configures an IAMClient.
type IAMConfig struct {
	// Endpoint is the IAM base URL, e.g. https://iam.eu-west-101.myhuaweicloud.eu.
	Endpoint string
	// HTTPClient sends the requests; nil = the default client (Insecure applies).
	HTTPClient *http.Client
	Insecure   bool
	UserAgent  string
	// MaxRetries, RetryBaseDelay and RetryMaxDelay are Config's: IAM calls
	// are retried by the same rules as VPCEP calls.
	MaxRetries                    int
	RetryBaseDelay, RetryMaxDelay time.Duration
}

// IAMClient makes the few IAM calls credentials need: the project list,
// temporary keys by agency or from a token, and the OIDC token exchange.
// It is safe for concurrent use.
type IAMClient struct {
	// engine sends the requests with the retry rules of Client, with a
	// throttling pause of its own: IAM's limits are not VPCEP's.
	*engine
}

// NewIAM returns an IAM client.
func NewIAM(cfg IAMConfig) (*IAMClient, error) {
	base, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("IAM client: endpoint %q is not an http(s) URL", cfg.Endpoint)
	}
	return &IAMClient{newEngine(ServiceIAM, base, engineSettings{maxRetries: cfg.MaxRetries, baseDelay: cfg.RetryBaseDelay,
		maxDelay: cfg.RetryMaxDelay, httpClient: cfg.HTTPClient, insecure: cfg.Insecure, userAgent: cfg.UserAgent})}, nil
}

// Endpoint returns the IAM base URL.
func (c *IAMClient) Endpoint() string { return c.base.String() }

// Project is one entry of IAM's project list.
type Project struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	DomainID string `json:"domain_id"`
	Enabled  bool   `json:"enabled"`
}

// ProjectsByName lists the projects named name (a region, or a sub-project
// "{region}_{suffix}") that creds can see; none means a wrong name or no access.
func (c *IAMClient) ProjectsByName(ctx context.Context, creds Credentials, name string) ([]Project, error) {
	var out struct {
		Projects []Project `json:"projects"`
	}
	_, err := c.call(ctx, http.MethodGet, pathProjects, url.Values{"name": {name}}, nil, &creds, nil, &out)
	return out.Projects, err
}

// AssumeAgency is the agency to assume and for how long.
type AssumeAgency struct {
	AgencyName string
	// DomainName or DomainID names the account that owns the agency.
	DomainName, DomainID string
	// DurationSeconds is 900..43200; 0 = IAM's default.
	DurationSeconds int
}

// credentialBody is the credential object of IAM and metadata answers.
type credentialBody struct {
	Credential struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential"`
}

func (b credentialBody) credentials(what string) (Credentials, error) {
	c := b.Credential
	if c.Access == "" || c.Secret == "" || c.SecurityToken == "" {
		return Credentials{}, fmt.Errorf("%s answered without access, secret or securitytoken", what)
	}
	exp, err := time.Parse(time.RFC3339Nano, c.ExpiresAt)
	if err != nil {
		return Credentials{}, fmt.Errorf("%s answered an expires_at that is not RFC 3339: %q", what, c.ExpiresAt)
	}
	return Credentials{AccessKey: c.Access, SecretKey: c.Secret, SecurityToken: c.SecurityToken, ExpiresAt: exp}, nil
}

// AssumeAgency exchanges creds (AK/SK, maybe temporary) for the agency's
// temporary keys.
func (c *IAMClient) AssumeAgency(ctx context.Context, creds Credentials, a AssumeAgency) (Credentials, error) {
	role := map[string]any{"agency_name": a.AgencyName}
	if a.DomainID != "" {
		role["domain_id"] = a.DomainID
	} else {
		role["domain_name"] = a.DomainName
	}
	if a.DurationSeconds > 0 {
		role["duration_seconds"] = a.DurationSeconds
	}
	body := map[string]any{"auth": map[string]any{"identity": map[string]any{"methods": []string{"assume_role"}, "assume_role": role}}}
	var out credentialBody
	if _, err := c.call(ctx, http.MethodPost, pathSecurityTokens, nil, body, &creds, nil, &out); err != nil {
		return Credentials{}, err
	}
	return out.credentials("IAM (assume agency " + a.AgencyName + ")")
}

// TokenFromIDToken exchanges an OIDC ID token of identity provider idpID for
// an IAM token (unsigned call; the token comes back in X-Subject-Token).
func (c *IAMClient) TokenFromIDToken(ctx context.Context, idpID, idToken string) (string, error) {
	body := map[string]any{"auth": map[string]any{"id_token": map[string]string{"id": idToken}}}
	hdr, err := c.call(ctx, http.MethodPost, pathIDTokenTokens, nil, body, nil, map[string]string{headerIdpID: idpID}, nil)
	if err != nil {
		return "", err
	}
	token := hdr.Get(headerSubjectToken)
	if token == "" {
		return "", errors.New("IAM answered the ID token exchange without X-Subject-Token")
	}
	return token, nil
}

// CredentialsFromToken exchanges an IAM token for temporary keys.
func (c *IAMClient) CredentialsFromToken(ctx context.Context, token string, durationSeconds int) (Credentials, error) {
	tok := map[string]any{"id": token}
	if durationSeconds > 0 {
		tok["duration_seconds"] = durationSeconds
	}
	body := map[string]any{"auth": map[string]any{"identity": map[string]any{"methods": []string{"token"}, "token": tok}}}
	var out credentialBody
	if _, err := c.call(ctx, http.MethodPost, pathSecurityTokens, nil, body, nil, nil, &out); err != nil {
		return Credentials{}, err
	}
	return out.credentials("IAM (temporary keys from a token)")
}

// call sends one IAM request (creds nil = unsigned) through the engine,
// which retries it as it retries VPCEP calls. Bodies are never logged: IAM
// answers hold secrets. The answer is decoded here, not by the engine:
// DecodeError speaks of the VPCEP API, and an IAM answer that does not
// decode fails the call at once.
func (c *IAMClient) call(ctx context.Context, method, path string, query url.Values, in any, creds *Credentials, headers map[string]string, out any) (http.Header, error) {
	r := &request{method: method, path: path, query: query, contentType: contentTypeJSONBody, header: headers}
	if in != nil {
		var err error
		if r.body, err = encodeBody(in); err != nil {
			return nil, err
		}
	}
	if creds != nil {
		fixed := *creds
		r.credentials = func(context.Context) (Credentials, error) { return fixed, nil }
	}
	ans, err := c.send(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("IAM %s %s: %w", method, path, err)
	}
	if out != nil {
		if err := json.Unmarshal(ans.body, out); err != nil {
			return nil, fmt.Errorf("decoding IAM %s %s answer: %w", method, path, err)
		}
	}
	return ans.header, nil
}

// MetadataClient reads temporary keys from the ECS instance metadata
// service. Its connect timeout is short so that a machine off ECS gives up fast.
type MetadataClient struct {
	base       string
	httpClient *http.Client
}

// NewMetadata returns a metadata client for base (DefaultMetadataEndpoint
// when empty); every request is bounded by timeout.
func NewMetadata(base string, timeout time.Duration) *MetadataClient {
	if base == "" {
		base = DefaultMetadataEndpoint
	}
	transport := &http.Transport{
		// Never through a proxy: the service is link-local.
		DialContext:           guarded((&net.Dialer{Timeout: timeout}).DialContext),
		ResponseHeaderTimeout: timeout,
	}
	hc := &http.Client{Transport: transport, Timeout: timeout, CheckRedirect: refuseRedirect}
	return &MetadataClient{base: strings.TrimRight(base, "/"), httpClient: hc}
}

// SecurityKey asks for a session token first (404, 405 or 503: no token
// service, go on without), then for the instance agency's temporary keys.
func (m *MetadataClient) SecurityKey(ctx context.Context) (Credentials, error) {
	session := ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, m.base+pathMetadataToken, http.NoBody)
	if err != nil {
		return Credentials{}, err
	}
	req.Header.Set(headerMetadataTTL, metadataSessionTTL)
	resp, err := m.httpClient.Do(req)
	if err != nil {
		return Credentials{}, fmt.Errorf("ECS metadata at %s: %w", m.base, err)
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		session = strings.TrimSpace(string(b))
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusServiceUnavailable:
	default:
		return Credentials{}, fmt.Errorf("ECS metadata session token: HTTP %d", resp.StatusCode)
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, m.base+pathMetadataSecurityKey, http.NoBody)
	if err != nil {
		return Credentials{}, err
	}
	if session != "" {
		req.Header.Set(headerMetadataToken, session)
	}
	resp, err = m.httpClient.Do(req)
	if err != nil {
		return Credentials{}, fmt.Errorf("ECS metadata at %s: %w", m.base, err)
	}
	defer resp.Body.Close()
	b, err = io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return Credentials{}, fmt.Errorf("ECS metadata security key: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		// An instance without an agency answers an error; its text is not secret.
		return Credentials{}, fmt.Errorf("ECS metadata security key: HTTP %d %s (is an agency attached to the instance?)",
			resp.StatusCode, strconv.Quote(truncate(strings.TrimSpace(string(b)), 200)))
	}
	var out credentialBody
	if err := json.Unmarshal(b, &out); err != nil {
		return Credentials{}, fmt.Errorf("ECS metadata security key: the answer is not JSON: %w", err)
	}
	return out.credentials("ECS metadata")
}
