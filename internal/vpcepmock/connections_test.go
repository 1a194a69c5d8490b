package vpcepmock

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestUnitListConnectionsFiltersSortAndPaging catches a list that differs
// from the API's: a wrong default order or limit, a sort key (both
// spellings) or direction not applied, id, marker_id or status filters that
// do not combine, a page cut wrong, total_count of the page instead of the
// match, empty values not taken as absent, or connections:null for an empty
// page.
func TestUnitListConnectionsFiltersSortAndPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 5) // e000 (oldest) .. e004 (newest), all pendingAcceptance
	h.action("svc", ActionReceive, "e001")
	h.action("svc", ActionReject, "e003")
	h.clock.Advance(time.Second)
	// e000 is updated last, so sorting by update time differs from creation.
	h.api(http.MethodPut, svcPath("svc", "connections", "description"), `{"connections":[{"id":"e000","description":"x"}]}`)
	marker := func(id string) int64 { c, _ := h.m.Connection("svc", id); return c.MarkerID }

	tests := []struct {
		name  string
		query string
		want  []string
		total int
	}{
		{"default is created desc, limit 10", "", []string{"e004", "e003", "e002", "e001", "e000"}, 5},
		{"sort_dir asc", "sort_dir=asc", []string{"e000", "e001", "e002", "e003", "e004"}, 5},
		{"create_at desc", "sort_key=create_at&sort_dir=desc", []string{"e004", "e003", "e002", "e001", "e000"}, 5},
		{"created_at asc", "sort_key=created_at&sort_dir=asc", []string{"e000", "e001", "e002", "e003", "e004"}, 5},
		{"update_at desc", "sort_key=update_at", []string{"e000", "e003", "e001", "e004", "e002"}, 5},
		{"updated_at asc", "sort_key=updated_at&sort_dir=asc", []string{"e002", "e004", "e001", "e003", "e000"}, 5},
		{"id", "id=e002", []string{"e002"}, 1},
		{"id unknown", "id=nope", []string{}, 0},
		{"id with offset", "id=e002&offset=1", []string{}, 1},
		{"marker_id", fmt.Sprintf("marker_id=%d", marker("e003")), []string{"e003"}, 1},
		{"marker_id unknown", "marker_id=1", []string{}, 0},
		{"id and marker_id disagree", fmt.Sprintf("id=e002&marker_id=%d", marker("e003")), []string{}, 0},
		{"id with other status", "id=e002&status=accepted", []string{}, 0},
		{"status pendingAcceptance", "status=pendingAcceptance", []string{"e004", "e002", "e000"}, 3},
		{"status accepted", "status=accepted", []string{"e001"}, 1},
		{"status rejected", "status=rejected", []string{"e003"}, 1},
		{"status failed none", "status=failed", []string{}, 0},
		{"status creating none", "status=creating", []string{}, 0},
		{"status paged", "status=pendingAcceptance&limit=1&offset=1", []string{"e002"}, 3},
		{"status paged asc", "status=pendingAcceptance&limit=2&offset=1&sort_dir=asc", []string{"e002", "e004"}, 3},
		{"status by update", "status=pendingAcceptance&sort_key=update_at&sort_dir=asc", []string{"e002", "e004", "e000"}, 3},
		{"limit 2", "limit=2", []string{"e004", "e003"}, 5},
		{"limit 2 offset 2", "limit=2&offset=2", []string{"e002", "e001"}, 5},
		{"last partial page", "limit=2&offset=4", []string{"e000"}, 5},
		{"offset at end", "offset=5", []string{}, 5},
		{"offset past end", "offset=500", []string{}, 5},
		{"limit 1000", "limit=1000", []string{"e004", "e003", "e002", "e001", "e000"}, 5},
		{"limit 1", "limit=1&sort_dir=asc", []string{"e000"}, 5},
		{"offset past end by update", "sort_key=update_at&offset=9", []string{}, 5},
		{"empty values are absent", "status=&limit=&offset=&sort_key=&sort_dir=&marker_id=", []string{"e004", "e003", "e002", "e001", "e000"}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, r := h.list("svc", tt.query)
			if r.code != http.StatusOK {
				t.Fatalf("status %d: %s", r.code, r.body)
			}
			if got := ids(b.Connections); !slices.Equal(got, tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
			if b.TotalCount != tt.total {
				t.Errorf("total_count %d, want %d", b.TotalCount, tt.total)
			}
			if !strings.Contains(string(r.body), `"connections":[`) {
				t.Errorf("connections must be an array, even empty: %s", r.body)
			}
		})
	}
}

// TestUnitListConnectionsRefusesBadQueries catches a bad marker_id, status
// (wrong case included), sort key or direction, limit or offset accepted or
// refused with another code than the API's, a marker_id beyond int32
// refused, and an unknown service not a 404.
func TestUnitListConnectionsRefusesBadQueries(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 1)
	tests := []struct {
		query, code string
	}{
		{"marker_id=abc", "EndPoint.0021"},
		{"marker_id=-1", "EndPoint.0021"},
		{"marker_id=99999999999999999999", "EndPoint.0021"},
		{"status=bogus", "EndPoint.0019"},
		{"status=Accepted", "EndPoint.0019"},
		{"sort_key=name", "EndPoint.0017"},
		{"sort_dir=up", "EndPoint.0018"},
		{"limit=0", "EndPoint.0006"},
		{"limit=1001", "EndPoint.0006"},
		{"limit=-1", "EndPoint.0006"},
		{"limit=ten", "EndPoint.0006"},
		{"offset=-1", "EndPoint.0010"},
		{"offset=x", "EndPoint.0010"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, r := h.list("svc", tt.query)
			if r.code != http.StatusBadRequest || r.errorCode(t) != tt.code {
				t.Errorf("got %d %s, want 400 %s", r.code, r.body, tt.code)
			}
		})
	}
	// A marker_id beyond int32 (allowed in fixtures) is a valid filter.
	if _, r := h.list("svc", "marker_id=422321321312321321"); r.code != http.StatusOK {
		t.Errorf("int64 marker_id: %d %s", r.code, r.body)
	}
	if _, r := h.list("nope", ""); r.code != http.StatusNotFound || r.errorCode(t) != "EndPoint.0005" {
		t.Errorf("unknown service: %d %s", r.code, r.body)
	}
}

// TestUnitListConnectionsPagesLargeSets catches pages of a large service
// that lose or repeat a connection, a wrong total_count or page size, and
// generated marker ids beyond their range.
func TestUnitListConnectionsPagesLargeSets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.m.CreateService(testProject, ServiceSpec{ID: "big"})
	const n = 2500
	for i := 0; i < n; i++ {
		if _, err := h.m.CreateEndpoint("", EndpointSpec{ServiceID: "big"}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for offset := 0; offset < n+1000; offset += 1000 {
		b, r := h.list("big", fmt.Sprintf("limit=1000&offset=%d", offset))
		if r.code != http.StatusOK || b.TotalCount != n {
			t.Fatalf("offset %d: %d total %d", offset, r.code, b.TotalCount)
		}
		if want := min(1000, max(0, n-offset)); len(b.Connections) != want {
			t.Fatalf("offset %d: %d connections, want %d", offset, len(b.Connections), want)
		}
		for _, c := range b.Connections {
			if seen[c.ID] {
				t.Fatalf("%s on two pages", c.ID)
			}
			seen[c.ID] = true
			if c.MarkerID >= maxGeneratedMarkerID {
				t.Fatalf("marker_id %d is not int32-safe", c.MarkerID)
			}
		}
	}
	if len(seen) != n {
		t.Errorf("paged over %d connections, want %d", len(seen), n)
	}
}

// TestUnitActionStateMachine catches a receive or reject that moves a
// connection otherwise than the API does from any status (with and without
// a transition delay), answers with the wrong status or code, or records an
// action that changed nothing, or none for one that did.
func TestUnitActionStateMachine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, action string
		delay        time.Duration
		wantHTTP     int
		wantCode     string
		wantResp     string // status in the action's response
		wantAfter    string // status once the delay has passed
		recorded     bool
	}{
		{StatusPendingAcceptance, ActionReceive, 0, 200, "", StatusAccepted, StatusAccepted, true},
		{StatusPendingAcceptance, ActionReceive, time.Second, 200, "", StatusCreating, StatusAccepted, true},
		{StatusRejected, ActionReceive, 0, 200, "", StatusAccepted, StatusAccepted, true},
		{StatusRejected, ActionReceive, time.Second, 200, "", StatusCreating, StatusAccepted, true},
		{StatusCreating, ActionReceive, time.Second, 200, "", StatusCreating, StatusAccepted, false},
		{StatusAccepted, ActionReceive, 0, 200, "", StatusAccepted, StatusAccepted, false},
		{StatusPendingAcceptance, ActionReject, 0, 200, "", StatusRejected, StatusRejected, true},
		{StatusCreating, ActionReject, time.Second, 200, "", StatusRejected, StatusRejected, true},
		{StatusAccepted, ActionReject, 0, 200, "", StatusRejected, StatusRejected, true},
		{StatusRejected, ActionReject, 0, 200, "", StatusRejected, StatusRejected, false},
		{StatusFailed, ActionReceive, 0, 400, "EndPoint.2047", "", StatusFailed, false},
		{StatusFailed, ActionReject, 0, 400, "EndPoint.2047", "", StatusFailed, false},
		{StatusDeleting, ActionReceive, time.Second, 400, "EndPoint.2018", "", "", false},
		{StatusDeleting, ActionReject, time.Second, 400, "EndPoint.2018", "", "", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s delay %s", tt.from, tt.action, tt.delay), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, func(c *Config) { c.TransitionDelay = tt.delay })
			h.populate("svc", true, 1)
			// A creating connection is held so that it is still creating when acted on.
			if err := h.m.ForceStatus("svc", "e000", Force{Status: tt.from}); err != nil {
				t.Fatal(err)
			}
			r := h.action("svc", tt.action, "e000")
			if r.code != tt.wantHTTP {
				t.Fatalf("status %d, want %d: %s", r.code, tt.wantHTTP, r.body)
			}
			if tt.wantCode != "" {
				if got := r.errorCode(t); got != tt.wantCode {
					t.Errorf("code %s, want %s", got, tt.wantCode)
				}
			} else {
				var b connectionsBody
				r.decode(t, &b)
				if len(b.Connections) != 1 || b.Connections[0].ID != "e000" || b.Connections[0].Status != tt.wantResp {
					t.Errorf("response %s, want e000 %s", r.body, tt.wantResp)
				}
			}
			h.clock.Advance(tt.delay)
			if got := h.status("svc", "e000"); got != tt.wantAfter {
				t.Errorf("after the delay: %q, want %q", got, tt.wantAfter)
			}
			acts := h.m.Actions()
			if recorded := len(acts) == 1; recorded != tt.recorded {
				t.Fatalf("actions %+v, recorded want %v", acts, tt.recorded)
			}
			if tt.recorded && (acts[0].From != tt.from || acts[0].To != tt.wantResp || acts[0].Action != tt.action) {
				t.Errorf("action record %+v", acts[0])
			}
			checkConsistent(t, h.m)
		})
	}
}

// TestUnitActionRefusesBadRequests catches a malformed action request
// (empty, not JSON, wrong types, bad or missing action or endpoints, two
// endpoints, an endpoint of another service or none) accepted or refused
// with another status or code than the API's, and a refused request that
// changed a connection.
func TestUnitActionRefusesBadRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 1)
	h.m.CreateService(testProject, ServiceSpec{ID: "svc2"})
	if _, err := h.m.CreateEndpoint("", EndpointSpec{ID: "other", ServiceID: "svc2"}); err != nil {
		t.Fatal(err)
	}
	path := svcPath("svc", "connections", "action")
	tests := []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"empty body", path, "", 400, "EndPoint.0011"},
		{"blank body", path, "  \n", 400, "EndPoint.0011"},
		{"not json", path, "{", 400, "EndPoint.0002"},
		{"wrong types", path, `{"action":1,"endpoints":"e000"}`, 400, "EndPoint.0002"},
		{"missing action", path, `{"endpoints":["e000"]}`, 400, "EndPoint.0007"},
		{"bad action", path, `{"action":"accept","endpoints":["e000"]}`, 400, "EndPoint.0007"},
		{"no endpoints", path, `{"action":"receive","endpoints":[]}`, 400, "EndPoint.0002"},
		{"missing endpoints", path, `{"action":"receive"}`, 400, "EndPoint.0002"},
		{"two endpoints", path, `{"action":"receive","endpoints":["e000","other"]}`, 400, "EndPoint.2031"},
		{"empty endpoint id", path, `{"action":"receive","endpoints":[""]}`, 400, "EndPoint.2017"},
		{"unknown service", svcPath("nope", "connections", "action"), `{"action":"receive","endpoints":["e000"]}`, 404, "EndPoint.0005"},
		{"endpoint of another service", path, `{"action":"receive","endpoints":["other"]}`, 400, "EndPoint.2013"},
		{"unknown endpoint", path, `{"action":"reject","endpoints":["ghost"]}`, 400, "EndPoint.2013"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.api(http.MethodPost, tt.path, tt.body)
			if r.code != tt.status || r.errorCode(t) != tt.code {
				t.Errorf("got %d %s, want %d %s", r.code, r.body, tt.status, tt.code)
			}
		})
	}
	if got := h.status("svc", "e000"); got != StatusPendingAcceptance || len(h.m.Actions()) != 0 {
		t.Errorf("a refused action changed state: %s, %v", got, h.m.Actions())
	}
}

// TestUnitTransitionsAreLazyAndTimed catches a new endpoint without
// approval that does not go creating, then accepted exactly at the delay
// (with its IP and update time), and a deleted endpoint that is not
// deleting for the delay, refusing actions, then gone on both sides.
func TestUnitTransitionsAreLazyAndTimed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.TransitionDelay = 2 * time.Second })
	h.populate("svc", false, 0)
	// Without approval a new endpoint goes creating, then accepted.
	r := h.api(http.MethodPost, "/v1/"+testProject+"/vpc-endpoints", `{"endpoint_service_id":"svc","vpc_id":"v","subnet_id":"s"}`)
	var ep Endpoint
	r.decode(t, &ep)
	if r.code != 200 || ep.Status != StatusCreating || ep.IP != "" {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	b, _ := h.list("svc", "status=creating")
	if b.TotalCount != 1 {
		t.Errorf("creating count %d", b.TotalCount)
	}
	h.clock.Advance(1999 * time.Millisecond)
	if got := h.status("svc", ep.ID); got != StatusCreating {
		t.Errorf("before the delay: %s", got)
	}
	h.clock.Advance(time.Millisecond)
	b, _ = h.list("svc", "status=accepted")
	if b.TotalCount != 1 || b.Connections[0].UpdatedAt != "2024-01-01T00:00:02Z" {
		t.Errorf("after the delay: %+v", b)
	}
	r = h.api(http.MethodGet, "/v1/"+testProject+"/vpc-endpoints/"+ep.ID, "")
	r.decode(t, &ep)
	if ep.Status != StatusAccepted || ep.IP == "" {
		t.Errorf("endpoint after accept: %s", r.body)
	}
	// Deleting: deleting for the delay, then gone on both sides.
	if r = h.api(http.MethodDelete, "/v1/"+testProject+"/vpc-endpoints/"+ep.ID, ""); r.code != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("delete: %d %s", r.code, r.body)
	}
	if r = h.action("svc", ActionReject, ep.ID); r.errorCode(t) != "EndPoint.2018" {
		t.Errorf("action while deleting: %s", r.body)
	}
	if got := h.status("svc", ep.ID); got != StatusDeleting {
		t.Errorf("after delete: %s", got)
	}
	h.clock.Advance(2 * time.Second)
	if got := h.status("svc", ep.ID); got != "" {
		t.Errorf("after the delay: %s, want gone", got)
	}
	if r = h.api(http.MethodGet, "/v1/"+testProject+"/vpc-endpoints/"+ep.ID, ""); r.code != 404 {
		t.Errorf("endpoint after deletion: %d", r.code)
	}
	checkConsistent(t, h.m)
}

// TestUnitForcedStatusHold catches a held creating connection that moves on
// (even after a receive), one released that does not, a failed connection
// without its error list or one that keeps it after leaving failed, and
// ForceStatus accepting an unknown service, endpoint or status, or
// recording an action.
func TestUnitForcedStatusHold(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.TransitionDelay = time.Second })
	h.populate("svc", true, 2)
	if err := h.m.ForceStatus("svc", "e000", Force{Status: StatusCreating, Hold: true}); err != nil {
		t.Fatal(err)
	}
	if err := h.m.ForceStatus("svc", "e001", Force{Status: StatusCreating}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour)
	if a, b := h.status("svc", "e000"), h.status("svc", "e001"); a != StatusCreating || b != StatusAccepted {
		t.Errorf("held %s (want creating), unheld %s (want accepted)", a, b)
	}
	// receive on a held creating connection is a no-op: it stays stuck.
	h.action("svc", ActionReceive, "e000")
	h.clock.Advance(time.Hour)
	if got := h.status("svc", "e000"); got != StatusCreating {
		t.Errorf("held after receive: %s", got)
	}
	// Releasing it: forced again without hold, it moves on after the delay.
	if err := h.m.ForceStatus("svc", "e000", Force{Status: StatusCreating}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Second)
	if got := h.status("svc", "e000"); got != StatusAccepted {
		t.Errorf("released: %s", got)
	}
	// failed shows its error list, and only while failed.
	errs := []QueryError{{ErrorCode: "EndPoint.4012", ErrorMessage: "port not found"}}
	if err := h.m.ForceStatus("svc", "e001", Force{Status: StatusFailed, Errors: errs}); err != nil {
		t.Fatal(err)
	}
	b, _ := h.list("svc", "id=e001")
	if len(b.Connections) != 1 || !slices.Equal(b.Connections[0].Error, errs) || b.Connections[0].Status != StatusFailed {
		t.Errorf("failed connection: %+v", b.Connections)
	}
	if err := h.m.ForceStatus("svc", "e001", Force{Status: StatusRejected}); err != nil {
		t.Fatal(err)
	}
	if c, _ := h.m.Connection("svc", "e001"); c.Error != nil {
		t.Errorf("error list outlived failed: %+v", c)
	}
	for _, tt := range []struct {
		svc, ep, status string
	}{{"nope", "e000", StatusAccepted}, {"svc", "nope", StatusAccepted}, {"svc", "e000", "bogus"}} {
		if err := h.m.ForceStatus(tt.svc, tt.ep, Force{Status: tt.status}); err == nil {
			t.Errorf("ForceStatus(%s, %s, %s) succeeded", tt.svc, tt.ep, tt.status)
		}
	}
	if len(h.m.Actions()) != 0 {
		t.Errorf("forcing recorded actions: %v", h.m.Actions())
	}
}

// TestUnitUpdateDescription catches a description the API accepts (512
// characters, empty) refused or not stored, one it refuses (513 characters,
// < or >, missing fields, bad body) accepted or refused with another code,
// a batch with an unknown id applied in part, and an unknown service not a
// 404.
func TestUnitUpdateDescription(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 2)
	path := svcPath("svc", "connections", "description")
	long := strings.Repeat("é", maxDescriptionLength) // 512 characters, 1024 bytes
	tests := []struct {
		name, body string
		status     int
		code       string
		want       string
	}{
		{"set", `{"connections":[{"id":"e000","description":"team-a"}]}`, 200, "", "team-a"},
		{"512 characters", `{"connections":[{"id":"e000","description":"` + long + `"}]}`, 200, "", long},
		{"clear", `{"connections":[{"id":"e000","description":""}]}`, 200, "", ""},
		{"513 characters", `{"connections":[{"id":"e000","description":"` + long + `x"}]}`, 400, "EndPoint.0002", ""},
		{"less than", `{"connections":[{"id":"e000","description":"a<b"}]}`, 400, "EndPoint.0002", ""},
		{"greater than", `{"connections":[{"id":"e000","description":"a>b"}]}`, 400, "EndPoint.0002", ""},
		{"missing description", `{"connections":[{"id":"e000"}]}`, 400, "EndPoint.0002", ""},
		{"missing id", `{"connections":[{"description":"x"}]}`, 400, "EndPoint.0002", ""},
		{"no connections", `{"connections":[]}`, 400, "EndPoint.0002", ""},
		{"not json", `nope`, 400, "EndPoint.0002", ""},
		{"empty body", ``, 400, "EndPoint.0011", ""},
		{"unknown endpoint", `{"connections":[{"id":"e000","description":"y"},{"id":"ghost","description":"y"}]}`, 400, "EndPoint.2013", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.api(http.MethodPut, path, tt.body)
			if r.code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.code, tt.status, r.body)
			}
			if tt.code != "" {
				if got := r.errorCode(t); got != tt.code {
					t.Errorf("code %s, want %s", got, tt.code)
				}
				return
			}
			var b connectionsBody
			r.decode(t, &b)
			if len(b.Connections) != 1 || b.Connections[0].Description != tt.want {
				t.Errorf("response %s", r.body)
			}
			if c, _ := h.m.Connection("svc", "e000"); c.Description != tt.want {
				t.Errorf("stored %q", c.Description)
			}
		})
	}
	// The refused batch with an unknown id left e000 as it was.
	if c, _ := h.m.Connection("svc", "e000"); c.Description != "" {
		t.Errorf("partial update: %q", c.Description)
	}
	if r := h.api(http.MethodPut, svcPath("nope", "connections", "description"), `{"connections":[{"id":"e000","description":""}]}`); r.code != 404 {
		t.Errorf("unknown service: %d", r.code)
	}
}
