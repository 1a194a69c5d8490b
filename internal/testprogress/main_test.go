package main

import (
	"strings"
	"testing"
	"time"
)

const mod = "github.com/vpcep/terraform-provider-vpcep/"

func run(p *progress, events ...event) string {
	var b strings.Builder
	p.out = &b
	for _, e := range events {
		p.handle(e)
	}
	return b.String()
}

// Catches a package result, or a slow package's test, finishing without a line.
func TestUnitProgressLines(t *testing.T) {
	t.Parallel()
	p := newProgress(nil, []string{"internal/provider"})
	got := run(p,
		event{Action: "run", Package: mod + "internal/aksk", Test: "TestUnitSign"},
		event{Action: "pass", Package: mod + "internal/aksk", Test: "TestUnitSign", Elapsed: 0.1},
		event{Action: "pass", Package: mod + "internal/aksk", Elapsed: 1.25},
		event{Action: "run", Package: mod + "internal/provider", Test: "TestAccX"},
		event{Action: "run", Package: mod + "internal/provider", Test: "TestAccX/sub"},
		event{Action: "pass", Package: mod + "internal/provider", Test: "TestAccX/sub", Elapsed: 2},
		event{Action: "pass", Package: mod + "internal/provider", Test: "TestAccX", Elapsed: 3},
		event{Action: "skip", Package: mod + "internal/provider", Test: "TestAccY"},
	)
	want := "ok   internal/aksk                1.2s\n" +
		"     ok   TestAccX 3.0s (1 finished in internal/provider)\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Catches a failure whose output is swallowed, or a failure that exits 0.
func TestUnitProgressFailureShowsOutput(t *testing.T) {
	t.Parallel()
	p := newProgress(nil, nil)
	got := run(p,
		event{Action: "run", Package: mod + "internal/client", Test: "TestUnitA"},
		event{Action: "output", Package: mod + "internal/client", Test: "TestUnitA", Output: "    a_test.go:9: boom\n"},
		event{Action: "output", Package: mod + "internal/client", Test: "TestUnitB", Output: "passing noise\n"},
		event{Action: "fail", Package: mod + "internal/client", Test: "TestUnitA", Elapsed: 0.5},
		event{Action: "pass", Package: mod + "internal/client", Test: "TestUnitB"},
		event{Action: "build-output", ImportPath: mod + "internal/x [" + mod + "internal/x.test]", Output: "x.go:1: syntax error\n"},
		event{Action: "build-fail", ImportPath: mod + "internal/x [" + mod + "internal/x.test]"},
	)
	if !strings.Contains(got, "a_test.go:9: boom") || strings.Contains(got, "passing noise") {
		t.Errorf("want the failed test's output and no other:\n%s", got)
	}
	if !strings.Contains(got, "x.go:1: syntax error") || !strings.Contains(got, "[build failed]") {
		t.Errorf("want the build error:\n%s", got)
	}
	if !p.failed {
		t.Error("a failed test must make the run fail")
	}
}

// Catches minutes of silence: a long test must be named while it runs, and a
// parallel test paused until its turn must not be.
func TestUnitProgressHeartbeat(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(nil, nil)
	p.now = func() time.Time { return now }
	p.last = now
	run(p,
		event{Action: "run", Package: mod + "internal/provider", Test: "TestAccSlow"},
		event{Action: "run", Package: mod + "internal/provider", Test: "TestAccWaiting"},
		event{Action: "pause", Package: mod + "internal/provider", Test: "TestAccWaiting"},
	)
	p.heartbeat(time.Minute) // not quiet long enough yet
	now = now.Add(90 * time.Second)
	p.heartbeat(time.Minute)
	got := p.out.(*strings.Builder).String()
	if want := "     ... still running: TestAccSlow (1m30s)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Catches minutes of silence while go test compiles with -race (it reports
// nothing then): with no test running, the heartbeat says it is building.
func TestUnitProgressHeartbeatWhileCompiling(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(nil, nil)
	p.now = func() time.Time { return now }
	p.start, p.last = now, now
	var b strings.Builder
	p.out = &b
	now = now.Add(2 * time.Minute)
	p.heartbeat(time.Minute)
	if want := "     ... no test running: go test is compiling and linking test binaries (2m0s since the start)\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// Catches a summary that names the wrong tests as slowest.
func TestUnitProgressSummary(t *testing.T) {
	t.Parallel()
	p := newProgress(nil, nil)
	run(p,
		event{Action: "pass", Package: mod + "a", Test: "TestFast", Elapsed: 1},
		event{Action: "pass", Package: mod + "b", Test: "TestSlow", Elapsed: 9},
	)
	var b strings.Builder
	p.out = &b
	p.summary(1)
	if want := "slowest tests:\n  9.0s b TestSlow\ntests: 2 passed, 0 failed, 0 skipped\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// Catches a skipped test that leaves no trace: a test a CLI too old or an
// unset variable turns off must be counted and named with its reason, its
// subtests included, and a skipped test must not count as passed.
func TestUnitProgressCountsAndListsSkips(t *testing.T) {
	t.Parallel()
	p := newProgress(nil, []string{"internal/provider"})
	pkg := mod + "internal/provider"
	got := run(p,
		event{Action: "run", Package: pkg, Test: "TestAccOld"},
		event{Action: "output", Package: pkg, Test: "TestAccOld", Output: "=== RUN   TestAccOld\n"},
		event{Action: "output", Package: pkg, Test: "TestAccOld", Output: "    x_test.go:9: needs Terraform 1.14 or later\n"},
		event{Action: "output", Package: pkg, Test: "TestAccOld", Output: "--- SKIP: TestAccOld (0.00s)\n"},
		event{Action: "skip", Package: pkg, Test: "TestAccOld"},
		event{Action: "run", Package: pkg, Test: "TestAccMix"},
		event{Action: "run", Package: pkg, Test: "TestAccMix/identity"},
		event{Action: "output", Package: pkg, Test: "TestAccMix/identity", Output: "    --- SKIP: TestAccMix/identity (0.00s)\n"},
		event{Action: "skip", Package: pkg, Test: "TestAccMix/identity"},
		event{Action: "run", Package: pkg, Test: "TestAccMix/cli"},
		event{Action: "pass", Package: pkg, Test: "TestAccMix/cli", Elapsed: 1},
		event{Action: "fail", Package: pkg, Test: "TestAccMix", Elapsed: 2},
		event{Action: "fail", Package: pkg, Elapsed: 3},
	)
	if strings.Contains(got, "TestAccOld") {
		t.Errorf("a skipped test got a progress line as if it ran:\n%s", got)
	}
	var b strings.Builder
	p.out = &b
	p.summary(0)
	want := "skipped tests:\n" +
		"  internal/provider TestAccMix/identity: (no reason given)\n" +
		"  internal/provider TestAccOld: x_test.go:9: needs Terraform 1.14 or later\n" +
		"tests: 1 passed, 1 failed, 2 skipped\n"
	if b.String() != want {
		t.Errorf("summary\n%s\nwant\n%s", b.String(), want)
	}
}
