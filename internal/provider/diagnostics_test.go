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
	errAnswerLost = &client.TransportError{Method: http.MethodPost, URL: testActionURL, Err: io.ErrUnexpectedEOF}
	errCanceled   = fmt.Errorf("receive connection of VPC endpoint ep on service svc: %w", context.Canceled)
	errTimedOut   = fmt.Errorf("receive connection of VPC endpoint ep on service svc: %w", context.DeadlineExceeded)
)

func TestUnitOutcomeUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		err                    error
		noAnswer, cut, unknown bool
	}{
		{name: "nil", err: nil},
		{name: "API refusal", err: errRefusedAPI},
		{name: "wrapped API refusal", err: fmt.Errorf("reject: %w", errRefusedAPI)},
		{name: "connection refused (never sent)", err: errDialFailed, noAnswer: true},
		{name: "unknown host (never sent)", err: errNoHost, noAnswer: true},
		{name: "certificate (never sent)", err: errCertificate, noAnswer: true},
		{name: "answer lost after sending", err: errAnswerLost, noAnswer: true, unknown: true},
		{name: "canceled", err: errCanceled, cut: true, unknown: true},
		{name: "timed out", err: errTimedOut, cut: true, unknown: true},
		{name: "plain error", err: errors.New("decoding response: bad JSON")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := noAnswer(tt.err); got != tt.noAnswer {
				t.Errorf("noAnswer = %v, want %v", got, tt.noAnswer)
			}
			if got := cutShort(tt.err); got != tt.cut {
				t.Errorf("cutShort = %v, want %v", got, tt.cut)
			}
			if got := outcomeUnknown(tt.err); got != tt.unknown {
				t.Errorf("outcomeUnknown = %v, want %v", got, tt.unknown)
			}
		})
	}
}

// TestUnitActionErrorDiag: the diagnostic of a failed accept/reject says
// "refused" only for an answer of the API; with no answer it names the
// endpoint and what to check; with an unknown outcome it says what became of
// the state. The original error always comes last.
func TestUnitActionErrorDiag(t *testing.T) {
	t.Parallel()
	const ifUnknown = "KEPT-TEXT"
	endpoint := "https://vpcep.eu-de.example/base"
	tests := []struct {
		name    string
		err     error
		want    []string
		notWant []string
	}{
		{name: "API refusal", err: errRefusedAPI,
			want:    []string{"The API refused to accept the connection of endpoint ep on endpoint service svc", "Check the ids"},
			notWant: []string{"could not be reached", ifUnknown}},
		{name: "connection refused", err: errDialFailed,
			want: []string{"The VPCEP API at " + endpoint + " could not be reached: no HTTP response was received",
				"endpoint (or region", "network"},
			notWant: []string{"refused to accept", "insecure", "may have acted", ifUnknown}},
		{name: "certificate", err: errCertificate,
			want:    []string{"The VPCEP API at " + endpoint + " could not be reached", "(x509)", "test server with a self-signed certificate, set insecure = true"},
			notWant: []string{"refused to accept", "may have acted", ifUnknown}},
		{name: "answer lost", err: errAnswerLost,
			want:    []string{"could not be reached", "may have acted on it", ifUnknown},
			notWant: []string{"refused to accept", "insecure"}},
		{name: "canceled", err: errCanceled,
			want:    []string{`Sending "receive" for the connection of endpoint ep`, "was cancelled", "unknown", ifUnknown},
			notWant: []string{"refused to accept", "could not be reached"}},
		{name: "timed out", err: errTimedOut,
			want:    []string{"timeout ran out", "unknown", ifUnknown},
			notWant: []string{"refused to accept", "could not be reached"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := actionErrorDiag("svc", "ep", client.ActionReceive, tt.err, ifUnknown)
			if want := `Error sending "receive" for the VPC endpoint connection`; d.Summary() != want {
				t.Errorf("summary %q, want %q", d.Summary(), want)
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
			if want := "\n\nOriginal Error: " + tt.err.Error(); !strings.HasSuffix(d.Detail(), want) {
				t.Errorf("detail does not end with %q:\n%s", want, d.Detail())
			}
		})
	}
}

// TestUnitAPIErrorDiagUnreachable: every other API diagnostic (reads, waits,
// descriptions) also drops its "refused" advice when no answer came.
func TestUnitAPIErrorDiagUnreachable(t *testing.T) {
	t.Parallel()
	d := apiErrorDiag("Error reading the VPC endpoint connection", "Check the credentials.", errDialFailed)
	if strings.Contains(d.Detail(), "Check the credentials.") || !strings.Contains(d.Detail(), "could not be reached") {
		t.Errorf("detail for no answer:\n%s", d.Detail())
	}
	d = apiErrorDiag("Error reading the VPC endpoint connection", "Check the credentials.", errRefusedAPI)
	if !strings.HasPrefix(d.Detail(), "Check the credentials.\n\nOriginal Error: VPCEP API error: HTTP 403") {
		t.Errorf("detail for an API answer:\n%s", d.Detail())
	}
}
