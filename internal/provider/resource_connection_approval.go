package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Attribute names of the resource beside those of a connection.
const (
	attrMissingEndpointTimeout = "missing_endpoint_timeout"
	attrTimeouts               = "timeouts"
)

// Default timeouts: a connection normally settles within seconds.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

var (
	_ resource.Resource                   = (*connectionApprovalResource)(nil)
	_ resource.ResourceWithConfigure      = (*connectionApprovalResource)(nil)
	_ resource.ResourceWithImportState    = (*connectionApprovalResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectionApprovalResource)(nil)
)

// NewConnectionApprovalResource returns the vpcep_connection_approval resource.
func NewConnectionApprovalResource() resource.Resource { return &connectionApprovalResource{} }

type connectionApprovalResource struct {
	data *providerData // nil until the provider is configured
}

func (r *connectionApprovalResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection_approval"
}

func (r *connectionApprovalResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Accepts (`receive`) or rejects (`reject`) the connection of one VPC endpoint to one of your " +
			"endpoint services, and manages the connection's description. Use `for_each` for many endpoints. " +
			"Destroying the resource rejects the connection.",
		Attributes: map[string]schema.Attribute{
			connAttrID: schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`service_id/endpoint_id`; also the import id.",
			},
			connAttrServiceID: schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of your VPC endpoint service (1-64 characters). Changing it replaces the resource.",
				Validators:          []validator.String{idValidator{forbidSlash: true}, upperCaseUUID{}},
			},
			connAttrEndpointID: schema.StringAttribute{
				Required: true,
				MarkdownDescription: "ID of the consumer's VPC endpoint connected to the service (1-64 characters, " +
					"case-sensitive). Changing it replaces the resource.",
				Validators: []validator.String{idValidator{forbidSlash: true}, upperCaseUUID{}},
			},
			connAttrAction: schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(client.ActionReceive),
				MarkdownDescription: "`receive` accepts the connection (status `accepted`), `reject` rejects it (status " +
					"`rejected`). Default: `receive`, except for an imported connection that awaits a decision, which " +
					"must set it. A settled status changed outside Terraform shows as a planned update.",
				Validators: []validator.String{stringvalidator.OneOf(client.ActionReceive, client.ActionReject)},
			},
			connAttrDescription: schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Description of the connection, 0-512 characters, without `<` or `>`. When omitted, " +
					"the live description is left as it is; `\"\"` clears it.",
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(0, 512),
					stringvalidator.RegexMatches(regexp.MustCompile(`^[^<>]*$`), "must not contain < or >"),
				},
			},
			attrMissingEndpointTimeout: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How long create waits for an endpoint that the service has never "+
					"listed (a duration such as `30s`; default `%s`), before it reports the id as unknown. An endpoint "+
					"that its owner is still creating is awaited for the whole `timeouts.create`.",
					approval.DefaultMissingEndpointTimeout),
				Validators: []validator.String{positiveDurationValidator()},
			},
			connAttrStatus: schema.StringAttribute{
				Computed: true,
				MarkdownDescription: connDescStatus + " When it is not the status `action` leads to, the plan shows " +
					"the change and apply waits for it.",
			},
			connAttrMarkerID: schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: connDescMarkerID,
			},
			connAttrDomainID: schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: connDescDomainID,
			},
			connAttrCreatedAt: schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: connDescCreatedAt,
			},
			connAttrUpdatedAt: schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: connDescUpdatedAt,
			},
			connAttrError: connectionErrorResourceAttribute(),
		},
		Blocks: map[string]schema.Block{
			attrTimeouts: timeouts.Block(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long create may wait for the endpoint to appear and the connection to settle " +
					"(a positive duration such as `30s` or `10m`). Default: `10m`.",
				UpdateDescription: "How long an update may wait for the connection to settle. Default: `10m`.",
				DeleteDescription: "How long destroy may wait for the connection to be rejected. Default: `10m`.",
			}),
		},
	}
}

func (r *connectionApprovalResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	pd, diags := providerDataFrom(req.ProviderData)
	resp.Diagnostics.Append(diags...)
	r.data = pd
}

// ValidateConfig refuses non-positive timeouts at plan time.
func (r *connectionApprovalResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateTimeouts(ctx, req.Config, &resp.Diagnostics)
}

// validateTimeouts refuses the durations of a timeouts block that are too short to work.
func validateTimeouts(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var t timeouts.Value
	diags.Append(config.GetAttribute(ctx, path.Root(attrTimeouts), &t)...)
	if !isKnown(t) {
		return
	}
	for name, v := range t.Attributes() {
		s, ok := v.(types.String)
		if !ok || !isKnown(s) {
			continue
		}
		if _, err := time.ParseDuration(s.ValueString()); err != nil {
			continue // the timeouts block reports unparsable values itself
		}
		if problem := durationProblem(s.ValueString()); problem != "" {
			diags.AddAttributeError(path.Root(attrTimeouts).AtName(name), "Invalid timeout",
				fmt.Sprintf("timeouts.%s %s; got %q.", name, problem, s.ValueString()))
		}
	}
}

func (r *connectionApprovalResource) decider(ctx context.Context) *approval.Decider {
	return &approval.Decider{API: r.data.Client, Reader: r.data.Reader,
		Log: func(msg string, fields map[string]any) { tflog.Debug(ctx, msg, fields) },
		Notify: func(warn bool, msg string, fields map[string]any) {
			if warn {
				tflog.Warn(ctx, msg, fields)
			} else {
				tflog.Info(ctx, msg, fields)
			}
		}}
}

func (r *connectionApprovalResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, diags := approvalModelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(notConfiguredDiag())
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	decision := approval.Request{
		ServiceID: plan.ServiceID.ValueString(), EndpointID: plan.EndpointID.ValueString(),
		Action: plan.Action.ValueString(), WaitForEndpoint: true,
		MissingEndpointTimeout: parseDurationOr(plan.MissingEndpointTimeout, approval.DefaultMissingEndpointTimeout),
	}
	ctx = tflog.SetField(ctx, connAttrServiceID, decision.ServiceID)
	ctx = tflog.SetField(ctx, connAttrEndpointID, decision.EndpointID)
	setApprovalIdentity(resp.Identity, decision.ServiceID, decision.EndpointID)

	// Any failure leaves nothing in state: a resource in state after a
	// failed create would be tainted, and replacing it would send the
	// opposite action first. The next apply creates it again, which
	// re-sends the same decision and so continues where this one stopped.
	conn, err := r.decider(ctx).Decide(ctx, decision)
	if err != nil {
		resp.Diagnostics.Append(decisionDiag(opCreate, decision, err, timeout))
		return
	}
	if isKnown(plan.Description) && plan.Description.ValueString() != conn.Description {
		c, err := r.updateDescription(ctx, decision, plan.Description.ValueString())
		if err != nil {
			resp.Diagnostics.Append(descriptionErrorDiag(opCreate, decision, err))
			return
		}
		c.Status = conn.Status // the description call does not move the status
		conn = c
	}
	plan.ID = types.StringValue(connectionID(decision.ServiceID, decision.EndpointID))
	resp.Diagnostics.Append(plan.setConnection(conn)...)
	resp.Diagnostics.Append(plan.writeTo(ctx, &resp.State)...)
}

func (r *connectionApprovalResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, diags := approvalModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	setApprovalIdentity(resp.Identity, state.ServiceID.ValueString(), state.EndpointID.ValueString())
	if r.data == nil {
		// The provider's configuration is known only at apply: keep state and say so.
		resp.Diagnostics.AddWarning("VPC endpoint connection not refreshed",
			fmt.Sprintf("The vpcep provider's configuration depends on values known only after apply, so the "+
				"connection %s was not read from the API during this plan; changes made outside Terraform show "+
				"in the next plan.", state.ID.ValueString()))
		return
	}
	serviceID, endpointID := state.ServiceID.ValueString(), state.EndpointID.ValueString()
	conn, err := r.data.Reader.Get(ctx, serviceID, endpointID, time.Time{})
	if client.IsNotFound(err) || (err == nil && conn.Status == client.StatusDeleting) {
		// Deleted, or on its way out: nothing is left to decide.
		tflog.Info(ctx, "connection is gone or being deleted; removing it from state", map[string]any{
			connAttrServiceID: serviceID, connAttrEndpointID: endpointID,
		})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiag("Error reading the VPC endpoint connection",
			fmt.Sprintf("Could not read the connection of %s. State is unchanged; the next plan reads it again.",
				connectionRef(serviceID, endpointID)), err))
		return
	}
	if state.Action.IsNull() && (conn.Status == client.StatusPendingAcceptance || conn.Status == client.StatusCreating) {
		resp.Diagnostics.AddWarning("Imported connection awaits a decision", fmt.Sprintf("The connection of %s is "+
			"%s: nobody has accepted or rejected it yet. Set action = \"receive\" to accept it or action = "+
			"\"reject\" to refuse it: a plan that leaves action to its default is refused for this connection.",
			connectionRef(serviceID, endpointID), conn.Status))
	}
	resp.Diagnostics.Append(state.setConnection(conn)...)
	// A settled status decides the action, so a change made outside
	// Terraform shows as a planned update; an unsettled one keeps the
	// configured action, and statusFollowsAction plans the way there.
	if action, ok := approval.ActionForStatus(conn.Status); ok {
		state.Action = types.StringValue(action)
	}
	state.ID = types.StringValue(connectionID(serviceID, endpointID))
	resp.Diagnostics.Append(state.writeTo(ctx, &resp.State)...)
}

func (r *connectionApprovalResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, diags := approvalModelFrom(ctx, req.Plan.Raw)
	resp.Diagnostics.Append(diags...)
	state, diags := approvalModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(notConfiguredDiag())
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	decision := approval.Request{
		ServiceID: plan.ServiceID.ValueString(), EndpointID: plan.EndpointID.ValueString(), Action: plan.Action.ValueString(),
	}
	ctx = tflog.SetField(ctx, connAttrServiceID, decision.ServiceID)
	ctx = tflog.SetField(ctx, connAttrEndpointID, decision.EndpointID)

	// The new state keeps the configured action whatever happens, with the
	// last status seen: after a failure the next plan shows the way to the
	// decision again, and never the opposite action.
	next := state
	next.Action, next.Description, next.Timeouts, next.MissingEndpointTimeout =
		plan.Action, state.Description, plan.Timeouts, plan.MissingEndpointTimeout
	defer func() {
		next.nullUnknowns()
		resp.Diagnostics.Append(next.writeTo(ctx, &resp.State)...)
		setApprovalIdentity(resp.Identity, decision.ServiceID, decision.EndpointID)
	}()

	if !plan.Action.Equal(state.Action) || state.Status.ValueString() != approval.TargetStatus(decision.Action) {
		conn, err := r.decider(ctx).Decide(ctx, decision)
		if gone, ok := rejectedByDeletion(decision, err, true, " The next refresh removes it from state."); ok {
			next.Status = types.StringValue(client.StatusRejected)
			next.Error = emptyErrorList()
			resp.Diagnostics.Append(gone)
			return
		}
		if err != nil {
			if e := approval.AsError(err); e != nil && e.Conn != nil {
				resp.Diagnostics.Append(next.setConnection(e.Conn)...)
			} else if e == nil || e.Sent {
				next.Status = types.StringNull() // it may have moved
			}
			resp.Diagnostics.Append(decisionDiag(opUpdate, decision, err, timeout))
			return
		}
		resp.Diagnostics.Append(next.setConnection(conn)...)
	}
	if isKnown(plan.Description) && plan.Description.ValueString() != state.Description.ValueString() {
		c, err := r.updateDescription(ctx, decision, plan.Description.ValueString())
		if err != nil {
			resp.Diagnostics.Append(descriptionErrorDiag(opUpdate, decision, err))
			return
		}
		status := next.Status // the description call does not move the status
		resp.Diagnostics.Append(next.setConnection(c)...)
		next.Status = status
	}
	if isKnown(plan.Description) {
		next.Description = plan.Description
	}
}

func (r *connectionApprovalResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, diags := approvalModelFrom(ctx, req.State.Raw)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		resp.Diagnostics.Append(notConfiguredDiag())
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	decision := approval.Request{
		ServiceID: state.ServiceID.ValueString(), EndpointID: state.EndpointID.ValueString(), Action: client.ActionReject,
	}
	_, err := r.decider(ctx).Decide(ctx, decision)
	if _, gone := rejectedByDeletion(decision, err, true, ""); err == nil || gone {
		return
	}
	if e := approval.AsError(err); e != nil && e.Kind == approval.Failed {
		// Nobody can change a failed connection, and it carries no traffic:
		// keeping it would block destroy for ever.
		resp.Diagnostics.AddWarning("Failed VPC endpoint connection left as it is",
			fmt.Sprintf("The connection of %s is in status %q, which the API does not let anyone change, so it "+
				"was not rejected; it was removed from Terraform state. %s", connectionRef(decision.ServiceID,
				decision.EndpointID), client.StatusFailed, recreateAdvice))
		return
	}
	resp.Diagnostics.Append(decisionDiag(opDelete, decision, err, timeout))
}

func (r *connectionApprovalResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	serviceID, endpointID, err := approvalImportTarget(ctx, req)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	setApprovalIdentity(resp.Identity, serviceID, endpointID)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(connAttrID), connectionID(serviceID, endpointID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(connAttrServiceID), serviceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(connAttrEndpointID), endpointID)...)
}

// parseImportID splits "service_id/endpoint_id", each half following the id rule.
func parseImportID(id string) (serviceID, endpointID string, err error) {
	parts := strings.Split(id, connectionIDSeparator)
	v := idValidator{forbidSlash: true}
	if len(parts) == 2 && v.problem(parts[0]) == "" && v.problem(parts[1]) == "" {
		return parts[0], parts[1], nil
	}
	return "", "", fmt.Errorf("expected an import id of the form service_id/endpoint_id (two ids of 1-%d characters "+
		"without whitespace, joined by \"/\"), e.g. 4189d3c2-8882-4871-a3c2-d380272eed88/705290f3-0d00-41f2-aedc-71f09844e879; "+
		"got %q", apiIDMaxLength, id)
}

// updateDescription sets the connection's description and returns the connection.
func (r *connectionApprovalResource) updateDescription(ctx context.Context, d approval.Request, description string) (*client.Connection, error) {
	defer r.data.Reader.Invalidate(d.ServiceID)
	c, err := r.data.Client.UpdateConnectionDescription(ctx, d.ServiceID, d.EndpointID, description)
	if err == nil && c == nil {
		return r.data.Reader.Get(ctx, d.ServiceID, d.EndpointID, time.Now())
	}
	return c, err
}
