package main

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Operation names as the mock counts them (the API's operation ids).
const (
	opAcceptOrReject = "AcceptOrRejectEndpoint"
	opListConns      = "ListServiceConnections"
)

// overlayCounters are counted by the mock in addition to a request's
// operation (refused by authentication, answered by an injected fault), so
// they are shown but never added to a phase's total.
var overlayCounters = map[string]bool{"Unauthorized": true, "Faulted": true}

// Targets from issue 6.
const (
	targetApply1         = 500 * time.Millisecond
	targetApply1000      = 30 * time.Second
	targetMemoryMB       = 200.0
	targetHandfulReads   = 5
	targetProviderTime1s = 1500 * time.Millisecond
	targetNoticeFloor    = 200 * time.Millisecond
	targetNoticeFraction = 0.25
	listPageSize         = 1000
	terraformParallelism = 10 // Terraform's default -parallelism
	incumbentApply1      = 4 * time.Second
	incumbentPerApproval = 5
)

// scenario is one cell of the matrix.
type scenario struct {
	N     int
	Delay time.Duration
}

// scenarioResult holds every run of one scenario.
type scenarioResult struct {
	scenario
	Runs []runResult
}

// probeResult holds the provider-time runs at one transition delay (N = 1).
type probeResult struct {
	Delay time.Duration
	Runs  []runResult
}

// machineInfo describes where the figures were taken.
type machineInfo struct {
	CPUs     int
	CPUModel string
	MemoryMB int64
}

// report is everything RESULTS.md shows.
type report struct {
	Date             time.Time
	Commit           string
	GoVersion        string
	TerraformVersion string
	Machine          machineInfo
	Command          string
	Scenarios        []scenarioResult
	Probes           []probeResult
	Microbench       string // raw `go test -bench` output, optional
	// Shape is how the N resources are expanded (count or for_each).
	Shape string
	// Floor holds, by N, the apply times of floorConfig: the CLI without any
	// plugin on the same module shape.
	Floor map[int][]time.Duration
	// LoadBefore and LoadAfter are /proc/loadavg around the measurements: the
	// machine is shared, and a busy one inflates every wall time.
	LoadBefore, LoadAfter string
}

// row is one line of the results table: one phase of one scenario.
type row struct {
	N              int
	Delay          time.Duration
	Phase          string
	Runs, OK       int
	MedianWall     time.Duration
	Requests       map[string]int // the largest count of each operation over the runs
	ProviderPeakKB int64          // the largest over the runs
	ProviderStarts int            // the largest over the runs
	MockPeakKB     int64          // the largest over the runs (whole run, not per phase)
}

// median of the durations; the mean of the middle two for an even count.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// rows aggregates the runs of a scenario into one row per phase. Only runs
// where the phase succeeded count towards the median.
func (sr scenarioResult) rows() []row {
	var out []row
	for _, phase := range phases {
		r := row{N: sr.N, Delay: sr.Delay, Phase: phase, Requests: map[string]int{}}
		var walls []time.Duration
		for _, run := range sr.Runs {
			r.Runs++
			r.MockPeakKB = max(r.MockPeakKB, run.MockPeakKB)
			pr, ok := run.Phases[phase]
			if !ok || pr.Err != nil {
				continue
			}
			r.OK++
			walls = append(walls, pr.Wall)
			r.ProviderPeakKB = max(r.ProviderPeakKB, pr.ProviderPeakKB)
			r.ProviderStarts = max(r.ProviderStarts, pr.ProviderStarts)
			for op, n := range pr.Requests {
				r.Requests[op] = max(r.Requests[op], n)
			}
		}
		r.MedianWall = median(walls)
		out = append(out, r)
	}
	return out
}

// createTimes are the provider times measured by a probe's successful runs.
func (p probeResult) createTimes() []time.Duration {
	var out []time.Duration
	for _, run := range p.Runs {
		if run.Err == nil {
			out = append(out, run.CreateTime)
		}
	}
	return out
}

func (r report) allRows() []row {
	var out []row
	for _, sr := range r.Scenarios {
		out = append(out, sr.rows()...)
	}
	return out
}

func findRow(rows []row, n int, d time.Duration, phase string) (row, bool) {
	for _, r := range rows {
		if r.N == n && r.Delay == d && r.Phase == phase && r.OK > 0 {
			return r, true
		}
	}
	return row{}, false
}

// failures lists every failed run, for the report and the exit status.
func (r report) failures() []string {
	var out []string
	for _, sr := range r.Scenarios {
		for i, run := range sr.Runs {
			if run.Err != nil {
				out = append(out, fmt.Sprintf("N=%d delay=%s run %d: %v", sr.N, sr.Delay, i+1, run.Err))
			}
		}
	}
	for _, p := range r.Probes {
		for i, run := range p.Runs {
			if run.Err != nil {
				out = append(out, fmt.Sprintf("provider-time probe delay=%s run %d: %v", p.Delay, i+1, run.Err))
			}
		}
	}
	return out
}

// check is one target compared with its figure.
type check struct {
	Target string
	Figure string
	Pass   bool
}

// checks compares the figures with issue 6's targets; a target whose
// scenario was not part of this invocation is left out.
func (r report) checks() []check {
	rows := r.allRows()
	var out []check

	if a, ok := findRow(rows, 1, 0, phaseApply); ok {
		out = append(out, check{"apply of 1 approval, instant mock, < 0.5 s", seconds(a.MedianWall) + r.floorNote(1), a.MedianWall < targetApply1})
	}
	if a, ok := findRow(rows, 1000, 0, phaseApply); ok {
		out = append(out, check{"apply of 1000 approvals, instant mock, < 30 s", seconds(a.MedianWall) + r.floorNote(1000), a.MedianWall < targetApply1000})
	}
	for _, sr := range r.Scenarios {
		if a, ok := findRow(rows, sr.N, sr.Delay, phaseApply); ok && sr.Delay == 0 {
			actions, reads := a.Requests[opAcceptOrReject], sumExcept(a.Requests, opAcceptOrReject)
			out = append(out, check{
				fmt.Sprintf("apply of %d, instant mock: %d action calls + at most %d reads", sr.N, sr.N, targetHandfulReads),
				fmt.Sprintf("%d action calls + %d reads", actions, reads),
				actions == sr.N && reads <= targetHandfulReads,
			})
		}
	}
	for _, sr := range r.Scenarios {
		if p, ok := findRow(rows, sr.N, sr.Delay, phasePlan); ok {
			limit := int(math.Ceil(float64(sr.N)/listPageSize)) + 1
			total := sumExcept(p.Requests, "")
			out = append(out, check{
				fmt.Sprintf("refresh of %d (delay %s): at most %d list calls and nothing else", sr.N, sr.Delay, limit),
				formatRequests(p.Requests),
				total <= limit && total == p.Requests[opListConns],
			})
		}
	}
	for _, sr := range r.Scenarios {
		if sr.N != 1000 {
			continue
		}
		var provider, mock int64
		for _, x := range rows {
			if x.N == sr.N && x.Delay == sr.Delay {
				provider, mock = max(provider, x.ProviderPeakKB), max(mock, x.MockPeakKB)
			}
		}
		sum := mb(provider) + mb(mock)
		out = append(out, check{
			fmt.Sprintf("provider + mock peak memory at N=1000 (delay %s) < 200 MB", sr.Delay),
			fmt.Sprintf("%.1f + %.1f = %.1f MB", mb(provider), mb(mock), sum),
			sum < targetMemoryMB,
		})
	}
	for _, p := range r.Probes {
		times := p.createTimes()
		if len(times) == 0 {
			continue
		}
		ct := median(times)
		bound := max(targetNoticeFloor, time.Duration(targetNoticeFraction*float64(p.Delay)))
		lag := ct - p.Delay
		out = append(out, check{
			fmt.Sprintf("settled after %s: noticed within %s (provider time - delay)", p.Delay, seconds(bound)),
			fmt.Sprintf("%s - %s = %s", seconds(ct), seconds(p.Delay), seconds(lag)),
			lag <= bound,
		})
		if p.Delay == time.Second {
			out = append(out, check{"one approval at 1 s delay: provider time < 1.5 s", seconds(ct), ct < targetProviderTime1s})
		}
	}
	if small, large, ok := listBenchmarks(r.Microbench); ok {
		out = append(out, check{
			"mock list at 100000 connections, limit=1000: work proportional to the page (ns/op within 10x of 1000 connections)",
			fmt.Sprintf("%.0f ns/op vs %.0f ns/op (%.1fx)", large, small, large/small),
			large <= maxListScaling*small,
		})
	}
	return out
}

// The mock's list benchmark (internal/vpcepmock) at 1000 and 100000
// connections: a handler that scans the whole set would be ~100x slower at
// 100000; one that works per page stays within a small factor.
const (
	listBenchSmall = "BenchmarkListConnections/n=1000/first_page"
	listBenchLarge = "BenchmarkListConnections/n=100000/first_page"
	maxListScaling = 10
)

// listBenchmarks finds the ns/op of the two list benchmarks in `go test
// -bench` output.
func listBenchmarks(out string) (small, large float64, ok bool) {
	nsPerOp := func(name string) float64 {
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			// name-GOMAXPROCS  iterations  value ns/op ...
			if len(f) >= 4 && strings.HasPrefix(f[0], name+"-") && f[3] == "ns/op" {
				v, err := strconv.ParseFloat(f[2], 64)
				if err == nil {
					return v
				}
			}
		}
		return 0
	}
	small, large = nsPerOp(listBenchSmall), nsPerOp(listBenchLarge)
	return small, large, small > 0 && large > 0
}

// floorNote names the CLI-only apply time for n, if measured.
func (r report) floorNote(n int) string {
	if len(r.Floor[n]) == 0 {
		return ""
	}
	return fmt.Sprintf(" (Terraform alone: %s)", seconds(median(r.Floor[n])))
}

// sumExcept is the number of API requests in counts, leaving out the
// operation skip.
func sumExcept(counts map[string]int, skip string) int {
	n := 0
	for op, c := range counts {
		if op != skip && !overlayCounters[op] {
			n += c
		}
	}
	return n
}

func formatRequests(counts map[string]int) string {
	ops := make([]string, 0, len(counts))
	for op, n := range counts {
		if n > 0 {
			ops = append(ops, op)
		}
	}
	if len(ops) == 0 {
		return "none"
	}
	sort.Strings(ops)
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s %d", op, counts[op])
	}
	return strings.Join(parts, ", ")
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f s", d.Seconds()) }

func mb(kb int64) float64 { return float64(kb) / 1024 }

// markdown renders RESULTS.md.
func (r report) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("# Benchmark results\n\n")
	w("Written by `%s` (see `bench/main.go` for the method). Compare across commits; timing targets are checked here, never by timed tests.\n\n", r.Command)
	w("- Date: %s\n", r.Date.UTC().Format("2006-01-02 15:04 MST"))
	if r.Commit != "" {
		w("- Commit: %s\n", r.Commit)
	}
	w("- Machine: %d CPUs, %s, %d MB memory\n", r.Machine.CPUs, r.Machine.CPUModel, r.Machine.MemoryMB)
	w("- Terraform %s (default parallelism 10), %s\n", r.TerraformVersion, r.GoVersion)
	if r.LoadBefore != "" {
		w("- Load average (1, 5, 15 min) before: %s; after: %s\n", r.LoadBefore, r.LoadAfter)
	}
	w("\n")

	w("## Terraform against vpcep-mock\n\n")
	_, idExpr := expansion(r.Shape)
	w("One service with N connections pending acceptance, one `vpcep_connection_approval` per connection expanded with `%s` (`endpoint_id = %s`); ", r.Shape, idExpr)
	w("`apply -auto-approve`, then `plan -detailed-exitcode` (a refresh of all N, which must be empty), then `destroy -auto-approve` (which rejects). ")
	w("Wall time is the median over the runs of the whole Terraform command; requests are the mock's counts by API operation for that phase (largest over the runs); provider peak is the largest resident set of any provider process Terraform started in that phase; mock peak is the mock's VmHWM over the whole run.\n\n")
	w("Provider starts is how many provider processes Terraform started in the phase (each costs a process start, a plugin handshake and a schema load).\n\n")
	w("| N | delay | phase | median wall (s) | runs ok | requests by route | provider peak (MB) | provider starts | mock peak (MB) |\n")
	w("|---:|---:|---|---:|---:|---|---:|---:|---:|\n")
	for _, x := range r.allRows() {
		wall := "-"
		if x.OK > 0 {
			wall = fmt.Sprintf("%.3f", x.MedianWall.Seconds())
		}
		w("| %d | %s | %s | %s | %d/%d | %s | %.1f | %d | %.1f |\n",
			x.N, x.Delay, x.Phase, wall, x.OK, x.Runs, formatRequests(x.Requests), mb(x.ProviderPeakKB), x.ProviderStarts, mb(x.MockPeakKB))
	}

	if len(r.Floor) > 0 {
		w("\n## Terraform's own floor\n\n")
		w("The same module shape (same locals, same `%s`) with Terraform's built-in `terraform_data` instead of our resource: no provider plugin, no API. No provider can apply faster on this machine.\n\n", r.Shape)
		w("| N | median CLI-only apply (s) | runs | our apply at delay 0 (s) |\n|---:|---:|---:|---:|\n")
		ns := make([]int, 0, len(r.Floor))
		for n := range r.Floor {
			ns = append(ns, n)
		}
		sort.Ints(ns)
		for _, n := range ns {
			ours := "-"
			if a, ok := findRow(r.allRows(), n, 0, phaseApply); ok {
				ours = fmt.Sprintf("%.3f", a.MedianWall.Seconds())
			}
			w("| %d | %.3f | %d | %s |\n", n, median(r.Floor[n]).Seconds(), len(r.Floor[n]), ours)
		}
	}

	if len(r.Probes) > 0 {
		w("\n## Provider time of one approval\n\n")
		w("Method: N = 1, `apply` with `TF_LOG_PROVIDER=TRACE`; the provider time is the distance between the framework's `%s` and `%s` log lines, taken from the provider's own timestamps. ", createStartMsg, createEndMsg)
		w("It covers the action call, every wait and poll, and the final read, and excludes Terraform's start-up, graph walk and plugin handshake. ")
		w("The mock starts the transition when it receives the action, so provider time minus the delay is an upper bound on how late the provider noticed the settled connection. ")
		w("Cross-check without logging: apply wall time at delay d minus apply wall time at delay 0 (where the action's response is already settled, so that run is Terraform's overhead plus one call).\n\n")
		w("| delay | runs ok | median provider time (s) | provider time - delay (s) | apply wall(d) - apply wall(0) (s) |\n")
		w("|---:|---:|---:|---:|---:|\n")
		rows := r.allRows()
		for _, p := range r.Probes {
			times := p.createTimes()
			ct := median(times)
			cross := "-"
			ad, okd := findRow(rows, 1, p.Delay, phaseApply)
			a0, ok0 := findRow(rows, 1, 0, phaseApply)
			if okd && ok0 && p.Delay > 0 {
				cross = fmt.Sprintf("%.3f", (ad.MedianWall - a0.MedianWall).Seconds())
			}
			w("| %s | %d/%d | %.3f | %.3f | %s |\n", p.Delay, len(times), len(p.Runs), ct.Seconds(), (ct - p.Delay).Seconds(), cross)
		}
	}

	w("\n## Targets (issue 6)\n\n")
	if cs := r.checks(); len(cs) > 0 {
		w("| target | figure | result |\n|---|---|---|\n")
		for _, c := range cs {
			res := "MISS"
			if c.Pass {
				res = "PASS"
			}
			w("| %s | %s | %s |\n", c.Target, c.Figure, res)
		}
	} else {
		w("No target applies to the scenarios of this run.\n")
	}
	if a, ok := findRow(r.allRows(), 1, 0, phaseApply); ok {
		w("\nThe incumbent (`huaweicloud_vpcep_approval`, same instant mock) took about %s to apply one approval at %d requests per approval; here: %s (%.1fx faster), %s.\n",
			incumbentApply1, incumbentPerApproval, seconds(a.MedianWall), incumbentApply1.Seconds()/a.MedianWall.Seconds(), formatRequests(a.Requests))
	}

	for _, sr := range r.Scenarios {
		if sr.Delay > 0 && sr.N >= 10*terraformParallelism {
			w("\nWith a transition delay d, Terraform's parallelism of %d bounds an apply of N to at least ceil(N/%d)·d whatever the provider does: %s for N=%d at %s.\n",
				terraformParallelism, terraformParallelism, seconds(time.Duration(math.Ceil(float64(sr.N)/terraformParallelism))*sr.Delay), sr.N, sr.Delay)
		}
	}

	if f := r.failures(); len(f) > 0 {
		w("\n## Failed runs\n\n")
		for _, line := range f {
			w("```\n%s\n```\n", strings.TrimSpace(line))
		}
	}

	if r.Microbench != "" {
		w("\n## Go micro-benchmarks\n\n`go test -run '^$' -bench . -benchmem ./internal/...`\n\n```\n%s\n```\n", strings.TrimSpace(r.Microbench))
	}
	return b.String()
}

// benchLines keeps the informative lines of `go test -bench` output.
func benchLines(out string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Benchmark") || strings.HasPrefix(line, "pkg:") || strings.HasPrefix(line, "cpu:") {
			keep = append(keep, strings.TrimRight(line, " \t"))
		}
	}
	return strings.Join(keep, "\n")
}
