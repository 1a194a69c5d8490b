package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// racedService is a service whose listing spans two pages, with a change
// scheduled in the mock between the first page and any later one: 1000
// failed connections (newest, on the first page) and ten accepted ones of
// the account "allowed", ep-0000 to ep-0009 (oldest, on the second page).
type racedService struct {
	ID       string
	Accepted []string
}

const racedAccount = "allowed"

// newRacedService loads the service and schedules the deletion of a failed
// endpoint on the first page: read by offset, the second page then skips
// ep-0009.
func newRacedService(t *testing.T, e *testEnv) racedService {
	t.Helper()
	s := newListedService(t, e, 1010, func(i int) vpcepmock.FixtureConnection {
		c := vpcepmock.FixtureConnection{ID: fmt.Sprintf("ep-%04d", i), DomainID: racedAccount, Status: client.StatusAccepted}
		if i >= 10 {
			c.DomainID, c.Status = "broken", client.StatusFailed
		}
		return c
	})
	r := racedService{ID: s.ID}
	for i := range 10 {
		r.Accepted = append(r.Accepted, fmt.Sprintf("ep-%04d", i))
	}
	return r
}

// race schedules the deletion of ep-0500 before the next page after a first one.
func (r racedService) race(t *testing.T, e *testEnv) {
	t.Helper()
	if err := e.Mock.ChangeBeforeList(vpcepmock.ListChange{ServiceID: r.ID, AtOffset: 1, DeleteEndpoint: "ep-0500"}); err != nil {
		t.Fatal(err)
	}
}

// checkUntouched fails unless the race ran and the accepted connections are
// still accepted, with no action sent.
func (r racedService) checkUntouched(t *testing.T, e *testEnv) {
	t.Helper()
	if left := e.Mock.ListChanges(); len(left) != 0 {
		t.Fatalf("the listing never read a second page, so the race did not happen: %+v", left)
	}
	if acts := e.Mock.Actions(); len(acts) != 0 {
		t.Errorf("the mock received actions: %+v", acts)
	}
	for _, id := range r.Accepted {
		if c, _ := e.Mock.Connection(r.ID, id); c.Status != client.StatusAccepted {
			t.Errorf("connection %s is %q, want accepted", id, c.Status)
		}
	}
}

// allowListByAccountConfig is the documented for_each allow-list over the
// raced service: every decidable connection gets an approval, receive for
// the allowed account and reject for the others.
func allowListByAccountConfig(e *testEnv, serviceID string) string {
	return requiredProviders + e.ProviderConfig() + fmt.Sprintf(`
variable "allowed_domain_ids" {
  default = [%q]
}

data "vpcep_connections" "all" {
  service_id = %q
}

resource "vpcep_connection_approval" "by_account" {
  for_each = {
    for c in data.vpcep_connections.all.connections : c.endpoint_id => c.domain_id
    if !contains(["failed", "deleting"], c.status)
  }

  service_id  = data.vpcep_connections.all.service_id
  endpoint_id = each.key
  action      = contains(var.allowed_domain_ids, each.value) ? "receive" : "reject"
}
`, racedAccount, serviceID)
}

// Catches: a connection deleted between the data source's page reads shifts
// the offsets, the listing silently lacks an untouched accepted consumer
// (ep-0009), and the documented for_each allow-list plans to destroy its approval, which
// rejects it.
func TestAccDataSourceConnections_listShiftsBetweenPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newRacedService(t, e)
	r := newCLIRun(t, allowListByAccountConfig(e, s.ID))
	if out, code := r.run("apply", "-auto-approve", "-no-color"); code != 0 || !strings.Contains(out, "10 added") {
		t.Fatalf("first apply exited %d, want 10 approvals added:\n%s", code, out)
	}
	if acts := e.Mock.Actions(); len(acts) != 0 {
		t.Fatalf("adopting accepted connections sent actions: %+v", acts)
	}

	s.race(t, e)
	out, code := r.run("apply", "-auto-approve", "-no-color")
	if code != 0 || !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Errorf("apply while the list shifted exited %d, want no resource changes:\n%s", code, out)
	}
	s.checkUntouched(t, e)
	if got := len(r.approvals()); got != 10 {
		t.Errorf("%d approvals in state, want 10", got)
	}
}
