package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// TestUnitParseFlags catches a typo in -n or -delays that measures
// something else instead of failing.
func TestUnitParseFlags(t *testing.T) {
	t.Parallel()
	got, err := parseScenarios("1, 300,10/20000")
	if err != nil || len(got) != 3 || got[1] != (scenario{300, 300}) || got[2] != (scenario{10, 20000}) {
		t.Errorf("parseScenarios = %v, %v", got, err)
	}
	ds, err := parseDelays("0, 1s")
	if err != nil || len(ds) != 2 || ds[0] != 0 || ds[1] != time.Second {
		t.Errorf("parseDelays = %v, %v", ds, err)
	}
	for _, bad := range []string{"", "0", "x", "20/10", "1/x"} {
		if _, err := parseScenarios(bad); err == nil {
			t.Errorf("parseScenarios(%q) succeeded", bad)
		}
	}
	for _, bad := range []string{"1", "-1s", "soon"} {
		if _, err := parseDelays(bad); err == nil {
			t.Errorf("parseDelays(%q) succeeded", bad)
		}
	}
}

// TestUnitModuleHCL catches kinds that get different module shapes, and the
// approvals of a large service packed on its first page instead of spread
// over it (which would hide the cost of reading a few of many).
func TestUnitModuleHCL(t *testing.T) {
	t.Parallel()
	sc := scenario{10, 20000}
	vpcep, noop, schema := moduleHCL(ours, "http://127.0.0.1:1", sc), moduleHCL(noopFloor, "", sc), moduleHCL(schemaFloor, "", sc)
	for _, want := range []string{`resource "vpcep_connection_approval" "bench"`, `source = "vpcep/vpcep"`, `"http://127.0.0.1:1"`, endpointID(18000)} {
		if !strings.Contains(vpcep, want) {
			t.Errorf("module lacks %s:\n%s", want, vpcep)
		}
	}
	shape := func(s string) string { _, after, _ := strings.Cut(s, `"bench" {`); return after }
	if !strings.Contains(noop, `resource "noop_approval"`) || !strings.Contains(schema, `resource "noop_connection_approval"`) ||
		shape(vpcep) != shape(noop) || shape(vpcep) != shape(schema) || strings.Count(vpcep, `"e0d90000-`) != 10 {
		t.Errorf("the modules differ in shape:\n%s\n%s\n%s", vpcep, noop, schema)
	}
	if strings.Contains(noop, `provider "vpcep"`) || !slices.Contains(schemaFloor.env, "TF_LOG_SDK_FRAMEWORK=off") {
		t.Errorf("the floors must not configure vpcep, and the schema floor must log as little as ours:\n%s", noop)
	}
}

// TestUnitReport catches no-op figures out of our row, medians moved by an
// outlier run, requests not under the mock's operation names, and a write
// that loses the hand-written text around the generated section.
func TestUnitReport(t *testing.T) {
	t.Parallel()
	var r report
	for i, p := range []string{"vpcep", "noop", "schema", "vpcep", "vpcep"} {
		res := map[string]phaseResult{}
		for _, ph := range phases {
			res[ph] = phaseResult{Wall: time.Duration(i*i+1) * time.Second, CPU: time.Duration(i+1) * time.Second,
				Requests: map[string]int{vpcepmock.OpListServiceConnections: 11, "ListServiceDetails": i}}
		}
		r.add(p, scenario{10, 20000}, 0, res)
	}
	md := r.markdown("true", 0)
	// vpcep: walls 1, 10, 17 s and CPU 1, 4, 5 s; no-op: 2 s, 2 s; schema floor: 5 s, 3 s.
	if want := "| 10 of 20000 | 0s | plan | 3 | 10.00 / 2.00 | 4.00 | 2.00 | 2.00 | 3.00 | 1.33 | 0.00 | 11 | 0 | ListServiceDetails 4 |"; !strings.Contains(md, want) {
		t.Errorf("markdown lacks %q:\n%s", want, md)
	}
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	for _, text := range []string{"one", "two"} {
		data, _ := os.ReadFile(path)
		if err := os.WriteFile(path, []byte("# by hand\n"+string(data)+"kept\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := writeSection(path, text+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	if data, _ := os.ReadFile(path); strings.Contains(string(data), "one") || !strings.Contains(string(data), sectionBegin+"\ntwo\n"+sectionEnd) || !strings.HasPrefix(string(data), "# by hand") {
		t.Errorf("results file:\n%s", data)
	}
}

// TestUnitPolicyWorkloads catches a policy and its floor that decide the
// same service differently (every account accepted, everyone else
// rejected), a settled service not accepted already or not left as it is on
// destroy, and per-endpoint resources beside it on another spread of the
// service.
func TestUnitPolicyWorkloads(t *testing.T) {
	t.Parallel()
	settled := policyScenario{Name: "s", M: 50, Settled: true, Approvals: 5}
	pol, noop, appr := settled.workload("policy"), settled.workload("noop"), settled.workload("approval")
	if len(pol.service.Connections) != 50 || pol.service.Connections[13].Status != vpcepmock.StatusAccepted ||
		pol.service.Connections[13].DomainID != policyDomain(3) {
		t.Errorf("settled fixtures: %+v", pol.service.Connections[13])
	}
	ours, floor := pol.hcl("http://127.0.0.1:1"), noop.hcl("")
	for _, want := range []string{`resource "vpcep_connection_policy" "bench"`, `others            = "reject"`, `on_destroy        = "leave"`, policyDomain(9)} {
		if !strings.Contains(ours, want) {
			t.Errorf("policy module lacks %s:\n%s", want, ours)
		}
	}
	if !strings.Contains(floor, `synthetic_connections = 50`) || !strings.Contains(floor, policyDomain(9)) || !strings.Contains(floor, `on_destroy            = "leave"`) {
		t.Errorf("floor module:\n%s", floor)
	}
	if got := appr.hcl("http://127.0.0.1:1"); strings.Count(got, `"e0d90000-`) != 5 || !strings.Contains(got, endpointID(40)) {
		t.Errorf("approvals module:\n%s", got)
	}
	pending := policyScenario{M: 3, Delay: time.Second, RateLimit: 50}.workload("policy")
	if pending.service.Connections[0].Status != vpcepmock.StatusPendingAcceptance || pending.rateLimit != 50 || pending.delay != time.Second ||
		!strings.Contains(pending.hcl(""), `on_destroy        = "reject"`) {
		t.Errorf("pending workload: %+v", pending)
	}
}

// TestUnitPeakRSS catches a sampler that misses a provider among a
// process's children or reads the wrong field of /proc (0 MB for every
// provider, or no children at all).
func TestUnitPeakRSS(t *testing.T) {
	t.Parallel()
	if got := childrenOf(os.Getppid()); !slices.Contains(got, os.Getpid()) {
		t.Errorf("childrenOf(parent) = %v, lacks this process %d", got, os.Getpid())
	}
	if got := vmHWM(os.Getpid()); got < 1<<20 {
		t.Errorf("vmHWM(self) = %d bytes", got)
	}
	if len(childrenOf(-5)) != 0 || vmHWM(-5) != 0 {
		t.Error("a missing process must read as none")
	}
}
