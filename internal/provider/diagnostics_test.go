package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Errors of the kinds the client returns, for the diagnostics' tables.
var (
	testActionURL = "https://vpcep.eu-de.example/base/v1/p/vpc-endpoint-services/svc/connections/action"
	errRefusedAPI = &client.APIError{StatusCode: http.StatusForbidden, Code: "EndPoint.0004", Message: "no permissions", RequestID: "req-1"}
	errDialFailed = &client.TransportError{Method: http.MethodPost, URL: testActionURL,
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	errNoHost = &client.TransportError{Method: http.MethodPost, URL: testActionURL,
		Err: &net.DNSError{Err: "no such host", Name: "vpcep.eu-de.example", IsNotFound: true}}
	errCertificate = &client.TransportError{Method: http.MethodPost, URL: testActionURL,
		Err: fmt.Errorf("tls: failed to verify certificate: %w", x509.UnknownAuthorityError{})}
	errBadRequest = &client.APIError{StatusCode: http.StatusBadRequest, Code: "EndPoint.2012", Message: "bad request", RequestID: "req-2"}
	errAnswerLost = &client.TransportError{Method: http.MethodPost, URL: testActionURL, Err: io.ErrUnexpectedEOF}
	errCanceled   = fmt.Errorf("receive connection of VPC endpoint ep on service svc: %w", context.Canceled)
	errTimedOut   = fmt.Errorf("receive connection of VPC endpoint ep on service svc: %w", context.DeadlineExceeded)
)

// TestUnitDecisionDiag: each way a decision can stop gets a message that
// says what happened and, truthfully, what state holds and what the next run
// does. Catches: a create failure promising a "replace" (reject, then
// receive), 401/403/throttling blamed on the ids, Ctrl-C reported as an API
// error, a never-seen endpoint without the service's size or the case hint.
func TestUnitDecisionDiag(t *testing.T) {
	t.Parallel()
	receive := approval.Request{ServiceID: "svc", EndpointID: "ep", Action: client.ActionReceive}
	failedConn := &client.Connection{Status: client.StatusFailed, Error: []client.QueryError{
		{ErrorCode: "EndPoint.2201", ErrorMessage: "quota"}, {ErrorCode: "EndPoint.2202", ErrorMessage: "subnet"}}}
	unauthorized := &client.APIError{StatusCode: http.StatusUnauthorized, Code: "APIGW.0301", Message: "bad token"}
	throttled := &client.APIError{StatusCode: http.StatusTooManyRequests, Code: "APIGW.0308", Message: "slow down", Retries: 6}
	// Defect: with max_retries = 0, a throttled call said it "kept throttling
	// ... after every retry" though no retry was made.
	throttledOnce := &client.APIError{StatusCode: http.StatusTooManyRequests, Code: "APIGW.0308", Message: "slow down"}
	tests := []struct {
		name    string
		op      operation
		err     error
		want    []string
		notWant []string
	}{
		{"refused 403", opCreate, &approval.Error{Kind: approval.Refused, Action: "receive", Err: errRefusedAPI},
			[]string{"valid, but they lack permission", "Nothing was changed and nothing was saved"}, []string{"Check service_id"}},
		{"refused 401", opUpdate, &approval.Error{Kind: approval.Refused, Action: "receive", Err: unauthorized},
			[]string{"auth_token (VPCEP_AUTH_TOKEN)", "access_key and secret_key", "Nothing was changed"}, nil},
		{"throttled", opCreate, &approval.Error{Kind: approval.Refused, Action: "receive", Err: throttled},
			[]string{"kept throttling", "through 6 retries", "Raise max_retries"}, nil},
		{"throttled, max_retries = 0", opCreate, &approval.Error{Kind: approval.Refused, Action: "receive", Err: throttledOnce},
			[]string{"throttled the request", "not retried: max_retries is 0", "set max_retries in the provider block (for example 6"},
			[]string{"kept", "every retry"}},
		{"not sent: certificate", opCreate, &approval.Error{Kind: approval.NotSent, Action: "receive", Err: errCertificate},
			[]string{"never left the provider", "(x509)", "set insecure = true"}, []string{"may have acted"}},
		{"not sent: unknown host", opUpdate, &approval.Error{Kind: approval.NotSent, Action: "receive", Err: errNoHost},
			[]string{"could not be reached", "Nothing was changed. State keeps the configured action"}, []string{"may have acted"}},
		{"not sent", opCreate, &approval.Error{Kind: approval.NotSent, Action: "receive", Err: errDialFailed},
			[]string{"never left the provider", "could not be reached", "Nothing was changed"}, []string{"may have acted"}},
		{"timed out on create", opCreate, &approval.Error{Kind: approval.TimedOut, Action: "receive", Sent: true,
			Conn: &client.Connection{Status: client.StatusCreating}, Err: errTimedOut},
			[]string{`last status seen was "creating"`, "timeouts.create", "Nothing was saved in state",
				"never sends the opposite action"}, []string{"tainted", "replace"}},
		{"timed out on update", opUpdate, &approval.Error{Kind: approval.TimedOut, Action: "receive", Sent: true,
			Conn: &client.Connection{Status: client.StatusCreating}, Err: errTimedOut},
			[]string{"timeouts.update", "State keeps the configured action"}, []string{"tainted"}},
		{"interrupted", opCreate, &approval.Error{Kind: approval.Interrupted, Action: "receive", Sent: true, Waited: 1500 * time.Millisecond},
			[]string{"interrupted after 1.5s"}, []string{"API returned", "10m"}},
		{"failed", opCreate, &approval.Error{Kind: approval.Failed, Action: "receive", Conn: failedConn},
			[]string{"EndPoint.2201: quota; EndPoint.2202: subnet", "re-create the endpoint", "remove this resource"}, nil},
		{"not visible", opCreate, &approval.Error{Kind: approval.NotVisible, Action: "receive", ServiceConnections: 7,
			Waited: 2 * time.Minute, Err: errRefusedAPI},
			[]string{"among the 7 connections", "case-sensitive", "missing_endpoint_timeout", "within 2m0s"}, nil},
		{"not visible, create timeout first", opCreate, &approval.Error{Kind: approval.NotVisible, Action: "receive",
			ServiceConnections: 7, OperationTimedOut: true, Waited: 6 * time.Second},
			[]string{"within 6s (timeouts.create)", "raise timeouts.create"}, []string{"missing_endpoint_timeout"}},
		{"server errors outlast the retries", opDelete, &approval.Error{Kind: approval.Refused, Action: "reject",
			Err: &client.APIError{StatusCode: http.StatusServiceUnavailable, Code: "EndPoint.0001", Message: "busy", Retries: 1}},
			[]string{"server error (HTTP 503) through 1 retry", "not in the configuration", "max_retries"}, []string{"Check service_id"}},
		{"server error, max_retries = 0", opDelete, &approval.Error{Kind: approval.Refused, Action: "reject",
			Err: &client.APIError{StatusCode: http.StatusServiceUnavailable, Code: "EndPoint.0001", Message: "busy"}},
			[]string{"server error (HTTP 503), and the request was not retried: max_retries is 0", "not in the configuration"},
			[]string{"kept", "every retry"}},
		{"answer lost", opUpdate, &approval.Error{Kind: approval.OutcomeUnknown, Action: "receive", Sent: true, Err: errAnswerLost},
			[]string{"may have reached the API", "State keeps the configured action"}, nil},
		// Defect: a wait that saw the opposite final status waited out its
		// timeout, then advised raising it.
		{"rejected by someone else", opCreate, &approval.Error{Kind: approval.DecidedElsewhere, Action: "receive", Sent: true,
			Conn: &client.Connection{Status: client.StatusRejected}, Waited: 1200 * time.Millisecond},
			[]string{`"receive" was sent`, "while the provider waited for it to be accepted, someone else rejected it",
				"stopped after 1.2s", `set action = "reject" instead`, "Nothing was saved in state"},
			[]string{"raise", "timeouts.create"}},
		{"delete", opDelete, &approval.Error{Kind: approval.TimedOut, Action: "reject", Sent: true, Err: errTimedOut},
			[]string{"next destroy sends \"reject\" again", "timeouts.delete"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := decisionDiag(tt.op, receive, tt.err, 10*time.Minute)
			for _, w := range tt.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail lacks %q:\n%s", w, d.Detail())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(d.Detail(), w) {
					t.Errorf("detail has %q:\n%s", w, d.Detail())
				}
			}
		})
	}
}

// Catches: a request that never left the machine (a refused dial, a failed
// lookup, a dial the tests' loopback guard refused) ended with "The
// connection broke after the request was sent, so the API may have acted on
// it", and a refused loopback endpoint did not point at vpcep-mock.
func TestUnitUnreachableSaysNothingWasSent(t *testing.T) {
	t.Parallel()
	const local = "http://127.0.0.1:1/v1/p/vpc-endpoint-services/svc/connections"
	notSent := func(url string, err error) error {
		return &client.NotSentError{Method: http.MethodGet, Path: "/v1/p", Err: &client.TransportError{Method: http.MethodGet, URL: url, Err: err}}
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	guard := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("dial 192.0.2.1:443 refused by the tests' loopback guard")}
	for name, tt := range map[string]struct {
		err  error
		want []string
	}{
		"refused on loopback": {notSent(local, refused), []string{"the connection was refused, so nothing was sent",
			"is vpcep-mock running at http://127.0.0.1:1?"}},
		"refused elsewhere": {notSent(testActionURL, refused), []string{"the connection was refused, so nothing was sent",
			"Check the provider's endpoint"}},
		"unknown host":  {errNoHost, []string{"host name could not be resolved (DNS), so nothing was sent"}},
		"guard refused": {notSent(testActionURL, guard), []string{"could not be reached", "The request never left this machine, so nothing was sent."}},
	} {
		text := unreachableText(tt.err)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: text lacks %q:\n%s", name, w, text)
			}
		}
		if strings.Contains(text, "may have acted") || (name != "refused on loopback" && strings.Contains(text, "vpcep-mock")) {
			t.Errorf("%s: text says the API may have acted, or blames a mock not in play:\n%s", name, text)
		}
	}
}

// TestUnitAPIErrorDiagUnreachable catches an API diagnostic (reads, waits,
// descriptions) that keeps its "refused" advice when no answer came.
func TestUnitAPIErrorDiagUnreachable(t *testing.T) {
	t.Parallel()
	d := apiErrorDiag("Error reading the VPC endpoint connection", "Check the credentials.", errDialFailed)
	if strings.Contains(d.Detail(), "Check the credentials.") || !strings.Contains(d.Detail(), "could not be reached") {
		t.Errorf("detail for no answer:\n%s", d.Detail())
	}
	d = apiErrorDiag("Error reading the VPC endpoint connection", "Check the credentials.", errBadRequest)
	if !strings.HasPrefix(d.Detail(), "Check the credentials.\n\nOriginal Error: VPCEP API error: HTTP 400") {
		t.Errorf("detail for an API answer:\n%s", d.Detail())
	}
}

// TestUnitAPIErrorDiagPlainHTTP catches an https:// endpoint answered in
// plain HTTP reported as a network problem (DNS, proxy, firewall) that may
// have reached the API, instead of "use http://" and "nothing was sent".
func TestUnitAPIErrorDiagPlainHTTP(t *testing.T) {
	t.Parallel()
	err := &client.TransportError{Method: http.MethodGet, URL: testActionURL,
		Err: errors.New("http: server gave HTTP response to HTTPS client")}
	d := apiErrorDiag("Error reading the VPC endpoint connection", "Check the credentials.", err)
	if text := d.Detail(); !strings.Contains(text, "write the endpoint with http://") || !strings.Contains(text, "nothing was sent") ||
		strings.Contains(text, "may have acted") {
		t.Errorf("detail for a plain-HTTP answer:\n%s", text)
	}
}

// TestUnitAPIErrorDiagInterrupted catches Ctrl-C during a read reported as
// an error the API returned instead of an interruption.
func TestUnitAPIErrorDiagInterrupted(t *testing.T) {
	t.Parallel()
	d := apiErrorDiag("Error listing VPC endpoint connections", "Check service_id.", errCanceled)
	if !strings.Contains(d.Detail(), "Terraform was interrupted") || strings.Contains(d.Detail(), "Check service_id.") {
		t.Errorf("detail:\n%s", d.Detail())
	}
}

// Catches: a list that kept shifting, or an answer that did not decode,
// reported with the caller's advice (check service_id) instead of what
// happened and what to do; and a decode error without its request id.
func TestUnitAPIErrorDiagListingAndDecoding(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want []string
	}{
		{fmt.Errorf("listing connections of VPC endpoint service svc: %w", client.ErrListChanged),
			[]string{"kept changing", "Run the command again"}},
		{fmt.Errorf("reading: %w", &client.DecodeError{Method: "GET", Path: "/v1/p/x", RequestID: "req-7", Bytes: 12, Err: errors.New("unexpected EOF")}),
			[]string{"cut short", "req-7", "endpoint points at the VPCEP API"}},
	} {
		d := apiErrorDiag("Error listing VPC endpoint connections", "Check service_id.", tt.err)
		if strings.Contains(d.Detail(), "Check service_id.") {
			t.Errorf("detail blames service_id:\n%s", d.Detail())
		}
		for _, w := range tt.want {
			if !strings.Contains(d.Detail(), w) {
				t.Errorf("detail lacks %q:\n%s", w, d.Detail())
			}
		}
	}
}

// TestUnitDecisionOutcomeDiagAction: the action gets the same titles as the
// resource, with its own timeout name and next step. Catches: the action's
// own copy of the mapping drifting from the resource's (a missing endpoint
// under another title, a timeout naming timeouts.create).
func TestUnitDecisionOutcomeDiagAction(t *testing.T) {
	t.Parallel()
	reject := approval.Request{ServiceID: "svc", EndpointID: "ep", Action: client.ActionReject}
	tests := []struct {
		name    string
		err     error
		title   string
		want    []string
		notWant []string
	}{
		{"missing endpoint", &approval.Error{Kind: approval.Gone, Action: "reject", Err: errBadRequest},
			"VPC endpoint connection not found", []string{"an id is wrong", "nothing was changed", "Invoking the action again"},
			[]string{"remove this resource"}},
		{"timed out", &approval.Error{Kind: approval.TimedOut, Action: "reject", Sent: true,
			Conn: &client.Connection{Status: client.StatusCreating}, Err: errTimedOut},
			"Timed out waiting for the VPC endpoint connection",
			[]string{`"reject" was sent`, "within 2s (timeout)", "raise timeout;", "finishes it without Terraform"},
			[]string{"timeouts."}},
		{"deleting after the send", &approval.Error{Kind: approval.Gone, Action: "reject", Sent: true,
			Conn: &client.Connection{Status: client.StatusDeleting}}, "VPC endpoint is being deleted",
			[]string{"deleted it or is deleting it"}, []string{"an id is wrong"}},
		// Defect: the action waited out its timeout for a connection someone
		// else accepted meanwhile, then advised raising the timeout.
		{"accepted by someone else", &approval.Error{Kind: approval.DecidedElsewhere, Action: "reject", Sent: true,
			Conn: &client.Connection{Status: client.StatusAccepted}}, "VPC endpoint connection accepted by someone else",
			[]string{"while the provider waited for it to be rejected, someone else accepted it", `set action = "receive" instead`,
				"Invoking the action again"}, []string{"raise timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := decisionOutcomeDiag(reject, tt.err, decisionActionFollowUp(reject, 2*time.Second))
			if d.Summary() != tt.title {
				t.Errorf("title %q, want %q", d.Summary(), tt.title)
			}
			if r := decisionDiag(opUpdate, reject, tt.err, time.Minute); r.Summary() != tt.title {
				t.Errorf("the resource's title %q, want the action's %q", r.Summary(), tt.title)
			}
			for _, w := range tt.want {
				if !strings.Contains(d.Detail(), w) {
					t.Errorf("detail lacks %q:\n%s", w, d.Detail())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(d.Detail(), w) {
					t.Errorf("detail has %q:\n%s", w, d.Detail())
				}
			}
		})
	}
}

// TestUnitRejectedByDeletion: whether a reject that met a gone endpoint is
// done is decided in one place. Catches: a reject of a never-seen id (a
// typo) reported as done, and a reject of a deleted, managed endpoint
// reported as a failure.
func TestUnitRejectedByDeletion(t *testing.T) {
	t.Parallel()
	reject := approval.Request{ServiceID: "svc", EndpointID: "ep", Action: client.ActionReject}
	receive := approval.Request{ServiceID: "svc", EndpointID: "ep", Action: client.ActionReceive}
	notListed := &approval.Error{Kind: approval.Gone, Action: "reject",
		Err: &client.APIError{StatusCode: http.StatusBadRequest, Code: client.CodeEndpointNotInService}}
	deleting := &approval.Error{Kind: approval.Gone, Action: "reject",
		Err: &client.APIError{StatusCode: http.StatusBadRequest, Code: client.CodeEndpointDeleting}}
	tests := []struct {
		name         string
		d            approval.Request
		err          error
		wasConnected bool
		want         bool
	}{
		{"deleting, never managed", reject, deleting, false, true},
		{"not listed, never managed", reject, notListed, false, false},
		{"not listed, was connected", reject, notListed, true, true},
		{"receive meets a deleting endpoint", receive, deleting, true, false},
		{"timed out", reject, &approval.Error{Kind: approval.TimedOut, Action: "reject", Sent: true}, true, false},
		{"success", reject, nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, got := rejectedByDeletion(tt.d, tt.err, tt.wasConnected, " then.")
			if got != tt.want {
				t.Fatalf("rejectedByDeletion = %v, want %v", got, tt.want)
			}
			if got && (d.Severity() != diag.SeverityWarning || !strings.HasSuffix(d.Detail(), "nothing left to reject. then.")) {
				t.Errorf("diagnostic %s: %q", d.Severity(), d.Detail())
			}
		})
	}
}
