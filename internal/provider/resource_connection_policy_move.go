package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
)

// A `moved` block from the approval resource of the huaweicloud provider
// family (Terraform 1.8 and later) turns its state into a policy that
// accepts the same endpoints and leaves every other connection alone, which
// is what that resource did.

var _ resource.ResourceWithMoveState = (*connectionPolicyResource)(nil)

// approvalSource is a resource whose state a policy can take over.
type approvalSource struct {
	providerType string // the last part of the provider's source address
	typeName     string
}

// approvalSources are the approval resources of the huaweicloud provider and
// of the providers derived from it; all three keep the same state at schema
// version 0.
var approvalSources = []approvalSource{
	{providerType: "huaweicloud", typeName: "huaweicloud_vpcep_approval"},
	{providerType: "opentelekomcloud", typeName: "opentelekomcloud_vpcep_approval_v1"},
	{providerType: "flexibleengine", typeName: "flexibleengine_vpcep_approval"},
}

// approvalSourceSchemaVersion is the schema version of every approvalSource.
const approvalSourceSchemaVersion = 0

// movedApproval is what a policy keeps of an approval resource's state.
type movedApproval struct {
	ServiceID string
	Endpoints []string
	// Timeouts are the configured create and delete timeouts, "" when unset.
	CreateTimeout, DeleteTimeout string
}

// approvalStateJSON is the part of an approval resource's state a policy reads.
type approvalStateJSON struct {
	ServiceID *string          `json:"service_id"`
	Endpoints *[]*string       `json:"endpoints"`
	Timeouts  *json.RawMessage `json:"timeouts"`
}

// readMovedApproval checks that the source is an approvalSource at a schema
// version we know and reads its state; every refusal says what to do instead.
func readMovedApproval(providerAddress, typeName string, schemaVersion int64, stateJSON []byte) (movedApproval, error) {
	var m movedApproval
	parts := strings.Split(providerAddress, "/")
	providerType := strings.ToLower(parts[len(parts)-1])
	known := slices.ContainsFunc(approvalSources, func(s approvalSource) bool {
		return s.typeName == typeName && s.providerType == providerType
	})
	if !known {
		names := make([]string, len(approvalSources))
		for i, s := range approvalSources {
			names[i] = s.typeName
		}
		return m, fmt.Errorf("vpcep_connection_policy takes over the state of %s only; %s of provider %q is none of them. "+
			"Remove the moved block and import the policy by its service ID instead (an import block with "+
			"id = \"<service ID>\", or terraform import)", strings.Join(names, ", "), typeName, providerAddress)
	}
	if schemaVersion != approvalSourceSchemaVersion {
		return m, fmt.Errorf("the state of %s has schema version %d; vpcep_connection_policy reads version %d only. "+
			"Remove the moved block and import the policy by its service ID instead", typeName, schemaVersion, approvalSourceSchemaVersion)
	}
	if len(stateJSON) == 0 {
		return m, fmt.Errorf("the state of %s is in the flat format of Terraform 0.11 and older; run terraform apply "+
			"once with its provider to rewrite the state, then move it", typeName)
	}
	var s approvalStateJSON
	dec := json.NewDecoder(bytes.NewReader(stateJSON))
	if err := dec.Decode(&s); err != nil {
		return m, fmt.Errorf("the state of %s could not be read (%v); it was not written by that resource. "+
			"Nothing was changed", typeName, err)
	}
	ids := idValidator{forbidSlash: true}
	if s.ServiceID == nil || ids.problem(*s.ServiceID) != "" {
		got := "none"
		if s.ServiceID != nil {
			got = fmt.Sprintf("%q (%s)", *s.ServiceID, ids.problem(*s.ServiceID))
		}
		return m, fmt.Errorf("the state of %s holds no valid service_id (%s): it must be the ID of a VPC endpoint service and %s. "+
			"Nothing was changed", typeName, got, ids.rule())
	}
	if s.Endpoints == nil {
		return m, fmt.Errorf("the state of %s holds no endpoints set; it was not written by that resource. Nothing was changed", typeName)
	}
	m.ServiceID = *s.ServiceID
	for i, e := range *s.Endpoints {
		if e == nil || ids.problem(*e) != "" {
			got := "null"
			if e != nil {
				got = fmt.Sprintf("%q (%s)", *e, ids.problem(*e))
			}
			return m, fmt.Errorf("the state of %s holds an invalid endpoint ID in endpoints (element %d: %s): each must be %s. "+
				"Nothing was changed", typeName, i, got, ids.rule())
		}
		m.Endpoints = append(m.Endpoints, *e)
	}
	slices.Sort(m.Endpoints)
	m.Endpoints = slices.Compact(m.Endpoints)
	if s.Timeouts != nil && string(*s.Timeouts) != "null" {
		var t struct{ Create, Delete *string }
		if err := json.Unmarshal(*s.Timeouts, &t); err != nil {
			return m, fmt.Errorf("the state of %s holds unreadable timeouts (%w). Nothing was changed", typeName, err)
		}
		if t.Create != nil {
			m.CreateTimeout = *t.Create
		}
		if t.Delete != nil {
			m.DeleteTimeout = *t.Delete
		}
	}
	return m, nil
}

// MoveState takes over the state of the approval resources of the
// huaweicloud family. The raw state is read without a source schema: the
// three providers' schemas differ in attributes the policy does not need.
func (r *connectionPolicyResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveApprovalState}}
}

// moveApprovalState is the policy's only StateMover, so it refuses every
// source it does not know instead of leaving the framework's generic error.
func moveApprovalState(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	var raw []byte
	if req.SourceRawState != nil {
		raw = req.SourceRawState.JSON
	}
	m, err := readMovedApproval(req.SourceProviderAddress, req.SourceTypeName, req.SourceSchemaVersion, raw)
	if err != nil {
		resp.Diagnostics.AddError("Cannot move this resource into vpcep_connection_policy", err.Error())
		return
	}
	endpoints, diags := types.SetValueFrom(ctx, types.StringType, m.Endpoints)
	resp.Diagnostics.Append(diags...)
	values := map[string]any{
		connAttrID: m.ServiceID, connAttrServiceID: m.ServiceID, policyAttrAcceptEndpointIDs: endpoints,
		// The approval resource never touched an endpoint it was not given.
		policyAttrOthers: policy.OthersLeave,
		// Its destroy rejected its endpoints; on_destroy = "reject" rejects
		// those of them that are still accepted.
		policyAttrOnDestroy: policy.OnDestroyReject, policyAttrConcurrency: int64(approval.DefaultConcurrency),
	}
	for name, v := range values {
		resp.Diagnostics.Append(resp.TargetState.SetAttribute(ctx, path.Root(name), v)...)
	}
	for name, v := range map[string]string{"create": m.CreateTimeout, "delete": m.DeleteTimeout} {
		if v != "" {
			resp.Diagnostics.Append(resp.TargetState.SetAttribute(ctx, path.Root("timeouts").AtName(name), v)...)
		}
	}
	resp.Diagnostics.Append(setPolicyIdentity(ctx, resp.TargetIdentity, m.ServiceID)...)
	// The approval resource accepted its endpoints and its destroy rejected
	// them: the policy counts them as accepted by itself. The accounts are
	// read by the refresh that follows the move.
	accepted := make(map[string]bool, len(m.Endpoints))
	for _, ep := range m.Endpoints {
		accepted[ep] = true
	}
	if resp.TargetPrivate != nil { // the framework always sets it; a hand-made response may not
		resp.Diagnostics.Append(writePolicyMemory(ctx, resp.TargetPrivate, policy.Memory{Accepted: accepted})...)
	}
}
