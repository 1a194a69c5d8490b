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
	// defaultSnapshotTTL is how long after a list call completes its result
	// may still serve reads: long enough to cover one refresh walk of
	// Terraform over many approvals (each read is a quick RPC), short enough
	// that a change made outside Terraform shows up in the next plan.
	defaultSnapshotTTL = 5 * time.Second
	// defaultBusyWindow: a read that comes within this time of another read of
	// the same service is part of a burst, and is answered by a list of the
	// whole service rather than by a lookup of its one connection.
	defaultBusyWindow = time.Second
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
//   - A read in a burst joins the list of all connections (ListAllConnections,
//     1000 per page) that is in flight, or the next one; at most one such list
//     runs per service at a time, and the reads waiting for it share it.
//   - A completed list is kept as a snapshot that answers later reads.
//
// Freshness: a read may only use a list call that
//   - started after the last write (action or description) to the service
//     made through this reader's invalidate completed before the read began:
//     each write bumps the service's generation, and a list call remembers the
//     generation it started in, so a read that starts after a write never sees
//     a snapshot taken before it;
//   - started no earlier than the read's notBefore (waiters pass the time of
//     their last observation, so each poll sees newer data than the last);
//   - completed at most snapshotTTL ago.
//
// Reads overlapping a write may see the state before or after it, as with
// any concurrent read; reads that start after it never see the state before it.
type connectionReader struct {
	api         connectionAPI
	snapshotTTL time.Duration
	busyWindow  time.Duration
	now         func() time.Time

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
		api:         api,
		snapshotTTL: defaultSnapshotTTL,
		busyWindow:  defaultBusyWindow,
		now:         time.Now,
		services:    map[string]*serviceView{},
	}
}

// view returns the state of serviceID; callers hold r.mu.
func (r *connectionReader) view(serviceID string) *serviceView {
	v := r.services[serviceID]
	if v == nil {
		v = &serviceView{}
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
	busy := v.gets > 0 || v.cur != nil || recentOther
	v.lastRead, v.lastEndpoint = now, endpointID

	var call *listCall
	switch {
	case usable(v.snap) && now.Sub(v.snap.finished) <= r.snapshotTTL:
		snap := v.snap
		r.mu.Unlock()
		return lookup(snap, serviceID, endpointID)
	case usable(v.cur):
		call = v.cur
	case busy && v.cur != nil:
		// One list per service at a time: queue on the next one, which
		// starts (after this read began) when the current one completes.
		if v.next == nil {
			v.next = &listCall{done: make(chan struct{})}
		}
		call = v.next
	case busy:
		call = r.startLocked(ctx, serviceID, v, &listCall{done: make(chan struct{})})
	default:
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
		return lookup(call, serviceID, endpointID)
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
		close(call.done)
		v.cur = nil
		if err == nil && call.gen == v.gen {
			v.snap = call
		}
		if next := v.next; next != nil {
			v.next = nil
			r.startLocked(ctx, serviceID, v, next)
		}
		r.mu.Unlock()
	}()
	return call
}

// lookup finds endpointID in a completed list call.
func lookup(call *listCall, serviceID, endpointID string) (*client.Connection, error) {
	if call.err != nil {
		return nil, call.err
	}
	conn, ok := call.conns[endpointID]
	if !ok {
		return nil, fmt.Errorf("endpoint %s has no connection to service %s: %w", endpointID, serviceID, client.ErrConnectionNotFound)
	}
	return &conn, nil
}
