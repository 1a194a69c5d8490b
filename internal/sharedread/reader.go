// Package sharedread answers reads of single VPC endpoint connections for a
// whole provider process and shares the API's paged list calls between the
// reads of one service that come together. It knows nothing of Terraform.
package sharedread

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// API is the part of the client the reader uses; tests substitute
// it to count and delay calls.
type API interface {
	GetConnection(ctx context.Context, serviceID, endpointID string) (*client.Connection, error)
	ListConnections(ctx context.Context, serviceID string, opts client.ListConnectionsOptions) (*client.ListConnectionsResult, error)
	ListAllConnections(ctx context.Context, serviceID string, opts client.ListConnectionsOptions) ([]client.Connection, error)
}

const (
	// defaultBusyWindow: reads of a service less than this apart form a burst,
	// whose lists keep serving it for as long as it lasts.
	defaultBusyWindow = time.Second
	// defaultSnapshotMaxAge bounds how long a list serves a burst: longer
	// than a refresh walk over thousands of approvals, short enough that a
	// long apply does not answer from a list taken minutes ago.
	defaultSnapshotMaxAge = time.Minute
	// listCallTimeout bounds one shared list call, which runs detached from
	// the context of the read that started it.
	listCallTimeout = 5 * time.Minute
)

// Reader answers "what is the connection of endpoint E to service
// S now?" for every resource and data source of one provider process, and
// spends as few API requests as it can on it: a refresh of N approvals of a
// service of M connections (P = ceil(M/1000) pages) costs at most
// min(N, P) + 1 requests whenever N < P or the reads waiting at once are
// enough to pay for the list, and less than 2P otherwise. bench/RESULTS.md tells
// why no reader that learns N only from the reads it sees can do better.
//
// The rule, per service:
//   - A lone read (no other read of the service in flight or within
//     busyWindow) looks up its connection (GetConnection, one request).
//   - Reads that come while requests of the service are in flight wait for
//     them, and are then decided together; so are the reads that a first
//     page did not answer.
//   - While the service's size is unknown, a burst first lists the first
//     page (1000 connections and total_count), which answers the reads it
//     holds.
//   - W reads not answered by a list look their connections up, unless
//     listing the rest (R pages, all of them when no usable first page) costs
//     no more: W >= R, or, for refresh reads, the burst has read P
//     connections or more, or its lookups plus W exceed R (the lookups
//     already spent pay for the list).
//   - One list per service runs at a time; completed lists serve the rest of
//     their burst.
//
// Freshness: a read uses only lists that started after the last write
// (Invalidate) that completed before the read began, and no earlier than
// its notBefore (waiters pass the time of their last observation); a
// completed list serves only its own burst, and for at most snapshotMaxAge.
// A change made outside Terraform therefore shows in the next plan.
type Reader struct {
	api            API
	busyWindow     time.Duration
	snapshotMaxAge time.Duration
	now            func() time.Time

	mu       sync.Mutex
	services map[string]*serviceView
}

// serviceView is the reader's state for one service, guarded by
// Reader.mu.
type serviceView struct {
	gen      uint64    // bumped by every write to the service
	size     int       // connections of the service at the last list; -1 before any
	snap     *listCall // latest completed list (or first page) of the burst
	cur      *listCall // list in flight
	queued   *batch    // reads waiting for the requests in flight
	inflight int       // requests in flight
	// burstGets counts the lookups of refresh reads in this burst, and
	// burstSeen the distinct connections they asked for.
	burstGets              int
	burstSeen              map[string]struct{}
	lastRead, lastListDone time.Time
	lastEndpoint           string
}

// listCall is one list of a service, shared by the reads that wait for it.
type listCall struct {
	gen      uint64
	started  time.Time
	finished time.Time
	done     chan struct{}
	base     *listCall // the first page this call continues; nil: from the start
	firstPg  bool      // only the first page
	conns    map[string]client.Connection
	complete bool // holds every connection of the service
	err      error
	// Reads waiting for the call, decided together when it completes
	// without them (a first page): then is their list, nil to look up.
	waiters []string
	refresh bool
	latest  time.Time // the latest notBefore of the waiters
	then    *listCall
}

// batch is reads waiting for the requests in flight before a decision.
type batch struct {
	done    chan struct{}
	reads   []string
	refresh bool
	latest  time.Time
	call    *listCall // the list to wait for; nil: look up
}

// New returns a reader over api with the default tuning.
func New(api API) *Reader {
	return &Reader{
		api:            api,
		busyWindow:     defaultBusyWindow,
		snapshotMaxAge: defaultSnapshotMaxAge,
		now:            time.Now,
		services:       map[string]*serviceView{},
	}
}

// view returns the state of serviceID; callers hold r.mu.
func (r *Reader) view(serviceID string) *serviceView {
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
func (r *Reader) Invalidate(serviceID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v := r.view(serviceID)
	v.gen++
	v.snap = nil
}

// Get returns the connection of endpointID to serviceID, as listed no earlier
// than notBefore (zero: any data fresh by the rules above; set: a poll). An
// absent connection or service is an error for which client.IsNotFound is
// true.
func (r *Reader) Get(ctx context.Context, serviceID, endpointID string, notBefore time.Time) (*client.Connection, error) {
	rd := &read{service: serviceID, endpoint: endpointID, notBefore: notBefore, refresh: notBefore.IsZero()}
	// r.mu is held at the top of each round; every branch releases it.
	r.mu.Lock()
	v := r.view(serviceID)
	next := r.routeLocked(ctx, v, rd)
	for {
		switch {
		case next.conn != nil:
			r.mu.Unlock()
			return next.conn, nil
		case next.lookup:
			r.startLookupLocked(v, rd)
			r.mu.Unlock()
			return r.lookup(ctx, v, rd, next.confirm)
		case next.queued != nil:
			r.mu.Unlock()
			if err := wait(ctx, next.queued.done); err != nil {
				return nil, err
			}
			r.mu.Lock()
			next = step{call: next.queued.call, lookup: next.queued.call == nil}
		default:
			r.mu.Unlock()
			if conn, answered, err := answerFrom(ctx, next.call, endpointID); answered {
				return conn, err
			}
			r.mu.Lock()
			next = afterList(next.call)
		}
	}
}

// read is one call of Get.
type read struct {
	service, endpoint string
	notBefore         time.Time
	// refresh: notBefore is zero (a refresh, not a poll).
	refresh bool
	// now and startGen are the time and the service's write count when the
	// read began.
	now      time.Time
	startGen uint64
}

// step is what a read does next.
type step struct {
	conn   *client.Connection // answered
	call   *listCall          // wait for this list
	queued *batch             // wait for the requests in flight, then for their decision
	// lookup: look the connection up; confirm: because a complete list lacks it.
	lookup, confirm bool
}

// routeLocked records the read in its service's burst and chooses its first
// step: a list in hand or in flight, the requests in flight, a new list, or
// a lookup. Callers hold r.mu.
func (r *Reader) routeLocked(ctx context.Context, v *serviceView, rd *read) step {
	busy := r.noteReadLocked(v, rd)
	partial := false // a first page in hand lacks the connection
	if r.usable(rd, v.snap) {
		if conn, ok := v.snap.conns[rd.endpoint]; ok {
			return step{conn: &conn}
		}
		if v.snap.complete {
			return step{lookup: true, confirm: true}
		}
		partial = true
	}
	if r.usable(rd, v.cur) && (!partial || !v.cur.firstPg) {
		// Registered under the lock, so that a first page counts this read
		// when it completes without it.
		v.cur.join([]string{rd.endpoint}, rd.refresh, rd.notBefore)
		return step{call: v.cur}
	}
	switch {
	case !busy:
		return step{lookup: true}
	case v.inflight > 0:
		return step{queued: v.queue(rd)}
	}
	call := r.decideLocked(ctx, rd.service, v, []string{rd.endpoint}, rd.refresh, rd.notBefore)
	if call == nil {
		return step{lookup: true}
	}
	call.join([]string{rd.endpoint}, rd.refresh, time.Time{})
	return step{call: call}
}

// noteReadLocked starts a new burst when the service has been quiet, counts
// rd in its burst, and reports whether the service is busy: requests in
// flight, or another connection read within busyWindow. Callers hold r.mu.
func (r *Reader) noteReadLocked(v *serviceView, rd *read) (busy bool) {
	rd.now, rd.startGen = r.now(), v.gen
	// One waiter polling its own connection is not a burst.
	recentOther := !v.lastRead.IsZero() && rd.now.Sub(v.lastRead) < r.busyWindow && v.lastEndpoint != rd.endpoint
	last := v.lastRead
	if v.lastListDone.After(last) {
		last = v.lastListDone // a slow list holds every read Terraform runs at once
	}
	if last.IsZero() || rd.now.Sub(last) > r.busyWindow {
		v.snap, v.burstGets, v.burstSeen = nil, 0, nil // a new burst
	}
	if rd.refresh {
		if v.burstSeen == nil {
			v.burstSeen = map[string]struct{}{}
		}
		v.burstSeen[rd.endpoint] = struct{}{}
	}
	v.lastRead, v.lastEndpoint = rd.now, rd.endpoint
	return v.inflight > 0 || recentOther
}

// usable reports whether list c may answer rd: it started after the last
// write before rd began and no earlier than rd.notBefore, failed not, and is
// young enough.
func (r *Reader) usable(rd *read, c *listCall) bool {
	return c != nil && c.err == nil && c.gen >= rd.startGen && !c.started.Before(rd.notBefore) &&
		rd.now.Sub(c.started) <= r.snapshotMaxAge
}

// queue adds rd to the reads waiting for the requests in flight; callers hold r.mu.
func (v *serviceView) queue(rd *read) *batch {
	b := v.queued
	if b == nil {
		b = &batch{done: make(chan struct{})}
		v.queued = b
	}
	b.reads = append(b.reads, rd.endpoint)
	b.refresh = b.refresh || rd.refresh
	b.latest = later(b.latest, rd.notBefore)
	return b
}

// join adds reads to the waiters of c, which decides for them together when
// it completes without them (a first page); callers hold r.mu.
func (c *listCall) join(reads []string, refresh bool, notBefore time.Time) {
	c.waiters = append(c.waiters, reads...)
	c.refresh = c.refresh || refresh
	c.latest = later(c.latest, notBefore)
}

// answerFrom waits for call and answers the read from it; answered is false
// when the call, which did not fail, lacks the connection.
func answerFrom(ctx context.Context, call *listCall, endpointID string) (conn *client.Connection, answered bool, err error) {
	if err := wait(ctx, call.done); err != nil {
		return nil, true, err
	}
	if call.err != nil {
		return nil, true, call.err
	}
	if c, ok := call.conns[endpointID]; ok {
		return &c, true, nil
	}
	return nil, false, nil
}

// afterList is the step of a read that a completed list lacks: confirm with a
// lookup when the list was complete, else follow the decision made for the
// waiters of a first page.
func afterList(call *listCall) step {
	switch {
	case call.complete:
		return step{lookup: true, confirm: true}
	case call.then == nil:
		return step{lookup: true}
	}
	return step{call: call.then}
}

// wait waits for done, or for ctx to end.
func wait(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// decideLocked chooses between a list and lookups for reads that no list
// answers, per the rule of Reader: it starts and returns the list,
// or returns nil for lookups. Callers hold r.mu.
func (r *Reader) decideLocked(ctx context.Context, serviceID string, v *serviceView, reads []string, refresh bool, notBefore time.Time) *listCall {
	if v.size < 0 {
		return r.startLocked(ctx, serviceID, v, nil, true)
	}
	pages := max(1, (v.size+client.MaxPageSize-1)/client.MaxPageSize)
	base := v.snap
	if base == nil || !base.firstPg || base.gen != v.gen || base.started.Before(notBefore) || r.now().Sub(base.started) > r.snapshotMaxAge {
		base = nil
	}
	remaining := pages
	if base != nil {
		remaining = max(1, pages-1)
	}
	// With N >= P known (burstSeen), the list is what the bound allows.
	if len(reads) >= remaining || (refresh && (len(v.burstSeen) >= pages || v.burstGets+len(reads) > remaining)) {
		return r.startLocked(ctx, serviceID, v, base, false)
	}
	return nil
}

// startLookupLocked counts a lookup in flight before r.mu is released for
// it: a lookup in flight makes later reads of the service wait and be
// decided together. Callers hold r.mu.
func (r *Reader) startLookupLocked(v *serviceView, rd *read) {
	v.inflight++
	if rd.refresh {
		v.burstGets++
	}
}

// lookup looks up one connection, counted in flight by startLookupLocked;
// r.mu is not held. With confirm, a complete list lacked the connection: it
// is looked up before it is reported missing, since the list pages by offset,
// so a connection deleted while it ran shifts the later ones and may hide a
// live one, and a false "not found" would make Read drop a live approval
// from state.
func (r *Reader) lookup(ctx context.Context, v *serviceView, rd *read, confirm bool) (*client.Connection, error) {
	if confirm {
		client.Debug(ctx, "connection missing from the list: confirming with a lookup", map[string]any{
			"service_id": rd.service, "endpoint_id": rd.endpoint,
		})
	}
	conn, err := r.api.GetConnection(ctx, rd.service, rd.endpoint)
	if err == nil && conn == nil {
		err = fmt.Errorf("endpoint %s has no connection to service %s: %w", rd.endpoint, rd.service, client.ErrConnectionNotFound)
	}
	r.mu.Lock()
	r.finishLocked(ctx, rd.service, v)
	r.mu.Unlock()
	return conn, err
}

// finishLocked ends one request in flight and, when it was the last, decides
// for the reads that queued behind it. Callers hold r.mu.
func (r *Reader) finishLocked(ctx context.Context, serviceID string, v *serviceView) {
	v.inflight--
	if b := v.queued; v.inflight == 0 && b != nil {
		v.queued = nil
		b.call = r.decideLocked(ctx, serviceID, v, b.reads, b.refresh, b.latest)
		if b.call != nil {
			// The list starts after every queued read began: all may use it.
			b.call.join(b.reads, b.refresh, time.Time{})
		}
		close(b.done)
	}
}

// startLocked starts a list as the service's list in flight: the first page
// (firstPage), the rest after base, or every page. It runs detached from
// ctx's cancellation (other reads wait for it) but keeps its values for
// logging. Callers hold r.mu.
func (r *Reader) startLocked(ctx context.Context, serviceID string, v *serviceView, base *listCall, firstPage bool) *listCall {
	call := &listCall{gen: v.gen, started: r.now(), done: make(chan struct{}), base: base, firstPg: firstPage}
	if base != nil {
		call.started = base.started // as old as its oldest page
	}
	v.cur = call
	v.inflight++
	listCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listCallTimeout)
	go func() {
		defer cancel()
		got := r.list(listCtx, serviceID, call)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.completeLocked(listCtx, serviceID, v, call, got)
	}()
	return call
}

// listed is what one list call got.
type listed struct {
	// byID holds the connections listed, with those of the call's base.
	byID map[string]client.Connection
	// n is how many the call itself listed; total the first page's
	// total_count, -1 for other lists.
	n, total int
	err      error
}

// list makes the API call of call; r.mu is not held.
func (r *Reader) list(ctx context.Context, serviceID string, call *listCall) listed {
	client.Debug(ctx, "listing connections of the service for several reads", map[string]any{
		"service_id": serviceID, "first_page_only": call.firstPg, "after_first_page": call.base != nil,
	})
	var conns []client.Connection
	var err error
	total := -1
	switch {
	case call.firstPg:
		var page *client.ListConnectionsResult
		if page, err = r.api.ListConnections(ctx, serviceID, client.ListConnectionsOptions{Limit: client.MaxPageSize}); err == nil {
			conns, total = page.Connections, page.TotalCount
		}
	case call.base != nil:
		conns, err = r.api.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{Offset: client.MaxPageSize})
	default:
		conns, err = r.api.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{})
	}
	byID := make(map[string]client.Connection, len(conns))
	if call.base != nil {
		for id, c := range call.base.conns {
			byID[id] = c
		}
	}
	for _, c := range conns {
		byID[c.ID] = c
	}
	return listed{byID: byID, n: len(conns), total: total, err: err}
}

// completeLocked records a finished list: it becomes the burst's snapshot,
// and a first page that lacks some of its waiters decides for them; then the
// reads waiting for it go on. Callers hold r.mu.
func (r *Reader) completeLocked(ctx context.Context, serviceID string, v *serviceView, call *listCall, got listed) {
	call.conns, call.err, call.finished = got.byID, got.err, r.now()
	call.complete = !call.firstPg || got.n < client.MaxPageSize || got.total <= got.n
	v.lastListDone = call.finished
	if v.cur == call {
		v.cur = nil
	}
	if got.err == nil {
		v.size = max(len(got.byID), got.total)
		if call.gen == v.gen {
			v.snap = call
		}
		if !call.complete {
			var missing []string
			for _, id := range call.waiters {
				if _, ok := got.byID[id]; !ok {
					missing = append(missing, id)
				}
			}
			if len(missing) > 0 {
				if call.then = r.decideLocked(ctx, serviceID, v, missing, call.refresh, call.latest); call.then != nil {
					call.then.join(missing, false, time.Time{})
				}
			}
		}
	}
	close(call.done)
	r.finishLocked(ctx, serviceID, v)
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
