package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Default timeouts of the resource's operations. A connection normally
// settles within seconds; ten minutes leaves room for an endpoint that its
// owner is still creating.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// Error codes the resource reacts to (vpcep-api.md section 2.4).
const (
	codeEndpointNotInService = "EndPoint.2013" // the endpoint does not belong to the service (yet)
	codeEndpointCreating     = "EndPoint.2019" // the endpoint is being created
	codeEndpointConnected    = "EndPoint.2014" // the endpoint is already connected
	codeEndpointDeleting     = "EndPoint.2018" // the endpoint is being deleted
	codeFailedUnmodifiable   = "EndPoint.2047" // a failed connection cannot be modified
)

var (
	_ resource.Resource                = (*connectionApprovalResource)(nil)
	_ resource.ResourceWithConfigure   = (*connectionApprovalResource)(nil)
	_ resource.ResourceWithImportState = (*connectionApprovalResource)(nil)
)

// NewConnectionApprovalResource returns the vpcep_connection_approval resource.
func NewConnectionApprovalResource() resource.Resource { return &connectionApprovalResource{} }

type connectionApprovalResource struct {
	data   *providerData // nil until the provider is configured
	waiter waiter
}

// connectionApprovalModel is the resource's schema as Go values.
type connectionApprovalModel struct {
	ID          types.String   `tfsdk:"id"`
	ServiceID   types.String   `tfsdk:"service_id"`
	EndpointID  types.String   `tfsdk:"endpoint_id"`
	Action      types.String   `tfsdk:"action"`
	Description types.String   `tfsdk:"description"`
	Status      types.String   `tfsdk:"status"`
	MarkerID    types.Int64    `tfsdk:"marker_id"`
	DomainID    types.String   `tfsdk:"domain_id"`
	CreatedAt   types.String   `tfsdk:"created_at"`
	UpdatedAt   types.String   `tfsdk:"updated_at"`
	Error       types.List     `tfsdk:"error"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

// idValidators apply to service_id and endpoint_id: the API's limit of 64
// characters, and no whitespace or "/" (which would make id ambiguous).
func idValidators() []validator.String {
	return []validator.String{idValidator{forbidSlash: true}}
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
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`service_id/endpoint_id`; also the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"service_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of your VPC endpoint service (1-64 characters). Changing it replaces the resource.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          idValidators(),
			},
			"endpoint_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "ID of the consumer's VPC endpoint connected to the service (1-64 characters). " +
					"If the endpoint is not visible yet (its owner is still creating it), creation waits for it within " +
					"`timeouts.create`. Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    idValidators(),
			},
			"action": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(client.ActionReceive),
				MarkdownDescription: "`receive` accepts the connection (status `accepted`), `reject` rejects it (status " +
					"`rejected`). Default: `receive`. Follows the live status on refresh, so a change made outside " +
					"Terraform shows as a planned update.",
				Validators: []validator.String{stringvalidator.OneOf(client.ActionReceive, client.ActionReject)},
			},
			"description": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Description of the connection, 0-512 characters, without `<` or `>`. Removing it " +
					"from the configuration clears the description.",
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(0, 512),
					stringvalidator.RegexMatches(regexp.MustCompile(`^[^<>]*$`), "must not contain < or >"),
				},
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Status of the connection: `pendingAcceptance`, `creating`, `accepted`, `rejected`, " +
					"`failed` or `deleting`.",
				PlanModifiers: []planmodifier.String{statusFollowsAction{}},
			},
			"marker_id": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Packet ID of the endpoint.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"domain_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Account (domain) ID of the endpoint's owner.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the connection was created (UTC, `YYYY-MM-DDTHH:MM:SSZ`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the connection was last updated (UTC, `YYYY-MM-DDTHH:MM:SSZ`).",
			},
			"error": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Why the connection failed, when its status is `failed`; empty otherwise.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"error_code":    schema.StringAttribute{Computed: true, MarkdownDescription: "Error code."},
					"error_message": schema.StringAttribute{Computed: true, MarkdownDescription: "Error message."},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Update: true, Delete: true,
				CreateDescription: "How long create may wait for the endpoint to appear and the connection to settle " +
					"(a duration such as `30s` or `10m`). Default: `10m`.",
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
	r.waiter = newWaiter()
}

// targetStatus is the status an action leads to.
func targetStatus(action string) string {
	if action == client.ActionReject {
		return client.StatusRejected
	}
	return client.StatusAccepted
}

// actionForStatus maps a settled status back to the action that leads to it;
// ok is false for statuses that are not settled.
func actionForStatus(status string) (action string, ok bool) {
	switch status {
	case client.StatusAccepted:
		return client.ActionReceive, true
	case client.StatusRejected:
		return client.ActionReject, true
	}
	return "", false
}

// setConnection copies the API's view into m. The description is copied only
// when withDescription (reads): after writes the planned description stands.
// An empty description from the API keeps a null one null, since null and ""
// mean the same to the API.
//
// marker_id, domain_id and created_at never change for a connection, so an
// empty value (an action answer without them, or a wait that timed out
// before any poll succeeded) keeps a known one: Update planned them from
// prior state, and zero values would be an inconsistent result after apply.
func setConnection(m *connectionApprovalModel, c *client.Connection, withDescription bool) diag.Diagnostics {
	m.Status = types.StringValue(c.Status)
	if c.MarkerID != 0 || !isKnown(m.MarkerID) {
		m.MarkerID = types.Int64Value(c.MarkerID)
	}
	if c.DomainID != "" || !isKnown(m.DomainID) {
		m.DomainID = types.StringValue(c.DomainID)
	}
	if c.CreatedAt != "" || !isKnown(m.CreatedAt) {
		m.CreatedAt = types.StringValue(c.CreatedAt)
	}
	m.UpdatedAt = types.StringValue(c.UpdatedAt)
	if withDescription && (c.Description != "" || !m.Description.IsNull()) {
		m.Description = types.StringValue(c.Description)
	}
	list, diags := connectionErrorsValue(c.Error)
	m.Error = list
	return diags
}

// isKnown reports whether v holds a value (neither null nor unknown).
func isKnown(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// setUnknownComputed fills computed attributes that are still unknown (after
// a failure mid-create) with null, since state must not hold unknowns.
func setUnknownComputed(m *connectionApprovalModel) {
	for _, s := range []*types.String{&m.Status, &m.DomainID, &m.CreatedAt, &m.UpdatedAt} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	if m.MarkerID.IsUnknown() {
		m.MarkerID = types.Int64Null()
	}
	if m.Error.IsUnknown() {
		m.Error = types.ListNull(connectionErrorObjectType)
	}
}

func (r *connectionApprovalResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan connectionApprovalModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
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

	serviceID, endpointID := plan.ServiceID.ValueString(), plan.EndpointID.ValueString()
	plan.ID = types.StringValue(connectionID(serviceID, endpointID))
	ctx = tflog.SetField(ctx, "service_id", serviceID)
	ctx = tflog.SetField(ctx, "endpoint_id", endpointID)

	conn, d := r.sendActionWhenVisible(ctx, serviceID, endpointID, plan.Action.ValueString(), timeout)
	if failed, ok := d.(failedConnectionDiag); ok {
		// The connection exists but failed: keep it in state (tainted) like
		// a connection that fails while we wait, so nothing is lost.
		resp.Diagnostics.Append(setConnection(&plan, &failed.conn, false)...)
		resp.Diagnostics.Append(failed.Diagnostic)
		setUnknownComputed(&plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if unknown, ok := d.(unknownOutcomeDiag); ok {
		// The action may have been applied although no answer came back
		// (interrupted, timed out, connection lost). Keep the resource in
		// state with what is known (tainted by the error), or a changed
		// connection would be missing from state.
		resp.Diagnostics.Append(unknown.Diagnostic)
		setUnknownComputed(&plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	if d != nil {
		resp.Diagnostics.Append(d)
		return // a definite refusal: nothing was changed, the resource is not created
	}
	// From here on the action was sent: whatever happens, keep the resource in
	// state so it is never lost (an error marks it tainted).
	defer func() {
		setUnknownComputed(&plan)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}()
	resp.Diagnostics.Append(setConnection(&plan, conn, false)...)

	conn, d = r.settle(ctx, "accepting or rejecting", "create", timeout, serviceID, endpointID, plan.Action.ValueString(), conn)
	resp.Diagnostics.Append(setConnection(&plan, conn, false)...)
	if d != nil {
		resp.Diagnostics.Append(d)
		return
	}
	wantDescription := plan.Description.ValueString() // null means ""
	if conn.Description != wantDescription {
		c, err := r.updateDescription(ctx, serviceID, endpointID, wantDescription)
		if err != nil {
			resp.Diagnostics.Append(descriptionErrorDiag(serviceID, endpointID, err))
			return
		}
		resp.Diagnostics.Append(setConnection(&plan, c, false)...)
	}
}

func (r *connectionApprovalResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectionApprovalModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data == nil {
		// The provider's configuration is not known until apply (it depends on
		// other resources). Failing here would make every such plan fail;
		// keep the state as it is and say that it was not refreshed.
		resp.Diagnostics.AddWarning("VPC endpoint connection not refreshed",
			fmt.Sprintf("The vpcep provider's configuration depends on values known only after apply, so the "+
				"connection %s was not read from the API during this plan; changes made outside Terraform show "+
				"in the next plan.", state.ID.ValueString()))
		return
	}
	serviceID, endpointID := state.ServiceID.ValueString(), state.EndpointID.ValueString()
	conn, err := r.data.Reader.Get(ctx, serviceID, endpointID, time.Time{})
	if client.IsNotFound(err) {
		tflog.Info(ctx, "connection no longer exists; removing it from state", map[string]any{
			"service_id": serviceID, "endpoint_id": endpointID, "reason": err.Error(),
		})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiag("Error reading the VPC endpoint connection",
			fmt.Sprintf("Could not read the connection of %s. Check that the provider's credentials may list the "+
				"service's connections.", connectionRef(serviceID, endpointID)), err))
		return
	}
	resp.Diagnostics.Append(setConnection(&state, conn, true)...)
	// The action follows the live status, so a change made outside Terraform
	// shows as a planned update; in-between statuses keep the action as is.
	if action, ok := actionForStatus(conn.Status); ok {
		state.Action = types.StringValue(action)
	}
	state.ID = types.StringValue(connectionID(serviceID, endpointID))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *connectionApprovalResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state connectionApprovalModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	serviceID, endpointID := plan.ServiceID.ValueString(), plan.EndpointID.ValueString()
	ctx = tflog.SetField(ctx, "service_id", serviceID)
	ctx = tflog.SetField(ctx, "endpoint_id", endpointID)

	// The new state starts from the old one, so a failure half-way leaves
	// what is known in state (and the resource tainted by the error).
	next := state
	next.Action, next.Description, next.Timeouts = plan.Action, state.Description, plan.Timeouts
	defer func() {
		setUnknownComputed(&next)
		resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
	}()

	if !plan.Action.Equal(state.Action) {
		action := plan.Action.ValueString()
		conn, err := r.sendAction(ctx, serviceID, endpointID, action)
		if err != nil {
			next.Action = state.Action
			if client.HasCode(err, codeFailedUnmodifiable) {
				if c, gerr := r.data.Reader.Get(ctx, serviceID, endpointID, time.Time{}); gerr == nil && c.Status == client.StatusFailed {
					resp.Diagnostics.Append(setConnection(&next, c, false)...)
					resp.Diagnostics.Append(failedDiag(serviceID, endpointID, *c, true))
					return
				}
			}
			if outcomeUnknown(err) {
				// The status may have moved: do not claim the old one.
				next.Status = types.StringNull()
			}
			resp.Diagnostics.Append(actionErrorDiag(serviceID, endpointID, action, err, keptPreviousText))
			return
		}
		resp.Diagnostics.Append(setConnection(&next, conn, false)...)
		conn, d := r.settle(ctx, "accepting or rejecting", "update", timeout, serviceID, endpointID, action, conn)
		resp.Diagnostics.Append(setConnection(&next, conn, false)...)
		if d != nil {
			resp.Diagnostics.Append(d)
			return
		}
	}
	if plan.Description.ValueString() != state.Description.ValueString() {
		c, err := r.updateDescription(ctx, serviceID, endpointID, plan.Description.ValueString())
		if err != nil {
			resp.Diagnostics.Append(descriptionErrorDiag(serviceID, endpointID, err))
			return
		}
		// Keep the status the action step settled on (or the refreshed one,
		// as planned when the action did not change): the description call
		// does not move it.
		status := next.Status
		resp.Diagnostics.Append(setConnection(&next, c, false)...)
		next.Status = status
	}
	next.Description = plan.Description
}

func (r *connectionApprovalResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionApprovalModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
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
	serviceID, endpointID := state.ServiceID.ValueString(), state.EndpointID.ValueString()

	conn, err := r.sendAction(ctx, serviceID, endpointID, client.ActionReject)
	switch {
	case client.IsNotFound(err) || client.HasCode(err, codeEndpointDeleting):
		return // the connection or the service is (going) away: nothing to reject
	case client.HasCode(err, codeFailedUnmodifiable):
		// A failed connection carries no traffic and the API refuses to
		// change it; keeping it in state would block destroy forever.
		resp.Diagnostics.AddWarning("Failed VPC endpoint connection left as it is",
			fmt.Sprintf("The connection of %s is in status %q, which the API does not let anyone change, so it "+
				"was not rejected; it was removed from Terraform state. Ask the endpoint's owner to delete the "+
				"endpoint.\n\nOriginal Error: %s", connectionRef(serviceID, endpointID), client.StatusFailed, err))
		return
	case err != nil:
		resp.Diagnostics.Append(actionErrorDiag(serviceID, endpointID, client.ActionReject, err, keptForDestroyText))
		return
	}
	_, d := r.settle(ctx, "rejecting", "delete", timeout, serviceID, endpointID, client.ActionReject, conn)
	if d != nil {
		resp.Diagnostics.Append(d)
	}
}

func (r *connectionApprovalResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	serviceID, endpointID, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), connectionID(serviceID, endpointID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("service_id"), serviceID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("endpoint_id"), endpointID)...)
}

// importIDPattern is what each half of an import id must look like.
var importIDPattern = regexp.MustCompile(`^[^\s/]{1,64}$`)

// parseImportID splits "service_id/endpoint_id".
func parseImportID(id string) (serviceID, endpointID string, err error) {
	parts := strings.Split(id, connectionIDSeparator)
	if len(parts) != 2 || !importIDPattern.MatchString(parts[0]) || !importIDPattern.MatchString(parts[1]) {
		return "", "", fmt.Errorf("expected an import id of the form service_id/endpoint_id (two ids of 1-64 characters "+
			"without whitespace, joined by \"/\"), e.g. 4189d3c2-8882-4871-a3c2-d380272eed88/705290f3-0d00-41f2-aedc-71f09844e879; got %q", id)
	}
	return parts[0], parts[1], nil
}

// sendAction sends action for one endpoint and returns the connection from
// the response. A connection that is already in the wanted state may be
// refused with EndPoint.2014 ("already connected"); it is then read instead.
func (r *connectionApprovalResource) sendAction(ctx context.Context, serviceID, endpointID, action string) (*client.Connection, error) {
	conn, err := r.data.Client.AcceptOrReject(ctx, serviceID, endpointID, action)
	r.data.Reader.Invalidate(serviceID)
	if err != nil && action == client.ActionReceive && client.HasCode(err, codeEndpointConnected) {
		return r.data.Reader.Get(ctx, serviceID, endpointID, time.Now())
	}
	if err == nil && conn == nil {
		return r.data.Reader.Get(ctx, serviceID, endpointID, time.Now())
	}
	return conn, err
}

// updateDescription sets the connection's description.
func (r *connectionApprovalResource) updateDescription(ctx context.Context, serviceID, endpointID, description string) (*client.Connection, error) {
	defer r.data.Reader.Invalidate(serviceID)
	c, err := r.data.Client.UpdateConnectionDescription(ctx, serviceID, endpointID, description)
	if err == nil && c == nil {
		return r.data.Reader.Get(ctx, serviceID, endpointID, time.Now())
	}
	return c, err
}

// failedConnectionDiag is the diagnostic for a connection found failed before
// any change was made, with the connection to keep in state.
type failedConnectionDiag struct {
	diag.Diagnostic
	conn client.Connection
}

// notVisible reports whether an action failed because the endpoint is not
// (yet) connected to the service: its owner may still be creating it.
func notVisible(err error) bool {
	return client.IsNotFound(err) || client.HasCode(err, codeEndpointCreating)
}

// sendActionWhenVisible sends the action, first waiting (within ctx's
// deadline, the create timeout) for the endpoint to appear on the service if
// the API does not know it yet. A missing service fails at once: that is a
// typo or a missing dependency, not something that resolves by waiting.
func (r *connectionApprovalResource) sendActionWhenVisible(ctx context.Context, serviceID, endpointID, action string, timeout time.Duration) (*client.Connection, diag.Diagnostic) {
	checkedService := false
	for {
		conn, err := r.sendAction(ctx, serviceID, endpointID, action)
		if err == nil {
			return conn, nil
		}
		if client.HasCode(err, codeFailedUnmodifiable) {
			// The API refuses to touch a failed connection; show why it failed.
			if c, gerr := r.data.Reader.Get(ctx, serviceID, endpointID, time.Time{}); gerr == nil && c.Status == client.StatusFailed {
				return nil, failedConnectionDiag{Diagnostic: failedDiag(serviceID, endpointID, *c, true), conn: *c}
			}
		}
		if !notVisible(err) || ctx.Err() != nil {
			if ctx.Err() != nil && notVisible(err) {
				return nil, notVisibleDiag(serviceID, endpointID, timeout, err)
			}
			if outcomeUnknown(err) {
				return nil, unknownOutcomeDiag{actionErrorDiag(serviceID, endpointID, action, err, keptTaintedText)}
			}
			return nil, actionErrorDiag(serviceID, endpointID, action, err, "")
		}
		if !checkedService {
			checkedService = true
			if _, serr := r.data.Client.GetEndpointService(ctx, serviceID); client.IsNotFound(serr) {
				return nil, apiErrorDiag("VPC endpoint service not found",
					fmt.Sprintf("The endpoint service %s does not exist in the configured project. Check service_id "+
						"and the provider's project_id.", serviceID), serr)
			}
		}
		tflog.Info(ctx, "waiting for the endpoint to connect to the service: the endpoint may still be being "+
			"created by its owner, or the id may be wrong", map[string]any{
			"service_id": serviceID, "endpoint_id": endpointID, "timeout": timeout.String(), "reason": err.Error(),
		})
		lastErr := err
		observed := time.Now()
		werr := r.waiter.wait(ctx, func(ctx context.Context) (bool, error) {
			start := time.Now()
			_, gerr := r.data.Reader.Get(ctx, serviceID, endpointID, observed)
			observed = start
			if gerr != nil && client.IsNotFound(gerr) {
				return false, nil // keep the action's error: it carries the API's code and request id
			}
			return gerr == nil, gerr
		})
		if errors.Is(werr, context.DeadlineExceeded) || errors.Is(werr, context.Canceled) {
			if werr != context.DeadlineExceeded && werr != context.Canceled { //nolint:errorlint // a bare sentinel means no poll error to add
				// The wait also saw polls fail: name the last one too.
				lastErr = fmt.Errorf("%w; while waiting: %w", lastErr, werr)
			}
			return nil, notVisibleDiag(serviceID, endpointID, timeout, lastErr)
		}
		if werr != nil {
			return nil, apiErrorDiag("Error waiting for the VPC endpoint to connect",
				fmt.Sprintf("While waiting for %s to appear, the API returned an error.", connectionRef(serviceID, endpointID)), werr)
		}
	}
}

// settle waits, within ctx's deadline, until the connection reaches the
// status of action, starting from conn as seen in the action's response (if
// that already shows the target, no poll is made). It returns the last
// connection seen (never nil) and a diagnostic when it did not settle.
func (r *connectionApprovalResource) settle(ctx context.Context, op, timeoutName string, timeout time.Duration,
	serviceID, endpointID, action string, conn *client.Connection,
) (*client.Connection, diag.Diagnostic) {
	want := targetStatus(action)
	last := *conn
	check := func(c *client.Connection) (bool, error) {
		last = *c
		switch c.Status {
		case want:
			return true, nil
		case client.StatusFailed:
			return false, &errConnectionFailed{conn: *c}
		case client.StatusDeleting:
			if action == client.ActionReject {
				return true, nil // going away is as good as rejected
			}
			return false, fmt.Errorf("the endpoint is being deleted by its owner (status %q)", c.Status)
		}
		return false, nil // creating, pendingAcceptance, or the opposite end state
	}
	done, err := check(conn)
	if err == nil && !done {
		tflog.Debug(ctx, "waiting for the connection to settle", map[string]any{"status": conn.Status, "want": want})
		observed := time.Now()
		err = r.waiter.wait(ctx, func(ctx context.Context) (bool, error) {
			start := time.Now()
			c, err := r.data.Reader.Get(ctx, serviceID, endpointID, observed)
			if err != nil {
				if action == client.ActionReject && client.IsNotFound(err) {
					return true, nil // gone: as good as rejected
				}
				return false, err
			}
			observed = start
			return check(c)
		})
	}
	if err != nil {
		return &last, waitErrorDiag(op, timeoutName, timeout, serviceID, endpointID, want, last.Status, err, timeoutName == "create" || timeoutName == "update")
	}
	return &last, nil
}

// What the resource does with its state when an action's outcome is unknown
// (outcomeUnknown), as told in the diagnostic.
const (
	keptTaintedText = "The resource is kept in state and marked tainted, so nothing is lost: the next apply " +
		"replaces it (rejects the connection, then sends the action again). If a refresh shows the connection " +
		"as wanted, `terraform untaint` avoids that."
	keptPreviousText = "State keeps the previous action; the next plan reads the connection and shows whether " +
		"the change is still needed."
	keptForDestroyText = "The resource stays in state; run the destroy again (rejecting a rejected connection " +
		"changes nothing)."
)

// actionErrorDiag reports a failed accept/reject call. When the outcome is
// unknown, ifUnknown says what became of the resource's state.
func actionErrorDiag(serviceID, endpointID, action string, err error, ifUnknown string) diag.Diagnostic {
	var detail string
	switch {
	case cutShort(err):
		detail = strings.TrimSpace(fmt.Sprintf("Sending %q for the connection of %s did not complete. %s %s", action,
			connectionRef(serviceID, endpointID), cutShortText(err), ifUnknown))
	case noAnswer(err):
		detail = unreachableText(err)
		if outcomeUnknown(err) {
			detail += " " + ifUnknown
		}
	default:
		detail = fmt.Sprintf("The API refused to %s the connection of %s. Check the ids and that the provider's "+
			"credentials may update the service's connections (vpcep:endpointServices:updateConnections); "+
			"throttling and transient errors were already retried.", actionVerb(action), connectionRef(serviceID, endpointID))
	}
	return diag.NewErrorDiagnostic(fmt.Sprintf("Error sending %q for the VPC endpoint connection", action),
		detail+"\n\nOriginal Error: "+err.Error())
}

// unknownOutcomeDiag is the diagnostic for an action that may or may not have
// been applied (outcomeUnknown): Create keeps the resource in state.
type unknownOutcomeDiag struct{ diag.Diagnostic }

// descriptionErrorDiag reports a failed description update.
func descriptionErrorDiag(serviceID, endpointID string, err error) diag.Diagnostic {
	return apiErrorDiag("Error updating the VPC endpoint connection's description",
		fmt.Sprintf("The API refused to update the description of the connection of %s. Check the description "+
			"(0-512 characters, no < or >) and that the credentials may update connection descriptions.",
			connectionRef(serviceID, endpointID)), err)
}

// notVisibleDiag reports an endpoint that never appeared on the service.
func notVisibleDiag(serviceID, endpointID string, timeout time.Duration, err error) diag.Diagnostic {
	return apiErrorDiag("VPC endpoint not connected to the service",
		fmt.Sprintf("Waited %s (timeouts.create) for endpoint %s to appear among the connections of endpoint "+
			"service %s: the endpoint may still be being created by its owner, or the id may be wrong. Check "+
			"endpoint_id with the endpoint's owner, or raise timeouts.create.", timeout, endpointID, serviceID), err)
}

func actionVerb(action string) string {
	if action == client.ActionReject {
		return "reject"
	}
	return "accept"
}

// statusFollowsAction plans status: unchanged when the action is unchanged
// (a description update does not move it), unknown otherwise.
type statusFollowsAction struct{}

func (statusFollowsAction) Description(context.Context) string {
	return "status stays the same unless the action changes"
}

func (m statusFollowsAction) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (statusFollowsAction) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.Plan.Raw.IsNull() {
		return
	}
	var planAction, stateAction types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("action"), &planAction)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("action"), &stateAction)...)
	if !planAction.IsUnknown() && planAction.Equal(stateAction) {
		resp.PlanValue = req.StateValue
	}
}
