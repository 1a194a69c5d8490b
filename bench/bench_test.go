package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	s := time.Second
	tests := []struct {
		name string
		in   []time.Duration
		want time.Duration
	}{
		{"empty", nil, 0},
		{"one", []time.Duration{3 * s}, 3 * s},
		{"odd unsorted", []time.Duration{5 * s, 1 * s, 3 * s}, 3 * s},
		{"even is mean of middle two", []time.Duration{4 * s, 1 * s, 2 * s, 10 * s}, 3 * s},
		{"outlier ignored", []time.Duration{1 * s, 100 * s, 2 * s}, 2 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := append([]time.Duration(nil), tt.in...)
			if got := median(tt.in); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.in[i] {
					t.Fatalf("median reordered its input: %v", tt.in)
				}
			}
		})
	}
}

func TestEndpointIDsAreDistinctUUIDs(t *testing.T) {
	t.Parallel()
	ids := endpointIDs(1500)
	seen := map[string]bool{}
	for _, id := range ids {
		if len(id) != 36 || strings.Count(id, "-") != 4 {
			t.Fatalf("id %q is not shaped like a UUID", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
	}
}

func TestFixtureJSON(t *testing.T) {
	t.Parallel()
	ids := endpointIDs(3)
	data, err := fixtureJSON(ids)
	if err != nil {
		t.Fatal(err)
	}
	var got fixtures
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Services) != 1 {
		t.Fatalf("services = %d, want 1", len(got.Services))
	}
	svc := got.Services[0]
	if svc.ID != benchServiceID || svc.ProjectID != benchProjectID || !svc.ApprovalEnabled {
		t.Errorf("service = %+v", svc)
	}
	if len(svc.Connections) != len(ids) {
		t.Fatalf("connections = %d, want %d", len(svc.Connections), len(ids))
	}
	domains := map[string]bool{}
	for i, c := range svc.Connections {
		if c.ID != ids[i] || c.Status != statusPending || len(c.DomainID) != 32 {
			t.Errorf("connection %d = %+v", i, c)
		}
		domains[c.DomainID] = true
	}
	if len(domains) != len(ids) {
		t.Errorf("domain ids are not distinct: %v", domains)
	}
	// The wire names are the mock's fixture format.
	for _, key := range []string{`"services"`, `"project_id"`, `"service_name"`, `"approval_enabled"`, `"connections"`, `"domain_id"`, `"status"`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("fixture JSON lacks %s", key)
		}
	}
}

func TestTerraformConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		shape, meta, endpointID string
	}{
		{shapeCount, "count = length(local.endpoint_ids)", "endpoint_id = local.endpoint_ids[count.index]"},
		{shapeForEach, "for_each = toset(local.endpoint_ids)", "endpoint_id = each.value"},
	}
	for _, tt := range tests {
		for _, n := range []int{1, 10, 1000} {
			ids := endpointIDs(n)
			cfg := terraformConfig("http://127.0.0.1:4242", ids, tt.shape)
			for _, want := range []string{
				`source = "vpcep/vpcep"`,
				`endpoint   = "http://127.0.0.1:4242"`,
				`project_id = "` + benchProjectID + `"`,
				`auth_token = "` + benchToken + `"`,
				`resource "vpcep_connection_approval" "bench"`,
				tt.meta,
				`service_id  = "` + benchServiceID + `"`,
				tt.endpointID,
				`action      = "receive"`,
			} {
				if !strings.Contains(cfg, want) {
					t.Errorf("%s N=%d: config lacks %s", tt.shape, n, want)
				}
			}
			floor := floorConfig(ids, tt.shape)
			if !strings.Contains(floor, `resource "terraform_data" "floor"`) || !strings.Contains(floor, tt.meta) || strings.Contains(floor, "vpcep") {
				t.Errorf("%s N=%d: floor config\n%s", tt.shape, n, floor)
			}
			for name, text := range map[string]string{"config": cfg, "floor": floor} {
				if got := strings.Count(text, `"e0d90000-`); got != n {
					t.Errorf("%s N=%d: %s lists %d endpoint ids", tt.shape, n, name, got)
				}
				if strings.Count(text, "{") != strings.Count(text, "}") || strings.Count(text, "[") != strings.Count(text, "]") {
					t.Errorf("%s N=%d: unbalanced braces in %s\n%s", tt.shape, n, name, text)
				}
			}
		}
	}
}

func TestCLIConfig(t *testing.T) {
	t.Parallel()
	cfg := cliConfig("/tmp/x/override")
	if !strings.Contains(cfg, `"vpcep/vpcep" = "/tmp/x/override"`) || !strings.Contains(cfg, "dev_overrides") {
		t.Errorf("cli config:\n%s", cfg)
	}
}

func TestParseRSSFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		in             string
		peak           int64
		started, ended int
	}{
		{"empty", "", 0, 0, 0},
		{"one process", "start\nend 51200\n", 51200, 1, 1},
		{"two, one still running", "start\nstart\nend 100\n", 100, 2, 1},
		{"largest wins", "start\nstart\nend 300\nend 9000\n", 9000, 2, 2},
		{"garbage ignored", "start\nend x\nnoise\n", 0, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			peak, started, ended := parseRSSFile(tt.in)
			if peak != tt.peak || started != tt.started || ended != tt.ended {
				t.Errorf("parseRSSFile = %d, %d, %d; want %d, %d, %d", peak, started, ended, tt.peak, tt.started, tt.ended)
			}
		})
	}
}

func TestProcFields(t *testing.T) {
	t.Parallel()
	status := "Name:\tvpcep-mock\nVmPeak:\t 1300000 kB\nVmHWM:\t   20480 kB\nVmRSS:\t   10000 kB\n"
	if got := parseVmHWM(status); got != 20480 {
		t.Errorf("parseVmHWM = %d, want 20480", got)
	}
	if got := parseVmHWM("Name: x\n"); got != 0 {
		t.Errorf("parseVmHWM without the field = %d, want 0", got)
	}
	cpuinfo := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
	if got := procField(cpuinfo, "model name"); got != "Intel(R) Xeon(R) CPU @ 2.20GHz" {
		t.Errorf("procField(model name) = %q", got)
	}
}

func TestCreateDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		log     string
		want    time.Duration
		wantErr bool
	}{
		{
			name: "provider timestamps win over the receive time",
			log: `2025-11-26T01:00:00.900Z [TRACE] provider.terraform-provider-vpcep: Calling provider defined Resource Create: @module=sdk.framework timestamp=2025-11-26T01:00:00.100000Z
2025-11-26T01:00:00.950Z [DEBUG] provider.terraform-provider-vpcep: something else: timestamp=2025-11-26T01:00:00.500000Z
2025-11-26T01:00:02.000Z [TRACE] provider.terraform-provider-vpcep: Called provider defined Resource Create: @module=sdk.framework timestamp=2025-11-26T01:00:01.350000Z`,
			want: 1250 * time.Millisecond,
		},
		{
			name: "leading time when the field is missing",
			log: `2025-11-26T01:00:00.100+0100 [TRACE] provider.terraform-provider-vpcep: Calling provider defined Resource Create
2025-11-26T01:00:00.400+0100 [TRACE] provider.terraform-provider-vpcep: Called provider defined Resource Create`,
			want: 300 * time.Millisecond,
		},
		{
			name:    "no pair",
			log:     "2025-11-26T01:00:00.100Z [TRACE] provider: Calling provider defined Resource Create timestamp=2025-11-26T01:00:00.1Z\n",
			wantErr: true,
		},
		{name: "empty", log: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := createDuration(tt.log)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("createDuration = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	ns, err := parseInts("1, 100,1000")
	if err != nil || len(ns) != 3 || ns[2] != 1000 {
		t.Errorf("parseInts = %v, %v", ns, err)
	}
	for _, bad := range []string{"", "0", "x", "1,-2"} {
		if _, err := parseInts(bad); err == nil {
			t.Errorf("parseInts(%q) succeeded", bad)
		}
	}
	ds, err := parseDelays("0,1s,250ms")
	if err != nil || len(ds) != 3 || ds[0] != 0 || ds[1] != time.Second || ds[2] != 250*time.Millisecond {
		t.Errorf("parseDelays = %v, %v", ds, err)
	}
	for _, bad := range []string{"1", "-1s", "soon"} {
		if _, err := parseDelays(bad); err == nil {
			t.Errorf("parseDelays(%q) succeeded", bad)
		}
	}
}

// sampleReport is a small matrix with one failed run and one missed target.
func sampleReport() report {
	ok := func(apply, plan, destroy time.Duration, reqs ...map[string]int) runResult {
		return runResult{MockPeakKB: 30 * 1024, Phases: map[string]phaseResult{
			phaseApply:   {Wall: apply, Requests: reqs[0], ProviderPeakKB: 40 * 1024},
			phasePlan:    {Wall: plan, Requests: reqs[1], ProviderPeakKB: 50 * 1024, ProviderStarts: len(reqs[1])},
			phaseDestroy: {Wall: destroy, Requests: reqs[2], ProviderPeakKB: 45 * 1024},
		}}
	}
	ms := time.Millisecond
	one := []map[string]int{{opAcceptOrReject: 1}, {opListConns: 1}, {opAcceptOrReject: 1}}
	thousand := []map[string]int{{opAcceptOrReject: 1000, opListConns: 2, "Faulted": 9}, {opListConns: 3, "ListServiceDetails": 1}, {opAcceptOrReject: 1000}}
	failed := runResult{Err: errors.New("plan: plan is not empty after apply (exit code 2)"), Phases: map[string]phaseResult{
		phaseApply: {Wall: 900 * ms, Requests: one[0]},
		phasePlan:  {Wall: 300 * ms, Err: errors.New("plan is not empty")},
	}}
	return report{
		Date:             time.Date(2025, 11, 26, 1, 2, 0, 0, time.UTC),
		Commit:           "abc1234",
		GoVersion:        "go1.26",
		TerraformVersion: "1.11.4",
		Machine:          machineInfo{CPUs: 2, CPUModel: "Test CPU", MemoryMB: 8000},
		Command:          "go run ./bench",
		Scenarios: []scenarioResult{
			{scenario{1, 0}, []runResult{ok(300*ms, 200*ms, 250*ms, one...), ok(400*ms, 220*ms, 260*ms, one...), failed}},
			{scenario{1000, 0}, []runResult{ok(31*time.Second, 2*time.Second, 20*time.Second, thousand...)}},
		},
		Shape:      shapeCount,
		Floor:      map[int][]time.Duration{1: {200 * ms, 100 * ms, 900 * ms}, 1000: {8 * time.Second}},
		LoadBefore: "1.00 0.50 0.25",
		LoadAfter:  "2.00 1.00 0.50",
		Probes: []probeResult{
			{Delay: time.Second, Runs: []runResult{{CreateTime: 1100 * ms}, {CreateTime: 1300 * ms}, {CreateTime: 1150 * ms}}},
		},
	}
}

func TestReportRows(t *testing.T) {
	t.Parallel()
	rows := sampleReport().allRows()
	if len(rows) != 6 {
		t.Fatalf("rows = %d, want 6", len(rows))
	}
	apply1 := rows[0]
	// The failed run's apply succeeded, so it counts: median of 300, 400, 900.
	if apply1.Phase != phaseApply || apply1.OK != 3 || apply1.MedianWall != 400*time.Millisecond {
		t.Errorf("apply row = %+v", apply1)
	}
	plan1 := rows[1]
	if plan1.OK != 2 || plan1.Runs != 3 || plan1.MedianWall != 210*time.Millisecond {
		t.Errorf("plan row = %+v", plan1)
	}
	if plan1.ProviderPeakKB != 50*1024 || plan1.MockPeakKB != 30*1024 {
		t.Errorf("plan peaks = %d, %d", plan1.ProviderPeakKB, plan1.MockPeakKB)
	}
}

func TestReportChecks(t *testing.T) {
	t.Parallel()
	got := map[string]check{}
	for _, c := range sampleReport().checks() {
		got[c.Target] = c
	}
	want := map[string]bool{
		"apply of 1 approval, instant mock, < 0.5 s":                        true,
		"apply of 1000 approvals, instant mock, < 30 s":                     false,
		"apply of 1, instant mock: 1 action calls + at most 5 reads":        true,
		"apply of 1000, instant mock: 1000 action calls + at most 5 reads":  true,
		"refresh of 1 (delay 0s): at most 2 list calls and nothing else":    true,
		"refresh of 1000 (delay 0s): at most 2 list calls and nothing else": false,
		"provider + mock peak memory at N=1000 (delay 0s) < 200 MB":         true,
		"settled after 1s: noticed within 0.250 s (provider time - delay)":  true,
		"one approval at 1 s delay: provider time < 1.5 s":                  true,
	}
	for target, pass := range want {
		c, ok := got[target]
		if !ok {
			t.Errorf("missing check %q; have %v", target, got)
			continue
		}
		if c.Pass != pass {
			t.Errorf("%q: pass = %v (figure %s), want %v", target, c.Pass, c.Figure, pass)
		}
	}
	if len(got) != len(want) {
		t.Errorf("checks = %d, want %d", len(got), len(want))
	}
	if f := got["settled after 1s: noticed within 0.250 s (provider time - delay)"].Figure; f != "1.150 s - 1.000 s = 0.150 s" {
		t.Errorf("notice figure = %q", f)
	}
}

func TestMarkdown(t *testing.T) {
	t.Parallel()
	md := sampleReport().markdown()
	for _, want := range []string{
		"- Machine: 2 CPUs, Test CPU, 8000 MB memory",
		"- Terraform 1.11.4",
		"- Date: 2025-11-26 01:02 UTC",
		"- Commit: abc1234",
		"| N | delay | phase | median wall (s) | runs ok | requests by route | provider peak (MB) | provider starts | mock peak (MB) |",
		"| 1 | 0s | apply | 0.400 | 3/3 | AcceptOrRejectEndpoint 1 | 40.0 | 0 | 30.0 |",
		"| 1 | 0s | plan | 0.210 | 2/3 | ListServiceConnections 1 | 50.0 | 1 | 30.0 |",
		"| 1000 | 0s | plan | 2.000 | 1/1 | ListServiceConnections 3, ListServiceDetails 1 | 50.0 | 2 | 30.0 |",
		"| 1s | 3/3 | 1.150 | 0.150 | - |",
		"## Failed runs",
		"plan is not empty after apply",
		"10.0x faster",
		"| 1 | 0.200 | 3 | 0.400 |",
		"| 1000 | 8.000 | 1 | 31.000 |",
		"| 31.000 s (Terraform alone: 8.000 s) | MISS |",
		"expanded with `count` (`endpoint_id = local.endpoint_ids[count.index]`)",
		"- Load average (1, 5, 15 min) before: 1.00 0.50 0.25; after: 2.00 1.00 0.50",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q\n%s", want, md)
		}
	}
}

func TestBenchLines(t *testing.T) {
	t.Parallel()
	out := "goos: linux\npkg: x/aksk\ncpu: Test\nBenchmarkSign-2   \t 100\t 1234 ns/op\nPASS\nok  \tx/aksk\t1.2s\n"
	want := "pkg: x/aksk\ncpu: Test\nBenchmarkSign-2   \t 100\t 1234 ns/op"
	if got := benchLines(out); got != want {
		t.Errorf("benchLines = %q, want %q", got, want)
	}
}

func TestListBenchmarks(t *testing.T) {
	t.Parallel()
	out := `pkg: x/vpcepmock
BenchmarkListConnections/n=1000/first_page-2         	    1000	    758196 ns/op	  854344 B/op	      29 allocs/op
BenchmarkListConnections/n=1000/last_page_asc-2      	    1000	    180148 ns/op
BenchmarkListConnections/n=100000/first_page-2       	     500	   1487374 ns/op	  854232 B/op	      26 allocs/op`
	small, large, ok := listBenchmarks(out)
	if !ok || small != 758196 || large != 1487374 {
		t.Errorf("listBenchmarks = %v, %v, %v", small, large, ok)
	}
	if _, _, ok := listBenchmarks("BenchmarkSign-2 100 5 ns/op"); ok {
		t.Error("listBenchmarks found list figures in unrelated output")
	}
	for _, tt := range []struct {
		large string
		pass  bool
	}{{"1487374", true}, {"75819600", false}} {
		r := report{Microbench: strings.Replace(out, "1487374", tt.large, 1)}
		var found bool
		for _, c := range r.checks() {
			if strings.HasPrefix(c.Target, "mock list at 100000") {
				found = true
				if c.Pass != tt.pass {
					t.Errorf("large=%s: pass = %v, want %v (%s)", tt.large, c.Pass, tt.pass, c.Figure)
				}
			}
		}
		if !found {
			t.Errorf("large=%s: no list check", tt.large)
		}
	}
}

func TestCommandLineHidesTempFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "go run ./bench"},
		{[]string{"-n", "10"}, "go run ./bench -n 10"},
		{[]string{"-microbench", "/tmp/tmp.x", "-out", "bench/RESULTS.md"}, "go run ./bench -microbench <go test -bench output> -out bench/RESULTS.md"},
		{[]string{"-microbench=/tmp/tmp.x"}, "go run ./bench -microbench=<go test -bench output>"},
	}
	for _, tt := range tests {
		if got := commandLine(tt.args); got != tt.want {
			t.Errorf("commandLine(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}
