//go:build !windows

package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	interruptApprovals      = 40
	interruptAfterActions   = 12 // effective actions recorded before SIGINT is sent
	interruptTransition     = time.Second
	interruptLatency        = 150 * time.Millisecond
	interruptExitBound      = 60 * time.Second // how long Terraform may take to stop after SIGINT
	interruptCommandTimeout = 3 * time.Minute  // bound of every other CLI command
	interruptResourceType   = "vpcep_connection_approval"
)

// cliRun is one Terraform CLI working directory using the provider binary
// built by the test through dev_overrides, as a developer would.
type cliRun struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
}

// newCLIRun builds the provider into a temporary directory, writes a CLI
// configuration whose dev_overrides point "vpcep/vpcep" at it, and writes
// config into a fresh working directory. The short source address works on
// both Terraform and OpenTofu: each expands it with its own default registry
// host, so the override matches whichever CLI runs.
func newCLIRun(t *testing.T, config string) *cliRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Skip("no Terraform CLI: set TF_ACC_TERRAFORM_PATH")
		}
	}
	root := t.TempDir()
	binDir, workDir := filepath.Join(root, "bin"), filepath.Join(root, "work")
	for _, d := range []string{binDir, workDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The package directory is internal/provider; the main package is the module root.
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "terraform-provider-vpcep"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(root, "cli.tfrc")
	writeFile(t, cliConfig, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "vpcep/vpcep" = %q
  }
  direct {}
}
`, binDir))
	writeFile(t, filepath.Join(workDir, "main.tf"), config)
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
	)
	return &cliRun{t: t, terraform: terraform, dir: workDir, env: env}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// command prepares a CLI command in the working directory, in its own
// process group so that a SIGINT can reach Terraform and its provider
// processes together, as Ctrl-C in a terminal does.
func (r *cliRun) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, r.terraform, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs a CLI command to the end and returns its output and exit code.
func (r *cliRun) run(args ...string) (string, int) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), interruptCommandTimeout)
	defer cancel()
	cmd, out := r.command(ctx, args...)
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exitErr):
		return out.String(), exitErr.ExitCode()
	}
	r.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	return "", -1
}

// approvalInState is one vpcep_connection_approval instance of
// `terraform show -json`.
type approvalInState struct {
	Address string
	Tainted bool
	Values  struct {
		ID         string `json:"id"`
		ServiceID  string `json:"service_id"`
		EndpointID string `json:"endpoint_id"`
		Action     string `json:"action"`
		Status     string `json:"status"`
		DomainID   string `json:"domain_id"`
		MarkerID   int64  `json:"marker_id"`
	}
}

// approvals reads the approvals in state with `terraform show -json`.
func (r *cliRun) approvals() []approvalInState {
	r.t.Helper()
	out, code := r.run("show", "-json", "-no-color")
	if code != 0 {
		r.t.Fatalf("terraform show -json exited %d:\n%s", code, out)
	}
	var doc struct {
		Values *struct {
			RootModule struct {
				Resources []struct {
					approvalInState
					Type string `json:"type"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	// Terraform prints only the JSON document on stdout; the dev_overrides
	// warning goes to stderr, which is mixed in here, so start at the brace.
	start := strings.IndexByte(out, '{')
	if start < 0 {
		r.t.Fatalf("terraform show -json printed no JSON:\n%s", out)
	}
	dec := json.NewDecoder(strings.NewReader(out[start:]))
	if err := dec.Decode(&doc); err != nil {
		r.t.Fatalf("decoding terraform show -json: %v\n%s", err, out)
	}
	var list []approvalInState
	if doc.Values == nil {
		return nil // empty state
	}
	for _, res := range doc.Values.RootModule.Resources {
		if res.Type == interruptResourceType {
			list = append(list, res.approvalInState)
		}
	}
	return list
}

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

// TestAccInterrupt_applyInterrupted runs the real CLI (Terraform or OpenTofu,
// per TF_ACC_TERRAFORM_PATH) on 40 approvals with for_each, sends SIGINT
// once some actions have reached the mock, and checks:
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
	ctx, cancel := context.WithTimeout(context.Background(), interruptCommandTimeout)
	defer cancel()
	cmd, out := r.command(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting terraform apply: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var exitErr error
	interruptedAt := -1
	var stoppedAfter time.Duration
wait:
	for {
		select {
		case exitErr = <-exited:
			break wait
		case <-time.After(10 * time.Millisecond):
		}
		if n := len(e.Mock.Actions()); n >= interruptAfterActions {
			interruptedAt = n
			sent := time.Now()
			// The whole process group, as Ctrl-C does.
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
				t.Fatalf("sending SIGINT: %v", err)
			}
			select {
			case exitErr = <-exited:
			case <-time.After(interruptExitBound):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				killed := <-exited
				t.Fatalf("terraform did not exit within %s of SIGINT (killed: %v):\n%s", interruptExitBound, killed, out)
			}
			stoppedAfter = time.Since(sent)
			break wait
		}
	}
	if interruptedAt < 0 {
		t.Fatalf("terraform apply ended (%v) before %d actions reached the mock; the interrupt never happened:\n%s",
			exitErr, interruptAfterActions, out)
	}
	t.Logf("SIGINT after %d effective actions; the CLI stopped %s later with %v",
		interruptedAt, stoppedAfter.Round(time.Millisecond), exitErr)

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
