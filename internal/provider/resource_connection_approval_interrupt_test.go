//go:build !windows

package provider

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Parameters of the interrupt test. The mock's latency and transition delay
// make one approval take about a second, so with Terraform's ten workers the
// apply of 40 takes several seconds and the interrupt lands in the middle.
const (
	interruptApprovals    = 40
	interruptAfterActions = 12 // effective actions recorded before SIGINT is sent
	interruptTransition   = time.Second
	interruptLatency      = 150 * time.Millisecond
	interruptExitBound    = 60 * time.Second // how long Terraform may take to stop after SIGINT
)

// interruptConfig is the provider block (dev_overrides source) plus one
// approval per endpoint through for_each.
func interruptConfig(e *testEnv, serviceID string, endpoints []string, action map[string]string) string {
	var b strings.Builder
	b.WriteString(requiredProviders + e.ProviderConfig())
	b.WriteString("\nlocals {\n  approvals = {\n")
	for _, ep := range endpoints {
		fmt.Fprintf(&b, "    %q = %q\n", ep, action[ep])
	}
	fmt.Fprintf(&b, `  }
}

resource "vpcep_connection_approval" "all" {
  for_each    = local.approvals
  service_id  = %q
  endpoint_id = each.key
  action      = each.value
}
`, serviceID)
	return b.String()
}

// TestAccInterrupt_applyInterrupted catches a Ctrl-C during apply that
// leaves state and the mock apart, or that the next apply cannot recover
// from. It runs the real CLI (Terraform or OpenTofu, per
// TF_ACC_TERRAFORM_PATH) on 40 approvals with for_each, sends SIGINT once
// some actions have reached the mock, and checks:
//   - the CLI stops within interruptExitBound (a non-zero exit is expected);
//   - state is consistent with the mock: every approval in state was acted on
//     once with its action and settled, and none is tainted (a create cut
//     short leaves nothing in state);
//   - the next apply converges: all 40 in state once each, each settled in
//     the mock, the mock never saw the opposite of a configured action
//     (before: tainted instances were rejected, then accepted again), and a
//     plan after it is empty.
func TestAccInterrupt_applyInterrupted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, func(c *vpcepmock.Config) {
		c.TransitionDelay = interruptTransition
		c.Faults = vpcepmock.Faults{Latency: interruptLatency, Seed: 7}
	})
	serviceID := e.NewService(t, true)
	action := map[string]string{}
	var endpoints []string
	for i := 0; i < interruptApprovals; i++ {
		ep := e.NewEndpoint(t, serviceID, fmt.Sprintf("domain-%d", i%3))
		endpoints = append(endpoints, ep)
		action[ep] = client.ActionReceive
		if i%4 == 3 {
			action[ep] = client.ActionReject
		}
	}
	r := newCLIRun(t, interruptConfig(e, serviceID, endpoints, action))

	// 1. Apply, interrupted once enough actions have reached the mock.
	out, _ := applyInterrupted(t, r, func() int { return len(e.Mock.Actions()) }, interruptAfterActions)

	// 2. State against the mock. Let transitions that were under way finish
	// first, so the mock shows where each acted-on connection ends up.
	time.Sleep(interruptTransition + 200*time.Millisecond)
	acted := map[string][]vpcepmock.ActionRecord{}
	for _, a := range e.Mock.Actions() {
		acted[a.EndpointID] = append(acted[a.EndpointID], a)
	}
	inState := r.approvals()
	for _, a := range inState {
		ep := a.Values.EndpointID
		want := approval.TargetStatus(action[ep])
		c, ok := e.Mock.Connection(serviceID, ep)
		switch {
		case a.Tainted:
			t.Errorf("%s is tainted: the next apply would reject it before deciding it again", a.Address)
		case !ok:
			t.Errorf("%s is in state but the mock has no endpoint %s", a.Address, ep)
		case len(acted[ep]) != 1 || acted[ep][0].Action != action[ep]:
			t.Errorf("%s is in state; the mock's effective actions on it are %v, want exactly one %q", a.Address, acted[ep], action[ep])
		case c.Status != want || a.Values.Status != want:
			t.Errorf("%s: state says %q, the mock %q; want %q in both", a.Address, a.Values.Status, c.Status, want)
		}
	}
	if len(inState) >= interruptApprovals {
		t.Errorf("all %d approvals are in state after the interrupt: it came too late to test anything", len(inState))
	}
	t.Logf("after the interrupt: %d approvals in state, %d endpoints acted on in the mock", len(inState), len(acted))
	if t.Failed() {
		t.Fatalf("interrupted apply output:\n%s", out)
	}

	// 3. The next apply converges with nothing lost or duplicated.
	if out, code := r.run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("second apply exited %d:\n%s", code, out)
	}
	inState = r.approvals()
	seen := map[string]bool{}
	for _, a := range inState {
		ep := a.Values.EndpointID
		if seen[ep] {
			t.Errorf("endpoint %s is in state twice", ep)
		}
		seen[ep] = true
		want := approval.TargetStatus(action[ep])
		c, _ := e.Mock.Connection(serviceID, ep)
		if a.Tainted || a.Values.Status != want || c.Status != want || a.Values.Action != action[ep] {
			t.Errorf("%s after the second apply: state %q/%q (tainted %v), mock %q; want %q", a.Address,
				a.Values.Action, a.Values.Status, a.Tainted, c.Status, want)
		}
	}
	for _, ep := range endpoints {
		if !seen[ep] {
			t.Errorf("endpoint %s is missing from state after the second apply", ep)
		}
	}
	if len(inState) != interruptApprovals {
		t.Errorf("%d approvals in state after the second apply, want %d", len(inState), interruptApprovals)
	}
	for _, a := range e.Mock.Actions() {
		if a.Action != action[a.EndpointID] {
			t.Errorf("the mock recorded %q on endpoint %s (%s -> %s), whose configured action is %q: a recovery "+
				"must never send the opposite action", a.Action, a.EndpointID, a.From, a.To, action[a.EndpointID])
		}
	}
	if out, code := r.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("plan after the second apply exited %d (0 = empty plan):\n%s", code, out)
	}
}

// applyInterrupted runs `apply -auto-approve` and sends SIGINT to the CLI's
// process group, as Ctrl-C does, once progress() reaches at; it fails the
// test unless the CLI then stops within interruptExitBound, and returns the
// output and the progress when the interrupt was sent.
func applyInterrupted(t *testing.T, r *cliRun, progress func() int, at int) (out *bytes.Buffer, interruptedAt int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliCommandTimeout)
	defer cancel()
	cmd, out := r.command(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	// Its own process group, so that a SIGINT reaches Terraform and its
	// provider processes together, as Ctrl-C in a terminal does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting terraform apply: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		select {
		case err := <-exited:
			t.Fatalf("terraform apply ended (%v) before progress reached %d; the interrupt never happened:\n%s", err, at, out)
		case <-time.After(10 * time.Millisecond):
		}
		if interruptedAt = progress(); interruptedAt >= at {
			break
		}
	}
	sent := time.Now()
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatalf("sending SIGINT: %v", err)
	}
	select {
	case err := <-exited:
		t.Logf("SIGINT at progress %d; the CLI stopped %s later with %v", interruptedAt, time.Since(sent).Round(time.Millisecond), err)
	case <-time.After(interruptExitBound):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		killed := <-exited
		t.Fatalf("terraform did not exit within %s of SIGINT (killed: %v):\n%s", interruptExitBound, killed, out)
	}
	return out, interruptedAt
}
