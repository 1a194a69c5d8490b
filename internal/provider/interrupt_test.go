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
	"regexp"
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

// tolerateCanceledAction, when true, admits a defect the resource once had:
// when the interrupt canceled an accept/reject call after the request was
// sent, the API may have applied it, but Create reported the error without
// saving the resource, so the connection was changed and not in state. Create
// now keeps such a resource in state (tainted, status unknown), so this is
// false: every connection the mock acted on must be in state.
const tolerateCanceledAction = false

var diagnosticStart = regexp.MustCompile(`(?m)^Error: `)

// canceledActions finds, in the CLI's output, the approvals whose create
// failed with "context canceled", keyed by endpoint id.
func canceledActions(output string) map[string]bool {
	found := map[string]bool{}
	// Each diagnostic starts a line with "Error: "; its detail may contain
	// "Original Error: " mid-line, which does not start a block.
	for _, block := range diagnosticStart.Split(output, -1)[1:] {
		flat := strings.Join(strings.Fields(block), " ")
		if !strings.Contains(flat, "context canceled") {
			continue
		}
		if _, rest, ok := strings.Cut(flat, interruptResourceType+`.all["`); ok {
			if ep, _, ok := strings.Cut(rest, `"]`); ok {
				found[ep] = true
			}
		}
	}
	return found
}

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
	b.WriteString(`terraform {
  required_providers {
    vpcep = {
      source = "vpcep/vpcep"
    }
  }
}
`)
	b.WriteString(e.ProviderConfig())
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
//     in the mock with its action and the mock settled it to the action's
//     status, which state shows too unless the wait was cut short (then state
//     shows the status seen last, "creating", and the instance is tainted);
//   - nothing is lost: every endpoint the mock acted on is in state;
//   - the next apply converges: all 40 in state once each, each settled in
//     the mock, and a plan after it is empty.
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
	unknownOutcome := canceledActions(out.String())
	inState := r.approvals()
	seen := map[string]bool{}
	tainted, unknownKept := 0, 0
	for _, a := range inState {
		ep := a.Values.EndpointID
		seen[ep] = true
		if a.Tainted {
			tainted++
		}
		want := approval.TargetStatus(action[ep])
		c, ok := e.Mock.Connection(serviceID, ep)
		switch {
		case !ok:
			t.Errorf("%s is in state but the mock has no endpoint %s", a.Address, ep)
		case a.Values.Status == "":
			// Kept although the action's outcome is unknown: the interrupt
			// cut its call. That must be said, and the instance tainted;
			// the mock may or may not have applied the action (it drops a
			// request whose client went away during its latency), but
			// nothing else.
			unknownKept++
			applied := len(acted[ep]) == 1 && acted[ep][0].Action == action[ep] && c.Status == want
			untouched := len(acted[ep]) == 0 && c.Status == client.StatusPendingAcceptance
			switch {
			case !a.Tainted || !unknownOutcome[ep]:
				t.Errorf("%s is in state without a status (tainted %v, its action call canceled %v); only a tainted "+
					"instance whose action call the interrupt cut may be", a.Address, a.Tainted, unknownOutcome[ep])
			case !applied && !untouched:
				t.Errorf("%s (outcome unknown): the mock's effective actions on it are %v and it shows %q; want "+
					"either one %q and %q, or none and %q", a.Address, acted[ep], c.Status, action[ep], want,
					client.StatusPendingAcceptance)
			}
		case len(acted[ep]) != 1 || acted[ep][0].Action != action[ep]:
			t.Errorf("%s is in state; the mock's effective actions on it are %v, want exactly one %q", a.Address, acted[ep], action[ep])
		case c.Status != want:
			t.Errorf("%s is in state; the mock shows %q, want %q", a.Address, c.Status, want)
		case a.Values.Status != c.Status && (!a.Tainted || a.Values.Status != client.StatusCreating):
			t.Errorf("%s: state says %q (tainted %v), the mock %q; only a tainted instance interrupted while creating may lag",
				a.Address, a.Values.Status, a.Tainted, c.Status)
		}
	}
	tolerated := 0
	for ep, recs := range acted {
		switch {
		case seen[ep]:
		case tolerateCanceledAction && unknownOutcome[ep]:
			// Known defect: see tolerateCanceledAction. The second apply
			// below must still adopt the connection.
			tolerated++
			t.Logf("KNOWN DEFECT: the mock applied %v to endpoint %s, whose action call was cut by the interrupt "+
				"(\"context canceled\"); the provider did not keep it in state", recs, ep)
		default:
			t.Errorf("lost: the mock applied %v to endpoint %s, but it is not in state", recs, ep)
		}
	}
	if len(inState) >= interruptApprovals {
		t.Errorf("all %d approvals are in state after the interrupt: it came too late to test anything", len(inState))
	}
	t.Logf("after the interrupt: %d approvals in state (%d tainted, %d of them kept with an unknown outcome), %d "+
		"endpoints acted on in the mock, %d of them not in state after a canceled action call",
		len(inState), tainted, unknownKept, len(acted), tolerated)
	if t.Failed() {
		t.Fatalf("interrupted apply output:\n%s", out)
	}

	// 3. The next apply converges with nothing lost or duplicated.
	if out, code := r.run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("second apply exited %d:\n%s", code, out)
	}
	inState = r.approvals()
	seen = map[string]bool{}
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
	if out, code := r.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
		t.Errorf("plan after the second apply exited %d (0 = empty plan):\n%s", code, out)
	}
}

func TestUnitCanceledActions(t *testing.T) {
	t.Parallel()
	output := `vpcep_connection_approval.all["e0"]: Creating...

Error: Error sending "receive" for the VPC endpoint connection

  with vpcep_connection_approval.all["e1"],
  on main.tf line 60, in resource "vpcep_connection_approval" "all":

Original Error: receive connection of VPC endpoint e1 on service s: context
canceled

Error: Timed out waiting for the VPC endpoint connection

  with vpcep_connection_approval.all["e2"],

Original Error: context deadline exceeded

Error: execution halted
`
	got := canceledActions(output)
	if len(got) != 1 || !got["e1"] {
		t.Errorf("canceledActions = %v, want only e1 (its message is wrapped across lines)", got)
	}
}
