package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// apiErrorDiag is an error diagnostic for a failed API call: a short summary,
// a detail saying what to do, and the original error, which carries the API's
// HTTP status, code, message and request id for support.
func apiErrorDiag(summary, whatToDo string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, whatToDo+"\n\nOriginal Error: "+err.Error())
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
