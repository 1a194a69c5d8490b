package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// The approval resource converts its state by hand (approvalModelFrom,
// writeTo) instead of with the framework's Get and Set. These two
// benchmarks are the saving that keeps that idiom: one read and one write
// of a settled connection's state, as every refresh of every approval does.
//
//	go test -run '^$' -bench ApprovalModel -benchmem ./internal/provider/

func approvalStateForBench(b *testing.B) tfsdk.State {
	b.Helper()
	ctx := context.Background()
	r := &connectionApprovalResource{}
	var sch resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sch)
	attrTypes, _ := approvalTypes()
	m := connectionApprovalModel{ID: types.StringValue("s/e"), ServiceID: types.StringValue("s"),
		EndpointID: types.StringValue("e1000000-0000-4000-8000-000000000001"), Action: types.StringValue(client.ActionReceive),
		Description: types.StringNull(), MissingEndpointTimeout: types.StringNull(),
		Timeouts: timeouts.Value{Object: types.ObjectNull(attrTypes[attrTimeouts].(timeouts.Type).AttrTypes)}}
	if d := m.setConnection(&client.Connection{ID: "e1000000-0000-4000-8000-000000000001", DomainID: "aaaa1111aaaa1111aaaa1111aaaa1111",
		Status: client.StatusAccepted, MarkerID: 16777501, CreatedAt: "2026-12-07T10:00:00Z", UpdatedAt: "2026-12-07T10:00:01Z"}); d.HasError() {
		b.Fatal(d)
	}
	state := tfsdk.State{Schema: sch.Schema}
	if d := m.writeTo(ctx, &state); d.HasError() {
		b.Fatal(d)
	}
	return state
}

func BenchmarkApprovalModelByHand(b *testing.B) {
	ctx := context.Background()
	state := approvalStateForBench(b)
	b.ReportAllocs()
	for range b.N {
		m, d := approvalModelFrom(ctx, state.Raw)
		d.Append(m.writeTo(ctx, &state)...)
		if d.HasError() {
			b.Fatal(d)
		}
	}
}

func BenchmarkApprovalModelByFramework(b *testing.B) {
	ctx := context.Background()
	state := approvalStateForBench(b)
	b.ReportAllocs()
	for range b.N {
		var m connectionApprovalModel
		d := state.Get(ctx, &m)
		d.Append(state.Set(ctx, &m)...)
		if d.HasError() {
			b.Fatal(d)
		}
	}
}
