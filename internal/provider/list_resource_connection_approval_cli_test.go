//go:build !windows

package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Catches: generated configuration that does not apply as pure imports
// (an attribute the generator writes that plans a change, such as a
// description or an action that does not follow the status), a pending
// connection listed by a status filter that excludes it, and a plan that
// is not empty after the adoption.
func TestAccConnectionApprovalList_adoptWithGeneratedConfig(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newListedService(t, e, 30, mixedConnection)
	query := fmt.Sprintf(`
list "vpcep_connection_approval" "accepted" {
  provider         = vpcep
  include_resource = true
  config {
    service_id = %[1]q
    status     = "accepted"
  }
}

list "vpcep_connection_approval" "rejected" {
  provider         = vpcep
  include_resource = true
  config {
    service_id = %[1]q
    status     = "rejected"
  }
}
`, s.ID)
	r := newModernCLIRun(t, requiredProviders+e.ProviderConfig())
	writeFile(t, filepath.Join(r.dir, "adopt.tfquery.hcl"), query)

	generated := generateConfig(t, r)
	settled := s.count(func(c vpcepmock.Connection) bool { return c.Status != client.StatusPendingAcceptance })
	if n := strings.Count(string(generated), "import {"); n != settled {
		t.Fatalf("generated %d import blocks, want %d (the accepted and rejected connections):\n%s", n, settled, generated)
	}
	// The query file is for `terraform query` only; plan and apply read *.tf.
	out, code := r.run("apply", "-auto-approve", "-no-color")
	if code != 0 {
		t.Fatalf("applying the generated configuration exited %d:\n%s\n--- adopt.tf:\n%s", code, out, generated)
	}
	if want := fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", settled); !strings.Contains(out, want) {
		t.Errorf("apply did not report %q: the adoption changed something:\n%s", want, out)
	}
	if acts := e.Mock.Actions(); len(acts) != 0 {
		t.Errorf("adopting sent %d effective actions, want none: %+v", len(acts), acts)
	}
	for _, c := range s.Conns {
		now, _ := e.Mock.Connection(s.ID, c.ID)
		if now.Status != c.Status || now.Description != c.Description {
			t.Errorf("connection %s changed from %s/%q to %s/%q", c.ID, c.Status, c.Description, now.Status, now.Description)
		}
	}
	if got := len(r.approvals()); got != settled {
		t.Errorf("%d approvals in state after adoption, want %d", got, settled)
	}
	out, code = r.run("plan", "-detailed-exitcode", "-no-color")
	if code != 0 {
		t.Errorf("the plan after adoption is not empty (exit %d):\n%s", code, out)
	}
}

// Catches: fail-open adoption, where configuration generated for connections
// waiting for a decision had no action, so the resource's default accepted
// every waiting consumer when the generated file was applied.
func TestAccConnectionApprovalList_pendingGeneratesReject(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newListedService(t, e, 6, mixedConnection)
	query := fmt.Sprintf(`
list "vpcep_connection_approval" "all" {
  provider         = vpcep
  include_resource = true
  config {
    service_id = %q
  }
}
`, s.ID)
	r := newModernCLIRun(t, requiredProviders+e.ProviderConfig())
	writeFile(t, filepath.Join(r.dir, "adopt.tfquery.hcl"), query)
	generated := generateConfig(t, r)
	pending := s.count(func(c vpcepmock.Connection) bool { return c.Status == client.StatusPendingAcceptance })
	if pending == 0 {
		t.Fatal("the fixture has no pending connection; the test would prove nothing")
	}
	out, code := r.run("apply", "-auto-approve", "-no-color")
	if code != 0 {
		t.Fatalf("applying the generated configuration exited %d:\n%s\n--- adopt.tf:\n%s", code, out, generated)
	}
	acts := e.Mock.Actions()
	if len(acts) != pending {
		t.Errorf("adopting sent %d effective actions, want %d (one reject per waiting connection): %+v", len(acts), pending, acts)
	}
	for _, a := range acts {
		if a.Action != client.ActionReject {
			t.Errorf("adopting sent %q to endpoint %s, which nobody chose to admit", a.Action, a.EndpointID)
		}
	}
	for _, c := range s.Conns {
		now, _ := e.Mock.Connection(s.ID, c.ID)
		if c.Status == client.StatusPendingAcceptance && now.Status != client.StatusRejected {
			t.Errorf("waiting connection %s is %s after adoption, want rejected", c.ID, now.Status)
		}
		if c.Status != client.StatusPendingAcceptance && now.Status != c.Status {
			t.Errorf("settled connection %s changed from %s to %s", c.ID, c.Status, now.Status)
		}
	}
	out, code = r.run("plan", "-detailed-exitcode", "-no-color")
	if code != 0 {
		t.Errorf("the plan after adoption is not empty (exit %d):\n%s", code, out)
	}
}

// generateConfig runs terraform query -generate-config-out=adopt.tf in r's
// directory and returns the generated configuration.
func generateConfig(t *testing.T, r *cliRun) []byte {
	t.Helper()
	out, code := r.run("query", "-no-color", "-generate-config-out=adopt.tf")
	if code != 0 {
		t.Fatalf("terraform query -generate-config-out exited %d:\n%s", code, out)
	}
	generated, err := os.ReadFile(filepath.Join(r.dir, "adopt.tf"))
	if err != nil {
		t.Fatalf("reading the generated configuration: %v\n%s", err, out)
	}
	return generated
}
