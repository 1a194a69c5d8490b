package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
	"github.com/vpcep/terraform-provider-vpcep/internal/sharedread"
)

// TestUnitPolicyWriteInvalidatesSharedReads catches a policy apply that
// does not tell the provider's shared reader that its list of the service
// is stale: an approval or data source read in the same run would then see
// the status from before the policy decided (pendingAcceptance, not accepted).
func TestUnitPolicyWriteInvalidatesSharedReads(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	eps := newEndpoints(t, e, svc, "good", 3)
	c, err := client.New(client.Config{Endpoint: e.URL, ProjectID: e.ProjectID, AuthToken: e.Token})
	if err != nil {
		t.Fatal(err)
	}
	pd := &providerData{Client: c, Reader: sharedread.New(c), Claims: &policy.Claims{}}
	ctx := context.Background()
	// A burst of reads, as a refresh of several approvals makes: the reader lists the service once.
	var wg sync.WaitGroup
	for _, ep := range eps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if conn, err := pd.Reader.Get(ctx, svc, ep, time.Time{}); err != nil || conn.Status != client.StatusPendingAcceptance {
				t.Errorf("read before the policy: %+v, %v", conn, err)
			}
		}()
	}
	wg.Wait()

	r := &connectionPolicyResource{data: pd}
	m := connectionPolicyModel{ServiceID: types.StringValue(svc), Others: types.StringValue(policy.OthersLeave),
		AcceptEndpointIDs: idSetValue{types.SetValueMust(types.StringType, []attr.Value{types.StringValue(eps[0])})}}
	var diags diag.Diagnostics
	run, ok := r.start(ctx, m, time.Minute, &diags)
	if !ok {
		t.Fatal(diags)
	}
	defer run.cancel()
	live, ok := run.read("")
	if !ok {
		t.Fatal(diags)
	}
	if res, ok := run.apply(opUpdate, live, policy.Memory{}, policy.Plan(run.rules, live), true); !ok || res.Statuses[eps[0]] != client.StatusAccepted {
		t.Fatalf("the policy's apply: %+v, %v", res, diags)
	}
	if conn, err := pd.Reader.Get(ctx, svc, eps[0], time.Time{}); err != nil || conn.Status != client.StatusAccepted {
		t.Errorf("a read after the policy accepted %s sees %+v (%v), want accepted", eps[0], conn, err)
	}
}
