package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
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
	poll pause.Backoff
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
				Validators:          []validator.String{idValidator{forbidSlash: true}, upperCaseUUID{}},
			},
			connAttrEndpointID: schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the consumer's VPC endpoint connected to the service (1-64 characters).",
				Validators:          []validator.String{idValidator{forbidSlash: true}, upperCaseUUID{}},
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
		if gone, ok := rejectedByDeletion(d, err, false, ""); ok {
			resp.Diagnostics.Append(gone)
			progress("The endpoint of %s is being deleted by its owner: it carries no traffic.", ref)
			return
		}
		resp.Diagnostics.Append(decisionOutcomeDiag(d, err, decisionActionFollowUp(d, timeout)))
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

// decisionActionFollowUp is the action's follow-up: it keeps no state, so
// the next run simply sends the decision again, which does not undo or
// restart one in progress.
func decisionActionFollowUp(d approval.Request, timeout time.Duration) decisionFollowUp {
	return decisionFollowUp{timeoutName: "timeout", timeout: timeout, next: func(sent bool) string {
		if sent {
			return fmt.Sprintf("The decision was sent; the API finishes it without Terraform. Invoking the action "+
				"again sends %q again, which is harmless.", d.Action)
		}
		return fmt.Sprintf("Invoking the action again sends %q again, which is harmless.", d.Action)
	}}
}
