// Command bench is the end-to-end benchmark harness of issue 6: it drives the
// real Terraform CLI and the real provider binary against vpcep-mock running
// as a separate process, and writes the figures to bench/RESULTS.md.
//
// Method, per scenario (N approvals on one service, mock transition delay d):
//   - the provider, vpcep-mock and bench/rsswrap are built once into a temp dir;
//   - each run gets a fresh temp dir, a fresh mock process loaded with N
//     connections pending acceptance, a TF_CLI_CONFIG_FILE whose dev_overrides
//     point at rsswrap (named terraform-provider-vpcep), and a root module with
//     one vpcep_connection_approval per connection (for_each);
//   - phases: apply -auto-approve, plan -detailed-exitcode (a refresh of all N;
//     anything but exit 0 fails the run), destroy -auto-approve;
//   - per phase: wall time of the Terraform command, the mock's request counters
//     by API operation (reset before the phase, read after), and the peak RSS
//     of the provider processes (rsswrap records each one's ru_maxrss);
//   - per run: the mock's peak RSS (VmHWM, read before stopping it).
//
// The table shows the median wall time over the runs. Separately, N = 1 is
// applied with the provider's trace log on to measure the provider time of one
// approval at each delay (see probe.go). The exit status is non-zero if any
// phase failed or a plan was not empty.
//
// Usage (from the repository root):
//
//	go run ./bench                                # the full matrix into bench/RESULTS.md
//	go run ./bench -n 10 -delays 0 -runs 1 -probe=false -out /tmp/r.md   # the CI smoke run
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	var (
		nList        = flag.String("n", "1,100,1000", "comma-separated numbers of approvals")
		delayList    = flag.String("delays", "0,1s", "comma-separated mock transition delays")
		runs         = flag.Int("runs", 3, "runs per scenario")
		largeRuns    = flag.Int("large-runs", 3, "runs per scenario for N >= 1000 (the slow ones: about 15 minutes for the default matrix on 2 cores)")
		probe        = flag.Bool("probe", true, "measure the provider time of one approval at each delay")
		probeRuns    = flag.Int("probe-runs", 5, "runs of the provider-time probe per delay")
		out          = flag.String("out", "bench/RESULTS.md", "where to write the results table")
		microbench   = flag.String("microbench", "", "file with `go test -bench` output to include in the results")
		floor        = flag.Bool("floor", true, "also time applies of the same module shape with Terraform's built-in terraform_data (the CLI's own floor)")
		shape        = flag.String("shape", shapeCount, "how the N resources are expanded: count or for_each")
		phaseTimeout = flag.Duration("timeout", 30*time.Minute, "limit for one Terraform command")
	)
	flag.Parse()

	ns, err := parseInts(*nList)
	if err != nil {
		fatal(err)
	}
	delays, err := parseDelays(*delayList)
	if err != nil {
		fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	rep := report{
		Date:      time.Now(),
		Command:   commandLine(os.Args[1:]),
		GoVersion: runtime.Version(),
		Machine:   machine(),
		Commit:    gitCommit(),
		Shape:     *shape,
		Floor:     map[int][]time.Duration{},
	}
	if *shape != shapeCount && *shape != shapeForEach {
		fatal(fmt.Errorf("-shape: %q is neither %s nor %s", *shape, shapeCount, shapeForEach))
	}
	if *microbench != "" {
		data, err := os.ReadFile(*microbench)
		if err != nil {
			fatal(err)
		}
		rep.Microbench = benchLines(string(data))
	}

	bin, cleanup, err := build(ctx)
	if err != nil {
		fatal(err)
	}
	defer cleanup()
	fail := func(err error) { // os.Exit skips deferred calls
		cleanup()
		fatal(err)
	}
	if rep.TerraformVersion, err = terraformVersion(ctx, bin.Terraform); err != nil {
		fail(err)
	}
	logf("terraform %s at %s", rep.TerraformVersion, bin.Terraform)
	rep.LoadBefore = loadAvg()

	runsFor := func(n int) int {
		if n >= 1000 {
			return *largeRuns
		}
		return *runs
	}
	for _, n := range ns {
		if !*floor {
			break
		}
		for i := range runsFor(n) {
			wall, err := floorRun(ctx, bin.Terraform, n, *shape, *phaseTimeout)
			if err != nil {
				fail(err)
			}
			rep.Floor[n] = append(rep.Floor[n], wall)
			logf("CLI floor N=%d run %d/%d: %s", n, i+1, runsFor(n), wall.Round(time.Millisecond))
		}
	}

	for _, d := range delays {
		for _, n := range ns {
			sr := scenarioResult{scenario: scenario{N: n, Delay: d}}
			count := runsFor(n)
			for i := range count {
				start := time.Now()
				res := runOnce(ctx, bin, runOptions{N: n, Delay: d, Shape: *shape, PhaseTimeout: *phaseTimeout})
				sr.Runs = append(sr.Runs, res)
				logf("N=%d delay=%s run %d/%d: %s in %s", n, d, i+1, count, outcome(res), time.Since(start).Round(time.Millisecond))
				if ctx.Err() != nil {
					break
				}
			}
			rep.Scenarios = append(rep.Scenarios, sr)
		}
	}
	if *probe {
		for _, d := range delays {
			p := probeResult{Delay: d}
			for i := range *probeRuns {
				res := runOnce(ctx, bin, runOptions{N: 1, Delay: d, Shape: *shape, PhaseTimeout: *phaseTimeout, ProbeOnly: true})
				p.Runs = append(p.Runs, res)
				logf("provider-time probe delay=%s run %d/%d: %s, create %s", d, i+1, *probeRuns, outcome(res), res.CreateTime.Round(time.Millisecond))
			}
			rep.Probes = append(rep.Probes, p)
		}
	}

	rep.LoadAfter = loadAvg()
	md := rep.markdown()
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		fail(err)
	}
	fmt.Print(md)
	logf("wrote %s", *out)
	if f := rep.failures(); len(f) > 0 || ctx.Err() != nil {
		logf("%d failed runs", len(f))
		cleanup()
		os.Exit(1)
	}
}

// commandLine is how RESULTS.md names the invocation; the -microbench file is
// a temporary file, so only its role is shown.
func commandLine(args []string) string {
	shown := append([]string(nil), args...)
	for i, a := range shown {
		if (a == "-microbench" || a == "--microbench") && i+1 < len(shown) {
			shown[i+1] = "<go test -bench output>"
		} else if strings.HasPrefix(a, "-microbench=") || strings.HasPrefix(a, "--microbench=") {
			shown[i] = "-microbench=<go test -bench output>"
		}
	}
	return strings.TrimSpace("go run ./bench " + strings.Join(shown, " "))
}

func outcome(res runResult) string {
	if res.Err != nil {
		return "FAILED: " + firstLine(res.Err.Error())
	}
	return "ok"
}

// build compiles the provider, the mock and rsswrap from the module the
// harness runs in, so the figures always belong to the working tree.
func build(ctx context.Context) (binaries, func(), error) {
	var bin binaries
	root, err := moduleRoot(ctx)
	if err != nil {
		return bin, nil, err
	}
	dir, err := os.MkdirTemp("", "vpcep-bench-bin-")
	if err != nil {
		return bin, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	bin.Provider = filepath.Join(dir, "provider", "terraform-provider-vpcep")
	bin.OverrideDir = filepath.Join(dir, "override")
	bin.Mock = filepath.Join(dir, "vpcep-mock")
	for _, b := range []struct{ out, pkg string }{
		{bin.Provider, "."},
		{filepath.Join(bin.OverrideDir, "terraform-provider-vpcep"), "./bench/rsswrap"},
		{bin.Mock, "./cmd/vpcep-mock"},
	} {
		logf("go build %s", b.pkg)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.out, b.pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			cleanup()
			return bin, nil, fmt.Errorf("go build %s: %w\n%s", b.pkg, err, out)
		}
	}
	if bin.Terraform, err = findTerraform(ctx, root); err != nil {
		cleanup()
		return bin, nil, err
	}
	return bin, cleanup, nil
}

// findTerraform: $TERRAFORM, else terraform on PATH, else the one
// scripts/ensure-cli.sh builds.
func findTerraform(ctx context.Context, root string) (string, error) {
	if tf := os.Getenv("TERRAFORM"); tf != "" {
		return tf, nil
	}
	if tf, err := exec.LookPath("terraform"); err == nil {
		return tf, nil
	}
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "ensure-cli.sh"), "terraform")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("scripts/ensure-cli.sh terraform: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run the harness inside the module (go run ./bench from the repository root)")
	}
	return filepath.Dir(gomod), nil
}

func terraformVersion(ctx context.Context, tf string) (string, error) {
	out, err := exec.CommandContext(ctx, tf, "version", "-json").Output()
	if err != nil {
		return "", fmt.Errorf("%s version: %w", tf, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return "", fmt.Errorf("%s version -json: %w", tf, err)
	}
	return v.Version, nil
}

// machine reads the CPU count, CPU model and memory size from /proc.
func machine() machineInfo {
	m := machineInfo{CPUs: runtime.NumCPU(), CPUModel: "unknown"}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel = procField(string(data), "model name")
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemoryMB = kibField(procField(string(data), "MemTotal")) / 1024
	}
	return m
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(data, key string) string {
	for _, line := range strings.Split(data, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// loadAvg is the first three fields of /proc/loadavg.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// kibField parses a /proc value such as "8039512 kB" as KiB.
func kibField(v string) int64 {
	f := strings.Fields(v)
	if len(f) == 0 {
		return 0
	}
	kb, _ := strconv.ParseInt(f[0], 10, 64)
	return kb
}

// gitCommit names the commit the figures belong to, marked when the tree has
// uncommitted changes; empty outside a git checkout.
func gitCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	commit := strings.TrimSpace(string(out))
	if status, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(status) > 0 {
		commit += " (with uncommitted changes)"
	}
	return commit
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseDelays accepts Go durations, and a bare 0.
func parseDelays(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "0" {
			out = append(out, 0)
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("-delays: %q is not a duration such as 0 or 1s", f)
		}
		out = append(out, d)
	}
	return out, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

func fatal(err error) {
	logf("%v", err)
	os.Exit(1)
}
