package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"
)

// Error codes the client gives a meaning to (docs/api-notes.md), compared
// case-insensitively: the API spells some with a lower-case p ("Endpoint.2013").
const (
	CodeResourceNotFound     = "EndPoint.0005" // 404: the requested resource does not exist
	CodeServiceNotFound      = "EndPoint.2003" // 400: the endpoint service does not exist
	CodeEndpointNotFound     = "EndPoint.2006" // 404: the requested endpoint does not exist
	CodeEndpointNotInService = "EndPoint.2013" // 400: the endpoint does not belong to the service
	CodeAlreadyConnected     = "EndPoint.2014" // 400: the endpoint is already connected
	CodeEndpointDeleting     = "EndPoint.2018" // 400: the endpoint is being deleted
	CodeEndpointCreating     = "EndPoint.2019" // 400: the endpoint is being created
	CodeFailedUnmodifiable   = "EndPoint.2047" // 400: a failed connection cannot be modified
	CodeTooManyRequests      = "EndPoint.0022" // 400: the service's own throttling
	CodeGatewayThrottled     = "APIGW.0308"    // 429: the API gateway's throttling

	// Gateway code prefixes: Huawei Cloud's, and Open Telekom Cloud's (same numbers); the dot avoids false matches.
	gatewayCodePrefix    = "APIGW."
	gatewayCodePrefixOTC = "APIG."
)

// Limits on how much of an error body is kept.
const (
	maxErrorBodyKept    = 4096
	maxErrorMessageKept = 512
)

// ErrConnectionNotFound is wrapped by GetConnection when the list by endpoint id is empty.
var ErrConnectionNotFound = errors.New("VPCEP connection not found")

// APIError is an error answer of the VPCEP API or its gateway, with what a
// user needs to quote to support.
type APIError struct {
	// Service is the API that answered: "" for VPCEP, ServiceIAM for IAM.
	Service    string
	StatusCode int
	Code       string // e.g. "EndPoint.0005" or "APIGW.0308"; empty when the body has none
	Message    string // the API's message, or the start of an unparsable body
	RequestID  string // X-Request-Id, or the body's request_id
	Body       string // the raw body, truncated to a few KiB
	// Retries is how many times the call was sent again before this final
	// answer (0 with max_retries = 0), so that messages match the setting.
	Retries int
}

// ServiceIAM marks the answers of IAM, so that they are never taken for the
// VPCEP API's.
const ServiceIAM = "IAM"

// Error reads like
// "VPCEP API error: HTTP 404 EndPoint.0005: The requested resource does not exist. (request id abc)",
// or "IAM API error: ..." for IAM.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Service == "" {
		b.WriteString("VPCEP")
	} else {
		b.WriteString(e.Service)
	}
	b.WriteString(" API error: HTTP ")
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
// exist. A gateway 404 (APIGW.0101, "no such API") is a wrong URL, not a
// missing resource: reading it as "gone" would empty the state on a bad endpoint.
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

// isGatewayCode reports whether the API gateway, not VPCEP, made code.
func isGatewayCode(code string) bool {
	return hasPrefixFold(code, gatewayCodePrefix) || hasPrefixFold(code, gatewayCodePrefixOTC)
}

// IsRetryable reports whether err is transient: throttling, 408, 500, 502,
// 503, 504, or a transport error (not a cancelled or expired context).
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return retryableAnswer(apiErr.StatusCode, apiErr.Code)
	}
	// A read changes nothing; a write that was answered is not sent again.
	var decodeErr *DecodeError
	if errors.As(err, &decodeErr) {
		return decodeErr.Method == http.MethodGet
	}
	// A certificate that does not verify will not verify on the next try,
	// nor will the tests' loopback guard let a dial through.
	var certErr *tls.CertificateVerificationError
	var guardErr *guardRefusal
	if errors.As(err, &certErr) || errors.As(err, &guardErr) || PlainHTTPAnswer(err) {
		return false
	}
	var netErr net.Error
	var transportErr *TransportError
	return errors.As(err, &transportErr) || errors.As(err, &netErr)
}

// retryableAnswer is the retry rule on an HTTP answer; EndPoint.0022 is the one 400 that means "slow down".
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
	// sentBefore: an earlier attempt of the call may have reached the API,
	// so a last attempt that could not connect does not mean nothing changed.
	sentBefore bool
}

// Error implements error.
func (e *TransportError) Error() string {
	return "VPCEP API request " + e.Method + " " + e.URL + " failed: " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError is an answer of HTTP 2xx whose body is not the JSON expected,
// typically cut short on the way. A read that gets one is retried.
type DecodeError struct {
	Method, Path string
	RequestID    string
	Bytes        int
	Err          error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("VPCEP API answered %s %s (request id %s) with a %d-byte body that is not the expected JSON: %v. "+
		"The answer was probably cut short by the network or a proxy: run again; if it persists, check that "+
		"endpoint points at the VPCEP API itself and quote the request id to support",
		e.Method, e.Path, firstNonEmpty(e.RequestID, "none"), e.Bytes, e.Err)
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// Delivery says whether a failed call may have reached the API.
type Delivery int

// The answers of Delivered.
const (
	// Answered: the API answered (with an error status); its answer stands.
	Answered Delivery = iota
	// Undelivered: the request never reached the API; nothing changed.
	Undelivered
	// DeliveryUnknown: the request may have reached the API, but no answer came back.
	DeliveryUnknown
)

// httpAnswerToHTTPS is net/http's error for an https endpoint served by plain http.
const httpAnswerToHTTPS = "server gave HTTP response to HTTPS client"

// Delivered classifies a failed call's err.
func Delivered(err error) Delivery {
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr):
		return Answered
	case IsNotSent(err) || (dialFailed(err) || PlainHTTPAnswer(err)) && !sentBefore(err):
		return Undelivered
	}
	return DeliveryUnknown
}

// sentBefore reports a call whose earlier attempt may have reached the API.
func sentBefore(err error) bool {
	var transportErr *TransportError
	return errors.As(err, &transportErr) && transportErr.sentBefore
}

// dialFailed reports errors that happen before a request can leave: no
// connection (DNS, refused, unreachable) or a TLS handshake that failed.
func dialFailed(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	var recordErr tls.RecordHeaderError
	return errors.As(err, &dnsErr) || errors.As(err, &recordErr) || IsCertificateProblem(err) ||
		strings.Contains(err.Error(), httpAnswerToHTTPS)
}

// ConnectionRefused reports a call whose connection the host refused: nothing
// listens on that port (or a firewall rejects it), so nothing was sent.
func ConnectionRefused(err error) bool {
	// Windows reports WSAECONNREFUSED, which is not syscall.ECONNREFUSED.
	return errors.Is(err, syscall.ECONNREFUSED) || err != nil && strings.Contains(err.Error(), "actively refused")
}

// LookupFailed reports a call whose host name could not be resolved, so
// nothing was sent.
func LookupFailed(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr)
}

// refusedOnLoopback reports a refused connection to a loopback address: no
// server listens there on this machine, which retrying seldom changes.
func refusedOnLoopback(err error) bool {
	var transportErr *TransportError
	return ConnectionRefused(err) && errors.As(err, &transportErr) && IsLoopbackURL(transportErr.URL)
}

// IsLoopbackURL reports a URL on this machine (127.0.0.0/8, ::1, localhost),
// such as a local vpcep-mock's.
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return strings.EqualFold(u.Hostname(), "localhost") || ip != nil && ip.IsLoopback()
}

// PlainHTTPAnswer reports an https:// request whose server answered in
// plain HTTP (an http:// endpoint written as https://): the TLS handshake
// failed before the request was sent, and no retry changes it. Go's
// transport reports it only as text.
func PlainHTTPAnswer(err error) bool {
	return err != nil && strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// IsCertificateProblem reports a TLS certificate that did not verify.
func IsCertificateProblem(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &authorityErr) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr) || strings.Contains(err.Error(), "x509: ")
}

// IsNoAnswer reports that no HTTP answer came from the API, as opposed to an
// error status or the operation's own context ending.
func IsNoAnswer(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var transportErr *TransportError
	var netErr net.Error
	return errors.As(err, &transportErr) || errors.As(err, &netErr)
}

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

// truncate cuts s to at most n bytes at a character boundary, marking a cut with "...".
func truncate(s string, n int) string {
	if cut, ok := cutUTF8(s, n); ok {
		return cut + "..."
	}
	return s
}

// cutUTF8 returns at most n bytes of s without splitting a UTF-8 sequence, and whether it cut.
func cutUTF8[T string | []byte](s T, n int) (T, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}
