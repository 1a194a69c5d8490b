package provider

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
)

// Diagnostics of vpcep_connection_policy: each names every endpoint concerned.

// policyReadErrorDiag reports a failed read of the service's connections.
func policyReadErrorDiag(serviceID string, err error, next string) diag.Diagnostic {
	what := fmt.Sprintf("Could not list the connections of endpoint service %s. %s", serviceID, next)
	if client.IsNotFound(err) {
		what = fmt.Sprintf("The endpoint service %s does not exist in the configured project. Check service_id "+
			"and the provider's project_id. %s", serviceID, next)
	}
	return apiErrorDiag("Error reading the VPC endpoint service's connections", what, err)
}

// failedConnectionsDiag warns about decided connections in status failed,
// which nobody can decide; conns gives their errors.
func failedConnectionsDiag(serviceID string, entries map[string]policy.Entry, conns []client.Connection) diag.Diagnostics {
	stuck := map[string]client.Connection{}
	for _, c := range conns {
		if _, decided := entries[c.ID]; decided && c.Status == client.StatusFailed {
			stuck[c.ID] = c
		}
	}
	if len(stuck) == 0 {
		return nil
	}
	return diag.Diagnostics{stuckConnectionsDiag(serviceID, stuck)}
}

// stuckConnectionsDiag warns about connections that are failed or being
// deleted: the policy skips them, and says what their owners can do.
func stuckConnectionsDiag(serviceID string, stuck map[string]client.Connection) diag.Diagnostic {
	var lines []string
	for _, id := range sortedKeys(stuck) {
		c := stuck[id]
		line := fmt.Sprintf("  - endpoint %s (account %s): %s", id, c.DomainID, c.Status)
		if c.Status == client.StatusFailed {
			line += ": " + queryErrorsText(c.Error)
		}
		lines = append(lines, line)
	}
	return diag.NewWarningDiagnostic("VPC endpoint connections skipped",
		fmt.Sprintf("The policy of endpoint service %s skipped %d connection(s) that nobody can accept or reject:\n%s\n\n"+
			"A failed connection stays failed: its endpoint's owner must delete and re-create the endpoint, and the "+
			"policy decides the new one in the next apply. A connection being deleted drops out of `connections` "+
			"at the next refresh. The policy decides the other connections as usual.",
			serviceID, len(stuck), strings.Join(firstLines(lines), "\n")))
}

// maxListedEndpoints bounds the endpoints a diagnostic lists one per line:
// a plan of a service with thousands of failed connections must stay readable.
const maxListedEndpoints = 25

// firstLines keeps the first maxListedEndpoints lines and says how many it left out.
func firstLines(lines []string) []string {
	if len(lines) <= maxListedEndpoints {
		return lines
	}
	return append(slices.Clip(lines[:maxListedEndpoints]), fmt.Sprintf("  - and %d more", len(lines)-maxListedEndpoints))
}

// failedDecisionsDiag reports every change that did not settle, with the API's code and message.
func failedDecisionsDiag(op operation, serviceID string, failed map[string]policy.Failure, timeout time.Duration) diag.Diagnostic {
	var lines, hints []string
	timedOut := false
	for _, id := range sortedKeys(failed) {
		f := failed[id]
		line := fmt.Sprintf("  - endpoint %s (%s", id, policy.Action(f.Decision))
		if f.LastStatus != "" {
			line += fmt.Sprintf(", last status %q", f.LastStatus)
		}
		// The API's own error (status, code, message, request id) says it all; the wrapping repeats the ids.
		cause := f.Err
		var apiErr *client.APIError
		if errors.As(f.Err, &apiErr) {
			cause = apiErr
		}
		lines = append(lines, line+"): "+cause.Error())
		hint := callerIndependentText(f.Err)
		if errors.Is(f.Err, policy.ErrWaitInterrupted) {
			hint = "Terraform was interrupted (for example with Ctrl-C) while the provider waited for these " +
				"connections to settle; their decisions had been sent."
		}
		if hint != "" && !slices.Contains(hints, hint) {
			hints = append(hints, hint)
		}
		timedOut = timedOut || errors.Is(f.Err, policy.ErrNotSettled)
	}
	next := "State keeps every connection that settled; the next apply sends again only the decisions listed " +
		"here, each with its own action (never the opposite one first)."
	switch op {
	case opCreate:
		next = "Nothing was saved in state; the connections that settled keep their status. The next apply plans " +
			"from the live statuses, so it sends only the decisions still missing, each with its own action."
	case opDelete:
		next = "The policy stays in state; the next destroy rejects again only the connections still accepted."
	}
	if timedOut {
		next += fmt.Sprintf(" If the connections need longer, raise timeouts.%s (it was %s).", op, timeout)
	}
	if len(hints) > 0 {
		next = strings.Join(hints, " ") + " " + next
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%d VPC endpoint connection(s) not decided", len(failed)),
		fmt.Sprintf("The policy of endpoint service %s could not decide these connections:\n%s\n\n%s",
			serviceID, strings.Join(firstLines(lines), "\n"), next))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
