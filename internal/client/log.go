package client

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// Debug writes a debug line to the provider's log. It is the one way the
// packages above the client that know nothing of Terraform (settings,
// sharedread) log: the client is the one package that imports
// terraform-plugin-log.
func Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// logRequest writes the request at trace level with secrets masked.
func (e *engine) logRequest(ctx context.Context, req *http.Request, body []byte, attempt int) {
	logged, truncated := bodyForLog(body)
	tflog.Trace(ctx, "VPCEP API request", map[string]any{
		"method":         req.Method,
		"path":           req.URL.EscapedPath(),
		"query":          req.URL.RawQuery,
		"attempt":        attempt,
		"headers":        maskHeaders(req.Header),
		"body":           logged,
		"body_bytes":     len(body),
		"body_truncated": truncated,
	})
}

// bodyForLog returns at most maxLoggedBody bytes of body for a log field, and whether it was cut.
func bodyForLog(body []byte) (string, bool) {
	b, cut := cutUTF8(body, maxLoggedBody)
	return string(b), cut
}

// logResult writes the one debug line of an attempt.
func (e *engine) logResult(ctx context.Context, method, path string, query url.Values, status int, requestID string, d time.Duration, attempt int, err error) {
	fields := map[string]any{
		"method":      method,
		"path":        path,
		"query":       query.Encode(),
		"status":      status,
		"request_id":  requestID,
		"duration_ms": d.Milliseconds(),
		"attempt":     attempt,
	}
	if err != nil {
		fields["error"] = err.Error()
	}
	tflog.Debug(ctx, e.label()+" API call", fields)
}

// maskHeaders copies h for logging with the token and the signature hidden (a
// signature with its date could be replayed); access key and signed headers stay.
func maskHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, values := range h {
		v := strings.Join(values, ", ")
		switch http.CanonicalHeaderKey(name) {
		case headerAuthToken, headerSecurityToken:
			v = maskedValue
		case aksk.AuthorizationHeader:
			if i := strings.Index(v, "Signature="); i >= 0 {
				v = v[:i+len("Signature=")] + maskedValue
			} else {
				v = maskedValue
			}
		}
		out[name] = v
	}
	return out
}
