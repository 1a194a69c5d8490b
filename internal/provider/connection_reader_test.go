package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// fakeConnectionAPI serves connections of one service from memory, counting
// calls as the API would see them (one per page of 1000 for list-all), with
// a small latency so that concurrent reads overlap.
type fakeConnectionAPI struct {
	latency time.Duration
	gets    atomic.Int64
	pages   atomic.Int64
	lists   atomic.Int64

	mu     sync.Mutex
	status map[string]string // endpoint id -> status
	listed chan struct{}     // if set, ListAllConnections blocks until it is closed
}

func newFakeConnectionAPI(n int, latency time.Duration) *fakeConnectionAPI {
	f := &fakeConnectionAPI{latency: latency, status: map[string]string{}}
	for i := range n {
		f.status[fmt.Sprintf("ep-%d", i)] = client.StatusPendingAcceptance
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
	time.Sleep(f.latency)
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.status[endpointID]
	if !ok {
		return nil, fmt.Errorf("no such connection: %w", client.ErrConnectionNotFound)
	}
	return &client.Connection{ID: endpointID, Status: st}, nil
}

func (f *fakeConnectionAPI) ListAllConnections(ctx context.Context, _ string, _ client.ListConnectionsOptions) ([]client.Connection, error) {
	f.lists.Add(1)
	f.mu.Lock()
	out := make([]client.Connection, 0, len(f.status))
	for id, st := range f.status {
		out = append(out, client.Connection{ID: id, Status: st})
	}
	block := f.listed
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	f.pages.Add(int64(max(1, (len(out)+999)/1000)))
	time.Sleep(f.latency)
	return out, nil
}

// calls is the number of API requests the fake saw.
func (f *fakeConnectionAPI) calls() int64 { return f.gets.Load() + f.pages.Load() }

// readAll reads every endpoint concurrently and fails on any error or wrong
// status.
func readAll(t *testing.T, r *connectionReader, n int, want string) {
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

// TestUnitConnectionReaderCoalesces checks issue 6's target: N concurrent
// reads of one service cost at most ceil(N/1000)+1 requests.
func TestUnitConnectionReaderCoalesces(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 10, 100, 1500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			api := newFakeConnectionAPI(n, 5*time.Millisecond)
			r := newConnectionReader(api)
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

// TestUnitConnectionReaderWriteInvalidates: a read that starts after a write
// never uses a snapshot from before it.
func TestUnitConnectionReaderWriteInvalidates(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(20, 0)
	r := newConnectionReader(api)
	readAll(t, r, 20, client.StatusPendingAcceptance) // leaves a snapshot
	api.set("ep-3", client.StatusAccepted)
	r.Invalidate("svc")
	c, err := r.Get(context.Background(), "svc", "ep-3", time.Time{})
	if err != nil || c.Status != client.StatusAccepted {
		t.Fatalf("read after write = %+v, %v; want status accepted", c, err)
	}
}

// TestUnitConnectionReaderInFlightBeforeWrite: a list call that was already
// running when a write completed is not joined by reads that start after
// the write.
func TestUnitConnectionReaderInFlightBeforeWrite(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(5, 0)
	r := newConnectionReader(api)
	r.busyWindow = time.Hour // every read after the first is part of a burst

	if _, err := r.Get(context.Background(), "svc", "ep-0", time.Time{}); err != nil { // a lone get
		t.Fatal(err)
	}
	block := make(chan struct{})
	api.mu.Lock()
	api.listed = block
	api.mu.Unlock()
	first := make(chan error, 1)
	go func() { // starts a list that blocks: it will show the state before the write
		_, err := r.Get(context.Background(), "svc", "ep-1", time.Time{})
		first <- err
	}()
	waitFor(t, func() bool { return api.lists.Load() == 1 })
	api.mu.Lock()
	api.status["ep-1"] = client.StatusRejected
	api.listed = nil
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
	time.Sleep(20 * time.Millisecond) // let the second read queue up behind the blocked list
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

// TestUnitConnectionReaderSnapshotExpires: a snapshot serves reads only for
// snapshotTTL after its list completed.
func TestUnitConnectionReaderSnapshotExpires(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(3, 0)
	r := newConnectionReader(api)
	var mu sync.Mutex
	now := time.Unix(1000, 0)
	r.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }

	get := func(id string) *client.Connection {
		t.Helper()
		c, err := r.Get(context.Background(), "svc", id, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	get("ep-0") // lone: a get
	get("ep-1") // within busyWindow: a list, kept as snapshot
	get("ep-2") // served by the snapshot
	if g, l := api.gets.Load(), api.lists.Load(); g != 1 || l != 1 {
		t.Fatalf("gets=%d lists=%d, want 1 and 1", g, l)
	}
	api.set("ep-2", client.StatusAccepted)
	advance(r.snapshotTTL + time.Millisecond)
	if c := get("ep-2"); c.Status != client.StatusAccepted {
		t.Fatalf("read after the snapshot expired saw %q, want accepted", c.Status)
	}
}

// TestUnitConnectionReaderNotBefore: a poll that needs data newer than its
// last observation does not use an older snapshot.
func TestUnitConnectionReaderNotBefore(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(2, 0)
	r := newConnectionReader(api)
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

// TestUnitConnectionReaderNotFound: an endpoint absent from a list is
// reported as not found.
func TestUnitConnectionReaderNotFound(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(2, 0)
	r := newConnectionReader(api)
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

// TestUnitConnectionReaderCancelledJoiner: a read whose context ends stops
// waiting without breaking the shared list for the others.
func TestUnitConnectionReaderCancelledJoiner(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(3, 0)
	r := newConnectionReader(api)
	r.busyWindow = time.Hour
	if _, err := r.Get(context.Background(), "svc", "ep-0", time.Time{}); err != nil {
		t.Fatal(err)
	}
	block := make(chan struct{})
	api.mu.Lock()
	api.listed = block
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

// TestUnitConnectionReaderMockRequestCounts measures, against the mock and
// the real client, the list calls that N concurrent reads of one service
// cost (issue 6: at most ceil(N/1000)+1).
func TestUnitConnectionReaderMockRequestCounts(t *testing.T) {
	t.Parallel()
	for _, n := range []int{10, 100, 1500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			svc := e.NewService(t, true)
			ids := make([]string, n)
			for i := range ids {
				ids[i] = e.NewEndpoint(t, svc, "domain")
			}
			c, err := client.New(client.Config{Endpoint: e.URL, ProjectID: e.ProjectID, AuthToken: e.Token})
			if err != nil {
				t.Fatal(err)
			}
			r := newConnectionReader(c)
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

// TestUnitConnectionReaderLonePoller: one waiter polling its own connection
// keeps using single lookups (a list of a big service would cost more), and
// each poll with a later notBefore reaches the API.
func TestUnitConnectionReaderLonePoller(t *testing.T) {
	t.Parallel()
	api := newFakeConnectionAPI(3000, 0)
	r := newConnectionReader(api)
	for range 5 {
		if _, err := r.Get(context.Background(), "svc", "ep-7", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if g, l := api.gets.Load(), api.lists.Load(); g != 5 || l != 0 {
		t.Fatalf("5 polls of one connection: %d gets, %d lists; want 5 and 0", g, l)
	}
}
