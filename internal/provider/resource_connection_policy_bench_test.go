package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
)

// BenchmarkPolicyStateOfSettledService replays the provider's side of a
// refresh and plan of a policy over a settled service of 100,000
// connections, without the API: every connection becomes `connections`
// and the private memory and is saved in state (Read), then read back and
// planned (ModifyPlan). Profile it with
//
//	go test -run '^$' -bench PolicyStateOfSettledService -benchtime 1x -cpuprofile cpu.out -memprofile mem.out ./internal/provider/
func BenchmarkPolicyStateOfSettledService(b *testing.B) {
	const m = 100000
	ctx := context.Background()
	conns := make([]client.Connection, m)
	domains := make([]string, 10)
	for i := range domains {
		domains[i] = fmt.Sprintf("d0ma1n%026x", i+1)
	}
	for i := range conns {
		conns[i] = client.Connection{ID: fmt.Sprintf("e0d90000-0000-4000-8000-%012x", i+1), DomainID: domains[i%10], Status: client.StatusAccepted}
	}
	rules := policy.NewRules(nil, domains, nil, nil, policy.OthersReject)
	r := &connectionPolicyResource{}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	accept, _ := types.SetValueFrom(ctx, types.StringType, domains)
	b.ReportAllocs()
	for range b.N {
		state := tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}
		model := connectionPolicyModel{ID: types.StringValue("s"), ServiceID: types.StringValue("s"),
			AcceptEndpointIDs: idSetValue{types.SetNull(types.StringType)}, AcceptDomainIDs: idSetValue{accept},
			RejectEndpointIDs: idSetValue{types.SetNull(types.StringType)}, RejectDomainIDs: idSetValue{types.SetNull(types.StringType)},
			Others: types.StringValue(policy.OthersReject), OnDestroy: types.StringValue(policy.OnDestroyLeave),
			ConcurrentRequests: types.Int64Value(approval.DefaultConcurrency)}
		model.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType})
		svc := policy.ServiceOf(conns)
		model.Connections = statusesValue(svc.Statuses())
		mem, err := policy.MemoryOf(svc, nil).Marshal()
		var diags diag.Diagnostics
		diags.Append(state.Set(ctx, &model)...)
		var back connectionPolicyModel
		diags.Append(state.Get(ctx, &back)...)
		again, err2 := policy.UnmarshalMemory(mem)
		joined, known := again.Service(statusesOf(back.Connections))
		planned := statusesValue(policy.Planned(statusesOf(back.Connections), policy.Plan(rules, joined)))
		if diags.HasError() || err != nil || err2 != nil || !known || len(planned.Elements()) != m {
			b.Fatalf("%d entries, %v %v %v", len(planned.Elements()), diags, err, err2)
		}
	}
}
