package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// apiErrorDiag is an error diagnostic for a failed API call: a short summary,
// a detail saying what to do, and the original error, which carries the API's
// HTTP status, code, message and request id for support.
//
// whatToDo is written for an answer of the API (a refusal); when no answer
// came at all it would mislead (ids and credentials are not the problem when
// the endpoint is unreachable), so it is replaced by unreachableText.
func apiErrorDiag(summary, whatToDo string, err error) diag.Diagnostic {
	if noAnswer(err) {
		whatToDo = unreachableText(err)
	}
	return diag.NewErrorDiagnostic(summary, whatToDo+"\n\nOriginal Error: "+err.Error())
}

// apiVersionPath starts the path of every API call after the endpoint's base
// URL; cutting a request URL there gives back the configured endpoint.
const apiVersionPath = "/v1/"

// noAnswer reports whether err means that no HTTP answer was received from
// the API (connection refused, DNS, TLS, reset, timeout), as opposed to an
// answer with an error status, or the operation's own context ending.
func noAnswer(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var transportErr *client.TransportError
	var netErr net.Error
	return errors.As(err, &transportErr) || errors.As(err, &netErr)
}

// cutShort reports whether err is the operation's context ending (Terraform
// interrupted, or the resource's timeout ran out) rather than an answer.
func cutShort(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// certificateProblem reports whether err is a TLS certificate that did not
// verify (self-signed, unknown authority, wrong host name, expired).
func certificateProblem(err error) bool {
	var verifyErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &authorityErr) || errors.As(err, &hostErr) ||
		errors.As(err, &invalidErr) || strings.Contains(err.Error(), "x509: ")
}

// httpAnswerToHTTPS is net/http's error for an https:// endpoint served by
// plain http; it is a plain error, so only its text identifies it.
const httpAnswerToHTTPS = "server gave HTTP response to HTTPS client"

// requestNotSent reports whether a failure without an answer happened before
// the request could reach the API: it could not connect (DNS, refused,
// unreachable) or the TLS handshake failed. Then the API did nothing.
func requestNotSent(err error) bool {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	var recordErr tls.RecordHeaderError
	return errors.As(err, &dnsErr) || errors.As(err, &recordErr) || certificateProblem(err) ||
		strings.Contains(err.Error(), httpAnswerToHTTPS)
}

// outcomeUnknown reports whether a write that failed with err may still have
// been applied by the API: the request may have reached it, but no answer
// came back (the context ended, or the connection broke after sending).
// Definite answers (any HTTP status) and failures before sending are known
// outcomes. Context errors are counted as unknown even when the request had
// not left yet, since the client cannot tell which stage was cut.
func outcomeUnknown(err error) bool {
	if err == nil {
		return false
	}
	return cutShort(err) || (noAnswer(err) && !requestNotSent(err))
}

// apiEndpointOf returns the endpoint (base URL) of the failed request in err,
// or "" when err does not name one.
func apiEndpointOf(err error) string {
	var transportErr *client.TransportError
	if !errors.As(err, &transportErr) || transportErr.URL == "" {
		return ""
	}
	u, perr := url.Parse(transportErr.URL)
	if perr != nil || u.Host == "" {
		return ""
	}
	base := u.Scheme + "://" + u.Host
	if i := strings.Index(u.EscapedPath(), apiVersionPath); i > 0 {
		base += u.EscapedPath()[:i]
	}
	return base
}

// unreachableText says what to do when no HTTP answer came from the API.
func unreachableText(err error) string {
	where := "the configured endpoint"
	if endpoint := apiEndpointOf(err); endpoint != "" {
		where = endpoint
	}
	text := fmt.Sprintf("The VPCEP API at %s could not be reached: no HTTP response was received. Check the "+
		"provider's endpoint (or region, from which the endpoint is derived) and the network path to it "+
		"(DNS, proxy, firewall).", where)
	if certificateProblem(err) {
		text += " The server's TLS certificate could not be verified (x509): check that endpoint names the " +
			"right host. Only for a test server with a self-signed certificate, set insecure = true in the " +
			"provider block; never for a real cloud endpoint."
	}
	if !requestNotSent(err) {
		text += " The connection broke after the request was sent, so the API may have acted on it."
	}
	return text
}

// cutShortText explains an operation whose context ended while it waited
// for the API's answer to a request that changes the connection.
func cutShortText(err error) string {
	why := "the operation was cancelled (for example, Terraform was interrupted)"
	if errors.Is(err, context.DeadlineExceeded) {
		why = "the operation's timeout ran out"
	}
	return "The request may have reached the API, but " + why + " before an answer came back, so whether the " +
		"API applied it is unknown."
}

// connectionRef names a connection in messages.
func connectionRef(serviceID, endpointID string) string {
	return fmt.Sprintf("endpoint %s on endpoint service %s", endpointID, serviceID)
}

// queryErrorsText lists every error_code and error_message of a failed
// connection, e.g. "EndPoint.2201: quota exceeded; EndPoint.2202: ...".
func queryErrorsText(errs []client.QueryError) string {
	if len(errs) == 0 {
		return "the API gave no error details"
	}
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.ErrorCode + ": " + e.ErrorMessage
	}
	return strings.Join(parts, "; ")
}

// errConnectionFailed is returned by waits that meet a failed connection.
type errConnectionFailed struct{ conn client.Connection }

func (e *errConnectionFailed) Error() string {
	return "connection status failed: " + queryErrorsText(e.conn.Error)
}

// failedDiag reports a connection in status failed with every error the API
// listed for it.
func failedDiag(serviceID, endpointID string, conn client.Connection, kept bool) diag.Diagnostic {
	detail := fmt.Sprintf("The connection of %s is in status %q. The API reports: %s.",
		connectionRef(serviceID, endpointID), client.StatusFailed, queryErrorsText(conn.Error))
	if kept {
		detail += " The resource is kept in state and marked tainted, so the next apply replaces it."
	}
	detail += " Ask the endpoint's owner to check or re-create the endpoint."
	detail += "\n\nOriginal Error: status failed, errors: " + queryErrorsText(conn.Error)
	return diag.NewErrorDiagnostic("VPC endpoint connection failed", detail)
}

// waitErrorDiag turns the error that ended a wait into a diagnostic: a
// timeout names the endpoint, the last status seen and the timeout.
func waitErrorDiag(op, timeoutName string, timeout time.Duration, serviceID, endpointID, want, lastStatus string, err error, kept bool) diag.Diagnostic {
	var failed *errConnectionFailed
	if errors.As(err, &failed) {
		return failedDiag(serviceID, endpointID, failed.conn, kept)
	}
	keptText := ""
	if kept {
		keptText = " The resource is kept in state and marked tainted; the next apply tries again."
	}
	if errors.Is(err, context.DeadlineExceeded) {
		if lastStatus == "" {
			lastStatus = "none (not seen)"
		}
		return diag.NewErrorDiagnostic("Timed out waiting for the VPC endpoint connection",
			fmt.Sprintf("The connection of %s did not become %q within %s (timeouts.%s); the last status seen was %q.%s "+
				"If the connection needs longer, raise timeouts.%s; otherwise ask the endpoint's owner to check the endpoint."+
				"\n\nOriginal Error: %s",
				connectionRef(serviceID, endpointID), want, timeout, timeoutName, lastStatus, keptText, timeoutName, err))
	}
	return apiErrorDiag("Error waiting for the VPC endpoint connection",
		fmt.Sprintf("While %s %s and waiting for status %q (last status seen: %q), the API returned an error.%s "+
			"Check the error below; throttling and transient errors were already retried.",
			op, connectionRef(serviceID, endpointID), want, lastStatus, keptText), err)
}
