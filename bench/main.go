// Command bench times the Terraform CLI driving this provider, and a no-op
// provider (bench/noop) on the same module shape, against an in-process
// vpcep-mock, and writes the table into bench/RESULTS.md, which describes the
// method. With -profile DIR it instead serves the provider in its own process
// and writes CPU and allocation profiles of each phase of one run.
//
//	go run ./bench                                         # the matrix into bench/RESULTS.md
//	go run ./bench -n 10 -delays 0 -runs 1 -out /tmp/r.md  # a smoke run
//	go run ./bench -n 1000 -delays 0 -profile /tmp/prof    # profiles
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/vpcep/terraform-provider-vpcep/internal/devprovider"
	"github.com/vpcep/terraform-provider-vpcep/internal/provider"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Test values for the mock; not secrets.
const (
	projectID = "0b1e2c3d4e5f60718293a4b5c6d7e8f9"
	token     = "bench-token"
	serviceID = "5e1f0000-0000-4000-8000-000000000001"
)

var phases = []string{"apply", "plan", "destroy"}

// kind is one resource the matrix runs N of.
type kind struct {
	name, provider, source, resource string
	env                              []string // added to Terraform's environment, which providers inherit
}

// kinds: ours; the no-op floor of any framework provider (logging at TRACE,
// as the framework's scaffolding does); and the floor of our schema, the
// no-op resource with vpcep_connection_approval's schema, as quiet as ours.
var (
	ours        = kind{"vpcep", "vpcep", "vpcep/vpcep", "vpcep_connection_approval", nil}
	noopFloor   = kind{"noop", "noop", "bench/noop", "noop_approval", nil}
	schemaFloor = kind{"schema", "noop", "bench/noop", "noop_connection_approval",
		[]string{"TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off", "TF_LOG_SDK_FRAMEWORK=off"}}
	kinds = []kind{ours, noopFloor, schemaFloor}
)

// scenario is N managed approvals of a service of M connections.
type scenario struct{ N, M int }

func (s scenario) String() string {
	if s.M == s.N {
		return strconv.Itoa(s.N)
	}
	return fmt.Sprintf("%d of %d", s.N, s.M)
}

func main() {
	var (
		scenarioList = flag.String("n", "1,300,1000,10/20000", "scenarios: N approvals, or N/M for N of a service of M connections")
		delayList    = flag.String("delays", "0,1s", "mock transition delays")
		runs         = flag.Int("runs", 3, "runs per scenario and provider")
		out          = flag.String("out", "bench/RESULTS.md", "file whose generated section receives the table")
		micro        = flag.String("microbench", "", "file with `go test -bench` output to include")
		profileDir   = flag.String("profile", "", "write profiles of one run of the first scenario here instead")
		policyRun    = flag.Bool("policy", false, "run the vpcep_connection_policy scenarios (beside per-endpoint approvals and noop_policy) instead")
		only         = flag.String("only", "", "with -policy: only the scenarios whose name contains this")
		kindList     = flag.String("kinds", strings.Join(policyKinds, ","), "with -policy: which of policy, approval and noop to run")
		extraEnv     = flag.String("env", "", "comma-separated K=V added to Terraform's (and so the providers') environment, for experiments")
	)
	flag.Parse()
	scenarios, err := parseScenarios(*scenarioList)
	die(err)
	delays, err := parseDelays(*delayList)
	die(err)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	r := runner{tf: os.Getenv("TERRAFORM")}
	if r.tf == "" {
		r.tf, err = exec.LookPath("terraform")
		die(err)
	}
	if *extraEnv != "" {
		r.env = strings.Split(*extraEnv, ",")
	}
	r.bin, err = os.MkdirTemp("", "vpcep-bench-")
	die(err)
	binDir = r.bin
	defer os.RemoveAll(r.bin)
	die(devprovider.Build(".", filepath.Join(r.bin, "vpcep")))
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(r.bin, "noop", "terraform-provider-noop"), "./bench/noop").CombinedOutput(); err != nil {
		die(fmt.Errorf("go build ./bench/noop: %w\n%s", err, out))
	}
	if *profileDir != "" {
		die(r.profile(ctx, scenarios[0], delays[0], *profileDir))
		return
	}
	if *policyRun {
		kinds := strings.Split(*kindList, ",")
		for _, k := range kinds {
			if !slices.Contains(policyKinds, k) {
				die(fmt.Errorf("-kinds: %q is none of %s", k, strings.Join(policyKinds, ", ")))
			}
		}
		md := r.runPolicy(ctx, *runs, *only, kinds)
		fmt.Print(md)
		die(writeMarkedSection(*out, policySectionBegin, policySectionEnd, md))
		return
	}
	rep := report{Load: [2]string{loadAvg()}}
	for _, d := range delays {
		for _, sc := range scenarios {
			for i := range *runs {
				for _, k := range kinds {
					if k.name != ours.name && d != delays[0] {
						continue // no API: the delay changes nothing
					}
					res, err := r.cycle(ctx, k, sc, d, nil)
					if err != nil {
						die(fmt.Errorf("%s N=%s delay=%s run %d: %w", k.name, sc, d, i+1, err))
					}
					rep.add(k.name, sc, d, res)
					logf("%s N=%s delay=%s run %d/%d: apply %s, plan %s, destroy %s", k.name, sc, d, i+1, *runs, res["apply"].Wall, res["plan"].Wall, res["destroy"].Wall)
				}
			}
		}
	}
	rep.Load[1] = loadAvg()
	md := rep.markdown(r.tf, delays[0])
	if *micro != "" {
		data, err := os.ReadFile(*micro)
		die(err)
		md += "\n### Go micro-benchmarks\n\n```\n" + benchLines(string(data)) + "\n```\n"
	}
	fmt.Print(md)
	die(writeSection(*out, md))
}

// runner runs Terraform against freshly built providers.
type runner struct {
	tf, bin string
	env     []string
}

// cycle applies, plans and destroys N resources of kind k in a fresh
// directory, against a fresh mock. around, if set, wraps each phase
// (profiling).
func (r runner) cycle(ctx context.Context, k kind, sc scenario, delay time.Duration, around func(phase string, run func() error) error) (map[string]phaseResult, error) {
	fx := vpcepmock.FixtureService{ID: serviceID, ProjectID: projectID, ServiceName: "bench"} // approval on
	for i := range sc.M {
		fx.Connections = append(fx.Connections, vpcepmock.FixtureConnection{ID: endpointID(i), DomainID: fmt.Sprintf("d0ma1n%026x", i+1)})
	}
	return r.run(ctx, workload{service: fx, delay: delay, env: k.env, hcl: func(url string) string { return moduleHCL(k, url, sc) }}, around)
}

// profile serves the provider in this process, lets Terraform attach to it,
// and writes CPU and allocation profiles of each phase into dir.
func (r runner) profile(ctx context.Context, sc scenario, delay time.Duration, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// The in-process provider reads this environment: quiet, as main.go makes
	// it when no TF_LOG variable is set, unless -env says otherwise.
	for _, kv := range append([]string{"TF_LOG_SDK=off", "TF_LOG_SDK_PROTO=off", "TF_LOG_SDK_FRAMEWORK=off", "TF_LOG_PROVIDER_VPCEP=off",
		"VPCEP_METADATA_ENDPOINT=" + closedMetadataEndpoint}, r.env...) {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	debug.SetGCPercent(200) // as main.go sets it when GOGC is unset
	envFile := filepath.Join(r.bin, "reattach.env")
	go func() {
		err := tf6server.Serve("registry.terraform.io/vpcep/vpcep", providerserver.NewProtocol6(provider.New("bench")()),
			tf6server.WithManagedDebug(), tf6server.WithManagedDebugEnvFilePath(envFile))
		logf("in-process provider: %v", err)
	}()
	var reattach string // the file holds TF_REATTACH_PROVIDERS='...'
	for i := 0; reattach == "" && i < 600; i++ {
		time.Sleep(50 * time.Millisecond)
		data, _ := os.ReadFile(envFile)
		_, reattach, _ = strings.Cut(strings.TrimSpace(string(data)), "=")
	}
	os.Setenv("TF_REATTACH_PROVIDERS", strings.Trim(reattach, "'"))
	runtime.MemProfileRate = 64 << 10
	res, err := r.cycle(ctx, ours, sc, delay, func(phase string, run func() error) error {
		f, err := os.Create(filepath.Join(dir, "cpu-"+phase+".pprof"))
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		err = run()
		pprof.StopCPUProfile()
		allocs, ferr := os.Create(filepath.Join(dir, "allocs-"+phase+".pprof")) // since the start
		if ferr == nil {
			defer allocs.Close()
			ferr = pprof.Lookup("allocs").WriteTo(allocs, 0)
		}
		return errors.Join(err, ferr)
	})
	if err != nil {
		return err
	}
	fmt.Printf("profiled %s (delay %s, provider in process)\n", sc, delay)
	for _, phase := range []string{"apply", "plan", "destroy"} {
		r := res[phase]
		fmt.Printf("  %-7s wall %6.2fs  CPU: Terraform %6.2fs, provider and mock %6.2fs\n",
			phase, r.Wall.Seconds(), r.CPU.Seconds(), r.MockCPU.Seconds())
	}
	fmt.Printf("go tool pprof -top -tagignore side=mock %[1]s/cpu-apply.pprof   # the provider\n"+
		"go tool pprof -top -tagfocus side=mock %[1]s/cpu-apply.pprof    # the mock\n"+
		"go tool pprof -top -sample_index alloc_space %[1]s/allocs-apply.pprof\n", dir)
	return nil
}

// endpointID is the deterministic id of the i-th connection.
func endpointID(i int) string { return fmt.Sprintf("e0d90000-0000-4000-8000-%012x", i+1) }

// moduleHCL is the root module: N resources of kind k expanded with count
// (Terraform itself is quadratic in for_each at large N), spread over the M
// connections so that few are on the first page of a list.
func moduleHCL(k kind, url string, sc scenario) string {
	var b strings.Builder
	b.WriteString("locals {\n  endpoint_ids = [\n")
	for i := range sc.N {
		fmt.Fprintf(&b, "    %q,\n", endpointID(i*sc.M/sc.N))
	}
	b.WriteString("  ]\n}\n")
	if k.provider == "vpcep" {
		fmt.Fprintf(&b, "provider \"vpcep\" {\n  endpoint   = %q\n  project_id = %q\n  auth_token = %q\n}\n", url, projectID, token)
	}
	fmt.Fprintf(&b, `terraform {
  required_providers {
    %[1]s = { source = "%[2]s" }
  }
}

resource %[3]q "bench" {
  count       = length(local.endpoint_ids)
  service_id  = %[4]q
  endpoint_id = local.endpoint_ids[count.index]
  action      = "receive"
}
`, k.provider, k.source, k.resource, serviceID)
	return b.String()
}

// cliConfig points Terraform at the providers just built: no init, no registry.
func cliConfig(bin string) string {
	return devprovider.CLIConfig(map[string]string{devprovider.Address: filepath.Join(bin, "vpcep"), "bench/noop": filepath.Join(bin, "noop")})
}

func parseScenarios(s string) ([]scenario, error) {
	var out []scenario
	for _, f := range strings.Split(s, ",") {
		n, m, isPart := strings.Cut(strings.TrimSpace(f), "/")
		if !isPart {
			m = n
		}
		sc := scenario{}
		var err1, err2 error
		sc.N, err1 = strconv.Atoi(n)
		sc.M, err2 = strconv.Atoi(m)
		if err1 != nil || err2 != nil || sc.N < 1 || sc.M < sc.N {
			return nil, fmt.Errorf("-n: %q is neither N nor N/M with 1 <= N <= M", f)
		}
		out = append(out, sc)
	}
	return out, nil
}

func parseDelays(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if f = strings.TrimSpace(f); f == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 {
			return nil, fmt.Errorf("-delays: %q is not a duration such as 0 or 1s", f)
		}
		out = append(out, d)
	}
	return out, nil
}

// selfCPU is this process's CPU time: the mock's, as the harness itself idles.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadAvg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	return strings.Join(f[:min(3, len(f))], " ")
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }

// binDir holds the built providers; die removes it, as os.Exit skips defers.
var binDir string

func die(err error) {
	if err != nil {
		logf("%v", err)
		os.RemoveAll(binDir)
		os.Exit(1)
	}
}

// Markers of the generated section of the results file; the text around
// them (method, findings) is written by hand and kept.
const (
	sectionBegin = "<!-- generated by go run ./bench: begin -->"
	sectionEnd   = "<!-- generated by go run ./bench: end -->"
)

// key names the runs of one provider on one scenario at one delay.
type key struct {
	Provider string
	Scenario scenario
	Delay    time.Duration
}

// report collects the runs in the order they were taken.
type report struct {
	Load  [2]string
	keys  []key
	cells map[key][]map[string]phaseResult
}

func (r *report) add(p string, sc scenario, d time.Duration, res map[string]phaseResult) {
	k := key{p, sc, d}
	if r.cells == nil {
		r.cells = map[key][]map[string]phaseResult{}
	}
	if _, ok := r.cells[k]; !ok {
		r.keys = append(r.keys, k)
	}
	r.cells[k] = append(r.cells[k], res)
}

// median of one figure of a phase over the runs of k, in seconds.
func (r *report) median(k key, phase string, figure func(phaseResult) time.Duration) float64 {
	var ds []time.Duration
	for _, run := range r.cells[k] {
		ds = append(ds, figure(run[phase]))
	}
	return median(ds).Seconds()
}

// median of ds; the mean of the middle two for an even count.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// markdown renders the generated section: one row per scenario, delay and
// phase, the floors' figures beside ours. The ratios are of CPU time, which a
// busy machine inflates less than wall time.
func (r *report) markdown(tf string, floorDelay time.Duration) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	version, _ := exec.Command(tf, "version").Output()
	commit, _ := exec.Command("git", "describe", "--always", "--dirty").Output()
	w("- %s, commit %s, %s, %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), strings.TrimSpace(string(commit)),
		runtime.Version(), strings.SplitN(string(version), "\n", 2)[0])
	w("- %d CPUs; load average before %s, after %s\n\n", runtime.NumCPU(), r.Load[0], r.Load[1])
	w("| N | delay | phase | runs | wall vpcep / no-op (s) | CPU vpcep (s) | CPU no-op (s) | CPU ratio | CPU schema floor (s) | CPU ratio to schema floor | mock CPU (s) | lists | actions | other requests |\n")
	w("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	wall := func(p phaseResult) time.Duration { return p.Wall }
	cpu := func(p phaseResult) time.Duration { return p.CPU }
	ratio := func(a, b float64) string {
		if b == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	for _, k := range r.keys {
		if k.Provider != ours.name {
			continue
		}
		noop, schema := key{noopFloor.name, k.Scenario, floorDelay}, key{schemaFloor.name, k.Scenario, floorDelay}
		for _, ph := range phases {
			reqs := map[string]int{} // the largest count of each operation over the runs
			for _, run := range r.cells[k] {
				for op, n := range run[ph].Requests {
					reqs[op] = max(reqs[op], n)
				}
			}
			other := []string{}
			for op, n := range reqs {
				if n > 0 && op != vpcepmock.OpListServiceConnections && op != vpcepmock.OpAcceptOrRejectEndpoint {
					other = append(other, fmt.Sprintf("%s %d", op, n))
				}
			}
			slices.Sort(other)
			oursCPU, noopCPU, schemaCPU := r.median(k, ph, cpu), r.median(noop, ph, cpu), r.median(schema, ph, cpu)
			w("| %s | %s | %s | %d | %.2f / %.2f | %.2f | %.2f | %s | %.2f | %s | %.2f | %d | %d | %s |\n",
				k.Scenario, k.Delay, ph, len(r.cells[k]), r.median(k, ph, wall), r.median(noop, ph, wall),
				oursCPU, noopCPU, ratio(oursCPU, noopCPU), schemaCPU, ratio(oursCPU, schemaCPU),
				r.median(k, ph, func(p phaseResult) time.Duration { return p.MockCPU }), reqs[vpcepmock.OpListServiceConnections],
				reqs[vpcepmock.OpAcceptOrRejectEndpoint], strings.Join(other, ", "))
		}
	}
	return b.String()
}

// writeSection replaces the generated section of path with md, keeping the
// rest; a file without the markers gets them.
func writeSection(path, md string) error {
	return writeMarkedSection(path, sectionBegin, sectionEnd, md)
}

// writeMarkedSection replaces the text between begin and end in path with
// md, keeping the rest; a file without the markers gets them at its end.
func writeMarkedSection(path, begin, end, md string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	before, rest, ok := strings.Cut(string(old), begin)
	_, after, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		before, after = string(old), "\n"
	}
	return os.WriteFile(path, []byte(before+begin+"\n"+md+end+after), 0o644)
}

// benchLines keeps the informative lines of `go test -bench` output.
func benchLines(out string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Benchmark") || strings.HasPrefix(line, "pkg:") {
			keep = append(keep, strings.TrimRight(line, " \t"))
		}
	}
	return strings.Join(keep, "\n")
}
