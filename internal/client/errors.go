package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Error codes the client gives a meaning to (docs/api-notes.md), compared
// case-insensitively: the API spells some with a lower-case p ("Endpoint.2013").
const (
	// CodeResourceNotFound is 404 "The requested resource does not exist.".
	CodeResourceNotFound = "EndPoint.0005"
	// CodeServiceNotFound is 400 "The endpoint service does not exist.".
	CodeServiceNotFound = "EndPoint.2003"
	// CodeEndpointNotFound is 404 "The requested endpoint does not exist.".
	CodeEndpointNotFound = "EndPoint.2006"
	// CodeEndpointNotInService is 400 "The endpoint does not belong to the endpoint service.".
	CodeEndpointNotInService = "EndPoint.2013"
	// CodeAlreadyConnected is 400 "The endpoint has been connected to the endpoint service.".
	CodeAlreadyConnected = "EndPoint.2014"
	// CodeTooManyRequests is the service's own throttling answer, a 400.
	CodeTooManyRequests = "EndPoint.0022"
	// CodeGatewayThrottled is the API gateway's 429 throttling answer.
	CodeGatewayThrottled = "APIGW.0308"
	// gatewayCodePrefix marks codes made by the API gateway rather than VPCEP
	// on public Huawei Cloud endpoints.
	gatewayCodePrefix = "APIGW."
	// gatewayCodePrefixOTC is the same gateway's prefix on Open Telekom Cloud
	// and dedicated APIG instances (same numbers, e.g. APIG.0101). The dot
	// is part of it, so it never matches an unrelated code by accident.
	gatewayCodePrefixOTC = "APIG."
)

// Limits on how much of an error body is kept.
const (
	maxErrorBodyKept    = 4096
	maxErrorMessageKept = 512
)

// ErrConnectionNotFound is wrapped by GetConnection when listing the service's
// connections by endpoint id returns no such connection.
var ErrConnectionNotFound = errors.New("VPCEP connection not found")

// APIError is an error answer of the VPCEP API or its gateway. It keeps what a
// user needs to quote to support: the HTTP status, the API's error code and
// message, and the request id.
type APIError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Code is the API error code, e.g. "EndPoint.0005" or "APIGW.0308"; empty
	// when the body carried none.
	Code string
	// Message is the API's message, or the start of the raw body when the body
	// could not be parsed.
	Message string
	// RequestID is the X-Request-Id header, or the body's request_id.
	RequestID string
	// Body is the raw body (truncated to a few KiB).
	Body string
}

// Error reads like
// "VPCEP API error: HTTP 404 EndPoint.0005: The requested resource does not exist. (request id abc)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("VPCEP API error: HTTP ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Code != "" {
		b.WriteByte(' ')
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// errorBody holds every field of the three error body forms: the nested
// {"error":{"code","message"}}, the service's flat {"error_code","error_msg"}
// and the gateway's flat form with "request_id". "code"/"message" at the top
// level are read too, as the official SDK does.
type errorBody struct {
	ErrorCode string          `json:"error_code"`
	ErrorMsg  string          `json:"error_msg"`
	Code      string          `json:"code"`
	Message   string          `json:"message"`
	RequestID string          `json:"request_id"`
	Error     json.RawMessage `json:"error"`
}

// nestedError is the inner object of the nested form; some services put the
// flat names inside it, so both spellings are read.
type nestedError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

// ParseError builds the *APIError of a non-2xx answer from its status, headers
// and body. It never fails: an unparsable body becomes the message.
func ParseError(statusCode int, header http.Header, body []byte) *APIError {
	e := &APIError{StatusCode: statusCode, Body: truncate(string(body), maxErrorBodyKept)}
	if header != nil {
		e.RequestID = strings.TrimSpace(header.Get(headerRequestID))
	}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil {
		switch {
		case eb.ErrorCode != "" || eb.ErrorMsg != "":
			e.Code, e.Message = eb.ErrorCode, eb.ErrorMsg
		case len(eb.Error) > 0 && eb.Error[0] == '{':
			var n nestedError
			if json.Unmarshal(eb.Error, &n) == nil {
				e.Code, e.Message = firstNonEmpty(n.Code, n.ErrorCode), firstNonEmpty(n.Message, n.ErrorMsg)
			}
		case len(eb.Error) > 0 && eb.Error[0] == '"':
			var s string
			if json.Unmarshal(eb.Error, &s) == nil {
				e.Message = s
			}
		case eb.Code != "" || eb.Message != "":
			e.Code, e.Message = eb.Code, eb.Message
		}
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
	}
	e.Code = strings.TrimSpace(e.Code)
	e.Message = strings.TrimSpace(e.Message)
	if e.Code == "" && e.Message == "" {
		e.Message = truncate(strings.TrimSpace(string(body)), maxErrorMessageKept)
		if e.Message == "" {
			e.Message = http.StatusText(statusCode)
		}
	}
	return e
}

// IsNotFound reports whether err says the service or connection does not
// exist: a 404 from VPCEP, one of its not-found codes (EndPoint.0005, 2003,
// 2006, 2013, any spelling), or ErrConnectionNotFound. A gateway 404
// (APIGW.0101 or OTC's APIG.0101, "the API does not exist") is a wrong URL, not a missing
// resource, and is not counted: treating it as "gone" would make Terraform
// drop resources from state on a misconfigured endpoint.
func IsNotFound(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrConnectionNotFound) {
		return true
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, code := range []string{CodeResourceNotFound, CodeServiceNotFound, CodeEndpointNotFound, CodeEndpointNotInService} {
		if strings.EqualFold(apiErr.Code, code) {
			return true
		}
	}
	return apiErr.StatusCode == http.StatusNotFound && !isGatewayCode(apiErr.Code)
}

// isGatewayCode reports whether code was made by the API gateway (APIGW.* or
// APIG.*, any case) rather than by VPCEP.
func isGatewayCode(code string) bool {
	return hasPrefixFold(code, gatewayCodePrefix) || hasPrefixFold(code, gatewayCodePrefixOTC)
}

// IsRetryable reports whether err is a transient failure worth retrying:
// throttling (429, 400 EndPoint.0022), 408, 500, 502, 503, 504, or a
// transport error. Context cancellation and deadlines are not retryable.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return retryableAnswer(apiErr.StatusCode, apiErr.Code)
	}
	// A certificate that does not verify will not verify on the next try.
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	var netErr net.Error
	var transportErr *TransportError
	return errors.As(err, &transportErr) || errors.As(err, &netErr)
}

// retryableAnswer is the retry rule on an HTTP answer. 400, 401, 403, 404 and
// 409 are final: repeating them cannot change the answer (EndPoint.0022 is the
// one 400 that means "slow down").
func retryableAnswer(status int, code string) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusRequestTimeout, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusBadRequest:
		return strings.EqualFold(code, CodeTooManyRequests)
	}
	return false
}

// IsThrottled reports whether err is a throttling answer (429, APIGW.0308, EndPoint.0022).
func IsThrottled(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusTooManyRequests ||
		strings.EqualFold(apiErr.Code, CodeTooManyRequests) || strings.EqualFold(apiErr.Code, CodeGatewayThrottled))
}

// HasCode reports whether err is an *APIError with the given code, compared
// case-insensitively.
func HasCode(err error, code string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && strings.EqualFold(apiErr.Code, code)
}

// TransportError is a failure to get any HTTP answer (connection refused,
// reset, TLS failure, timeout), after all retries.
type TransportError struct {
	Method, URL string
	Err         error
}

// Error implements error.
func (e *TransportError) Error() string {
	return "VPCEP API request " + e.Method + " " + e.URL + " failed: " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}
