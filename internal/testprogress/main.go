// Command testprogress turns `go test -json` on stdin into the progress lines
// `make test` prints: one line per package as it finishes, one per top-level
// test of the packages named by -tests (the slow acceptance tests), the full
// output of every failed test, a note of what is still running after each
// minute without news, and at the end the slowest tests, how many tests
// (subtests included) passed, failed and were skipped, and every skipped test
// with the reason it gave. It exits 1 when any package or test failed.
//
// Usage: go test -json ./... | go run ./internal/testprogress -tests internal/provider
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action     string
	Package    string
	ImportPath string // build-output and build-fail
	Test       string
	Elapsed    float64
	Output     string
}

// skip is a skipped test or subtest and the reason it gave.
type skip struct {
	name, reason string
}

// result is a finished top-level test.
type result struct {
	name    string
	elapsed float64
}

// progress is the state of one run; every method is called with mu held.
type progress struct {
	mu       sync.Mutex
	out      io.Writer
	verbose  []string            // package path suffixes whose tests get a line each
	output   map[string][]string // buffered output by package and test, printed on failure
	running  map[string]time.Time
	finished []result
	done     map[string]int // finished top-level tests by package
	counts   map[string]int // finished tests and subtests by action: pass, fail, skip
	skipped  []skip
	failed   bool
	last     time.Time // when the last line was printed
	start    time.Time
	now      func() time.Time
}

func newProgress(out io.Writer, verbose []string) *progress {
	return &progress{out: out, verbose: verbose, output: map[string][]string{},
		running: map[string]time.Time{}, done: map[string]int{}, counts: map[string]int{}, now: time.Now}
}

func (p *progress) say(format string, args ...any) {
	fmt.Fprintf(p.out, format+"\n", args...)
	p.last = p.now()
}

func (p *progress) isVerbose(pkg string) bool {
	for _, v := range p.verbose {
		if v != "" && (pkg == v || strings.HasSuffix(pkg, "/"+v)) {
			return true
		}
	}
	return false
}

// handle folds one event into the run and prints what it completes.
func (p *progress) handle(e event) {
	pkg := e.Package
	if pkg == "" {
		pkg = e.ImportPath
	}
	key := pkg + " " + e.Test
	topLevel := e.Test != "" && !strings.Contains(e.Test, "/")
	switch e.Action {
	case "run", "cont":
		if topLevel {
			p.running[key] = p.now()
		}
	case "pause": // a parallel test waiting for its turn is not running
		delete(p.running, key)
	case "output", "build-output":
		p.output[key] = append(p.output[key], e.Output)
	case "build-fail":
		p.failed = true
		p.flush(key)
		p.say("FAIL %s [build failed]", shortPkg(pkg))
	case "pass", "skip", "fail":
		p.finish(e, pkg, key, topLevel)
	}
}

// finish prints and counts a finished test or package.
func (p *progress) finish(e event, pkg, key string, topLevel bool) {
	delete(p.running, key)
	if e.Action == "fail" {
		p.failed = true
		p.flush(key)
	}
	if e.Test != "" {
		p.counts[e.Action]++
		if e.Action == "skip" {
			p.skipped = append(p.skipped, skip{shortPkg(pkg) + " " + e.Test, skipReason(p.output[key])})
		}
	}
	switch {
	case e.Test == "":
		p.say("%-4s %-28s %s", map[string]string{"pass": "ok", "skip": "?", "fail": "FAIL"}[e.Action], shortPkg(pkg), seconds(e.Elapsed))
	case topLevel:
		if e.Action != "skip" {
			p.finished = append(p.finished, result{pkg + " " + e.Test, e.Elapsed})
		}
		p.done[pkg]++
		if p.isVerbose(pkg) && e.Action != "skip" {
			p.say("     %-4s %s %s (%d finished in %s)", map[string]string{"pass": "ok", "fail": "FAIL"}[e.Action], e.Test, seconds(e.Elapsed), p.done[pkg], shortPkg(pkg))
		}
	}
	delete(p.output, key)
}

// skipReason is what a skipped test printed (its t.Skip message), without
// the framing lines go test adds (=== RUN, --- SKIP, ...), on one line.
func skipReason(output []string) string {
	var lines []string
	for _, text := range output {
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- ") {
				continue
			}
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return "(no reason given)"
	}
	return strings.Join(lines, " / ")
}

// flush prints the buffered output of a failed test or package.
func (p *progress) flush(key string) {
	for _, line := range p.output[key] {
		fmt.Fprint(p.out, line)
	}
	delete(p.output, key)
}

// heartbeat names the tests still running when nothing was printed for
// quiet; with none running, go test is still compiling or linking (it
// reports nothing while it builds), and heartbeat says so.
func (p *progress) heartbeat(quiet time.Duration) {
	now := p.now()
	if now.Sub(p.last) < quiet {
		return
	}
	if len(p.running) == 0 {
		p.say("     ... no test running: go test is compiling and linking test binaries (%s since the start)", now.Sub(p.start).Round(time.Second))
		return
	}
	names := make([]string, 0, len(p.running))
	for key, started := range p.running {
		names = append(names, fmt.Sprintf("%s (%s)", key[strings.LastIndex(key, " ")+1:], now.Sub(started).Round(time.Second)))
	}
	sort.Strings(names)
	if len(names) > 6 {
		names = append(names[:6], fmt.Sprintf("and %d more", len(names)-6))
	}
	p.say("     ... still running: %s", strings.Join(names, ", "))
}

// summary prints the slowest top-level tests, then the counts of tests and
// subtests by result and every skipped one with its reason, so that a test
// a CLI or an environment variable silently turned off shows in the log.
func (p *progress) summary(n int) {
	sort.Slice(p.finished, func(i, j int) bool { return p.finished[i].elapsed > p.finished[j].elapsed })
	if len(p.finished) < n {
		n = len(p.finished)
	}
	if n > 0 {
		p.say("slowest tests:")
		for _, r := range p.finished[:n] {
			p.say("  %s %s", seconds(r.elapsed), shortPkg(r.name))
		}
	}
	if len(p.skipped) > 0 {
		sort.Slice(p.skipped, func(i, j int) bool { return p.skipped[i].name < p.skipped[j].name })
		p.say("skipped tests:")
		for _, s := range p.skipped {
			p.say("  %s: %s", s.name, s.reason)
		}
	}
	p.say("tests: %d passed, %d failed, %d skipped", p.counts["pass"], p.counts["fail"], p.counts["skip"])
}

func seconds(s float64) string { return fmt.Sprintf("%.1fs", s) }

// shortPkg drops the module path, which every package of this repository shares.
func shortPkg(s string) string {
	return strings.TrimPrefix(strings.TrimPrefix(s, "github.com/vpcep/terraform-provider-vpcep"), "/")
}

func main() {
	tests := flag.String("tests", "", "comma-separated package paths (or suffixes) whose top-level tests get a line each")
	quiet := flag.Duration("quiet", time.Minute, "after this long without a line, name the tests still running")
	flag.Parse()

	p := newProgress(os.Stdout, strings.Split(*tests, ","))
	p.start = p.now()
	p.last = p.start
	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(*quiet / 4)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				p.mu.Lock()
				p.heartbeat(*quiet)
				p.mu.Unlock()
			}
		}
	}()

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	for in.Scan() {
		var e event
		p.mu.Lock()
		if err := json.Unmarshal(in.Bytes(), &e); err != nil {
			p.say("%s", in.Text()) // not an event: go test's own messages
		} else {
			p.handle(e)
		}
		p.mu.Unlock()
	}
	close(stop)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.summary(5)
	if in.Err() != nil {
		p.say("reading go test -json: %v", in.Err())
		os.Exit(1)
	}
	if p.failed {
		os.Exit(1)
	}
}
