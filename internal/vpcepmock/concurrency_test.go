package vpcepmock

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"
)

// TestUnitConcurrentMixedLoad catches races and index drift: mixed concurrent calls,
// then indexes, counters, deletions and each action history must agree.
func TestUnitConcurrentMixedLoad(t *testing.T) {
	t.Parallel()
	const (
		workers = 16
		ops     = 250
		delay   = 2 * time.Millisecond
	)
	m := New(Config{
		Credentials: []Credential{
			defaultCredential(),
			{ProjectID: otherProject, Token: otherToken},
		},
		TransitionDelay: delay,
	})
	services := []string{"s0", "s1", "s2"}
	for i, id := range services {
		approval := i != 2
		m.CreateService(testProject, ServiceSpec{ID: id, ApprovalEnabled: &approval})
	}
	h := &harness{t: t, m: m}
	var (
		mu      sync.Mutex
		created = map[string]string{} // endpoint -> service
		deleted = map[string]bool{}
		order   []string
	)
	pick := func(r *rand.Rand) (string, string, bool) {
		mu.Lock()
		defer mu.Unlock()
		if len(order) == 0 {
			return "", "", false
		}
		id := order[r.IntN(len(order))]
		return created[id], id, true
	}
	consumer := func(method, path, body string) result {
		req := newRequest(method, path, body)
		req.Header.Set(headerAuthToken, otherToken)
		return h.send(req)
	}
	var wg sync.WaitGroup
	errs := make(chan string, workers*ops)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, 1))
			for i := 0; i < ops; i++ {
				switch op := r.IntN(10); {
				case op < 3:
					svc := services[r.IntN(len(services))]
					res := consumer("POST", "/v1/"+otherProject+"/vpc-endpoints",
						fmt.Sprintf(`{"endpoint_service_id":%q,"vpc_id":"v","subnet_id":"s"}`, svc))
					var ep Endpoint
					if res.code != 200 {
						errs <- fmt.Sprintf("create: %d %s", res.code, res.body)
						continue
					}
					res.decode(t, &ep)
					mu.Lock()
					created[ep.ID] = svc
					order = append(order, ep.ID)
					mu.Unlock()
				case op < 6:
					svc, id, ok := pick(r)
					if !ok {
						continue
					}
					action := ActionReceive
					if r.IntN(2) == 0 {
						action = ActionReject
					}
					res := h.action(svc, action, id)
					// Refusals are legitimate for deleting or vanished endpoints.
					if res.code != 200 && res.code != 400 {
						errs <- fmt.Sprintf("action: %d %s", res.code, res.body)
					}
				case op < 8:
					svc := services[r.IntN(len(services))]
					q := []string{"limit=1000", "status=accepted&limit=5", "sort_dir=asc&offset=3", "sort_key=update_at", "status=pendingAcceptance"}[r.IntN(5)]
					var b listConnectionsBody
					res := h.api("GET", svcPath(svc, "connections")+"?"+q, "")
					if res.code != 200 {
						errs <- fmt.Sprintf("list: %d %s", res.code, res.body)
						continue
					}
					res.decode(t, &b)
					if len(b.Connections) > b.TotalCount {
						errs <- fmt.Sprintf("list %s: %d connections > total %d", q, len(b.Connections), b.TotalCount)
					}
				case op < 9:
					svc, id, ok := pick(r)
					if !ok {
						continue
					}
					if r.IntN(2) == 0 {
						h.api("PUT", svcPath(svc, "connections", "description"), fmt.Sprintf(`{"connections":[{"id":%q,"description":"w%d"}]}`, id, seed))
						continue
					}
					res := consumer("DELETE", "/v1/"+otherProject+"/vpc-endpoints/"+id, "")
					if res.code == http.StatusNoContent {
						mu.Lock()
						deleted[id] = true
						mu.Unlock()
					}
				default:
					if r.IntN(2) == 0 {
						_ = m.Dump()
					} else {
						_ = m.RequestCounts()
					}
				}
			}
		}(uint64(w))
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	time.Sleep(3 * delay)
	st := m.Dump() // settles every due transition
	checkConsistent(t, m)
	present := map[string]string{}
	for _, s := range st.Services {
		for _, c := range s.Connections {
			present[c.ID] = c.Status
			if c.Status == StatusCreating || c.Status == StatusDeleting {
				t.Errorf("%s still %s after the delay", c.ID, c.Status)
			}
		}
	}
	for id := range created {
		_, there := present[id]
		if there == deleted[id] {
			t.Errorf("endpoint %s: deleted %v, present %v", id, deleted[id], there)
		}
	}
	if want := len(created) - len(deleted); len(present) != want {
		t.Errorf("%d connections, want %d", len(present), want)
	}
	// Each endpoint's effective actions chain: an action starts where the
	// previous one left it (creating may have settled to accepted between).
	last := map[string]string{}
	for _, a := range m.Actions() {
		if prev, ok := last[a.EndpointID]; ok && a.From != prev && (prev != StatusCreating || a.From != StatusAccepted) {
			t.Errorf("endpoint %s: action from %s after reaching %s", a.EndpointID, a.From, prev)
		}
		if a.From == a.To {
			t.Errorf("non-effective action recorded: %+v", a)
		}
		last[a.EndpointID] = a.To
	}
	counts := m.RequestCounts()
	if counts[OpCreateEndpoint] == 0 || counts[OpAcceptOrRejectEndpoint] == 0 || counts[OpListServiceConnections] == 0 || len(m.Actions()) == 0 {
		t.Errorf("the load did not exercise every call: %v", counts)
	}
	// Per-status totals add up to the connection count of each service.
	for _, s := range services {
		sum := 0
		for _, status := range connectionStatuses {
			b, _ := h.list(s, "status="+status)
			sum += b.TotalCount
		}
		all, _ := h.list(s, "")
		if sum != all.TotalCount {
			t.Errorf("service %s: statuses add to %d, total %d", s, sum, all.TotalCount)
		}
	}
}
