package sharedread

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock/mocktest"
)

// fakeConnectionAPI serves connections of one service from memory in a
// fixed order, counting calls as the API would see them (one per page of
// 1000 for list-all), with a small latency so that concurrent reads overlap.
type fakeConnectionAPI struct {
	latency time.Duration
	gets    atomic.Int64
	pages   atomic.Int64 // list requests, a first page or a page of list-all
	lists   atomic.Int64 // list calls (ListConnections or ListAllConnections)

	mu     sync.Mutex
	ids    []string          // in list order
	status map[string]string // endpoint id -> status
	skip   map[string]bool   // left out of lists, as a list shifted by a deletion would
	hold   chan struct{}     // if set, requests block until it is closed
}

// wait blocks while the fake is held.
func (f *fakeConnectionAPI) wait() {
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
}

func newFakeConnectionAPI(n int, latency time.Duration) *fakeConnectionAPI {
	f := &fakeConnectionAPI{latency: latency, status: map[string]string{}}
	for i := range n {
		id := fmt.Sprintf("ep-%d", i)
		f.ids = append(f.ids, id)
		f.status[id] = client.StatusPendingAcceptance
	}
	return f
}

func (f *fakeConnectionAPI) set(endpointID, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status[endpointID] = status
}

func (f *fakeConnectionAPI) GetConnection(ctx context.Context, _, endpointID string) (*client.Connection, error) {
	f.gets.Add(1)
	f.wait()
	time.Sleep(f.latency)
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.status[endpointID]
	if !ok {
		return nil, fmt.Errorf("no such connection: %w", client.ErrConnectionNotFound)
	}
	return &client.Connection{ID: endpointID, Status: st}, nil
}

// page returns the connections from offset on, at most limit (0: all).
func (f *fakeConnectionAPI) page(offset, limit int) ([]client.Connection, int) {
	f.mu.Lock()
	var out []client.Connection
	for _, id := range f.ids {
		if st, ok := f.status[id]; ok && !f.skip[id] {
			out = append(out, client.Connection{ID: id, Status: st})
		}
	}
	f.mu.Unlock()
	f.wait()
	total := len(out)
	out = out[min(offset, total):]
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	time.Sleep(f.latency)
	return out, total
}

func (f *fakeConnectionAPI) ListConnections(ctx context.Context, _ string, opts client.ListConnectionsOptions) (*client.ListConnectionsResult, error) {
	f.lists.Add(1)
	f.pages.Add(1)
	conns, total := f.page(opts.Offset, opts.Limit)
	return &client.ListConnectionsResult{Connections: conns, TotalCount: total}, nil
}

func (f *fakeConnectionAPI) ListAllConnections(ctx context.Context, _ string, opts client.ListConnectionsOptions) ([]client.Connection, error) {
	f.lists.Add(1)
	conns, _ := f.page(opts.Offset, 0)
	f.pages.Add(int64(max(1, (len(conns)+999)/1000)))
	return conns, nil
}

// calls is the number of API requests the fake saw.
func (f *fakeConnectionAPI) calls() int64 { return f.gets.Load() + f.pages.Load() }

// readAll reads every endpoint concurrently and fails on any error or wrong
// status.
func readAll(t *testing.T, r *Reader, n int, want string) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c, err := r.Get(context.Background(), "svc", fmt.Sprintf("ep-%d", i), time.Time{})
			if err == nil && c.Status != want {
				err = fmt.Errorf("ep-%d: status %q, want %q", i, c.Status, want)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestUnitConnectionReaderCoalesces catches N concurrent reads of a service
// of N connections costing more than ceil(N/1000)+1 requests (one per read
// would throttle a refresh of thousands).
func TestUnitConnectionReaderCoalesces(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 10, 100, 1500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			api := newFakeConnectionAPI(n, 5*time.Millisecond)
			r := New(api)
			readAll(t, r, n, client.StatusPendingAcceptance)
			limit := int64((n+999)/1000 + 1)
			if n == 1 {
				limit = 1
			}
			if got := api.calls(); got > limit {
				t.Errorf("%d reads cost %d requests (%d gets, %d pages), want at most %d", n, got, api.gets.Load(), api.pages.Load(), limit)
			}
			t.Logf("%d concurrent reads: %d gets, %d list pages", n, api.gets.Load(), api.pages.Load())
		})
	}
}

// TestUnitConnectionReaderWriteInvalidates catches a read that starts after
// a write served from a snapshot taken before it.
func TestUnitConnectionReaderWriteInvalidates(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(20, 0)
	r := New(api)
	readAll(t, r, 20, client.StatusPendingAcceptance) // leaves a snapshot
	api.set("ep-3", client.StatusAccepted)
	r.Invalidate("svc")
	c, err := r.Get(context.Background(), "svc", "ep-3", time.Time{})
	if err != nil || c.Status != client.StatusAccepted {
		t.Fatalf("read after write = %+v, %v; want status accepted", c, err)
	}
}

// TestUnitConnectionReaderInFlightBeforeWrite catches reads that start
// after a write joining a list call that was already running when the write
// completed.
func TestUnitConnectionReaderInFlightBeforeWrite(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(5, 0)
	r := New(api)
	r.busyWindow = time.Hour // every read after the first is part of a burst

	if _, err := r.Get(context.Background(), "svc", "ep-0", time.Time{}); err != nil { // a lone get
		t.Fatal(err)
	}
	block := make(chan struct{})
	api.mu.Lock()
	api.hold = block
	api.mu.Unlock()
	first := make(chan error, 1)
	go func() { // starts a list that blocks: it will show the state before the write
		_, err := r.Get(context.Background(), "svc", "ep-1", time.Time{})
		first <- err
	}()
	waitFor(t, func() bool { return api.lists.Load() == 1 })
	api.mu.Lock()
	api.status["ep-1"] = client.StatusRejected
	api.hold = nil
	api.mu.Unlock()
	r.Invalidate("svc")

	second := make(chan *client.Connection, 1)
	go func() {
		c, err := r.Get(context.Background(), "svc", "ep-1", time.Time{})
		if err != nil {
			t.Error(err)
		}
		second <- c
	}()
	// Let the second read queue up behind the blocked list: poll rather than
	// sleep, so a loaded machine does not release the list too early.
	waitFor(t, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		v := r.services["svc"]
		return v != nil && v.queued != nil
	})
	close(block)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if c := <-second; c == nil || c.Status != client.StatusRejected {
		t.Fatalf("read after write saw %+v, want status rejected", c)
	}
	if got := api.lists.Load(); got != 2 {
		t.Errorf("list calls = %d, want 2 (the read after the write may not join the earlier list)", got)
	}
}

// fakeClock is a settable clock for Reader.now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// TestUnitConnectionReaderSnapshotFreshness catches a snapshot that breaks
// the freshness rule on a fake clock: it must serve one burst of reads
// however long the burst (a refresh walk of 1000 approvals takes ~10 s),
// and no longer than its maximum age; a pause longer than busyWindow or a
// write must end it.
func TestUnitConnectionReaderSnapshotFreshness(t *testing.T) {
	t.Parallel()
	const n = 1000
	tests := []struct {
		name string
		// walk reads every connection in turn, with gap between reads;
		// between is called before read i (may advance the clock or write).
		gap     time.Duration
		between func(i int, clock *fakeClock, r *Reader, api *fakeConnectionAPI)
		// wantGets and wantLists count the calls of the whole walk.
		wantGets, wantLists int64
		// changed, if set, is read last and must show status accepted.
		changed bool
	}{
		{
			name: "refresh walk of 1000 over 10s",
			gap:  10 * time.Millisecond,
			// The first read is alone (a get), the second starts the list
			// that serves the rest: 1 + ceil(1000/1000) calls.
			wantGets: 1, wantLists: 1,
		},
		{
			name: "pause longer than busyWindow",
			gap:  10 * time.Millisecond,
			between: func(i int, clock *fakeClock, r *Reader, _ *fakeConnectionAPI) {
				if i == 500 {
					clock.Advance(r.busyWindow + time.Millisecond)
				}
			},
			// After the pause: a lone get, then a new list.
			wantGets: 2, wantLists: 2,
		},
		{
			name: "burst longer than the maximum age",
			gap:  100 * time.Millisecond, // 1000 reads over 100 s
			// The list started at read 1 serves until 60 s (read 601), then one
			// new list serves the rest.
			wantGets: 1, wantLists: 2,
		},
		{
			name: "write in the middle",
			gap:  10 * time.Millisecond,
			between: func(i int, _ *fakeClock, r *Reader, api *fakeConnectionAPI) {
				if i == 500 {
					api.set("ep-999", client.StatusAccepted)
					r.Invalidate("svc")
				}
			},
			wantGets: 1, wantLists: 2, changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeConnectionAPI(n, 0)
			r := New(api)
			clock := &fakeClock{now: time.Unix(1000, 0)}
			r.now = clock.Now
			for i := range n {
				if tt.between != nil {
					tt.between(i, clock, r, api)
				}
				id := fmt.Sprintf("ep-%d", i)
				c, err := r.Get(context.Background(), "svc", id, time.Time{})
				if err != nil {
					t.Fatalf("read %d: %v", i, err)
				}
				if i == n-1 && tt.changed && c.Status != client.StatusAccepted {
					t.Errorf("read after the write saw %q, want accepted", c.Status)
				}
				clock.Advance(tt.gap)
			}
			if g, l := api.gets.Load(), api.lists.Load(); g != tt.wantGets || l != tt.wantLists {
				t.Errorf("gets=%d lists=%d, want %d and %d", g, l, tt.wantGets, tt.wantLists)
			}
		})
	}
}

// TestUnitConnectionReaderSlowList catches a list that takes longer than
// busyWindow (every read Terraform runs at once is waiting for it, so none
// starts meanwhile) not serving the reads that follow it.
func TestUnitConnectionReaderSlowList(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(3, 0)
	r := New(api)
	clock := &fakeClock{now: time.Unix(1000, 0)}
	r.now = clock.Now
	ctx := context.Background()
	if _, err := r.Get(ctx, "svc", "ep-0", time.Time{}); err != nil { // lone: a get
		t.Fatal(err)
	}
	block := make(chan struct{})
	api.mu.Lock()
	api.hold = block
	api.mu.Unlock()
	listed := make(chan error, 1)
	go func() { _, err := r.Get(ctx, "svc", "ep-1", time.Time{}); listed <- err }()
	waitFor(t, func() bool { return api.lists.Load() == 1 })
	clock.Advance(3 * r.busyWindow)
	close(block)
	if err := <-listed; err != nil {
		t.Fatal(err)
	}
	clock.Advance(r.busyWindow / 2)
	if _, err := r.Get(ctx, "svc", "ep-2", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if g, l := api.gets.Load(), api.lists.Load(); g != 1 || l != 1 {
		t.Errorf("gets=%d lists=%d, want 1 and 1 (the read after the slow list uses its snapshot)", g, l)
	}
}

// TestUnitConnectionReaderLargeServicePolls catches concurrent polls
// listing the whole service on every round once a list has shown it to be
// large, instead of looking up their own connections; and polls of a small
// service that stop sharing lists.
func TestUnitConnectionReaderLargeServicePolls(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		size      int
		wantLists bool // whether the polls (after the first list) still list
	}{
		{"small service", 20, true},
		{"large service", 20000, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeConnectionAPI(tt.size, time.Millisecond)
			r := New(api)
			r.busyWindow = time.Hour // every read after the first is part of a burst
			ctx := context.Background()
			for _, id := range []string{"ep-0", "ep-1"} { // a get, then a list: the size is known
				if _, err := r.Get(ctx, "svc", id, time.Time{}); err != nil {
					t.Fatal(err)
				}
			}
			gets0, lists0 := api.gets.Load(), api.lists.Load()
			for round := range 3 {
				var wg sync.WaitGroup
				for w := range 10 {
					wg.Go(func() {
						if _, err := r.Get(ctx, "svc", fmt.Sprintf("ep-%d", w), time.Now()); err != nil {
							t.Errorf("round %d poll %d: %v", round, w, err)
						}
					})
				}
				wg.Wait()
			}
			gets, lists := api.gets.Load()-gets0, api.lists.Load()-lists0
			if tt.wantLists && (lists == 0 || gets >= 30) {
				t.Errorf("30 polls of a small service: %d gets, %d lists; want them to share lists", gets, lists)
			}
			if !tt.wantLists && (lists != 0 || gets != 30) {
				t.Errorf("30 polls of a large service: %d gets, %d lists; want 30 gets and no list", gets, lists)
			}
		})
	}
}

// TestUnitConnectionReaderNotBefore catches a poll that needs data newer
// than its last observation served from an older snapshot.
func TestUnitConnectionReaderNotBefore(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(2, 0)
	r := New(api)
	r.busyWindow = time.Hour
	ctx := context.Background()
	for _, id := range []string{"ep-0", "ep-1"} { // a get, then a list kept as snapshot
		if _, err := r.Get(ctx, "svc", id, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	api.set("ep-1", client.StatusAccepted)
	c, err := r.Get(ctx, "svc", "ep-1", time.Now().Add(time.Millisecond))
	if err != nil || c.Status != client.StatusAccepted {
		t.Fatalf("poll with notBefore = %+v, %v; want accepted", c, err)
	}
}

// TestUnitConnectionReaderNotFound catches an endpoint absent from a list
// reported otherwise than as not found.
func TestUnitConnectionReaderNotFound(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(2, 0)
	r := New(api)
	r.busyWindow = time.Hour
	for _, id := range []string{"ep-0", "nope"} {
		_, err := r.Get(context.Background(), "svc", id, time.Time{})
		if id == "nope" && !errors.Is(err, client.ErrConnectionNotFound) {
			t.Fatalf("Get(nope) = %v, want ErrConnectionNotFound", err)
		}
	}
	if api.lists.Load() != 1 {
		t.Fatalf("lists = %d, want the second read to be a list", api.lists.Load())
	}
}

// TestUnitConnectionReaderConfirmsMissing catches an endpoint a coalesced
// list lacks reported missing without a lookup of its own (a list that
// skipped a live connection would make Read drop it from state), a lookup
// for one the list holds, and one truly gone reported as found.
func TestUnitConnectionReaderConfirmsMissing(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(3, 0)
	api.skip = map[string]bool{"ep-1": true}
	r := New(api)
	r.busyWindow = time.Hour
	tests := []struct {
		id       string
		found    bool
		wantGets int64 // lookups counted after this read
	}{
		{"ep-0", true, 1},  // a lone read: a lookup
		{"ep-2", true, 1},  // a list, which holds it
		{"ep-1", true, 2},  // the snapshot lacks it: confirmed by a lookup
		{"nope", false, 3}, // lacking and gone
	}
	for _, tt := range tests {
		c, err := r.Get(context.Background(), "svc", tt.id, time.Time{})
		switch {
		case tt.found && (err != nil || c == nil || c.ID != tt.id):
			t.Errorf("Get(%s) = %+v, %v; want the connection", tt.id, c, err)
		case !tt.found && !client.IsNotFound(err):
			t.Errorf("Get(%s) = %+v, %v; want not found", tt.id, c, err)
		}
		if got := api.gets.Load(); got != tt.wantGets {
			t.Errorf("after Get(%s): lookups = %d, want %d", tt.id, got, tt.wantGets)
		}
	}
	if got := api.lists.Load(); got != 1 {
		t.Errorf("lists = %d, want 1", got)
	}
}

// TestUnitConnectionReaderCancelledJoiner catches a read whose context ends
// that keeps waiting, or that breaks the shared list for the others.
func TestUnitConnectionReaderCancelledJoiner(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(3, 0)
	r := New(api)
	r.busyWindow = time.Hour
	if _, err := r.Get(context.Background(), "svc", "ep-0", time.Time{}); err != nil {
		t.Fatal(err)
	}
	block := make(chan struct{})
	api.mu.Lock()
	api.hold = block
	api.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancelled := make(chan error, 1)
	go func() { _, err := r.Get(ctx, "svc", "ep-1", time.Time{}); cancelled <- err }()
	waitFor(t, func() bool { return api.lists.Load() == 1 })
	other := make(chan error, 1)
	go func() { _, err := r.Get(context.Background(), "svc", "ep-2", time.Time{}); other <- err }()
	cancel()
	if err := <-cancelled; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read = %v, want context.Canceled", err)
	}
	close(block)
	if err := <-other; err != nil {
		t.Fatalf("other read = %v, want success", err)
	}
}

// waitFor polls cond for up to 5s; it is a synchronisation helper, not a
// timing assertion.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestUnitConnectionReaderMockRequestCounts catches N concurrent reads of
// one service costing more than ceil(N/1000)+1 list calls, measured against
// the mock and the real client.
func TestUnitConnectionReaderMockRequestCounts(t *testing.T) {
	t.Parallel()
	for _, n := range []int{10, 100, 1500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			e := mocktest.Start(t, vpcepmock.Config{})
			svc := e.Mock.CreateService(e.ProjectID, vpcepmock.ServiceSpec{Name: "shared"}).ID
			ids := make([]string, n)
			for i := range ids {
				ep, err := e.Mock.CreateEndpoint(e.ProjectID, vpcepmock.EndpointSpec{ServiceID: svc, DomainID: "domain"})
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = ep.ID
			}
			c, err := client.New(client.Config{Endpoint: e.URL, ProjectID: e.ProjectID, AuthToken: e.Token})
			if err != nil {
				t.Fatal(err)
			}
			r := New(c)
			e.Mock.ResetRequestCounts()

			var wg sync.WaitGroup
			start := make(chan struct{})
			for _, id := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					conn, err := r.Get(context.Background(), svc, id, time.Time{})
					if err != nil || conn.ID != id || conn.Status != client.StatusPendingAcceptance {
						t.Errorf("Get(%s) = %+v, %v", id, conn, err)
					}
				}()
			}
			close(start)
			wg.Wait()

			lists := e.Mock.RequestCounts()[vpcepmock.OpListServiceConnections]
			if limit := (n+999)/1000 + 1; lists > limit {
				t.Errorf("%d concurrent reads cost %d list calls, want at most %d", n, lists, limit)
			}
			t.Logf("%d concurrent reads: %d list calls (GetConnection and pages)", n, lists)

			// A write through the provider, then a read: it must see the write.
			if _, err := c.AcceptOrReject(context.Background(), svc, ids[0], client.ActionReject); err != nil {
				t.Fatal(err)
			}
			r.Invalidate(svc)
			conn, err := r.Get(context.Background(), svc, ids[0], time.Time{})
			if err != nil || conn.Status != client.StatusRejected {
				t.Fatalf("read after reject = %+v, %v; want rejected", conn, err)
			}
		})
	}
}

// TestUnitConnectionReaderLonePoller catches one waiter polling its own
// connection switched to lists (a list of a big service would cost more),
// and a poll with a later notBefore that does not reach the API.
func TestUnitConnectionReaderLonePoller(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(3000, 0)
	r := New(api)
	for range 5 {
		if _, err := r.Get(context.Background(), "svc", "ep-7", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if g, l := api.gets.Load(), api.lists.Load(); g != 5 || l != 0 {
		t.Fatalf("5 polls of one connection: %d gets, %d lists; want 5 and 0", g, l)
	}
}

// readWith reads ids as arrival says: "terraform" (ten at a time, as
// Terraform's default parallelism), "together" (all at once) or "sequential".
func readWith(t testing.TB, r *Reader, ids []string, arrival string, notBefore func() time.Time) {
	t.Helper()
	workers := map[string]int{"terraform": 10, "together": len(ids), "sequential": 1}[arrival]
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range jobs {
				c, err := r.Get(context.Background(), "svc", id, notBefore())
				if err == nil && c.ID != id {
					err = fmt.Errorf("got connection %s", c.ID)
				}
				if err != nil {
					t.Errorf("Get(%s): %v", id, err)
				}
			}
		})
	}
	for _, id := range ids {
		jobs <- id
	}
	close(jobs)
	wg.Wait()
}

// spread returns n endpoint ids spread evenly over a service of m
// connections, in a shuffled order (Terraform's walk order is arbitrary).
func spread(n, m int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ep-%d", i*m/n)
	}
	rand.New(rand.NewPCG(uint64(n), uint64(m))).Shuffle(n, func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids
}

// TestUnitConnectionReaderRequestRule catches a break of the reader's cost
// rule, as the Reader's comment states it: a refresh of N approvals of a
// service of M connections (P = ceil(M/1000) pages) costs at most min(N, P)
// + 1 requests when N < P or every read waits at once, and less than 2P
// otherwise. Without it a refresh of 10 approvals of a 20,000-connection
// service listed all 20 pages, and one of the whole service cost a lookup
// per approval.
func TestUnitConnectionReaderRequestRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, m    int
		arrival string
	}{
		{1, 1, "terraform"},
		{1, 20000, "terraform"},
		{10, 20000, "terraform"},
		{10, 20000, "together"},
		{10, 20000, "sequential"},
		{19, 20000, "terraform"},
		{50, 100000, "terraform"},
		{1000, 1000, "terraform"},
		{1000, 1000, "together"},
		{1000, 1000, "sequential"},
		{1500, 1500, "together"},
		{1500, 1500, "terraform"},
		{100, 5000, "terraform"},
		{300, 9000, "terraform"},
		{200, 20000, "together"},
		{1000, 20000, "terraform"},
		{1000, 20000, "sequential"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_of_%d_%s", tt.n, tt.m, tt.arrival), func(t *testing.T) {
			t.Parallel()
			limit := requestBound(tt.n, tt.m, tt.arrival)
			api := newFakeConnectionAPI(tt.m, time.Millisecond)
			r := New(api)
			// One burst however slowly a loaded machine schedules the readers:
			// the rule is about the reads of one refresh.
			r.busyWindow = time.Hour
			readWith(t, r, spread(tt.n, tt.m), tt.arrival, func() time.Time { return time.Time{} })
			if got := api.calls(); got > int64(limit) {
				t.Errorf("refresh of %d of %d: %d requests (%d lookups, %d list pages), want at most %d",
					tt.n, tt.m, got, api.gets.Load(), api.pages.Load(), limit)
			}
			t.Logf("refresh of %d of %d (%s): %d lookups, %d list pages", tt.n, tt.m, tt.arrival, api.gets.Load(), api.pages.Load())
		})
	}
}

// requestBound is the rule's bound for a refresh of n connections of a
// service of m. With n >= P and reads that do not all wait at once, how many
// reads wait together depends on scheduling (a loaded machine, seen in CI:
// 4 lookups and 5 pages for 100 of 5,000), so only the 2P - 1 bound holds:
// at most P - 1 lookups before the list, the first page, the other P - 1.
func requestBound(n, m int, arrival string) int {
	pages := max(1, (m+999)/1000)
	switch {
	case n < pages:
		return n + 1
	case arrival == "together":
		return pages + 1
	default:
		return max(pages+1, 2*pages-1)
	}
}

// TestUnitConnectionReaderPollRule catches K waiters polling together
// costing more than min(K, P) + 1 requests per round, plus one first page
// to learn the size. Without it the first round on a large service listed
// every page, and rounds on a small one cost a lookup per waiter.
func TestUnitConnectionReaderPollRule(t *testing.T) {
	t.Parallel()
	const rounds = 3
	tests := []struct{ k, m int }{{10, 20000}, {10, 1000}, {10, 5000}, {3, 100000}, {1, 20000}}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_of_%d", tt.k, tt.m), func(t *testing.T) {
			t.Parallel()
			api := newFakeConnectionAPI(tt.m, 0)
			r := New(api)
			ids := spread(tt.k, tt.m)
			for range rounds {
				// Hold the API until every poll of the round is waiting, as
				// polls that overlap an answer in flight do.
				hold := make(chan struct{})
				api.mu.Lock()
				api.hold = hold
				api.mu.Unlock()
				done := make(chan struct{})
				go func() { readWith(t, r, ids, "together", time.Now); close(done) }()
				waitFor(t, func() bool {
					r.mu.Lock()
					defer r.mu.Unlock()
					v := r.services["svc"]
					if v == nil || v.inflight == 0 {
						return false
					}
					n := 1 // the read whose request is in flight
					if v.cur != nil {
						n = len(v.cur.waiters)
					}
					if v.queued != nil {
						n += len(v.queued.reads)
					}
					return n == tt.k
				})
				api.mu.Lock()
				api.hold = nil
				api.mu.Unlock()
				close(hold)
				<-done
			}
			pages := (tt.m + 999) / 1000
			if limit := int64(rounds*(min(tt.k, pages)+1) + 1); api.calls() > limit {
				t.Errorf("%d rounds of %d polls of a service of %d: %d requests (%d lookups, %d list pages), want at most %d",
					rounds, tt.k, tt.m, api.calls(), api.gets.Load(), api.pages.Load(), limit)
			}
			t.Logf("%d rounds of %d polls, %d connections: %d lookups, %d list pages", rounds, tt.k, tt.m, api.gets.Load(), api.pages.Load())
		})
	}
}

// BenchmarkReaderRefresh measures what a refresh of N approvals of a
// service of M connections costs under the reader's rule, in requests, next
// to the N requests of a reader that only looked connections up. A handful
// of approvals (the README's per-endpoint case) costs about N either way;
// the rule pays where one approval per connection is written, as
// `terraform query -generate-config-out` does on adoption.
func BenchmarkReaderRefresh(b *testing.B) {
	for _, bc := range []struct{ n, m int }{{1, 20000}, {3, 500}, {5, 20000}, {1000, 1000}, {2000, 20000}} {
		b.Run(fmt.Sprintf("%d_of_%d", bc.n, bc.m), func(b *testing.B) {
			ids := spread(bc.n, bc.m)
			var requests int64
			for b.Loop() {
				api := newFakeConnectionAPI(bc.m, time.Millisecond)
				readWith(b, New(api), ids, "terraform", func() time.Time { return time.Time{} })
				requests += api.calls()
			}
			b.ReportMetric(float64(requests)/float64(b.N), "requests/refresh")
			b.ReportMetric(float64(bc.n), "lookup-only-requests/refresh")
		})
	}
}
