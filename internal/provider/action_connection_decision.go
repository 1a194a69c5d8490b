package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// The action vpcep_connection_decision (Terraform 1.14 and later) sends one
// decision and waits for it to settle, as the resource does, but keeps no
// state: for break-glass rejections (`terraform apply -invoke=...`) and for
// decisions triggered by other resources' lifecycle events.

var (
	_ action.Action              = (*connectionDecisionAction)(nil)
	_ action.ActionWithConfigure = (*connectionDecisionAction)(nil)
)

// defaultDecisionTimeout bounds one invocation, like the resource's create.
const defaultDecisionTimeout = 10 * time.Minute

// NewConnectionDecisionAction returns the vpcep_connection_decision action.
func NewConnectionDecisionAction() action.Action { return &connectionDecisionAction{} }

type connectionDecisionAction struct {
	data *providerData // nil until the provider is configured
	// poll replaces the decision's polling schedule in tests; zero = the default.
	poll approval.Backoff
}

// connectionDecisionModel is the action's configuration.
type connectionDecisionModel struct {
	ServiceID  types.String `tfsdk:"service_id"`
	EndpointID types.String `tfsdk:"endpoint_id"`
	Action     types.String `tfsdk:"action"`
	Timeout    types.String `tfsdk:"timeout"`
}

func (a *connectionDecisionAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_decision"
}

func (a *connectionDecisionAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Accepts (`receive`) or rejects (`reject`) the connection of one VPC endpoint to one of " +
			"your endpoint services and waits until the connection has the status the decision leads to, " +
			"reporting progress (Terraform 1.14 and later). It keeps no state and shows no drift: use it for " +
			"break-glass rejections (`terraform apply -invoke=action.vpcep_connection_decision.NAME`) and for " +
			"decisions triggered by other resources' lifecycle events. To keep a decision, and see when someone " +
			"changes it outside Terraform, use the `vpcep_connection_approval` resource.",
		Attributes: map[string]schema.Attribute{
			connAttrServiceID: schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of your VPC endpoint service (1-64 characters).",
				Validators:          []validator.String{idValidator{forbidSlash: true}},
			},
			connAttrEndpointID: schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the consumer's VPC endpoint connected to the service (1-64 characters).",
				Validators:          []validator.String{idValidator{forbidSlash: true}},
			},
			"action": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "`receive` accepts the connection (status `accepted`), `reject` rejects it " +
					"(status `rejected`). Sending the decision a connection already has changes nothing.",
				Validators: []validator.String{stringvalidator.OneOf(client.ActionReceive, client.ActionReject)},
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How long to wait for the connection to settle (a duration such "+
					"as `30s` or `10m`). Default: `%s`.", durationText(defaultDecisionTimeout)),
				Validators: []validator.String{positiveDurationValidator()},
			},
		},
	}
}

func (a *connectionDecisionAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	pd, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	a.data = pd
}

func (a *connectionDecisionAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg connectionDecisionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	// Values from variables were unknown when Terraform validated them.
	resp.Diagnostics.Append(validateKnownStrings(ctx, req.Config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.data == nil {
		resp.Diagnostics.Append(notConfiguredDiag())
		return
	}
	progress := func(format string, args ...any) {
		if resp.SendProgress != nil {
			resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf(format, args...)})
		}
	}
	timeout := parseDurationOr(cfg.Timeout, defaultDecisionTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := approval.Request{
		ServiceID: cfg.ServiceID.ValueString(), EndpointID: cfg.EndpointID.ValueString(), Action: cfg.Action.ValueString(),
	}
	ctx = tflog.SetField(ctx, connAttrServiceID, d.ServiceID)
	ctx = tflog.SetField(ctx, connAttrEndpointID, d.EndpointID)
	want := approval.TargetStatus(d.Action)
	ref := connectionRef(d.ServiceID, d.EndpointID)
	api := answerWatcher{API: a.data.Client, answered: func(c *client.Connection) {
		switch {
		case c == nil || c.Status == "":
			progress("%q sent for the connection of %s; waiting for %s.", d.Action, ref, want)
		case c.Status != want:
			progress("%q sent: the connection of %s is %s; waiting for %s.", d.Action, ref, c.Status, want)
		}
	}}
	decider := &approval.Decider{
		API: api, Reader: a.data.Reader, Poll: a.poll,
		Progress: func(status string) {
			if status != want {
				progress("The connection of %s is %s; waiting for %s.", ref, status, want)
			}
		},
	}
	started := time.Now()
	progress("Sending %q for the connection of %s (waiting up to %s for status %s).", d.Action, ref, durationText(timeout), want)
	conn, err := decider.Decide(ctx, d)
	if err != nil {
		if gone, ok := rejectedByDeletion(d, err); ok {
			resp.Diagnostics.Append(gone)
			progress("The endpoint of %s is being deleted by its owner: it carries no traffic.", ref)
			return
		}
		resp.Diagnostics.Append(decisionActionDiag(d, err, timeout))
		return
	}
	took := "at once"
	if elapsed := time.Since(started); elapsed >= 100*time.Millisecond {
		took = "after " + elapsed.Round(100*time.Millisecond).String()
	}
	progress("The connection of %s is %s (%s).", ref, conn.Status, took)
}

// answerWatcher tells the action what the API answered to the decision, so
// that the first status (often creating) shows as progress too.
type answerWatcher struct {
	approval.API
	answered func(*client.Connection)
}

func (w answerWatcher) AcceptOrReject(ctx context.Context, serviceID, endpointID, action string) (*client.Connection, error) {
	c, err := w.API.AcceptOrReject(ctx, serviceID, endpointID, action)
	if err == nil {
		w.answered(c)
	}
	return c, err
}

// durationText writes d as a user would: 10m rather than 10m0s.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// rejectedByDeletion: a reject that finds the endpoint being deleted has
// nothing left to do, which is a warning, not a failure.
func rejectedByDeletion(d approval.Request, err error) (diag.Diagnostic, bool) {
	e := approval.AsError(err)
	if d.Action != client.ActionReject || e == nil || e.Kind != approval.Gone || e.LastStatus() != client.StatusDeleting &&
		!client.HasCode(e.Err, "EndPoint.2018") {
		return nil, false
	}
	return diag.NewWarningDiagnostic("VPC endpoint is being deleted",
		fmt.Sprintf("The owner of the endpoint of %s is deleting it, so it carries no traffic and there is nothing "+
			"left to reject.", connectionRef(d.ServiceID, d.EndpointID))), true
}

// decisionActionDiag says what happened to a decision that did not settle.
// The action keeps no state, so what the next run does is simply: send the
// decision again, which does not undo or restart one in progress.
func decisionActionDiag(d approval.Request, err error, timeout time.Duration) diag.Diagnostic {
	ref := connectionRef(d.ServiceID, d.EndpointID)
	want := approval.TargetStatus(d.Action)
	e := approval.AsError(err)
	if e == nil {
		return apiErrorDiag(fmt.Sprintf("Error sending %q for the VPC endpoint connection", d.Action),
			fmt.Sprintf("Could not %s the connection of %s.", actionVerb(d.Action), ref), err)
	}
	retry := fmt.Sprintf("Invoking the action again sends %q again, which is harmless.", d.Action)
	original := ""
	if e.Err != nil {
		original = "\n\nOriginal Error: " + e.Err.Error()
	}
	title, detail := fmt.Sprintf("Error sending %q for the VPC endpoint connection", d.Action), ""
	switch e.Kind {
	case approval.NotSent:
		title = "Request not sent"
		detail = fmt.Sprintf("The request to %s the connection of %s never left the provider, so the API did "+
			"nothing. %s", actionVerb(d.Action), ref, notSentText(e.Err))
	case approval.Refused:
		detail = fmt.Sprintf("The API refused to %s the connection of %s, so nothing changed. Check service_id "+
			"and endpoint_id; throttling and transient errors were already retried.", actionVerb(d.Action), ref)
		if why := callerIndependentText(e.Err); why != "" {
			detail = why
		}
		detail += " " + retry
	case approval.Gone:
		if e.Sent {
			title = "VPC endpoint deleted"
			detail = fmt.Sprintf("%q was sent, but the owner of the endpoint of %s deleted it before the "+
				"connection became %s: there is nothing left to decide.", d.Action, ref, want)
			break
		}
		fallthrough
	case approval.ServiceNotFound, approval.NotVisible:
		title = "VPC endpoint connection not found"
		detail = fmt.Sprintf("The API does not list endpoint %s among the connections of endpoint service %s "+
			"(the endpoint was deleted, or an id is wrong), so nothing was changed. Ids are case-sensitive: "+
			"check service_id, endpoint_id and the provider's project_id.", d.EndpointID, d.ServiceID)
	case approval.Failed:
		errs := "the API gave no error details"
		if e.Conn != nil {
			errs = queryErrorsText(e.Conn.Error)
		}
		title = "VPC endpoint connection failed"
		detail = fmt.Sprintf("The connection of %s is in status %q, which nobody can change; the API reports: "+
			"%s. The endpoint's owner must delete and re-create the endpoint.", ref, client.StatusFailed, errs)
	case approval.OutcomeUnknown:
		title = fmt.Sprintf("Outcome of %q unknown", d.Action)
		detail = fmt.Sprintf("The request to %s the connection of %s may have reached the API, but no answer "+
			"came back. %s %s", actionVerb(d.Action), ref, unreachableText(e.Err), retry)
	case approval.Interrupted:
		title = "Interrupted"
		detail = fmt.Sprintf("Terraform was interrupted after %s while the connection of %s was on its way to %s "+
			"(last status seen: %q). The decision was sent; the API finishes it without Terraform. %s",
			e.Waited.Round(100*time.Millisecond), ref, want, lastStatus(e), retry)
	case approval.TimedOut:
		title = "Timed out waiting for the VPC endpoint connection"
		detail = fmt.Sprintf("%q was sent, but the connection of %s did not become %s within %s (timeout); the "+
			"last status seen was %q. %s If the connection needs longer, raise timeout; otherwise ask the "+
			"endpoint's owner to check the endpoint.", d.Action, ref, want, durationText(timeout), lastStatus(e), retry)
	default:
		detail = fmt.Sprintf("Deciding the connection of %s stopped (%s; last status seen: %q). %s", ref, e.Kind,
			lastStatus(e), retry)
	}
	return diag.NewErrorDiagnostic(title, detail+original)
}
