package vpcepmock

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestUnitHTTPControls catches a /_mock/ control that misbehaves (services,
// endpoints, request counts and their reset, actions, forced status, state,
// faults, transition delay, endpoint delete, fixtures, reset), a bad
// control body accepted, and a router default leaking (405, a redirect,
// HEAD served as GET).
func TestUnitHTTPControls(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	must := func(r result, status int) result {
		t.Helper()
		if r.code != status {
			t.Fatalf("status %d, want %d: %s", r.code, status, r.body)
		}
		return r
	}
	// Services and endpoints played without auth.
	must(h.control("POST", "/_mock/services", `{"id":"svc","service_name":"demo","approval_enabled":true}`), 200)
	var ep Endpoint
	must(h.control("POST", "/_mock/endpoints", `{"service_id":"svc","domain_id":"dom","id":"e1","description":"hi"}`), 200).decode(t, &ep)
	if ep.ID != "e1" || ep.Status != StatusPendingAcceptance || ep.DomainID != "dom" || ep.ProjectID != testProject {
		t.Errorf("endpoint %+v", ep)
	}
	must(h.control("POST", "/_mock/endpoints", `{"service_id":"svc"}`), 200)
	must(h.control("POST", "/_mock/endpoints", `{"service_id":"nope"}`), 404)
	must(h.control("POST", "/_mock/endpoints", `{"service_id":"svc","id":"e1"}`), 400)
	must(h.control("POST", "/_mock/endpoints", `{"service_id":"svc","bogus":1}`), 400)
	must(h.control("POST", "/_mock/services", `{"service_name":"no.dots"}`), 400)

	// Requests are counted by operation, and reset.
	h.api("GET", svcPath("svc", "connections"), "")
	h.action("svc", ActionReceive, "e1")
	var counts map[string]int
	must(h.control("GET", "/_mock/requests", ""), 200).decode(t, &counts)
	if counts[OpListServiceConnections] != 1 || counts[OpAcceptOrRejectEndpoint] != 1 {
		t.Errorf("counts %v", counts)
	}
	must(h.control("DELETE", "/_mock/requests", ""), 204)
	counts = nil
	must(h.control("GET", "/_mock/requests", ""), 200).decode(t, &counts)
	if len(counts) != 0 {
		t.Errorf("counts after reset %v", counts)
	}

	// Effective actions.
	var acts []ActionRecord
	must(h.control("GET", "/_mock/actions", ""), 200).decode(t, &acts)
	if len(acts) != 1 || acts[0].EndpointID != "e1" || acts[0].From != StatusPendingAcceptance || acts[0].To != StatusAccepted {
		t.Errorf("actions %+v", acts)
	}

	// Forcing a status.
	var c Connection
	must(h.control("POST", "/_mock/connections/status",
		`{"service_id":"svc","endpoint_id":"e1","status":"failed","errors":[{"error_code":"E1","error_message":"boom"}],"hold":true}`), 200).decode(t, &c)
	if c.Status != StatusFailed || len(c.Error) != 1 || c.Error[0].ErrorCode != "E1" {
		t.Errorf("forced %+v", c)
	}
	must(h.control("POST", "/_mock/connections/status", `{"service_id":"svc","endpoint_id":"e1","status":"weird"}`), 400)
	must(h.control("POST", "/_mock/connections/status", `{"service_id":"svc","endpoint_id":"nope","status":"accepted"}`), 404)

	// State dump.
	var st State
	must(h.control("GET", "/_mock/state", ""), 200).decode(t, &st)
	if len(st.Services) != 1 || len(st.Services[0].Connections) != 2 || st.Services[0].Connections[0].Status != StatusFailed {
		t.Errorf("state %+v", st)
	}

	// Faults.
	var f faultsJSON
	must(h.control("PUT", "/_mock/faults", `{"rate":0.2,"latency":"50ms","seed":1}`), 200).decode(t, &f)
	if got := h.m.CurrentFaults(); got != (Faults{Rate: 0.2, Latency: 50 * time.Millisecond, Seed: 1}) {
		t.Errorf("faults %+v", got)
	}
	must(h.control("GET", "/_mock/faults", ""), 200).decode(t, &f)
	if f.Latency != "50ms" || f.Rate != 0.2 {
		t.Errorf("faults read back %+v", f)
	}
	must(h.control("PUT", "/_mock/faults", `{"rate":2}`), 400)
	must(h.control("PUT", "/_mock/faults", `{"latency":"soon"}`), 400)
	must(h.control("PUT", "/_mock/faults", `{}`), 200)

	// Transition delay.
	must(h.control("PUT", "/_mock/transition-delay", `{"delay":"1s"}`), 204)
	must(h.control("PUT", "/_mock/transition-delay", `{"delay":"-1s"}`), 400)
	must(h.control("DELETE", "/_mock/endpoints/e1", ""), 204)
	if got := h.status("svc", "e1"); got != StatusDeleting {
		t.Errorf("after control delete with delay: %s", got)
	}
	h.clock.Advance(time.Second)
	if got := h.status("svc", "e1"); got != "" {
		t.Errorf("after the delay: %s", got)
	}
	must(h.control("DELETE", "/_mock/endpoints/e1", ""), 404)

	// Fixtures.
	var loaded map[string]int
	must(h.control("POST", "/_mock/fixtures", `{"services":[{"id":"fx","connections":[{"id":"f1"},{"id":"f2","status":"accepted"}]}]}`), 200).decode(t, &loaded)
	if loaded["services"] != 1 || loaded["connections"] != 2 || h.status("fx", "f2") != StatusAccepted {
		t.Errorf("fixtures %v", loaded)
	}
	must(h.control("POST", "/_mock/fixtures", `{"services":[{"id":"fx"}]}`), 400)
	must(h.control("POST", "/_mock/fixtures", `{"servces":[]}`), 400)

	// Reset.
	must(h.control("POST", "/_mock/reset", ""), 204)
	must(h.control("GET", "/_mock/state", ""), 200).decode(t, &st)
	if len(st.Services) != 0 || len(h.m.Actions()) != 0 || len(h.m.RequestCounts()) != 0 {
		t.Errorf("after reset: %+v", st)
	}
	for _, p := range []string{"/_mock", "/_mock/", "/_mock/state?x", "/_mock/nope"} {
		if r := h.control("PATCH", p, ""); r.code != 404 || !strings.Contains(string(r.body), `"error"`) {
			t.Errorf("PATCH %s: %d %s", p, r.code, r.body)
		}
	}
	// A router's defaults must not leak: no 405, no redirect, no HEAD served as GET.
	for _, tt := range []struct{ method, path string }{
		{"HEAD", "/_mock/state"}, {"PUT", "/_mock/state"}, {"GET", "/_mock/state/"},
		{"GET", "/_mock/../_mock/state"}, {"DELETE", "/_mock/endpoints/a/b"},
	} {
		if r := h.control(tt.method, tt.path, ""); r.code != 404 || (tt.method != "HEAD" && !strings.Contains(string(r.body), `"error"`)) {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, r.code, r.body)
		}
	}
}

// TestUnitFixtures catches fixtures loaded otherwise than written (order by
// created_at, a large marker_id, a failed connection's errors, defaults, a
// service of another project or without approval), Reset that does not
// restore them, and an invalid document that loads anything.
func TestUnitFixtures(t *testing.T) {
	t.Parallel()
	doc := `{"services":[
	  {"id":"s1","service_name":"demo","approval_enabled":true,"connections":[
	    {"id":"c-new","domain_id":"d1","status":"pendingAcceptance","description":"newest","marker_id":422321321312321321,"created_at":"2024-01-01T00:00:09Z"},
	    {"id":"c-old","domain_id":"d2","status":"failed","error":[{"error_code":"X","error_message":"y"}],"created_at":"2023-12-31T23:00:00Z"},
	    {"id":"c-mid","created_at":"2024-01-01T00:00:05+00:00"}]},
	  {"id":"s2","project_id":"` + otherProject + `","approval_enabled":false,"connections":[{"id":"c-open"}]}
	]}`
	f, err := ParseFixtures([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config) { c.Fixtures = &f })
	b, r := h.list("s1", "")
	if r.code != 200 || strings.Join(ids(b.Connections), ",") != "c-new,c-mid,c-old" {
		t.Fatalf("list: %s", r.body)
	}
	if !strings.Contains(string(r.body), `"marker_id":422321321312321321`) {
		t.Errorf("int64 marker_id lost: %s", r.body)
	}
	if c := b.Connections[2]; c.Status != StatusFailed || len(c.Error) != 1 || c.DomainID != "d2" {
		t.Errorf("failed fixture %+v", c)
	}
	if c := b.Connections[1]; c.Status != StatusPendingAcceptance || c.MarkerID >= maxGeneratedMarkerID {
		t.Errorf("defaulted fixture %+v", c)
	}
	if h.status("s2", "c-open") != StatusAccepted {
		t.Error("no-approval fixture should default to accepted")
	}
	if r := h.api("GET", svcPath("s2"), ""); r.code != 404 {
		t.Errorf("s2 belongs to the other project: %d", r.code)
	}
	// Reset restores the configured fixtures.
	h.action("s1", ActionReceive, "c-new")
	h.m.Reset()
	if h.status("s1", "c-new") != StatusPendingAcceptance {
		t.Error("reset did not restore the fixtures")
	}
	// Invalid documents load nothing.
	for _, bad := range []string{
		`{"services":[{"id":"s1"}]}`,
		`{"services":[{"id":"n1","connections":[{"id":"c-new"}]}]}`,
		`{"services":[{"id":"n1","connections":[{"id":"a"},{"id":"a"}]}]}`,
		`{"services":[{"id":"n1","connections":[{"marker_id":5},{"marker_id":5}]}]}`,
		`{"services":[{"id":"n1","connections":[{"status":"sleeping"}]}]}`,
		`{"services":[{"id":"n1","connections":[{"created_at":"yesterday"}]}]}`,
		`{"services":[{"id":"n1","connections":[{"marker_id":-1}]}]}`,
		`{"services":[{"id":"n1","connections":[{"description":"<x>"}]}]}`,
	} {
		f, err := ParseFixtures([]byte(bad))
		if err == nil {
			err = h.m.LoadFixtures(f)
		}
		if err == nil {
			t.Errorf("loaded %s", bad)
		}
		if _, ok := h.m.Connection("n1", "a"); ok || len(h.m.Dump().Services) != 2 {
			t.Errorf("partial load of %s", bad)
		}
	}
	if _, err := ParseFixtures([]byte(`{"services":[{"idd":"x"}]}`)); err == nil {
		t.Error("unknown field accepted")
	}
}

// Catches: fixtures naming a project no credential is bound to loaded
// without complaint ({"connections":6,"services":1}), and the provider then
// got a 403 about permissions instead of hearing that the mock serves
// another project.
func TestUnitFixturesOfAnUnreachableProjectAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.Credentials = []Credential{defaultCredential()} })
	const stranger = "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
	r := h.control("POST", "/_mock/fixtures", `{"services":[{"id":"fx","project_id":"`+stranger+`","connections":[{"id":"f1"}]}]}`)
	if r.code != 400 {
		t.Errorf("fixtures of another project: %d %s, want 400", r.code, r.body)
	}
	for _, want := range []string{"services[0]", "fx", "project_id " + stranger, "project " + testProject + " only", "-project-id " + stranger, "-credential " + stranger + ":TOKEN"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("error lacks %q: %s", want, r.body)
		}
	}
	if len(h.m.Dump().Services) != 0 {
		t.Error("a refused fixtures document loaded a service")
	}
	// The project the credentials serve, given or left out, still loads.
	if r := h.control("POST", "/_mock/fixtures", `{"services":[{"id":"a","project_id":"`+testProject+`"},{"id":"b"}]}`); r.code != 200 {
		t.Errorf("fixtures of the credentials' project: %d %s", r.code, r.body)
	}
}

// TestUnitGoControls catches a Go control of the mock that misbehaves: a
// service created in another project, a second create that replaces the
// first, an endpoint of a missing service or a duplicate id accepted, a
// deleted endpoint still listed, or actions encoded as null instead of [].
func TestUnitGoControls(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	approval := false
	s := h.m.CreateService("", ServiceSpec{ID: "svc", Name: "n", ApprovalEnabled: &approval})
	if s.ProjectID != testProject || s.ApprovalEnabled || h.m.DefaultProjectID() != testProject {
		t.Errorf("service %+v", s)
	}
	if again := h.m.CreateService("", ServiceSpec{ID: "svc", Name: "other"}); again.ServiceName != s.ServiceName {
		t.Errorf("CreateService with a taken id changed it: %+v", again)
	}
	if _, err := h.m.CreateEndpoint("", EndpointSpec{ServiceID: "nope"}); !errors.Is(err, ErrServiceNotFound) {
		t.Errorf("endpoint on unknown service: %v", err)
	}
	ep, err := h.m.CreateEndpoint("", EndpointSpec{ID: "e", ServiceID: "svc"})
	if err != nil || ep.Status != StatusAccepted {
		t.Fatalf("endpoint %+v %v", ep, err)
	}
	if _, err := h.m.CreateEndpoint("", EndpointSpec{ID: "e", ServiceID: "svc"}); !errors.Is(err, ErrDuplicateID) {
		t.Errorf("duplicate endpoint: %v", err)
	}
	if err := h.m.DeleteEndpoint("nope"); !errors.Is(err, ErrEndpointNotFound) {
		t.Errorf("delete unknown: %v", err)
	}
	if cs := h.m.Connections("svc"); len(cs) != 1 || cs[0].ID != "e" {
		t.Errorf("connections %+v", cs)
	}
	if cs := h.m.Connections("nope"); cs != nil {
		t.Errorf("connections of unknown service %+v", cs)
	}
	if err := h.m.DeleteEndpoint("e"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.m.Connection("svc", "e"); ok {
		t.Error("deleted with zero delay but still there")
	}
	raw, _ := json.Marshal(h.m.Actions())
	if string(raw) != "[]" {
		t.Errorf("no actions should encode as [], got %s", raw)
	}
}

// TestUnitUnknownControlListsControls catches an unknown /_mock/ control that
// answers without the valid ones, and a control list that drifts from the
// table in docs/vpcep-mock.md (a control routed without being listed, or
// documented without being routed).
func TestUnitUnknownControlListsControls(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "vpcep-mock.md"))
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `((?:GET|POST|PUT|DELETE) /_mock/[^`]*)`").FindAllStringSubmatch(string(doc), -1) {
		documented = append(documented, m[1])
	}
	h := newHarness(t, nil)
	for _, req := range [][2]string{{"GET", "/_mock/connections"}, {"GET", "/_mock/reset"}, {"POST", "/_mock/Reset"}} {
		r := h.control(req[0], req[1], "")
		var body unknownControlBody
		r.decode(t, &body)
		if r.code != 404 || !strings.Contains(body.Error, req[0]+" "+req[1]) || !strings.Contains(body.Error, "POST /_mock/reset") {
			t.Errorf("%s %s: %d %s, want 404 naming the request and the controls", req[0], req[1], r.code, r.body)
		}
		if !slices.Equal(sorted(body.Controls), sorted(documented)) {
			t.Errorf("%s %s: controls %q, documented %q", req[0], req[1], body.Controls, documented)
		}
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
