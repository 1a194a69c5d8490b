// Package testguard keeps tests on loopback: no test may resolve a name or
// open a connection outside 127.0.0.0/8, ::1 and localhost, such as the ECS
// metadata address 169.254.169.254 or a host of a real cloud. Main guards a
// test binary, and every provider binary it builds (devprovider builds them
// with the loopbackguard tag), and fails the run when anything tried; the
// environment it sets keeps the Terraform CLIs the tests run from checking
// for a newer version.
package testguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// ClosedEndpoint is a loopback port nothing listens on.
const ClosedEndpoint = "http://127.0.0.1:9"

// Environment variables Main sets for the processes the tests start.
const (
	// EnvMetadataEndpoint is the provider's override of the ECS metadata
	// address; Main points it at ClosedEndpoint unless it is set.
	EnvMetadataEndpoint = "VPCEP_METADATA_ENDPOINT"
	// EnvCheckpointDisable turns off the Terraform CLI's version check.
	EnvCheckpointDisable = "CHECKPOINT_DISABLE"
	// EnvLog names the file where every guarded process notes what it was
	// refused, one line each.
	EnvLog = "VPCEP_LOOPBACK_GUARD_LOG"
)

// errRefused is the error of every refused dial or name lookup.
var errRefused = errors.New("refused by the tests' loopback guard: tests never leave loopback")

// Loopback accepts an address ("host:port") whose host is a loopback IP or
// localhost, and refuses any other before it is resolved or dialed.
func Loopback(address string) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("dial %s %w", address, errRefused)
}

var logMu sync.Mutex

// note appends what was refused to the file named by EnvLog, if any.
func note(what string) {
	name := os.Getenv(EnvLog)
	if name == "" {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s (process %d)\n", what, os.Getpid())
}

// Install refuses, in this process, every client connection outside
// loopback and every DNS query, noting each in the file named by EnvLog.
func Install() {
	client.GuardDials(func(address string) error {
		err := Loopback(address)
		if err != nil {
			note("dial " + address)
		}
		return err
	})
	// Names not in /etc/hosts need a DNS server, which is never loopback-only.
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(_ context.Context, _, server string) (net.Conn, error) {
		note("DNS query to " + server)
		return nil, fmt.Errorf("DNS query %w", errRefused)
	}}
}

// setEnv points ECS metadata at a closed port and turns off the Terraform
// CLI's version check (a DNS query and an HTTPS request to HashiCorp, made by
// every CLI command without it, such as `terraform version`), unless set.
func setEnv() {
	for name, value := range map[string]string{EnvMetadataEndpoint: ClosedEndpoint, EnvCheckpointDisable: "1"} {
		if os.Getenv(name) == "" {
			_ = os.Setenv(name, value)
		}
	}
}

// Main runs the tests of m with the guard installed here and in every
// process they start, and returns the exit code: a failure when any process
// tried to leave loopback, listing what it tried.
func Main(m *testing.M) int {
	setEnv()
	log, err := os.CreateTemp("", "loopback-guard-*.log")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testguard:", err)
		return 1
	}
	_ = log.Close()
	defer os.Remove(log.Name())
	_ = os.Setenv(EnvLog, log.Name())
	Install()
	code := m.Run()
	if tried, _ := os.ReadFile(log.Name()); len(tried) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: tests tried to leave loopback (refused):\n%s", tried)
		return 1
	}
	return code
}
