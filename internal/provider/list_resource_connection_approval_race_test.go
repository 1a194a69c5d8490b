package provider

import (
	"fmt"
	"strings"
	"testing"
)

// Catches: `terraform query` over a service whose connections shift between
// two page reads (an endpoint deleted meanwhile) silently leaving out an
// untouched accepted connection (ep-0009), so that the generated
// configuration would never adopt it.
func TestAccConnectionApprovalList_listShiftsBetweenPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	s := newRacedService(t, e)
	r := newModernCLIRun(t, requiredProviders+e.ProviderConfig())
	writeFile(t, r.dir+"/race.tfquery.hcl", fmt.Sprintf(`
list "vpcep_connection_approval" "all" {
  provider = vpcep
  limit    = 10000
  config {
    service_id = %q
  }
}
`, s.ID))
	s.race(t, e)
	out, code := r.run("query", "-no-color")
	if code != 0 {
		t.Fatalf("terraform query exited %d:\n%s", code, out)
	}
	for _, id := range s.Accepted {
		if want := fmt.Sprintf("%s (account %s, accepted)", id, racedAccount); !strings.Contains(out, want) {
			t.Errorf("the query does not list %s", want)
		}
	}
	if strings.Contains(out, "ep-0500 (") {
		t.Errorf("the query lists ep-0500, deleted before its second page was read")
	}
	if n := strings.Count(out, "(account "); n != 1009 {
		t.Errorf("the query listed %d connections, want the 1009 left", n)
	}
	s.checkUntouched(t, e)
}
