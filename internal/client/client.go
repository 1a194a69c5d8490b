// Package client is a client of the VPCEP v1 API with no Terraform types; it
// logs through terraform-plugin-log so that its lines land in the provider's log.
package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Headers and content types of the API (docs/api-notes.md).
const (
	headerAuthToken   = "X-Auth-Token"
	headerProjectID   = "X-Project-Id"
	headerRequestID   = "X-Request-Id"
	headerContentType = "Content-Type"
	headerAccept      = "Accept"
	headerUserAgent   = "User-Agent"
	headerRetryAfter  = "Retry-After"
	// contentTypeJSONBody is what the official SDK sends with a body.
	contentTypeJSONBody = "application/json;charset=UTF-8"
	contentTypeJSON     = "application/json"
)

// Defaults of Config.
const (
	DefaultRetryBaseDelay = 250 * time.Millisecond
	DefaultRetryMaxDelay  = 10 * time.Second
	DefaultUserAgent      = "terraform-provider-vpcep"
	// DefaultTimeout bounds one attempt of a request with the default HTTP client.
	DefaultTimeout = 30 * time.Second
	// MaxRetriesLimit caps Config.MaxRetries so a mistake cannot loop for hours.
	MaxRetriesLimit  = 20
	maxResponseBytes = 32 << 20 // a 1000-connection page is about 300 KiB
	// maxLoggedBody caps logged bodies: logging whole pages was the largest cost of a long wait (DESIGN.md).
	maxLoggedBody = 4 << 10
	// maskedValue replaces secrets in logs.
	maskedValue = "***"
)

// Config configures a Client. Exactly one auth method is required: AuthToken,
// or AccessKey with SecretKey.
type Config struct {
	// Endpoint is the base URL without /v1, e.g. https://vpcep.eu-de.example
	// or http://127.0.0.1:8080.
	Endpoint string
	// ProjectID is the project the services belong to (path and X-Project-Id).
	ProjectID string
	// AuthToken is an IAM token sent as X-Auth-Token.
	AuthToken string
	// AccessKey and SecretKey sign requests with SDK-HMAC-SHA256.
	AccessKey, SecretKey string
	// SecurityToken makes AccessKey/SecretKey a temporary credential; it is
	// sent, signed, as X-Security-Token.
	SecurityToken string
	// Credentials, when set, replaces the four fields above: it is asked
	// for the credentials of every attempt, and asked once to renew
	// temporary ones the API refused with a 401.
	Credentials CredentialProvider
	// MaxRetries is the number of retries after the first attempt; 0 means
	// none. It is capped at MaxRetriesLimit.
	MaxRetries int
	// RetryBaseDelay and RetryMaxDelay shape the exponential back-off; zero
	// means DefaultRetryBaseDelay and DefaultRetryMaxDelay.
	RetryBaseDelay, RetryMaxDelay time.Duration
	// HTTPClient sends the requests; nil means a default with timeouts,
	// TLS 1.2 or later and connection reuse.
	HTTPClient *http.Client
	// Insecure skips TLS verification (only when HTTPClient is nil).
	Insecure bool
	// UserAgent is sent as User-Agent; empty means DefaultUserAgent.
	UserAgent string
}

// Client talks to the VPCEP v1 API. It is safe for concurrent use.
type Client struct {
	// engine sends the requests, with the retries and the throttling pause.
	*engine
	projectID string
	// creds supplies the credentials; nil means fixed, from Config.
	creds CredentialProvider
	fixed Credentials
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("VPCEP client: endpoint is required")
	}
	base, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("VPCEP client: endpoint %q is not an http(s) URL", cfg.Endpoint)
	}
	if cfg.ProjectID == "" {
		return nil, errors.New("VPCEP client: project id is required")
	}
	hasToken := cfg.AuthToken != ""
	hasAKSK := cfg.AccessKey != "" || cfg.SecretKey != ""
	switch {
	case cfg.Credentials != nil && (hasToken || hasAKSK || cfg.SecurityToken != ""):
		return nil, errors.New("VPCEP client: set either Credentials or static credentials, not both")
	case cfg.Credentials != nil:
	case hasToken && hasAKSK:
		return nil, errors.New("VPCEP client: set either an auth token or an access key and secret key, not both")
	case !hasToken && !hasAKSK:
		return nil, errors.New("VPCEP client: an auth token or an access key and secret key is required")
	case hasAKSK && (cfg.AccessKey == "" || cfg.SecretKey == ""):
		return nil, errors.New("VPCEP client: access key and secret key must be set together")
	case hasToken && cfg.SecurityToken != "":
		return nil, errors.New("VPCEP client: a security token goes with an access key and secret key, not with an auth token")
	}
	for _, v := range []struct{ field, name, value string }{
		{"AuthToken", "auth token", cfg.AuthToken},
		{"AccessKey", "access key", cfg.AccessKey},
		{"SecretKey", "secret key", cfg.SecretKey},
		{"SecurityToken", "security token", cfg.SecurityToken},
		{"ProjectID", "project id", cfg.ProjectID},
	} {
		if err := checkHeaderValue(v.value); err != nil {
			return nil, &SettingError{Field: v.field, Name: v.name, Err: err}
		}
	}
	c := &Client{
		engine: newEngine("", base, engineSettings{maxRetries: cfg.MaxRetries, baseDelay: cfg.RetryBaseDelay,
			maxDelay: cfg.RetryMaxDelay, httpClient: cfg.HTTPClient, insecure: cfg.Insecure, userAgent: cfg.UserAgent}),
		projectID: cfg.ProjectID,
		creds:     cfg.Credentials,
	}
	if c.creds == nil {
		c.fixed = Credentials{AuthToken: cfg.AuthToken, AccessKey: cfg.AccessKey, SecretKey: cfg.SecretKey, SecurityToken: cfg.SecurityToken}
	}
	return c, nil
}

// credentials are the credentials of the next attempt. Fixed ones never
// expire, so they are never renewed.
func (c *Client) credentials(ctx context.Context) (Credentials, error) {
	if c.creds == nil {
		return c.fixed, nil
	}
	return c.creds.Credentials(ctx)
}

// defaultHTTPClient has timeouts at every stage, TLS 1.2 or later, and enough idle
// connections per host for Terraform's parallelism, so resources reuse connections.
func defaultHTTPClient(insecure bool) *http.Client {
	transport := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: guarded((&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: DefaultTimeout,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: insecure, //nolint:gosec // only when the user asks for it
		},
	}
	return &http.Client{Transport: transport, Timeout: DefaultTimeout}
}

// projectPath is /v1/{project_id}/ followed by the escaped segments.
func (c *Client) projectPath(segments ...string) string {
	var b strings.Builder
	b.WriteString("/v1/")
	b.WriteString(url.PathEscape(c.projectID))
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// encodeBody encodes v as the official SDK does, so we sign the bytes an SDK would send.
func encodeBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// do sends one API call with retries and decodes a 2xx body into out (if
// non-nil). path is the escaped path; query may be nil; in is the request body
// value or nil.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	r := &request{method: method, path: path, query: query, credentials: c.credentials, projectID: c.projectID, out: out}
	if in != nil {
		var err error
		if r.body, err = encodeBody(in); err != nil {
			return &NotSentError{Method: method, Path: path, Err: fmt.Errorf("encoding the request body: %w", err)}
		}
	}
	if c.creds != nil {
		r.renew = c.creds.Renew
	}
	_, err := c.send(ctx, r)
	return err
}
