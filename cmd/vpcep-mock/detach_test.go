package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/testguard"
)

// mockBuild is the command built once per test binary, for the tests that
// need a real process; TestMain removes it.
var mockBuild struct {
	once     sync.Once
	dir, bin string
	out      []byte
	err      error
}

// builtMock returns the path of the built command.
func builtMock(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	mockBuild.once.Do(func() {
		// Shared by every test of the binary, so not one test's t.TempDir.
		if mockBuild.dir, mockBuild.err = os.MkdirTemp("", "vpcep-mock-test"); mockBuild.err != nil { //nolint:usetesting // shared across tests
			return
		}
		mockBuild.bin = filepath.Join(mockBuild.dir, "vpcep-mock")
		mockBuild.out, mockBuild.err = exec.Command("go", "build", "-o", mockBuild.bin, ".").CombinedOutput()
	})
	if mockBuild.err != nil {
		t.Fatalf("build: %v\n%s", mockBuild.err, mockBuild.out)
	}
	return mockBuild.bin
}

// TestMain keeps the tests on loopback (package testguard) and removes the
// built mock.
func TestMain(m *testing.M) {
	code := testguard.Main(m)
	if mockBuild.dir != "" {
		_ = os.RemoveAll(mockBuild.dir)
	}
	os.Exit(code)
}

// detachRun runs `vpcep-mock -detach args...` to its end.
func detachRun(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(builtMock(t), append([]string{"-detach"}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

// waitGone waits until the file is removed, which the mock does as it stops.
func waitGone(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			return
		}
	}
	t.Errorf("%s still there: the mock did not stop", path)
}

// TestUnitDetachPrintsURLAndKeepsServing catches -detach returning before the
// mock listens (a script's first request refused), printing more than the
// URL on stdout, the mock dying with its parent or when nobody reads its
// output any more, and a pid file that is missing or outlives the mock.
func TestUnitDetachPrintsURLAndKeepsServing(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "mock.pid")
	stdout, stderr, err := detachRun(t, "-pid-file", pidFile, "-transition-delay", "1s")
	if err != nil {
		t.Fatalf("-detach: %v\n%s", err, stderr)
	}
	url := strings.TrimSuffix(stdout, "\n")
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+$`).MatchString(url) {
		t.Fatalf("stdout %q, want the URL alone", stdout)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || !strings.Contains(stderr, "process "+strconv.Itoa(pid)) {
		t.Fatalf("pid file %q, stderr %q", data, stderr)
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = proc.Signal(syscall.SIGKILL) }()
	// The reader of its output is gone; a control that logs nothing must still work, twice.
	for range 2 {
		if status, body := get(t, http.DefaultClient, url+"/_mock/nope", ""); status != http.StatusNotFound || !strings.Contains(body, "POST /_mock/reset") {
			t.Errorf("GET /_mock/nope: %d %s", status, body)
		}
	}
	if err := proc.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitGone(t, pidFile)
}

// TestUnitDetachFailsFast catches -detach exiting 0, or waiting forever, when
// the mock cannot start: the script's `url=$(vpcep-mock -detach ...)` must
// fail at once with the mock's own reason.
func TestUnitDetachFailsFast(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"services":[{"id":"a"},{"id":"a"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-fixtures", bad}, "bad.json"},
		{[]string{"-fixtures", filepath.Join(t.TempDir(), "missing.json")}, "missing.json"},
		{[]string{"-listen", busy.Addr().String()}, "address already in use"},
		{[]string{"-fault-rate", "2"}, "-fault-rate"},
		{[]string{"-nope"}, "-nope"},
	} {
		stdout, stderr, err := detachRun(t, tt.args...)
		if err == nil || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: err %v, stdout %q, stderr %q; want a failure naming %q", tt.args, err, stdout, stderr, tt.want)
		}
	}
}
