package provider

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
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

// failedConnectionsDiag warns about connections the rules decide that are
// failed, which nobody can decide; conns gives their errors.
func failedConnectionsDiag(serviceID string, rules policy.Rules, conns []client.Connection) diag.Diagnostics {
	stuck := map[string]client.Connection{}
	for _, c := range conns {
		if c.Status == client.StatusFailed && rules.Decide(c.ID, c.DomainID) != "" {
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

// failedDecisionsDiag reports every decision that did not settle, with the API's code and message.
func failedDecisionsDiag(op operation, serviceID string, failed map[string]*approval.Error, timeout time.Duration) diag.Diagnostic {
	var lines, hints []string
	timedOut := false
	for _, id := range sortedKeys(failed) {
		f := failed[id]
		line := fmt.Sprintf("  - endpoint %s (%s", id, f.Action)
		if s := f.LastStatus(); s != "" {
			line += fmt.Sprintf(", last status %q", s)
		}
		lines = append(lines, line+"): "+failureCause(f))
		hint := callerIndependentTextSlower(f.Err, lowerConcurrentRequests)
		if f.Kind == approval.Interrupted {
			hint = "Terraform was interrupted (for example with Ctrl-C) while the provider sent these decisions or " +
				"waited for them to settle."
		}
		if hint != "" && !slices.Contains(hints, hint) {
			hints = append(hints, hint)
		}
		timedOut = timedOut || f.Kind == approval.TimedOut
	}
	next := "State keeps every connection that settled; the next apply sends again only the decisions listed " +
		"here, each with its own action (never the opposite one first)."
	switch op {
	case opCreate:
		next = "Nothing was saved in state; the connections that settled keep their status. The next apply plans " +
			"from the live statuses, so it sends only the decisions still missing, each with its own action. The " +
			"accepts this create sent count, for the policy the next apply creates, as accepted before it existed: " +
			"its destroy will not reject them (name them in reject_endpoint_ids to cut them off)."
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

// failureCause is what a failed decision's line says: the API's own error
// (status, code, message, request id) when it answered, else how far the
// decision got.
func failureCause(f *approval.Error) string {
	var apiErr *client.APIError
	switch {
	case errors.As(f.Err, &apiErr):
		return apiErr.Error()
	case f.Kind == approval.TimedOut && f.Sent:
		return "did not settle before the operation's timeout"
	case f.Kind == approval.TimedOut:
		return "the operation's timeout ended before the decision was sent"
	case f.Kind == approval.Interrupted && f.Sent:
		return "interrupted after the decision was sent, before it settled"
	case f.Kind == approval.Interrupted:
		return "interrupted before the decision was sent"
	case f.Err != nil:
		return f.Err.Error()
	}
	return f.Kind.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// createPlanDiag names what a create will decide, grouped by decision: the
// attributes of a resource that does not exist yet cannot show it.
func createPlanDiag(serviceID string, changes []policy.Change, svc policy.Service) diag.Diagnostic {
	var accepts, rejects []string
	for _, ch := range changes {
		line := fmt.Sprintf("  - endpoint %s (account %s, %s)", ch.EndpointID, svc[ch.EndpointID].DomainID, ch.From)
		if ch.Decision == policy.DecisionAccept {
			accepts = append(accepts, line)
		} else {
			rejects = append(rejects, line)
		}
	}
	if len(changes) == 0 {
		return diag.NewWarningDiagnostic("The new connection policy changes no connection now",
			fmt.Sprintf("Creating the policy of endpoint service %s sends nothing for the %d connection(s) the "+
				"service has now: each already has the status its rules lead to, or no rule names it. %s",
				serviceID, len(svc), createRereadsText))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Creating the policy of endpoint service %s will send these decisions (the service has %d connection(s) now):", serviceID, len(svc))
	for _, g := range []struct {
		what  string
		lines []string
	}{{"accept", accepts}, {"reject", rejects}} {
		if len(g.lines) > 0 {
			fmt.Fprintf(&b, "\n\n%s %d:\n%s", g.what, len(g.lines), strings.Join(firstLines(g.lines), "\n"))
		}
	}
	b.WriteString("\n\n" + createRereadsText)
	return diag.NewWarningDiagnostic("Connections the new policy will decide", b.String())
}

// createRereadsText is what a create does with what changed since its plan.
const createRereadsText = "The apply reads the service again and decides by the same rules; a consumer that " +
	"connects in between is accepted only if a rule names its endpoint or its account, and otherwise rejected or " +
	"left waiting as `others` says. After the create, every plan names each endpoint it changes in `connections`."

// destroyPlanDiag names the connections a destroy rejects; nil when none.
func destroyPlanDiag(serviceID string, rejections []policy.Change) diag.Diagnostic {
	if len(rejections) == 0 {
		return nil
	}
	lines := make([]string, len(rejections))
	for i, ch := range rejections {
		lines[i] = fmt.Sprintf("  - endpoint %s (%s)", ch.EndpointID, ch.From)
	}
	return diag.NewWarningDiagnostic("Destroying the policy rejects connections",
		fmt.Sprintf("Destroying the policy of endpoint service %s rejects %d connection(s) that it accepted itself "+
			"(on_destroy = \"reject\"):\n%s\n\nConnections it did not accept (accepted before it existed, or by anyone "+
			"else) stay as they are. To keep these consumers connected, set on_destroy = \"leave\" and apply before "+
			"destroying.", serviceID, len(rejections), strings.Join(firstLines(lines), "\n")))
}

// unmatchedRulesDiag warns, in one diagnostic (Terraform shows only the
// first of several alike), about the ids of the rules that name no connection.
func unmatchedRulesDiag(serviceID string, unmatched []policy.Unmatched) diag.Diagnostic {
	attrs := map[policy.RuleList]string{policy.AcceptEndpoints: policyAttrAcceptEndpointIDs, policy.AcceptDomains: policyAttrAcceptDomainIDs,
		policy.RejectEndpoints: policyAttrRejectEndpointIDs, policy.RejectDomains: policyAttrRejectDomainIDs}
	lines := make([]string, len(unmatched))
	accepts := false
	for i, u := range unmatched {
		lines[i] = fmt.Sprintf("  - %s: %q", attrs[u.List], u.ID)
		if u.Near != "" {
			lines[i] += fmt.Sprintf(": did you mean %q, which is connected?", u.Near)
		}
		accepts = accepts || u.List == policy.AcceptDomains || u.List == policy.AcceptEndpoints
	}
	detail := fmt.Sprintf("These IDs match no connection of endpoint service %s that this plan read:\n%s\n\nAn account or endpoint that "+
		"has not connected yet is the expected case; otherwise check each for a typo: IDs must match exactly, in "+
		"lower case.", serviceID, strings.Join(firstLines(lines), "\n"))
	if accepts {
		detail += " While an accept rule matches nothing it accepts nothing, and a consumer you meant to accept is " +
			"decided by the other rules (rejected, with others = \"reject\")."
	}
	return diag.NewAttributeWarningDiagnostic(path.Root(attrs[unmatched[0].List]), "Rules match no connection", detail)
}

// contradictionDiag warns about an endpoint that a policy and an approval
// of the same configuration decide differently; the endpoint is in the
// summary, so that Terraform does not fold several into one.
func contradictionDiag(serviceID string, x policy.Contradiction) diag.Diagnostic {
	return diag.NewWarningDiagnostic(fmt.Sprintf("A policy and an approval disagree about endpoint %s", x.EndpointID),
		fmt.Sprintf("The vpcep_connection_policy of endpoint service %s decides %q for endpoint %s, but a "+
			"vpcep_connection_approval of this configuration has action = %q for it. Applied together, the one that "+
			"settles last wins, and every later apply flips the connection again. Let one resource decide the "+
			"endpoint: remove the approval, or give the endpoint the same decision in both (the policy's "+
			"accept_endpoint_ids or reject_endpoint_ids).", serviceID, x.PolicyDecision, x.EndpointID, x.ApprovalAction))
}

// unplannedDiag is the error of planned changes that ended elsewhere than
// the plan said: the connection failed, or its endpoint went away.
func unplannedDiag(serviceID string, unplanned map[string]client.Connection) diag.Diagnostic {
	var lines []string
	for _, id := range sortedKeys(unplanned) {
		c := unplanned[id]
		line := fmt.Sprintf("  - endpoint %s: %s", id, c.Status)
		switch c.Status {
		case client.StatusFailed:
			line += ": " + queryErrorsText(c.Error)
		case client.StatusDeleting:
			line += " (its owner deleted the endpoint)"
		}
		lines = append(lines, line)
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("%d VPC endpoint connection(s) not decided as planned", len(unplanned)),
		fmt.Sprintf("During the apply of the policy of endpoint service %s these connections failed or went away, so "+
			"nobody can decide them:\n%s\n\nState keeps what the apply saw; a failed connection stays failed (its owner "+
			"must delete and re-create the endpoint), and a deleted one drops out at the next refresh. The policy "+
			"decided every other connection as planned.", serviceID, strings.Join(firstLines(lines), "\n")))
}

// unknownRulesDiag warns that a plan cannot name the endpoints it changes
// because the rules are known only after apply. A create reads the service
// at apply; an update decides the connections its plan read.
func unknownRulesDiag(serviceID string, creating bool) diag.Diagnostic {
	what := "the apply decides the connections this plan read by the rules as they turn out (a consumer that " +
		"connects after this plan waits for the next plan, which names it), and may cut off connections that are " +
		"accepted now."
	if creating {
		what = "the create reads the service at apply and decides every connection by the rules as they turn out, " +
			"consumers that connect before it included."
	}
	return diag.NewWarningDiagnostic("Rules not known until apply",
		fmt.Sprintf("Some rules of the policy of endpoint service %s (accept_*, reject_* or others) are known only "+
			"after apply, so this plan cannot name the endpoints the apply will accept or reject: %s To review each "+
			"endpoint, make the rules known at plan time, for example by applying what they come from first "+
			"(terraform apply -target=...).", serviceID, what))
}

// newlyFailedDiag warns about failed connections that the planned rules
// decide and the rules in state did not (the refresh warned about those
// already, with the API's error); nil when there are none.
func newlyFailedDiag(serviceID string, rules, stateRules policy.Rules, svc policy.Service) diag.Diagnostic {
	var lines []string
	for _, id := range sortedKeys(svc) {
		c := svc[id]
		if c.Status == client.StatusFailed && rules.Decide(id, c.DomainID) != "" && stateRules.Decide(id, c.DomainID) == "" {
			lines = append(lines, fmt.Sprintf("  - endpoint %s (account %s)", id, c.DomainID))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return diag.NewWarningDiagnostic("The new rules decide failed connections",
		fmt.Sprintf("The rules planned for endpoint service %s decide these connections, which are failed:\n%s\n\n"+
			"A failed connection stays failed whatever anyone sends, so the apply skips them: each endpoint's owner "+
			"must delete and re-create it, and the policy decides the new one in the next apply.",
			serviceID, strings.Join(firstLines(lines), "\n")))
}
