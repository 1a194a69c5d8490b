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
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
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
	base      *url.URL
	projectID string
	// creds supplies the credentials; nil means fixed, from Config.
	creds      CredentialProvider
	fixed      Credentials
	maxRetries int
	baseDelay  time.Duration
	maxDelay   time.Duration
	httpClient *http.Client
	userAgent  string
	// throttle is the pause every request shares while the API throttles.
	throttle throttleGate
	// now and jitter are replaced in tests.
	now    func() time.Time
	jitter func(n int64) int64
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
		base:       base,
		projectID:  cfg.ProjectID,
		creds:      cfg.Credentials,
		maxRetries: min(max(cfg.MaxRetries, 0), MaxRetriesLimit),
		baseDelay:  cfg.RetryBaseDelay,
		maxDelay:   cfg.RetryMaxDelay,
		httpClient: cfg.HTTPClient,
		userAgent:  cfg.UserAgent,
		now:        time.Now,
		jitter:     rand.Int64N,
	}
	if c.baseDelay <= 0 {
		c.baseDelay = DefaultRetryBaseDelay
	}
	if c.maxDelay <= 0 {
		c.maxDelay = DefaultRetryMaxDelay
	}
	if c.maxDelay < c.baseDelay {
		c.maxDelay = c.baseDelay
	}
	if c.httpClient == nil {
		c.httpClient = defaultHTTPClient(cfg.Insecure)
	} else {
		// A copy, so that the caller's client keeps its own redirect policy.
		hc := *c.httpClient
		c.httpClient = &hc
	}
	// The API never redirects; following one would send the token, the
	// signed headers and the body to a host nobody configured.
	c.httpClient.CheckRedirect = refuseRedirect
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
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
	var body []byte
	if in != nil {
		var err error
		if body, err = encodeBody(in); err != nil {
			return &NotSentError{Method: method, Path: path, Err: fmt.Errorf("encoding the request body: %w", err)}
		}
	}
	// path is already escaped; RawPath keeps that exact form (an id holding
	// '/' stays one segment) and Path is its decoded twin, as url.URL wants.
	u := *c.base
	u.RawPath = strings.TrimRight(c.base.EscapedPath(), "/") + path
	decoded, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return &NotSentError{Method: method, Path: path, Err: fmt.Errorf("building the request URL: %w", err)}
	}
	u.Path = decoded
	u.RawQuery = query.Encode()
	target := u.String()

	// Every call may be retried: reads change nothing and both writes are idempotent in effect.
	renewed := false
	for attempt := 1; ; attempt++ {
		creds, err := c.credentials(ctx)
		if err != nil {
			if attempt == 1 {
				return &NotSentError{Method: method, Path: path, Setting: "Credentials", Err: fmt.Errorf("getting credentials: %w", err)}
			}
			return fmt.Errorf("getting credentials for attempt %d of %s %s: %w", attempt, method, path, err)
		}
		credCtx := maskCredentials(ctx, creds)
		if err := c.throttle.wait(ctx); err != nil {
			if attempt == 1 {
				return &NotSentError{Method: method, Path: path, Err: err}
			}
			return err
		}
		respBody, requestID, err := c.attempt(credCtx, creds, method, target, path, query, body, attempt)
		// Temporary credentials that expired are renewed once (shared with
		// every concurrent call) and the request retried once, never in a loop.
		if isUnauthorized(err) && creds.Temporary() && c.creds != nil && !renewed {
			renewed = true
			tflog.Debug(credCtx, "VPCEP API refused temporary credentials; renewing them once", map[string]any{"method": method, "path": path})
			if _, renewErr := c.creds.Renew(ctx, creds); renewErr == nil {
				attempt--
				continue
			} else {
				err = fmt.Errorf("%w (renewing the temporary credentials failed: %v)", err, renewErr) //nolint:errorlint // the renewal error is context, not the cause
			}
		}
		if err == nil {
			c.throttle.succeeded()
			if out == nil || len(bytes.TrimSpace(respBody)) == 0 {
				return nil
			}
			// Zeroed first: a failed attempt may have filled part of out.
			reflect.ValueOf(out).Elem().SetZero()
			if err = json.Unmarshal(respBody, out); err == nil {
				return nil
			}
			err = &DecodeError{Method: method, Path: path, RequestID: requestID, Bytes: len(respBody), Err: err}
		}
		if IsNotSent(err) {
			return err
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if attempt > c.maxRetries || !IsRetryable(err) {
			var ra *retryAfterError
			if errors.As(err, &ra) {
				return ra.APIError
			}
			return err
		}
		if IsThrottled(err) {
			// Every request of the client waits out this pause at the top of the loop.
			opens := c.throttle.throttled(time.Now(), func(strike int) time.Duration { return c.backoff(strike, err) })
			tflog.Debug(ctx, "VPCEP API throttled; every request of the provider pauses", map[string]any{
				"method": method, "path": path, "attempt": attempt, "delay_ms": time.Until(opens).Milliseconds(), "error": err.Error(),
			})
			continue
		}
		delay := c.backoff(attempt, err)
		tflog.Debug(ctx, "VPCEP API call will be retried", map[string]any{
			"method": method, "path": path, "attempt": attempt, "delay_ms": delay.Milliseconds(), "error": err.Error(),
		})
		if err := pause.For(ctx, delay); err != nil {
			return err
		}
	}
}

// retryAfterError carries a Retry-After hint next to the API error it came
// with; do unwraps it for the delay and callers still see the *APIError.
type retryAfterError struct {
	*APIError
	after time.Duration
}

func (e *retryAfterError) Unwrap() error { return e.APIError }

// backoff draws uniformly in [0, min(max, base*2^(attempt-1))] so throttled resources
// do not return in lockstep; a Retry-After hint wins, capped at RetryMaxDelay.
func (c *Client) backoff(attempt int, err error) time.Duration {
	var ra *retryAfterError
	if errors.As(err, &ra) && ra.after > 0 {
		return min(ra.after, c.maxDelay)
	}
	ceiling := c.maxDelay
	if shift := attempt - 1; shift < 30 {
		if d := c.baseDelay << shift; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return time.Duration(c.jitter(int64(ceiling) + 1))
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(time.Hour/time.Second) {
			return time.Hour
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// attempt sends the request once and returns the response body and request
// id of a 2xx answer, or an error: *APIError (maybe inside *retryAfterError) for an error
// answer, *TransportError when no answer came.
func (c *Client) attempt(ctx context.Context, creds Credentials, method, target, path string, query url.Values, body []byte, attempt int) (respBody []byte, requestID string, err error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, "", &NotSentError{Method: method, Path: path, Err: fmt.Errorf("building the request: %w", err)}
	}
	if body == nil {
		req.Body = http.NoBody
		req.ContentLength = 0
	}
	req.Header.Set(headerAccept, contentTypeJSON)
	req.Header.Set(headerUserAgent, c.userAgent)
	if body != nil {
		req.Header.Set(headerContentType, contentTypeJSONBody)
	} else {
		req.Header.Set(headerContentType, contentTypeJSON)
	}
	// X-Project-Id goes on before signing so it is signed, as the v3 SDK does.
	if err := authorize(req, body, creds, c.projectID, c.now()); err != nil {
		return nil, "", &NotSentError{Method: method, Path: path, Err: fmt.Errorf("signing the request: %w", err)}
	}
	if field, err := checkHeaders(req.Header); err != nil {
		return nil, "", &NotSentError{Method: method, Path: path, Setting: field, Err: err}
	}
	// Past the first attempt the API may have acted already; only a context
	// that ended before anything went out means nothing was sent.
	if ctxErr := ctx.Err(); ctxErr != nil && attempt == 1 {
		return nil, "", &NotSentError{Method: method, Path: path, Err: ctxErr}
	}
	c.logRequest(ctx, req, body, attempt)

	start := time.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, "", ctxErr
		}
		c.logResult(ctx, method, path, query, 0, "", time.Since(start), attempt, err)
		return nil, "", &TransportError{Method: method, URL: redactURL(req.URL), Err: err}
	}
	defer resp.Body.Close()
	respBody, err = readBody(resp)
	requestID = resp.Header.Get(headerRequestID)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, "", ctxErr
		}
		c.logResult(ctx, method, path, query, resp.StatusCode, requestID, time.Since(start), attempt, err)
		return nil, "", &TransportError{Method: method, URL: redactURL(req.URL), Err: fmt.Errorf("reading response: %w", err)}
	}
	c.logResult(ctx, method, path, query, resp.StatusCode, requestID, time.Since(start), attempt, nil)
	logged, truncated := bodyForLog(respBody)
	tflog.Trace(ctx, "VPCEP API response body", map[string]any{
		"method": method, "path": path, "status": resp.StatusCode, "request_id": requestID,
		"body": logged, "body_bytes": len(respBody), "body_truncated": truncated,
	})
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return respBody, requestID, nil
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return nil, "", &RedirectError{Method: method, URL: redactURL(req.URL), StatusCode: resp.StatusCode,
			Location: redirectTarget(req.URL, resp.Header.Get("Location"))}
	}
	apiErr := ParseError(resp.StatusCode, resp.Header, respBody)
	if after := parseRetryAfter(resp.Header.Get(headerRetryAfter), c.now()); after > 0 {
		return nil, requestID, &retryAfterError{APIError: apiErr, after: after}
	}
	return nil, requestID, apiErr
}

// readBody reads at most maxResponseBytes, in one buffer when the length is announced.
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n <= maxResponseBytes {
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
}
