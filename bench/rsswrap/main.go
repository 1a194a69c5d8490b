// Command rsswrap stands in for terraform-provider-vpcep during benchmarks so
// that the harness can learn the provider process's peak memory.
//
// Terraform (through go-plugin) starts whatever binary dev_overrides points at
// and reads the plugin handshake line from its stdout. rsswrap starts the real
// provider (named by BENCH_REAL_PROVIDER) as a child that inherits stdin,
// stdout, stderr and the environment, so the handshake, the gRPC socket and the
// logs all go straight between Terraform and the provider. When the provider
// exits, rsswrap appends the child's peak resident set size (getrusage's
// ru_maxrss, in KiB on Linux) to the file named by BENCH_RSS_FILE and exits
// with the child's status.
//
// Each process writes a "start" line and an "end <KiB>" line, so the harness
// can wait until every provider started during a Terraform command has exited.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// Environment variables shared with the harness (bench/main.go).
const (
	envRealProvider = "BENCH_REAL_PROVIDER"
	envRSSFile      = "BENCH_RSS_FILE"
)

func main() {
	providerPath := os.Getenv(envRealProvider)
	if providerPath == "" {
		fmt.Fprintf(os.Stderr, "rsswrap: %s is not set\n", envRealProvider)
		os.Exit(2)
	}
	rssFile := os.Getenv(envRSSFile)
	record(rssFile, "start")

	cmd := exec.Command(providerPath, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()

	// Terraform signals the whole process group on interrupt; the provider gets
	// the signal itself, and the wrapper must outlive it to report its usage.
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM)

	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "rsswrap: %v\n", err)
		os.Exit(2)
	}
	_ = cmd.Wait() // the exit status is read from ProcessState below

	code := cmd.ProcessState.ExitCode()
	if code < 0 { // killed by a signal
		code = 1
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		record(rssFile, fmt.Sprintf("end %d", ru.Maxrss))
	} else {
		record(rssFile, "end 0")
	}
	os.Exit(code)
}

// record appends one line to the usage file; O_APPEND keeps lines from
// concurrent provider processes whole.
func record(path, line string) {
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintf(os.Stderr, "rsswrap: %v\n", err)
		return
	}
	defer f.Close()
	_, _ = f.WriteString(line + "\n")
}
