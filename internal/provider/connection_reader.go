package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// connectionAPI is the part of the client the reader uses; tests substitute
// it to count and delay calls.
type connectionAPI interface {
	GetConnection(ctx context.Context, serviceID, endpointID string) (*client.Connection, error)
	ListAllConnections(ctx context.Context, serviceID string, opts client.ListConnectionsOptions) ([]client.Connection, error)
}

// Tuning of the reader. See connectionReader for the rules they serve.
const (
	// defaultBusyWindow: a read that comes within this time of another read of
	// the same service is part of a burst. A burst is answered by a list of
	// the whole service rather than by lookups of single connections, and a
	// completed list keeps serving the burst for as long as it lasts.
	defaultBusyWindow = time.Second
	// defaultSnapshotMaxAge bounds how long after its list started a snapshot
	// may serve a burst, however long the burst: longer than one refresh walk
	// of Terraform over thousands of approvals (about 10 s per 1000 on 2
	// cores), short enough that a long-running provider process (a long apply)
	// does not answer from a list taken minutes ago.
	defaultSnapshotMaxAge = time.Minute
	// defaultPollLookupMin: a poll (a read with a notBefore) of a service whose
	// last list held at least this many connections looks up its one
	// connection instead of joining a list of all of them. The API is
	// throttled per request, so the measure is requests: at most Terraform's
	// parallelism (10) waiting resources poll at once, so one list round
	// serves about 10 polls, and it costs fewer requests than their lookups
	// while it takes fewer than 10 pages. Below that size lists win on
	// requests (bench at N=1000, 300 ms delay: 980 lists instead of 4990
	// lookups, 21 instead of 131 requests/s) and their cost in memory is
	// transient, once the client stopped logging whole bodies.
	defaultPollLookupMin = 10 * client.MaxPageSize
	// listCallTimeout bounds one shared list call; it runs detached from the
	// context of the read that started it, because other reads depend on it.
	listCallTimeout = 5 * time.Minute
)

// connectionReader answers "what is the connection of endpoint E to service
// S now?" for every resource and data source of one provider process, and
// coalesces the answers for one service into paged list calls, so that a
// refresh of N approvals of a service costs ceil(N/1000)+1 list calls rather
// than N.
//
// The rule, per service:
//   - A read that is alone (no other read of the service in flight, and no
//     read of another connection within busyWindow) looks up its one
//     connection (GetConnection, a list by id).
//   - A poll (notBefore set: a waiter) of a service whose last list held
//     pollLookupMin connections or more also looks up its one connection:
//     the few waiters Terraform runs at once need a few connections, not
//     the whole service, on every poll.
//   - Any other read in a burst joins the list of all connections
//     (ListAllConnections, 1000 per page) that is in flight, or the next one;
//     at most one such list runs per service at a time, and the reads waiting
//     for it share it.
//   - A completed list is kept as a snapshot that answers later reads of the
//     same burst.
//
// Freshness: a read may only use a list call that
//   - started after the last write (action or description) to the service
//     made through this reader's invalidate completed before the read began:
//     each write bumps the service's generation, and a list call remembers the
//     generation it started in, so a read that starts after a write never sees
//     a snapshot taken before it;
//   - started no earlier than the read's notBefore (waiters pass the time of
//     their last observation, so each poll sees newer data than the last);
//   - for a snapshot, belongs to the read's burst: the previous read of the
//     service (or the completion of a list) came at most busyWindow before
//     this one (the window slides with every read, so a refresh walk of any length is served by one list, and
//     any pause longer than busyWindow ends the burst and its snapshot), and
//     the list started at most snapshotMaxAge ago (so an endless stream of
//     reads still sees fresh data at that interval).
//
// A snapshot is thus the view of one Terraform operation's walk over the
// service, never carried into the next command: a change made outside
// Terraform shows up in the next plan.
//
// Reads overlapping a write may see the state before or after it, as with
// any concurrent read; reads that start after it never see the state before it.
type connectionReader struct {
	api            connectionAPI
	busyWindow     time.Duration
	snapshotMaxAge time.Duration
	pollLookupMin  int
	now            func() time.Time

	mu       sync.Mutex
	services map[string]*serviceView
}

// serviceView is the reader's state for one service. All fields are guarded
// by connectionReader.mu.
type serviceView struct {
	gen      uint64    // bumped by every write to the service
	snap     *listCall // last completed list of all connections
	cur      *listCall // list in flight
	next     *listCall // list that starts when cur completes; reads queue on it
	gets     int       // single-connection lookups in flight
	lastRead time.Time // start of the latest read
	// lastListDone is when the latest list call completed.
	lastListDone time.Time
	// size is the number of connections in the last completed list, -1
	// before the first.
	size int
	// lastEndpoint is the endpoint of the latest read.
	lastEndpoint string
}

// listCall is one ListAllConnections call, shared by the reads that join it.
type listCall struct {
	gen      uint64
	started  time.Time
	finished time.Time
	done     chan struct{}
	conns    map[string]client.Connection
	err      error
}

// newConnectionReader returns a reader over api with the default tuning.
func newConnectionReader(api connectionAPI) *connectionReader {
	return &connectionReader{
		api:            api,
		busyWindow:     defaultBusyWindow,
		snapshotMaxAge: defaultSnapshotMaxAge,
		pollLookupMin:  defaultPollLookupMin,
		now:            time.Now,
		services:       map[string]*serviceView{},
	}
}

// view returns the state of serviceID; callers hold r.mu.
func (r *connectionReader) view(serviceID string) *serviceView {
	v := r.services[serviceID]
	if v == nil {
		v = &serviceView{size: -1}
		r.services[serviceID] = v
	}
	return v
}

// Invalidate records that a write to serviceID has completed (successfully or
// not): reads that start from now on will not use data listed before it.
// Call it after every action or description update, with defer so that
// failed writes count too.
func (r *connectionReader) Invalidate(serviceID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v := r.view(serviceID)
	v.gen++
	v.snap = nil
}

// Get returns the connection of endpointID to serviceID, as listed no earlier
// than notBefore (zero: any data fresh by the rules above). An absent
// connection or service is an error for which client.IsNotFound is true.
func (r *connectionReader) Get(ctx context.Context, serviceID, endpointID string, notBefore time.Time) (*client.Connection, error) {
	r.mu.Lock()
	v := r.view(serviceID)
	now := r.now()
	startGen := v.gen
	usable := func(c *listCall) bool {
		return c != nil && c.gen >= startGen && !c.started.Before(notBefore)
	}
	// A burst is several connections read at about the same time. One
	// waiter polling its own connection is not a burst: it keeps using cheap
	// single lookups however often it polls.
	recentOther := !v.lastRead.IsZero() && now.Sub(v.lastRead) < r.busyWindow && v.lastEndpoint != endpointID
	// The burst goes on while the service sees a read start, or a list answer
	// its waiting reads, within busyWindow of the last. Counting the list's
	// completion matters when the list takes longer than busyWindow: the
	// reads waiting for it are all Terraform runs at once, so no new read
	// starts until it completes.
	last := v.lastRead
	if v.lastListDone.After(last) {
		last = v.lastListDone
	}
	if last.IsZero() || now.Sub(last) > r.busyWindow {
		// The burst that took the snapshot is over: it serves no later one.
		v.snap = nil
	}
	busy := v.gets > 0 || v.cur != nil || recentOther
	v.lastRead, v.lastEndpoint = now, endpointID
	// A poll of a large service looks up its one connection, unless a list
	// it may use is already there.
	pollLookup := !notBefore.IsZero() && v.size >= r.pollLookupMin

	var call *listCall
	switch {
	case usable(v.snap) && now.Sub(v.snap.started) <= r.snapshotMaxAge:
		snap := v.snap
		r.mu.Unlock()
		return r.lookup(ctx, snap, serviceID, endpointID)
	case usable(v.cur):
		call = v.cur
	case pollLookup:
		// Handled below, with the lone reads.
	case busy && v.cur != nil:
		// One list per service at a time: queue on the next one, which
		// starts (after this read began) when the current one completes.
		if v.next == nil {
			v.next = &listCall{done: make(chan struct{})}
		}
		call = v.next
	case busy:
		call = r.startLocked(ctx, serviceID, v, &listCall{done: make(chan struct{})})
	}
	if call == nil {
		v.gets++
		r.mu.Unlock()
		conn, err := r.api.GetConnection(ctx, serviceID, endpointID)
		r.mu.Lock()
		v.gets--
		r.mu.Unlock()
		return conn, err
	}
	r.mu.Unlock()

	select {
	case <-call.done:
		return r.lookup(ctx, call, serviceID, endpointID)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// startLocked starts call as the service's list in flight; callers hold r.mu.
// The call runs detached from ctx's cancellation (other reads may be waiting
// on it) but keeps its values for logging.
func (r *connectionReader) startLocked(ctx context.Context, serviceID string, v *serviceView, call *listCall) *listCall {
	call.gen = v.gen
	call.started = r.now()
	v.cur = call
	listCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listCallTimeout)
	go func() {
		defer cancel()
		tflog.Debug(listCtx, "listing all connections of the service for coalesced reads", map[string]any{"service_id": serviceID})
		conns, err := r.api.ListAllConnections(listCtx, serviceID, client.ListConnectionsOptions{})
		byID := make(map[string]client.Connection, len(conns))
		for _, c := range conns {
			byID[c.ID] = c
		}

		r.mu.Lock()
		call.conns, call.err, call.finished = byID, err, r.now()
		v.lastListDone = call.finished
		close(call.done)
		v.cur = nil
		if err == nil {
			v.size = len(byID)
			if call.gen == v.gen {
				v.snap = call
			}
		}
		if next := v.next; next != nil {
			v.next = nil
			r.startLocked(ctx, serviceID, v, next)
		}
		r.mu.Unlock()
	}()
	return call
}

// lookup finds endpointID in a completed list call. An id the list lacks is
// looked up once on its own before it is reported missing: the list pages by
// offset, so a connection deleted while it ran shifts the later ones and may
// make it skip a live one, and a false "not found" would make Read drop a
// live approval from state.
func (r *connectionReader) lookup(ctx context.Context, call *listCall, serviceID, endpointID string) (*client.Connection, error) {
	if call.err != nil {
		return nil, call.err
	}
	if conn, ok := call.conns[endpointID]; ok {
		return &conn, nil
	}
	tflog.Debug(ctx, "connection missing from the coalesced list: confirming with a lookup", map[string]any{
		"service_id": serviceID, "endpoint_id": endpointID,
	})
	// Its error, not-found or other, is the answer: it keeps the API's code.
	conn, err := r.api.GetConnection(ctx, serviceID, endpointID)
	if err == nil && conn == nil {
		err = fmt.Errorf("endpoint %s has no connection to service %s: %w", endpointID, serviceID, client.ErrConnectionNotFound)
	}
	return conn, err
}
