package client

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestUnitParseError catches an error body form the API or its gateway
// sends (nested, flat, gateway, top-level, string, HTML, empty, JSON
// without error fields) that loses its code, message or request id, a body
// request id preferred to the header's, or a raw body not kept.
func TestUnitParseError(t *testing.T) {
	t.Parallel()
	withRequestID := http.Header{"X-Request-Id": {"hdr-id"}}
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		code      string
		message   string
		requestID string
	}{
		{
			name: "nested form", status: 404, header: withRequestID,
			body: `{"error":{"code":"EndPoint.0005","message":"The requested resource does not exist."}}`,
			code: "EndPoint.0005", message: "The requested resource does not exist.", requestID: "hdr-id",
		},
		{
			name: "flat service form", status: 400,
			body: `{"error_code": "Endpoint.2013", "error_msg": "The endpoint does not belong to the endpoint service."}`,
			code: "Endpoint.2013", message: "The endpoint does not belong to the endpoint service.",
		},
		{
			name: "gateway form takes the body's request id", status: 429,
			body: `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second","request_id":"cb141a91c945e68950a14a8eff5d62dc"}`,
			code: "APIGW.0308", message: "The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second",
			requestID: "cb141a91c945e68950a14a8eff5d62dc",
		},
		{
			name: "header request id wins over the body's", status: 401, header: withRequestID,
			body: `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: decrypt token fail","request_id":"body-id"}`,
			code: "APIGW.0301", message: "Incorrect IAM authentication information: decrypt token fail", requestID: "hdr-id",
		},
		{
			name: "nested with flat names inside", status: 400,
			body: `{"error":{"error_code":"EndPoint.0002","error_msg":"Parameter error."}}`,
			code: "EndPoint.0002", message: "Parameter error.",
		},
		{
			name: "top-level code and message", status: 500,
			body: `{"code":"EndPoint.0001","message":"System error. Please retry."}`,
			code: "EndPoint.0001", message: "System error. Please retry.",
		},
		{
			name: "error as a string", status: 502,
			body:    `{"error":"bad gateway upstream"}`,
			message: "bad gateway upstream",
		},
		{
			name: "HTML from a proxy", status: 502,
			body:    "  <html><body>502 Bad Gateway</body></html>\n",
			message: "<html><body>502 Bad Gateway</body></html>",
		},
		{
			name: "empty body", status: 503,
			message: "Service Unavailable",
		},
		{
			name: "JSON without error fields", status: 500,
			body:    `{"foo":"bar"}`,
			message: `{"foo":"bar"}`,
		},
		{
			name: "JSON array", status: 500,
			body:    `[1,2]`,
			message: `[1,2]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := ParseError(tt.status, tt.header, []byte(tt.body))
			if e.StatusCode != tt.status || e.Code != tt.code || e.Message != tt.message || e.RequestID != tt.requestID {
				t.Errorf("ParseError = {%d %q %q %q}, want {%d %q %q %q}",
					e.StatusCode, e.Code, e.Message, e.RequestID, tt.status, tt.code, tt.message, tt.requestID)
			}
			if e.Body != tt.body {
				t.Errorf("Body = %q, want the raw body %q", e.Body, tt.body)
			}
		})
	}
}

// TestUnitParseErrorTruncatesLongBodies catches a huge error body kept
// whole in the message or the body, or cut inside a multi-byte character.
func TestUnitParseErrorTruncatesLongBodies(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 5000) // two bytes each: the cut must not split one
	e := ParseError(500, nil, []byte(long))
	if len(e.Message) > maxErrorMessageKept+len("...") || !strings.HasSuffix(e.Message, "...") {
		t.Errorf("message of %d bytes not truncated to about %d", len(e.Message), maxErrorMessageKept)
	}
	if !strings.HasPrefix(long, strings.TrimSuffix(e.Message, "...")) {
		t.Error("message is not a prefix of the body")
	}
	if len(e.Body) > maxErrorBodyKept+len("...") {
		t.Errorf("body kept %d bytes, want at most about %d", len(e.Body), maxErrorBodyKept)
	}
}

// TestUnitAPIErrorString catches an API error message without its status,
// code, message or request id, or with empty parts printed.
func TestUnitAPIErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  APIError
		want string
	}{
		{APIError{StatusCode: 404, Code: "EndPoint.0005", Message: "The requested resource does not exist.", RequestID: "abc"},
			"VPCEP API error: HTTP 404 EndPoint.0005: The requested resource does not exist. (request id abc)"},
		{APIError{StatusCode: 502, Message: "Bad Gateway"}, "VPCEP API error: HTTP 502: Bad Gateway"},
		{APIError{StatusCode: 429, Code: "APIGW.0308"}, "VPCEP API error: HTTP 429 APIGW.0308"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestUnitErrorPredicates catches a wrong not-found or retryable verdict: a
// gateway's wrong-URL 404 (APIGW/APIG.0101) taken for a missing resource,
// codes compared case-sensitively, a 401/403/409/501 retried, a throttle,
// 5xx or transport error not retried, or a cancellation retried.
func TestUnitErrorPredicates(t *testing.T) {
	t.Parallel()
	api := func(status int, code string) error {
		// Wrapped as the client's calls wrap them.
		return fmt.Errorf("listing connections: %w", &APIError{StatusCode: status, Code: code})
	}
	tests := []struct {
		name                string
		err                 error
		notFound, retryable bool
	}{
		{"nil", nil, false, false},
		{"404 EndPoint.0005", api(404, "EndPoint.0005"), true, false},
		{"404 lower-case code", api(404, "endpoint.0005"), true, false},
		{"404 without code", api(404, ""), true, false},
		{"404 APIGW.0101 wrong URL", api(404, "APIGW.0101"), false, false},
		{"404 APIG.0101 wrong URL (OTC gateway)", api(404, "APIG.0101"), false, false},
		{"404 apig.0101 lower-case gateway code", api(404, "apig.0101"), false, false},
		{"404 APIGX.0101 not a gateway prefix", api(404, "APIGX.0101"), true, false},
		{"400 EndPoint.2003 service missing", api(400, "EndPoint.2003"), true, false},
		{"404 EndPoint.2006", api(404, "EndPoint.2006"), true, false},
		{"400 Endpoint.2013 lower-case p", api(400, "Endpoint.2013"), true, false},
		{"ErrConnectionNotFound", fmt.Errorf("x: %w", ErrConnectionNotFound), true, false},
		{"400 EndPoint.0022 throttled", api(400, "EndPoint.0022"), false, true},
		{"400 endpoint.0022 any case", api(400, "endpoint.0022"), false, true},
		{"400 EndPoint.0002", api(400, "EndPoint.0002"), false, false},
		{"401", api(401, "APIGW.0301"), false, false},
		{"403", api(403, "EndPoint.0004"), false, false},
		{"409", api(409, ""), false, false},
		{"408", api(408, ""), false, true},
		{"429", api(429, "APIGW.0308"), false, true},
		{"500", api(500, "EndPoint.0001"), false, true},
		{"501", api(501, ""), false, false},
		{"502", api(502, ""), false, true},
		{"503", api(503, "EndPoint.0001"), false, true},
		{"504", api(504, ""), false, true},
		{"transport", &TransportError{Method: "GET", URL: "http://x", Err: errors.New("connection reset")}, false, true},
		{"net.Error", &net.OpError{Op: "dial", Err: errors.New("refused")}, false, true},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), false, false},
		{"deadline inside transport", &TransportError{Err: context.DeadlineExceeded}, false, false},
		{"plain error", errors.New("boom"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := IsNotFound(tt.err); got != tt.notFound {
				t.Errorf("IsNotFound = %v, want %v", got, tt.notFound)
			}
			if got := IsRetryable(tt.err); got != tt.retryable {
				t.Errorf("IsRetryable = %v, want %v", got, tt.retryable)
			}
		})
	}
}

// TestUnitDelivered: a failed call is classified by whether the API may have
// acted. Catches: a refused dial or a bad certificate reported as "may have
// acted", and a lost answer reported as "nothing changed".
func TestUnitDelivered(t *testing.T) {
	t.Parallel()
	transport := func(err error) error { return &TransportError{Method: "POST", URL: "https://x/v1/p", Err: err} }
	tests := []struct {
		name                  string
		err                   error
		want                  Delivery
		noAnswer, certificate bool
	}{
		{"API answer", fmt.Errorf("x: %w", &APIError{StatusCode: 400}), Answered, false, false},
		{"not sent", &NotSentError{Method: "POST", Path: "/v1", Err: errors.New("bad header")}, Undelivered, false, false},
		{"dial refused", transport(&net.OpError{Op: "dial", Err: errors.New("refused")}), Undelivered, true, false},
		{"unknown host", transport(&net.DNSError{Err: "no such host", IsNotFound: true}), Undelivered, true, false},
		{"certificate", transport(fmt.Errorf("tls: %w", x509.UnknownAuthorityError{})), Undelivered, true, true},
		{"plain http answer", transport(errors.New("http: server gave HTTP response to HTTPS client")), Undelivered, true, false},
		{"answer lost", transport(io.ErrUnexpectedEOF), DeliveryUnknown, true, false},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), DeliveryUnknown, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Delivered(tt.err); got != tt.want {
				t.Errorf("Delivered = %v, want %v", got, tt.want)
			}
			if got := IsNoAnswer(tt.err); got != tt.noAnswer {
				t.Errorf("IsNoAnswer = %v, want %v", got, tt.noAnswer)
			}
			if got := IsCertificateProblem(tt.err); got != tt.certificate {
				t.Errorf("IsCertificateProblem = %v, want %v", got, tt.certificate)
			}
		})
	}
}

// TestUnitHasCode catches codes compared case-sensitively, a code found in
// the text of an error that is not an API error, or a nil error matching.
func TestUnitHasCode(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: 400, Code: "Endpoint.2013"})
	for _, code := range []string{"EndPoint.2013", "endpoint.2013", "ENDPOINT.2013"} {
		if !HasCode(err, code) {
			t.Errorf("HasCode(%q) = false, want true", code)
		}
	}
	if HasCode(err, "EndPoint.2014") {
		t.Error("HasCode(EndPoint.2014) = true, want false")
	}
	if HasCode(errors.New("EndPoint.2013"), "EndPoint.2013") {
		t.Error("HasCode on a non-API error = true, want false")
	}
	if HasCode(nil, "") {
		t.Error("HasCode(nil) = true, want false")
	}
}

// TestUnitCutUTF8 catches a cut inside a multi-byte character, for strings and bytes alike.
func TestUnitCutUTF8(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		s    string
		n    int
		want string
		cut  bool
	}{
		{"abc", 3, "abc", false}, {"abcd", 3, "abc", true}, {"aé", 2, "a", true},
		{"a中b", 3, "a", true}, {"a中b", 4, "a中", true}, {"中", 0, "", true},
	} {
		if got, cut := cutUTF8(tt.s, tt.n); got != tt.want || cut != tt.cut {
			t.Errorf("cutUTF8(%q, %d) = %q, %v; want %q, %v", tt.s, tt.n, got, cut, tt.want, tt.cut)
		}
		if got, cut := cutUTF8([]byte(tt.s), tt.n); string(got) != tt.want || cut != tt.cut {
			t.Errorf("cutUTF8([]byte(%q), %d) = %q, %v", tt.s, tt.n, got, cut)
		}
	}
	if got := truncate("aé", 2); got != "a..." {
		t.Errorf("truncate = %q, want a...", got)
	}
}
