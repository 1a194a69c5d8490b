package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/devprovider"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// phaseResult is one Terraform command.
type phaseResult struct {
	Wall, CPU, MockCPU time.Duration
	Requests           map[string]int
	// PeakRSS is the largest peak resident set of a provider process the
	// command started, in bytes (sampled from /proc while it runs).
	PeakRSS int64
}

// workload is one configuration run against one fresh mock holding service.
type workload struct {
	service   vpcepmock.FixtureService
	delay     time.Duration
	rateLimit int
	env       []string // added to Terraform's environment
	hcl       func(mockURL string) string
	// newRules, if set, is a configuration with other rules: after the
	// plan, a plan of it is measured as phaseNewRules (it must not be empty).
	newRules func(mockURL string) string
}

// phaseNewRules is the plan of a rules change on the applied workload.
const phaseNewRules = "plan, new rules"

// phasesOf are the phases run measures, in order, with or without a plan of new rules.
func phasesOf(newRules bool) []string {
	if !newRules {
		return phases
	}
	return []string{"apply", "plan", phaseNewRules, "destroy"}
}

// run applies, plans and destroys w in a fresh directory. around, if set,
// wraps each phase (profiling).
func (r runner) run(ctx context.Context, w workload, around func(phase string, run func() error) error) (map[string]phaseResult, error) {
	dir, err := os.MkdirTemp("", "vpcep-bench-run-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	mock := vpcepmock.New(vpcepmock.Config{
		Credentials:     []vpcepmock.Credential{{ProjectID: projectID, Token: token}},
		TransitionDelay: w.delay, RateLimit: w.rateLimit, Fixtures: &vpcepmock.Fixtures{Services: []vpcepmock.FixtureService{w.service}},
	})
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		pprof.Do(req.Context(), pprof.Labels("side", "mock"), func(context.Context) { mock.ServeHTTP(rw, req) })
	}))
	defer srv.Close()
	if err := errors.Join(
		os.WriteFile(filepath.Join(dir, "main.tf"), []byte(w.hcl(srv.URL)), 0o600),
		os.WriteFile(filepath.Join(dir, "cli.tfrc"), []byte(cliConfig(r.bin)), 0o600),
	); err != nil {
		return nil, err
	}
	// ECS metadata on a closed loopback port, unless -env says otherwise.
	env := append(devprovider.Env(filepath.Join(dir, "cli.tfrc")), "VPCEP_METADATA_ENDPOINT="+closedMetadataEndpoint)
	env = append(append(env, w.env...), r.env...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "VPCEP_") && !strings.HasPrefix(kv, "HW_") || strings.HasPrefix(kv, "TF_REATTACH_PROVIDERS=") {
			env = append(env, kv)
		}
	}
	results := map[string]phaseResult{}
	for _, phase := range phasesOf(w.newRules != nil) {
		mock.ResetRequestCounts()
		mockCPU := selfCPU()
		args := []string{phase, "-input=false", "-no-color", "-auto-approve"}
		switch phase {
		case "plan":
			args[3] = "-detailed-exitcode" // 2: not empty
		case phaseNewRules:
			args = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(w.newRules(srv.URL)), 0o600); err != nil {
				return nil, err
			}
		case "destroy":
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(w.hcl(srv.URL)), 0o600); err != nil {
				return nil, err
			}
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(cctx, r.tf, args...)
		// A file, not a pipe: Wait must not wait for plugins that inherited it.
		output, err := os.Create(filepath.Join(dir, phase+".log"))
		if err != nil {
			return nil, err
		}
		cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, output, output
		start := time.Now()
		rss := make(chan int64, 1)
		stop := make(chan struct{})
		runCmd := func() error {
			if err := cmd.Start(); err != nil {
				close(stop)
				rss <- 0
				return err
			}
			go func() { rss <- samplePeakRSS(cmd.Process.Pid, stop) }()
			err := cmd.Wait()
			close(stop)
			return err
		}
		if around != nil {
			err = around(phase, runCmd)
		} else {
			err = runCmd()
		}
		res := phaseResult{Wall: time.Since(start), MockCPU: selfCPU() - mockCPU, Requests: mock.RequestCounts(), PeakRSS: <-rss}
		if ps := cmd.ProcessState; ps != nil { // Terraform's usage includes the provider processes it waited for
			res.CPU = ps.UserTime() + ps.SystemTime()
			switch code := ps.ExitCode(); {
			case code == 2 && phase == "plan":
				err = errors.New("the plan after apply is not empty")
			case code == 2 && phase == phaseNewRules:
				err = nil // a plan with changes, as it should be
			case code == 0 && phase == phaseNewRules:
				err = errors.New("the plan of new rules is empty")
			}
		}
		output.Close()
		if err != nil {
			log, _ := os.ReadFile(output.Name())
			lines := strings.Split(strings.TrimSpace(string(log)), "\n")
			return nil, fmt.Errorf("terraform %s: %w\n%s", phase, err, strings.Join(lines[max(0, len(lines)-20):], "\n"))
		}
		results[phase] = res
	}
	return results, nil
}

// samplePeakRSS polls, until stop closes, the peak resident set (VmHWM) of
// the provider processes whose parent is pid, and returns the largest seen.
// VmHWM only grows, so a sample shortly before a process exits is close.
func samplePeakRSS(pid int, stop <-chan struct{}) int64 {
	var peak int64
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, child := range childrenOf(pid) {
			if comm, _ := os.ReadFile("/proc/" + strconv.Itoa(child) + "/comm"); !bytes.HasPrefix(comm, []byte("terraform-provi")) {
				continue
			}
			peak = max(peak, vmHWM(child))
		}
		select {
		case <-stop:
			return peak
		case <-tick.C:
		}
	}
}

// childrenOf returns the child processes of pid. It reads the children
// lists of pid's threads, which costs a few reads, rather than the parent of
// every process on the machine, which made the sampler the harness's largest
// CPU cost (counted as the mock's) on a busy machine.
func childrenOf(pid int) []int {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	tasks, _ := os.ReadDir(dir)
	var out []int
	for _, t := range tasks {
		data, _ := os.ReadFile(dir + "/" + t.Name() + "/children")
		for _, f := range strings.Fields(string(data)) {
			if child, err := strconv.Atoi(f); err == nil {
				out = append(out, child)
			}
		}
	}
	return out
}

// vmHWM returns the peak resident set of pid in bytes, or 0.
func vmHWM(pid int) int64 {
	data, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// closedMetadataEndpoint is a loopback port nothing listens on: the
// provider's ECS metadata probe fails there at once, never leaving the machine.
const closedMetadataEndpoint = "http://127.0.0.1:9"
