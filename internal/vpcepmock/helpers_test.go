package vpcepmock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testProject  = DefaultProjectID
	testToken    = DefaultToken
	otherProject = "fedcba9876543210fedcba9876543210"
	otherToken   = "other-project-token"
)

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness drives a Mock through ServeHTTP.
type harness struct {
	t     testing.TB
	m     *Mock
	clock *fakeClock
}

// newHarness builds a mock with two projects (the default and otherProject)
// on a fake clock; change cfg through mutate.
func newHarness(t testing.TB, mutate func(*Config)) *harness {
	t.Helper()
	clock := newFakeClock()
	cfg := Config{
		Credentials: []Credential{
			defaultCredential(),
			{ProjectID: otherProject, Token: otherToken, AccessKey: "OTHERAK", SecretKey: "OTHERSK"},
		},
		Now: clock.Now,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	return &harness{t: t, m: New(cfg), clock: clock}
}

// result is one recorded response.
type result struct {
	code int
	body []byte
	hdr  http.Header
}

func (r result) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// errorCode extracts the code from any of the three error forms.
func (r result) errorCode(t testing.TB) string {
	t.Helper()
	var b struct {
		ErrorCode string `json:"error_code"`
		Error     *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	r.decode(t, &b)
	if b.Error != nil {
		return b.Error.Code
	}
	return b.ErrorCode
}

// send serves req and records the answer.
func (h *harness) send(req *http.Request) result {
	rec := httptest.NewRecorder()
	h.m.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return result{code: rec.Code, body: body, hdr: rec.Result().Header}
}

// newRequest builds a request; a non-empty body is sent as JSON.
func newRequest(method, path, body string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	}
	return req
}

// api calls the API with the default project's token.
func (h *harness) api(method, path, body string) result {
	req := newRequest(method, path, body)
	req.Header.Set(headerAuthToken, testToken)
	return h.send(req)
}

// control calls a /_mock/ control.
func (h *harness) control(method, path, body string) result {
	return h.send(newRequest(method, path, body))
}

// svcPath is the path of a service of the default project.
func svcPath(serviceID string, rest ...string) string {
	p := "/v1/" + testProject + "/vpc-endpoint-services/" + serviceID
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// populate creates a service and n endpoints on it, one second apart, with ids
// e000, e001, ... (oldest first).
func (h *harness) populate(serviceID string, approval bool, n int) {
	h.t.Helper()
	h.m.CreateService(testProject, ServiceSpec{ID: serviceID, Name: "demo", ApprovalEnabled: &approval})
	for i := 0; i < n; i++ {
		if _, err := h.m.CreateEndpoint(otherProject, EndpointSpec{ID: fmt.Sprintf("e%03d", i), ServiceID: serviceID}); err != nil {
			h.t.Fatal(err)
		}
		h.clock.Advance(time.Second)
	}
}

// action posts an accept/reject for one endpoint.
func (h *harness) action(serviceID, action, endpointID string) result {
	return h.api(http.MethodPost, svcPath(serviceID, "connections", "action"),
		fmt.Sprintf(`{"action":%q,"endpoints":[%q]}`, action, endpointID))
}

// list calls ListServiceConnections with a raw query.
func (h *harness) list(serviceID, query string) (listConnectionsBody, result) {
	h.t.Helper()
	r := h.api(http.MethodGet, svcPath(serviceID, "connections")+"?"+query, "")
	var b listConnectionsBody
	if r.code == http.StatusOK {
		r.decode(h.t, &b)
	}
	return b, r
}

// status returns a connection's status, or "" if it is gone.
func (h *harness) status(serviceID, endpointID string) string {
	c, ok := h.m.Connection(serviceID, endpointID)
	if !ok {
		return ""
	}
	return c.Status
}

var requestIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ids lists the connection ids of a page.
func ids(cs []Connection) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// checkConsistent verifies the store's invariants: indexes, counters, order
// and the endpoint map agree with the connection slices.
func checkConsistent(t testing.TB, m *Mock) {
	t.Helper()
	m.mu.RLock()
	defer m.mu.RUnlock()
	seen := 0
	for id, s := range m.services {
		if s.info.ID != id {
			t.Errorf("service key %s holds %s", id, s.info.ID)
		}
		var counts [len(connectionStatuses)]int
		for i, c := range s.conns {
			counts[statusIndex(c.status)]++
			if s.byID[c.id] != c || s.byMarker[c.markerID] != c || m.endpoints[c.id] != c || c.removed || c.svc != s {
				t.Errorf("service %s: connection %s not indexed consistently", id, c.id)
			}
			if i > 0 && !connBefore(s.conns[i-1], c) {
				t.Errorf("service %s: connections out of creation order at %d", id, i)
			}
		}
		if counts != s.counts {
			t.Errorf("service %s: counters %v, actual %v", id, s.counts, counts)
		}
		if len(s.byID) != len(s.conns) || len(s.byMarker) != len(s.conns) {
			t.Errorf("service %s: %d connections, %d ids, %d markers", id, len(s.conns), len(s.byID), len(s.byMarker))
		}
		seen += len(s.conns)
	}
	if seen != len(m.endpoints) {
		t.Errorf("%d connections but %d endpoints", seen, len(m.endpoints))
	}
}
