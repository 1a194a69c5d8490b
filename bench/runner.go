package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Environment variables shared with bench/rsswrap.
const (
	envRealProvider = "BENCH_REAL_PROVIDER"
	envRSSFile      = "BENCH_RSS_FILE"
)

// The mock's control routes (see cmd/vpcep-mock).
const (
	mockRequestsPath = "/_mock/requests"
	mockListenPrefix = "listening on "
)

// Phase names, in the order a run performs them.
const (
	phaseApply   = "apply"
	phasePlan    = "plan"
	phaseDestroy = "destroy"
)

var phases = []string{phaseApply, phasePlan, phaseDestroy}

// binaries are the programs a run needs, built once per harness invocation.
type binaries struct {
	Terraform   string // the real CLI
	Provider    string // the real provider
	OverrideDir string // holds rsswrap named terraform-provider-vpcep
	Mock        string
}

// phaseResult is one Terraform command's measurement.
type phaseResult struct {
	Wall           time.Duration
	Requests       map[string]int // API requests by operation, from the mock's counters
	ProviderPeakKB int64          // largest ru_maxrss of the provider processes started
	ProviderStarts int            // how many provider processes Terraform started
	Err            error
}

// runResult is one apply/plan/destroy cycle on a fresh mock and a fresh state.
type runResult struct {
	Phases     map[string]phaseResult
	MockPeakKB int64 // VmHWM of the mock process over the whole run
	CreateTime time.Duration
	Err        error // the first failure, if any
}

// runOptions select what one run does beyond the plain cycle.
type runOptions struct {
	N            int
	Delay        time.Duration
	Shape        string // shapeCount or shapeForEach
	PhaseTimeout time.Duration
	// ProbeOnly runs only the apply, with the provider's trace log on, to read
	// how long the provider's Create took (see createDuration).
	ProbeOnly bool
}

// runOnce performs one run in a fresh temporary directory with a fresh mock
// process, so neither Terraform state nor mock state leaks between runs.
func runOnce(ctx context.Context, bin binaries, opt runOptions) (res runResult) {
	res.Phases = map[string]phaseResult{}
	dir, err := os.MkdirTemp("", "vpcep-bench-run-")
	if err != nil {
		res.Err = err
		return res
	}
	defer os.RemoveAll(dir)

	ids := endpointIDs(opt.N)
	fx, err := fixtureJSON(ids)
	if err != nil {
		res.Err = err
		return res
	}
	fixturePath := filepath.Join(dir, "fixtures.json")
	cliConfigPath := filepath.Join(dir, "terraformrc")
	workDir := filepath.Join(dir, "work")
	if err := errors.Join(
		os.WriteFile(fixturePath, fx, 0o600),
		os.WriteFile(cliConfigPath, []byte(cliConfig(bin.OverrideDir)), 0o600),
		os.Mkdir(workDir, 0o700),
	); err != nil {
		res.Err = err
		return res
	}

	mock, err := startMock(ctx, bin.Mock, fixturePath, opt.Delay, filepath.Join(dir, "mock.log"))
	if err != nil {
		res.Err = err
		return res
	}
	defer func() {
		res.MockPeakKB = mock.peakKB()
		mock.stop()
	}()

	if err := os.WriteFile(filepath.Join(workDir, "main.tf"), []byte(terraformConfig(mock.url, ids, opt.Shape)), 0o600); err != nil {
		res.Err = err
		return res
	}

	env := terraformEnv(cliConfigPath, bin.Provider)
	todo := phases
	if opt.ProbeOnly {
		todo = []string{phaseApply}
		logPath := filepath.Join(dir, "provider.log")
		env = append(env, "TF_LOG_PROVIDER=TRACE", "TF_LOG_PATH="+logPath)
		defer func() {
			if res.Err == nil {
				res.CreateTime, res.Err = createDurationFromFile(logPath)
			}
		}()
	}
	for _, phase := range todo {
		pr := runPhase(ctx, bin.Terraform, workDir, env, phase, mock, opt.PhaseTimeout, filepath.Join(dir, phase+".rss"))
		res.Phases[phase] = pr
		if pr.Err != nil {
			res.Err = fmt.Errorf("%s: %w", phase, pr.Err)
			return res
		}
	}
	return res
}

// floorRun times one apply of floorConfig for n ids in a fresh directory.
func floorRun(ctx context.Context, tf string, n int, shape string, timeout time.Duration) (time.Duration, error) {
	dir, err := os.MkdirTemp("", "vpcep-bench-floor-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	cliConfigPath := filepath.Join(dir, "terraformrc")
	if err := errors.Join(
		os.WriteFile(filepath.Join(dir, "main.tf"), []byte(floorConfig(endpointIDs(n), shape)), 0o600),
		os.WriteFile(cliConfigPath, nil, 0o600),
	); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf, terraformArgs(phaseApply)...)
	cmd.Dir = dir
	cmd.Env = terraformEnv(cliConfigPath, "")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("terraform apply (floor): %w\n%s", err, tail(string(out), 15))
	}
	return wall, nil
}

// terraformArgs are the CLI arguments of each phase. The plan uses
// -detailed-exitcode: 0 means empty (the truth after an apply), 2 means a diff.
func terraformArgs(phase string) []string {
	common := []string{"-input=false", "-no-color"}
	switch phase {
	case phaseApply:
		return append([]string{"apply", "-auto-approve"}, common...)
	case phasePlan:
		return append([]string{"plan", "-detailed-exitcode"}, common...)
	case phaseDestroy:
		return append([]string{"destroy", "-auto-approve"}, common...)
	}
	panic("unknown phase " + phase)
}

// runPhase resets the mock's counters, times one Terraform command from fork
// to exit (what a pipeline pays), then reads the counters and the provider
// processes' peak memory.
func runPhase(ctx context.Context, tf, workDir string, env []string, phase string, mock *mockProcess, timeout time.Duration, rssFile string) (pr phaseResult) {
	if err := mock.resetRequests(ctx); err != nil {
		pr.Err = err
		return pr
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf, terraformArgs(phase)...)
	cmd.Dir = workDir
	cmd.Env = append(env, envRSSFile+"="+rssFile)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 10 * time.Second

	start := time.Now()
	err := cmd.Run()
	pr.Wall = time.Since(start)

	if err != nil {
		var exit *exec.ExitError
		if phase == phasePlan && errors.As(err, &exit) && exit.ExitCode() == 2 {
			err = errors.New("plan is not empty after apply (exit code 2)")
		}
		pr.Err = fmt.Errorf("terraform %s: %w\n%s", phase, err, tail(out.String(), 25))
	}
	if pr.Requests, err = mock.requests(ctx); err != nil && pr.Err == nil {
		pr.Err = err
	}
	if pr.ProviderPeakKB, pr.ProviderStarts, err = waitProviderPeak(rssFile, 10*time.Second); err != nil && pr.Err == nil {
		pr.Err = err
	}
	return pr
}

// terraformEnv is the caller's environment without anything that would change
// Terraform's or the provider's behaviour (TF_* such as TF_CLI_ARGS or
// TF_LOG, and the provider's VPCEP_* fallbacks), plus the CLI config with the
// dev override and the path of the real provider for rsswrap.
func terraformEnv(cliConfigPath, provider string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "VPCEP_") || strings.HasPrefix(kv, "BENCH_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+cliConfigPath,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		envRealProvider+"="+provider,
	)
}

// waitProviderPeak reads rsswrap's usage file once every provider process
// that started has also ended (Terraform may still be reaping them when its
// own process exits) and returns the largest peak, in KiB, and the number of
// processes.
func waitProviderPeak(path string, wait time.Duration) (peakKB int64, starts int, err error) {
	deadline := time.Now().Add(wait)
	for {
		data, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return 0, 0, err
		}
		peak, started, ended := parseRSSFile(string(data))
		if started == ended {
			return peak, started, nil
		}
		if time.Now().After(deadline) {
			return peak, started, fmt.Errorf("%d of %d provider processes did not exit", started-ended, started)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// parseRSSFile reads rsswrap's "start" and "end <KiB>" lines.
func parseRSSFile(data string) (peakKB int64, started, ended int) {
	for _, line := range strings.Split(data, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 1 && f[0] == "start":
			started++
		case len(f) == 2 && f[0] == "end":
			ended++
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil && kb > peakKB {
				peakKB = kb
			}
		}
	}
	return peakKB, started, ended
}

// mockProcess is a running vpcep-mock.
type mockProcess struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

// startMock starts vpcep-mock on a free loopback port and waits for the line
// that announces its URL.
func startMock(ctx context.Context, path, fixturePath string, delay time.Duration, logPath string) (*mockProcess, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path,
		"-listen", "127.0.0.1:0",
		"-project-id", benchProjectID,
		"-token", benchToken,
		"-fixtures", fixturePath,
		"-transition-delay", delay.String(),
	)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	m := &mockProcess{cmd: cmd, done: make(chan struct{})}

	lines := bufio.NewReader(stdout)
	urlCh := make(chan string, 1)
	go func() {
		first, _ := lines.ReadString('\n')
		urlCh <- strings.TrimSpace(first)
		_, _ = io.Copy(logFile, lines) // keep the pipe drained
		_ = cmd.Wait()
		logFile.Close()
		close(m.done)
	}()
	select {
	case first := <-urlCh:
		if !strings.HasPrefix(first, mockListenPrefix) {
			m.stop()
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("vpcep-mock: unexpected first line %q\n%s", first, tail(string(log), 10))
		}
		m.url = strings.TrimPrefix(first, mockListenPrefix)
	case <-time.After(30 * time.Second):
		m.stop()
		return nil, errors.New("vpcep-mock did not announce its URL within 30s")
	}
	return m, nil
}

// peakKB is the mock's peak resident set (VmHWM), read while it still runs.
func (m *mockProcess) peakKB() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", m.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	return parseVmHWM(string(data))
}

// parseVmHWM returns the VmHWM field of /proc/PID/status in KiB.
func parseVmHWM(status string) int64 {
	return kibField(procField(status, "VmHWM"))
}

// stop asks the mock to exit and kills it if it does not within 5 s.
func (m *mockProcess) stop() {
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}

// control calls the mock's request-counter route; the token is sent in case
// the controls are ever put behind authentication.
func (m *mockProcess) control(ctx context.Context, method string, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, m.url+mockRequestsPath, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", benchToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("vpcep-mock %s %s: %w", method, mockRequestsPath, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("vpcep-mock %s %s: %s: %s", method, mockRequestsPath, resp.Status, body)
	}
	if into != nil {
		return json.Unmarshal(body, into)
	}
	return nil
}

// resetRequests zeroes the mock's per-operation counters.
func (m *mockProcess) resetRequests(ctx context.Context) error {
	return m.control(ctx, http.MethodDelete, nil)
}

// requests reads the mock's per-operation counters.
func (m *mockProcess) requests(ctx context.Context) (map[string]int, error) {
	counts := map[string]int{}
	err := m.control(ctx, http.MethodGet, &counts)
	return counts, err
}

// tail returns the last n lines of s, for error messages.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
