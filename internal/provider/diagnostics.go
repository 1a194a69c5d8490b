package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/credentials"
	"github.com/vpcep/terraform-provider-vpcep/internal/settings"
)

// apiErrorDiag is an error diagnostic for a failed API call: a summary, a
// detail saying what to do, and the original error with the API's status,
// code and request id. Answers that are not about the call's own inputs
// (no answer, 401, 403, throttling, interruption) replace whatToDo.
func apiErrorDiag(summary, whatToDo string, err error) diag.Diagnostic {
	if why := callerIndependentText(err); why != "" {
		whatToDo = why
	}
	return diag.NewErrorDiagnostic(summary, whatToDo+"\n\nOriginal Error: "+err.Error())
}

// callerIndependentText explains failures whose cause is not the resource's
// arguments, or returns "".
func callerIndependentText(err error) string {
	return callerIndependentTextSlower(err, lowerParallelism)
}

// callerIndependentTextSlower is callerIndependentText whose advice for
// throttling is slower: how the caller sends fewer requests at once.
func callerIndependentTextSlower(err error, slower string) string {
	var apiErr *client.APIError
	var decodeErr *client.DecodeError
	var srcErr *credentials.SourceError
	switch {
	case errors.Is(err, context.Canceled):
		return "Terraform was interrupted (for example with Ctrl-C) before the API answered."
	case errors.As(err, &srcErr):
		return "The provider could not obtain fresh credentials, so the request never reached the VPCEP API: " +
			srcErr.Failed + " failed. " + srcErr.Fix
	case errors.Is(err, client.ErrListChanged):
		return "The service's connections kept changing while the provider read them page by page, so the " +
			"list could lack a live connection and was not used. Run the command again once consumers stop " +
			"creating or deleting endpoints and connections stop changing status."
	case errors.As(err, &decodeErr):
		return "The API answered, but its answer was cut short or is not the JSON the API sends. Run the " +
			"command again; if it keeps happening, check that endpoint points at the VPCEP API itself (not a " +
			"proxy or another service), and quote the request id below to support."
	case client.IsNoAnswer(err) || client.Delivered(err) == client.Undelivered && !errors.As(err, &apiErr):
		return unreachableText(err)
	case !errors.As(err, &apiErr):
		return ""
	case apiErr.StatusCode == http.StatusUnauthorized:
		return "The API did not accept the provider's credentials (HTTP 401): they are wrong, expired, or for " +
			"another cloud or region. Check auth_token (VPCEP_AUTH_TOKEN), or access_key and secret_key " +
			"(VPCEP_ACCESS_KEY and VPCEP_SECRET_KEY, HW_ACCESS_KEY and HW_SECRET_KEY, or HUAWEICLOUD_SDK_AK and " +
			"HUAWEICLOUD_SDK_SK; each key is taken from the first of these that is set, so a stale one can pair with " +
			"another's secret), and the region they belong to."
	case apiErr.StatusCode == http.StatusForbidden:
		return "The credentials are valid, but they lack permission for this call on this project (HTTP 403). " +
			"Grant the user or agency the VPCEP permissions on the project (for example the VPCEP FullAccess " +
			"policy, or vpcep:endpointServices:* for the service owner), or check project_id."
	case client.IsRetryable(err):
		return retriesOutlastedText(apiErr, slower)
	}
	return ""
}

// lowerParallelism is the advice to send fewer requests at once; a policy,
// whose requests all come from one resource, gives lowerConcurrentRequests.
const (
	lowerParallelism        = "lower Terraform's -parallelism"
	lowerConcurrentRequests = "lower concurrent_requests"
)

// retriesOutlastedText explains a retryable answer (throttling, a server
// error) that was final: after how many retries, or that max_retries = 0
// allowed none, and how to allow more.
func retriesOutlastedText(apiErr *client.APIError, slower string) string {
	allow := fmt.Sprintf("set max_retries in the provider block (for example %d, the default; up to %d)",
		settings.DefaultMaxRetries, client.MaxRetriesLimit)
	throttled := client.IsThrottled(apiErr)
	switch {
	case throttled && apiErr.Retries == 0:
		return "The API throttled the request (too many requests), and it was not retried: max_retries is 0. " +
			"To let the provider wait and retry, " + allow + "; or " + slower + "."
	case throttled:
		return fmt.Sprintf("The API kept throttling the requests (too many requests) through %s. Raise "+
			"max_retries in the provider block (up to %d), or %s.",
			retriesText(apiErr.Retries), client.MaxRetriesLimit, slower)
	case apiErr.Retries == 0:
		return fmt.Sprintf("The API failed with a server error (HTTP %d), and the request was not retried: "+
			"max_retries is 0. This is a problem on the cloud's side, not in the configuration. Try again later, "+
			"or %s to ride out short outages.", apiErr.StatusCode, allow)
	}
	return fmt.Sprintf("The API kept failing with a server error (HTTP %d) through %s: a problem on the "+
		"cloud's side, not in the configuration. Try again later, or raise max_retries in the provider block "+
		"(up to %d) to ride out longer outages.", apiErr.StatusCode, retriesText(apiErr.Retries), client.MaxRetriesLimit)
}

// retriesText is "1 retry" or "N retries".
func retriesText(n int) string {
	if n == 1 {
		return "1 retry"
	}
	return fmt.Sprintf("%d retries", n)
}

// unreachableText says what to do when no HTTP answer came from the API,
// and whether the request left this machine: a refused connection or a
// failed name lookup sent nothing, a connection that broke may have.
func unreachableText(err error) string {
	where := "the configured endpoint"
	endpoint := apiEndpointOf(err)
	if endpoint != "" {
		where = endpoint
	}
	check := "Check the provider's endpoint (or region, from which the endpoint is derived) and the network path " +
		"to it (DNS, proxy, firewall)."
	var text string
	switch {
	case client.ConnectionRefused(err) && client.IsLoopbackURL(endpoint):
		text = fmt.Sprintf("The VPCEP API at %s could not be reached: the connection was refused, so nothing was "+
			"sent. Nothing listens on that port of this machine: is vpcep-mock running at %s? Start it (the URL "+
			"it prints is the endpoint to use), or correct the provider's endpoint.", where, endpoint)
	case client.ConnectionRefused(err):
		text = fmt.Sprintf("The VPCEP API at %s could not be reached: the connection was refused, so nothing was "+
			"sent. %s", where, check)
	case client.PlainHTTPAnswer(err):
		text = fmt.Sprintf("The server at %s answered an https:// request in plain HTTP, so nothing was sent: it "+
			"speaks http://. For vpcep-mock or another local test server, write the endpoint with http://; a cloud "+
			"endpoint speaks https://, so check that endpoint names the API and not a plain-HTTP proxy port.", where)
	case client.LookupFailed(err):
		text = fmt.Sprintf("The VPCEP API at %s could not be reached: its host name could not be resolved (DNS), "+
			"so nothing was sent. %s", where, check)
	default:
		text = fmt.Sprintf("The VPCEP API at %s could not be reached: no HTTP response was received. %s", where, check)
	}
	if client.IsCertificateProblem(err) {
		text += " The server's TLS certificate could not be verified (x509): check that endpoint names the " +
			"right host. Only for a test server with a self-signed certificate, set insecure = true in the " +
			"provider block; never for a real cloud endpoint."
	}
	switch client.Delivered(err) {
	case client.DeliveryUnknown:
		text += " The connection broke after the request was sent, so the API may have acted on it."
	case client.Undelivered:
		if !strings.Contains(text, "nothing was sent") {
			text += " The request never left this machine, so nothing was sent."
		}
	}
	return text
}

// apiEndpointOf returns the base URL of the failed request in err, or "".
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
	if i := strings.Index(u.EscapedPath(), "/v1/"); i > 0 {
		base += u.EscapedPath()[:i]
	}
	return base
}

// connectionRef names a connection in messages.
func connectionRef(serviceID, endpointID string) string {
	return fmt.Sprintf("endpoint %s on endpoint service %s", endpointID, serviceID)
}

// queryErrorsText lists every error_code and error_message of a failed connection.
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

// operation is the operation a decision diagnostic reports on; it decides
// what the message says about state and the next run.
type operation string

const (
	opCreate operation = "create"
	opUpdate operation = "update"
	opDelete operation = "delete"
)

// decisionFollowUp is what one caller of a decision adds to the description
// of its outcome, which decisionOutcomeDiag alone writes.
type decisionFollowUp struct {
	// timeoutName is the setting that bounded the decision, e.g. "timeouts.create".
	timeoutName string
	timeout     time.Duration
	// next says what state holds and what the next run does, after an
	// outcome whose decision reached the API (sent) or not.
	next func(sent bool) string
	// undecidable says what to do about a connection nobody can decide
	// (failed, or its endpoint gone); "" when there is nothing to add.
	undecidable string
}

// approvalFollowUp is the follow-up of vpcep_connection_approval's operation op.
func approvalFollowUp(op operation, d approval.Request, timeout time.Duration) decisionFollowUp {
	return decisionFollowUp{
		timeoutName: "timeouts." + string(op),
		timeout:     timeout,
		next:        func(sent bool) string { return nextRunText(op, d, sent) },
		undecidable: "To stop managing it, remove this resource from the configuration (destroying it leaves the " +
			"connection as it is).",
	}
}

// nextRunText says truthfully what the state holds after a failed
// operation and what the next run does.
func nextRunText(op operation, d approval.Request, sent bool) string {
	want := approval.TargetStatus(d.Action)
	switch {
	case op == opDelete:
		return "The resource stays in state; the next destroy sends \"reject\" again (rejecting a rejected " +
			"connection changes nothing)."
	case op == opCreate && !sent:
		return "Nothing was changed and nothing was saved in state; the next apply tries again."
	case op == opCreate:
		return fmt.Sprintf("Nothing was saved in state. The next apply creates the resource again: it sends %q "+
			"again, which does not undo or restart a decision in progress, and waits for status %q. It never "+
			"sends the opposite action first.", d.Action, want)
	case !sent:
		return "Nothing was changed. State keeps the configured action, so the next plan shows the change again."
	}
	return fmt.Sprintf("State keeps the configured action %q with the last status seen, so the next plan shows the "+
		"way to status %q again and the next apply waits for it (sending %q again is harmless).", d.Action, want, d.Action)
}

// decisionDiag maps a failed decision of vpcep_connection_approval to one diagnostic.
func decisionDiag(op operation, d approval.Request, err error, timeout time.Duration) diag.Diagnostic {
	return decisionOutcomeDiag(d, err, approvalFollowUp(op, d, timeout))
}

// decisionOutcomeDiag is the one mapping of a decision's outcome to a
// diagnostic: what happened, what the API said, and then f's follow-up.
func decisionOutcomeDiag(d approval.Request, err error, f decisionFollowUp) diag.Diagnostic {
	ref := connectionRef(d.ServiceID, d.EndpointID)
	want := approval.TargetStatus(d.Action)
	sendTitle := fmt.Sprintf("Error sending %q for the VPC endpoint connection", d.Action)
	e := approval.AsError(err)
	if e == nil {
		return apiErrorDiag(sendTitle,
			fmt.Sprintf("Could not %s the connection of %s. %s", actionVerb(d.Action), ref, f.next(true)), err)
	}
	next := f.next(e.Sent)
	original := ""
	if e.Err != nil {
		original = "\n\nOriginal Error: " + e.Err.Error()
	}
	undecidable := ""
	if f.undecidable != "" {
		undecidable = " " + f.undecidable
	}
	title, detail := sendTitle, ""
	switch e.Kind {
	case approval.NotSent:
		title = "Request not sent"
		detail = fmt.Sprintf("The request to %s the connection of %s never left the provider, so the API did nothing. "+
			"%s %s", actionVerb(d.Action), ref, notSentText(e.Err), next)
	case approval.Refused:
		detail = fmt.Sprintf("The API refused to %s the connection of %s. Check service_id and endpoint_id; "+
			"throttling and transient errors were already retried.", actionVerb(d.Action), ref)
		if why := callerIndependentText(e.Err); why != "" {
			detail = why
		}
		detail += " " + next
	case approval.ServiceNotFound:
		title = "VPC endpoint service not found"
		detail = fmt.Sprintf("The endpoint service %s does not exist in the configured project. Check service_id and "+
			"the provider's project_id. %s", d.ServiceID, next)
	case approval.NotVisible:
		title, detail = notVisibleText(d, e, f, next)
	case approval.Failed:
		title, detail = failedConnectionText(ref, e, undecidable, next)
		original = ""
	case approval.Gone:
		title, detail = goneText(d, e, ref, undecidable, next)
	case approval.OutcomeUnknown:
		title = fmt.Sprintf("Outcome of %q unknown", d.Action)
		detail = fmt.Sprintf("The request to %s the connection of %s may have reached the API, but no answer came back. "+
			"%s %s", actionVerb(d.Action), ref, unreachableText(e.Err), next)
	case approval.DecidedElsewhere:
		title, detail = decidedElsewhereText(d, e, ref, next)
		original = ""
	case approval.Interrupted:
		title = "Interrupted"
		detail = fmt.Sprintf("Terraform was interrupted after %s while the connection of %s was on its way to %q "+
			"(last status seen: %q). %s", e.Waited.Round(100*time.Millisecond), ref, want, lastStatus(e), next)
		original = ""
	default:
		title = "Timed out waiting for the VPC endpoint connection"
		detail = fmt.Sprintf("%q was sent, but the connection of %s did not become %q within %s (%s); the last "+
			"status seen was %q. %s If the connection needs longer, raise %s; otherwise ask the endpoint's owner "+
			"to check the endpoint.", d.Action, ref, want, durationText(f.timeout), f.timeoutName, lastStatus(e), next,
			f.timeoutName)
	}
	return diag.NewErrorDiagnostic(title, detail+original)
}

// notVisibleText explains an endpoint that never appeared on the service.
func notVisibleText(d approval.Request, e *approval.Error, f decisionFollowUp, next string) (title, detail string) {
	count := "the"
	if e.ServiceConnections >= 0 {
		count = fmt.Sprintf("the %d", e.ServiceConnections)
	}
	limit := "missing_endpoint_timeout"
	if e.OperationTimedOut {
		limit = f.timeoutName
	}
	return "VPC endpoint not connected to the service", fmt.Sprintf("Endpoint %s did not appear among %s "+
		"connections of endpoint service %s within %s (%s). Ids are case-sensitive: check endpoint_id with the "+
		"endpoint's owner. If the endpoint is being created and needs longer, raise %s. %s",
		d.EndpointID, count, d.ServiceID, e.Waited.Round(time.Second), limit, limit, next)
}

// failedConnectionText explains a connection in status failed, with the API's errors.
func failedConnectionText(ref string, e *approval.Error, undecidable, next string) (title, detail string) {
	errs := "the API gave no error details"
	if e.Conn != nil {
		errs = strings.TrimSuffix(queryErrorsText(e.Conn.Error), ".")
	}
	return "VPC endpoint connection failed", fmt.Sprintf("The connection of %s is in status %q, which nobody can "+
		"change; the API reports: %s. %s%s %s", ref, client.StatusFailed, errs, recreateAdvice, undecidable, next)
}

// goneText explains an endpoint that is not listed, or is being deleted.
func goneText(d approval.Request, e *approval.Error, ref, undecidable, next string) (title, detail string) {
	if !e.Sent && !e.EndpointDeleting() {
		return "VPC endpoint connection not found", fmt.Sprintf("The API does not list endpoint %s among the "+
			"connections of endpoint service %s (the endpoint was deleted, or an id is wrong), so nothing was "+
			"changed. Ids are case-sensitive: check service_id, endpoint_id and the provider's project_id. %s",
			d.EndpointID, d.ServiceID, next)
	}
	return "VPC endpoint is being deleted", fmt.Sprintf("The owner of the endpoint of %s deleted it or is "+
		"deleting it, so there is nothing to decide.%s", ref, undecidable)
}

// recreateAdvice is what a failed connection's owner can do about it.
const recreateAdvice = "The endpoint's owner must delete and re-create the endpoint."

// rejectedByDeletion decides, for every caller, whether a reject that met a
// gone endpoint is done: the endpoint carries no traffic, so it is, with a
// warning that ends with then. An endpoint the API does not list counts only
// when it was connected before (wasConnected): otherwise the id may be wrong.
func rejectedByDeletion(d approval.Request, err error, wasConnected bool, then string) (diag.Diagnostic, bool) {
	e := approval.AsError(err)
	if d.Action != client.ActionReject || e == nil || e.Kind != approval.Gone || !wasConnected && !e.EndpointDeleting() {
		return nil, false
	}
	return diag.NewWarningDiagnostic("VPC endpoint is gone",
		fmt.Sprintf("The owner of the endpoint of %s deleted it or is deleting it, so it carries no traffic and "+
			"there is nothing left to reject.%s", connectionRef(d.ServiceID, d.EndpointID), then)), true
}

// decidedElsewhereText is the title and detail of a wait that saw the
// opposite final status: someone else decided the connection meanwhile.
func decidedElsewhereText(d approval.Request, e *approval.Error, ref, next string) (title, detail string) {
	want, seen := approval.TargetStatus(d.Action), approval.OppositeStatus(d.Action)
	other := client.ActionReceive
	if d.Action == client.ActionReceive {
		other = client.ActionReject
	}
	title = fmt.Sprintf("VPC endpoint connection %s by someone else", seen)
	detail = fmt.Sprintf("%q was sent for the connection of %s, but while the provider waited for it to be %s, "+
		"someone else %s it: its status is now %q. Another configuration (a vpcep_connection_policy or another "+
		"vpcep_connection_approval of this endpoint), the console or a script decides it too. Waiting longer cannot "+
		"change that, so the provider stopped after %s instead of waiting out its timeout. Agree on one owner for "+
		"this endpoint's decision: if the connection should be %s, make sure nothing else sends %q for it, then "+
		"run again; if it should stay %s, set action = %q instead. %s", d.Action, ref, want, seen, seen,
		e.Waited.Round(100*time.Millisecond), want, other, seen, other, next)
	return title, detail
}

func lastStatus(e *approval.Error) string {
	if s := e.LastStatus(); s != "" {
		return s
	}
	return "none (not seen)"
}

// notSentText names the setting behind a request that could not be sent.
func notSentText(err error) string {
	if err == nil {
		return ""
	}
	if client.IsNoAnswer(err) || client.IsCertificateProblem(err) {
		return unreachableText(err)
	}
	return "Check the provider's settings named in the error below."
}

// descriptionErrorDiag reports a failed description update.
func descriptionErrorDiag(op operation, d approval.Request, err error) diag.Diagnostic {
	next := "The decision was made and State keeps it; the next apply sets the description again."
	if op == opCreate {
		next = "Nothing was saved in state; the next apply sends the same decision again (harmless) and sets " +
			"the description."
	}
	return apiErrorDiag("Error updating the VPC endpoint connection's description",
		fmt.Sprintf("The API refused to update the description of the connection of %s. Check the description "+
			"(0-512 characters, no < or >) and that the credentials may update connection descriptions. %s",
			connectionRef(d.ServiceID, d.EndpointID), next), err)
}

func actionVerb(action string) string {
	if action == client.ActionReject {
		return "reject"
	}
	return "accept"
}
