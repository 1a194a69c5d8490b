package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// attempt sends r once: it builds and signs the request, sends it, and
// classifies the answer. The error is a *NotSentError when nothing left, a
// *TransportError when no answer came, or what classify makes of the answer.
func (e *engine) attempt(ctx context.Context, r *request, creds Credentials, target string, attempt int) (*answer, error) {
	req, err := e.build(ctx, r, creds, target)
	if err != nil {
		return nil, err
	}
	// Past the first attempt the API may have acted already; only a context
	// that ended before anything went out means nothing was sent.
	if ctxErr := ctx.Err(); ctxErr != nil && attempt == 1 {
		return nil, &NotSentError{Method: r.method, Path: r.path, Err: ctxErr}
	}
	if e.logBodies {
		e.logRequest(ctx, req, r.body, attempt)
	}
	rep, err := e.exchange(ctx, req, r, attempt)
	if err != nil {
		return nil, err
	}
	return e.classify(ctx, req, r, rep)
}

// build makes the HTTP request of r and signs it with creds (unless r is
// unsigned); every failure is a *NotSentError.
func (e *engine) build(ctx context.Context, r *request, creds Credentials, target string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, target, bytes.NewReader(r.body))
	if err != nil {
		return nil, &NotSentError{Method: r.method, Path: r.path, Err: fmt.Errorf("building the request: %w", err)}
	}
	if r.body == nil {
		req.Body = http.NoBody
		req.ContentLength = 0
	}
	req.Header.Set(headerAccept, contentTypeJSON)
	req.Header.Set(headerUserAgent, e.userAgent)
	switch {
	case r.contentType != "":
		req.Header.Set(headerContentType, r.contentType)
	case r.body != nil:
		req.Header.Set(headerContentType, contentTypeJSONBody)
	default:
		req.Header.Set(headerContentType, contentTypeJSON)
	}
	for name, value := range r.header {
		req.Header.Set(name, value)
	}
	if r.credentials != nil {
		// X-Project-Id goes on before signing so it is signed, as the v3 SDK does.
		if err := authorize(req, r.body, creds, r.projectID, e.now()); err != nil {
			return nil, &NotSentError{Method: r.method, Path: r.path, Err: fmt.Errorf("signing the request: %w", err)}
		}
	}
	if field, err := checkHeaders(req.Header); err != nil {
		return nil, &NotSentError{Method: r.method, Path: r.path, Setting: field, Err: err}
	}
	return req, nil
}

// reply is an HTTP answer, read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// exchange sends req once and reads the whole answer, whatever its status.
// No answer is a *TransportError, or the context's error when it ended.
func (e *engine) exchange(ctx context.Context, req *http.Request, r *request, attempt int) (*reply, error) {
	start := time.Now()
	resp, err := e.httpClient.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		e.logResult(ctx, r.method, r.path, r.query, 0, "", time.Since(start), attempt, err)
		return nil, &TransportError{Method: r.method, URL: redactURL(req.URL), Err: err}
	}
	defer resp.Body.Close()
	body, err := readBody(resp)
	requestID := resp.Header.Get(headerRequestID)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		e.logResult(ctx, r.method, r.path, r.query, resp.StatusCode, requestID, time.Since(start), attempt, err)
		return nil, &TransportError{Method: r.method, URL: redactURL(req.URL), Err: fmt.Errorf("reading response: %w", err)}
	}
	e.logResult(ctx, r.method, r.path, r.query, resp.StatusCode, requestID, time.Since(start), attempt, nil)
	return &reply{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// classify turns an answer into the attempt's result: a 2xx answer, a
// *RedirectError for a 3xx, otherwise an *APIError (inside a
// *retryAfterError when a Retry-After hint came with it).
func (e *engine) classify(ctx context.Context, req *http.Request, r *request, rep *reply) (*answer, error) {
	requestID := rep.header.Get(headerRequestID)
	if e.logBodies {
		logged, truncated := bodyForLog(rep.body)
		tflog.Trace(ctx, "VPCEP API response body", map[string]any{
			"method": r.method, "path": r.path, "status": rep.status, "request_id": requestID,
			"body": logged, "body_bytes": len(rep.body), "body_truncated": truncated,
		})
	}
	switch {
	case rep.status >= 200 && rep.status < 300:
		return &answer{body: rep.body, header: rep.header, requestID: requestID}, nil
	case rep.status >= 300 && rep.status < 400:
		return nil, &RedirectError{Service: e.service, Method: r.method, URL: redactURL(req.URL), StatusCode: rep.status,
			Location: redirectTarget(req.URL, rep.header.Get("Location"))}
	}
	apiErr := ParseError(rep.status, rep.header, rep.body)
	apiErr.Service = e.service
	if after := parseRetryAfter(rep.header.Get(headerRetryAfter), e.now()); after > 0 {
		return nil, &retryAfterError{APIError: apiErr, after: after}
	}
	return nil, apiErr
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
