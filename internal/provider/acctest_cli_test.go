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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/vpcep/terraform-provider-vpcep/internal/devprovider"
	"github.com/vpcep/terraform-provider-vpcep/internal/testguard"
)

// Helpers of the CLI-driven tests: they run the real Terraform CLI
// (TF_ACC_TERRAFORM_PATH) on the provider binary through dev_overrides, as a
// user would.

// cliCommandTimeout bounds every CLI command a test runs to the end.
const cliCommandTimeout = 3 * time.Minute

// moduleRoot is the module's root, where the provider's main package is, seen
// from this package's directory.
const moduleRoot = "../.."

// builtProvider is the provider binary and its CLI configuration, built once
// per test binary and removed by TestMain.
var builtProvider struct {
	once      sync.Once
	dir       string
	cliConfig string
	err       error
}

// TestMain finds the CLI of the acceptance tests before any test runs
// (acceptanceCLI), keeps every test, and every provider the tests start, on
// loopback (package testguard), and removes the built provider.
func TestMain(m *testing.M) {
	cli, err := acceptanceCLI(os.Getenv, exec.LookPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	if cli != "" {
		// terraform-plugin-testing uses this exact binary and looks no further.
		_ = os.Setenv(envTerraformPath, cli)
	}
	code := testguard.Main(m)
	if builtProvider.dir != "" {
		_ = os.RemoveAll(builtProvider.dir)
	}
	os.Exit(code)
}

// providerCLIConfig builds the provider on first use and returns the CLI
// configuration whose dev_overrides point at it.
func providerCLIConfig(t *testing.T) string {
	t.Helper()
	b := &builtProvider
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "vpcep-provider-"); b.err != nil { //nolint:usetesting // shared by every test of the binary; TestMain removes it
			return
		}
		binDir := filepath.Join(b.dir, "bin")
		b.cliConfig = filepath.Join(b.dir, "cli.tfrc")
		if b.err = devprovider.Build(moduleRoot, binDir); b.err == nil {
			b.err = devprovider.WriteCLIConfig(b.cliConfig, binDir)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.cliConfig
}

// cliRun is one Terraform CLI working directory using the provider binary.
type cliRun struct {
	t         *testing.T
	terraform string
	dir       string
	env       []string
}

// The variables of terraform-plugin-testing that choose the CLI.
const (
	envAcc              = "TF_ACC"
	envTerraformPath    = "TF_ACC_TERRAFORM_PATH"
	envTerraformVersion = "TF_ACC_TERRAFORM_VERSION"
)

// acceptanceCLI is the CLI of the acceptance tests when TF_ACC is set ("" when
// it is not): TF_ACC_TERRAFORM_PATH, else the terraform on PATH. With neither,
// or with TF_ACC_TERRAFORM_VERSION, terraform-plugin-testing would download a
// Terraform release; tests never leave loopback, so that is an error naming
// the fix instead, and so is a path that is no executable.
func acceptanceCLI(getenv func(string) string, lookPath func(string) (string, error)) (string, error) {
	if getenv(envAcc) == "" {
		return "", nil
	}
	if v := getenv(envTerraformVersion); v != "" {
		return "", fmt.Errorf("%s=%s asks terraform-plugin-testing to download Terraform, which these tests never do: unset it and set %s to a terraform or tofu binary (scripts/ensure-cli.sh terraform prints one)", envTerraformVersion, v, envTerraformPath)
	}
	if path := getenv(envTerraformPath); path != "" {
		cli, err := lookPath(path)
		if err != nil {
			return "", fmt.Errorf("%s=%s is not an executable file (%w): point it at a terraform or tofu binary, or unset %s to run the unit tests only", envTerraformPath, path, err, envAcc)
		}
		return cli, nil
	}
	cli, err := lookPath("terraform")
	if err != nil {
		return "", fmt.Errorf("%s is set but no Terraform CLI was found (%s is unset and there is no terraform on PATH); the tests never download one: set %s to a terraform or tofu binary (scripts/ensure-cli.sh terraform prints one), or unset %s to run the unit tests only", envAcc, envTerraformPath, envTerraformPath, envAcc)
	}
	return cli, nil
}

// terraformCLI is the CLI the acceptance tests use (TestMain resolved it);
// it skips the test unless TF_ACC is set.
func terraformCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv(envAcc) == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	cli := os.Getenv(envTerraformPath)
	if cli == "" {
		t.Fatalf("%s is set but %s is empty: TestMain did not resolve the CLI", envAcc, envTerraformPath)
	}
	return cli
}

// envRequireAllGates makes a version gate fail the test instead of skipping
// it. scripts/testacc.sh sets it for the newest CLI, which has every feature
// the tests need: there a skip can only mean a wrong gate or a wrong version
// read, and would otherwise pass unseen.
const envRequireAllGates = "VPCEP_REQUIRE_ALL_GATES"

func allGatesRequired() bool { return os.Getenv(envRequireAllGates) != "" }

// skipForCLI skips t because the CLI lacks a feature it needs (format and
// args say which), or fails it when envRequireAllGates is set.
func skipForCLI(t *testing.T, format string, args ...any) {
	t.Helper()
	if allGatesRequired() {
		t.Fatalf(format+"; %s is set, so this CLI must run every version-gated test", append(args, envRequireAllGates)...)
	}
	t.Skipf(format, args...)
}

// versionGate is a terraform-plugin-testing version check whose skip turns
// into an error when required says so (envRequireAllGates).
type versionGate struct {
	tfversion.TerraformVersionCheck
	required func() bool
}

func (g versionGate) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	g.TerraformVersionCheck.CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" && g.required() {
		resp.Error = fmt.Errorf("%s is set, so this CLI must run every version-gated test, but the gate would skip it (%s)", envRequireAllGates, resp.Skip)
		resp.Skip = ""
	}
}

// gated is the TerraformVersionChecks of a test that needs a feature of newer
// CLIs: check (tfversion.SkipBelow) skips it on older ones, unless
// envRequireAllGates is set.
func gated(check tfversion.TerraformVersionCheck) []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{versionGate{check, allGatesRequired}}
}

// newCLIRun writes config into a fresh working directory whose CLI uses the
// provider built for this test binary.
func newCLIRun(t *testing.T, config string) *cliRun {
	t.Helper()
	terraform := terraformCLI(t)
	env := append(os.Environ(), devprovider.Env(providerCLIConfig(t))...)
	r := &cliRun{t: t, terraform: terraform, dir: t.TempDir(), env: env}
	writeFile(t, filepath.Join(r.dir, "main.tf"), config)
	return r
}

// cliVersion runs `version -json` on the CLI the acceptance tests use and
// returns its version as major, minor, patch, and whether it is OpenTofu.
func cliVersion(t *testing.T, cli string) (v [3]int, tofu bool) {
	t.Helper()
	if text, _ := exec.Command(cli, "version").Output(); strings.Contains(string(text), "OpenTofu") {
		return v, true
	}
	out, err := exec.Command(cli, "version", "-json").Output()
	var doc struct {
		Version string `json:"terraform_version"`
	}
	if err != nil || json.Unmarshal(out, &doc) != nil {
		t.Fatalf("%s version -json: %v\n%s", cli, err, out)
	}
	for i, p := range strings.SplitN(strings.SplitN(doc.Version, "-", 2)[0], ".", 3) {
		v[i], _ = strconv.Atoi(p)
	}
	return v, false
}

// newModernCLIRun is newCLIRun for a feature of Terraform 1.14 and later:
// it skips, before building anything, on older CLIs and on OpenTofu (which
// has neither query nor actions), or fails there when envRequireAllGates is set.
func newModernCLIRun(t *testing.T, config string) *cliRun {
	t.Helper()
	if v, tofu := cliVersion(t, terraformCLI(t)); tofu || v[0] == 1 && v[1] < 14 {
		skipForCLI(t, "needs Terraform 1.14 or later (terraform query, actions); the CLI is %d.%d.%d (OpenTofu: %v)", v[0], v[1], v[2], tofu)
	}
	return newCLIRun(t, config)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// command prepares a CLI command in the working directory.
func (r *cliRun) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, r.terraform, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs a CLI command to the end and returns its output and exit code.
func (r *cliRun) run(args ...string) (string, int) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliCommandTimeout)
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
	Values  approvalValues
}

// approvalValues are the attributes of a vpcep_connection_approval in state.
type approvalValues struct {
	ID         string `json:"id"`
	ServiceID  string `json:"service_id"`
	EndpointID string `json:"endpoint_id"`
	Action     string `json:"action"`
	Status     string `json:"status"`
	DomainID   string `json:"domain_id"`
	MarkerID   int64  `json:"marker_id"`
}

// approvals reads every vpcep_connection_approval in state, in the root
// module and in child modules, with `terraform show -json`.
func (r *cliRun) approvals() []approvalInState {
	r.t.Helper()
	var list []approvalInState
	for _, res := range r.resources("vpcep_connection_approval") {
		a := approvalInState{Address: res.Address, Tainted: res.Tainted}
		if err := json.Unmarshal(res.Values, &a.Values); err != nil {
			r.t.Fatal(err)
		}
		list = append(list, a)
	}
	return list
}

// resourceInState is one resource instance of `terraform show -json`.
type resourceInState struct {
	Address string          `json:"address"`
	Type    string          `json:"type"`
	Tainted bool            `json:"tainted"`
	Values  json.RawMessage `json:"values"`
}

// resources reads every instance of resource type typ in state, in the root
// module and in child modules, with `terraform show -json`.
func (r *cliRun) resources(typ string) []resourceInState {
	r.t.Helper()
	out, code := r.run("show", "-json", "-no-color")
	if code != 0 {
		r.t.Fatalf("terraform show -json exited %d:\n%s", code, out)
	}
	type module struct {
		Resources    []resourceInState `json:"resources"`
		ChildModules []json.RawMessage `json:"child_modules"`
	}
	var doc struct {
		Values *struct {
			RootModule json.RawMessage `json:"root_module"`
		} `json:"values"`
	}
	// Terraform prints only the JSON document on stdout; the dev_overrides
	// warning goes to stderr, which is mixed in here, so start at the brace.
	start := strings.IndexByte(out, '{')
	if start < 0 {
		r.t.Fatalf("terraform show -json printed no JSON:\n%s", out)
	}
	if err := json.NewDecoder(strings.NewReader(out[start:])).Decode(&doc); err != nil {
		r.t.Fatalf("decoding terraform show -json: %v\n%s", err, out)
	}
	if doc.Values == nil {
		return nil // empty state
	}
	var list []resourceInState
	pending := []json.RawMessage{doc.Values.RootModule}
	for len(pending) > 0 {
		var m module
		if err := json.Unmarshal(pending[0], &m); err != nil {
			r.t.Fatal(err)
		}
		pending = append(pending[1:], m.ChildModules...)
		for _, res := range m.Resources {
			if res.Type == typ {
				list = append(list, res)
			}
		}
	}
	return list
}
