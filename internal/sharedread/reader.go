// Package sharedread answers reads of single VPC endpoint connections for a
// whole provider process and shares the API's paged list calls between the
// reads of one service that come together. It knows nothing of Terraform.
package sharedread

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

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
	r.mu.Lock()
	v := r.view(serviceID)
	now := r.now()
	startGen := v.gen
	refresh := notBefore.IsZero()
	usable := func(c *listCall) bool {
		return c != nil && c.err == nil && c.gen >= startGen && !c.started.Before(notBefore) && now.Sub(c.started) <= r.snapshotMaxAge
	}
	// One waiter polling its own connection is not a burst.
	recentOther := !v.lastRead.IsZero() && now.Sub(v.lastRead) < r.busyWindow && v.lastEndpoint != endpointID
	last := v.lastRead
	if v.lastListDone.After(last) {
		last = v.lastListDone // a slow list holds every read Terraform runs at once
	}
	if last.IsZero() || now.Sub(last) > r.busyWindow {
		v.snap, v.burstGets, v.burstSeen = nil, 0, nil // a new burst
	}
	if refresh {
		if v.burstSeen == nil {
			v.burstSeen = map[string]struct{}{}
		}
		v.burstSeen[endpointID] = struct{}{}
	}
	busy := v.inflight > 0 || recentOther
	v.lastRead, v.lastEndpoint = now, endpointID

	var call *listCall
	partial := false // a first page in hand lacks the connection
	if usable(v.snap) {
		if conn, ok := v.snap.conns[endpointID]; ok {
			r.mu.Unlock()
			return &conn, nil
		}
		if v.snap.complete {
			return r.confirmLocked(ctx, serviceID, endpointID, v, refresh)
		}
		partial = true
	}
	if usable(v.cur) && (!partial || !v.cur.firstPg) {
		call = v.cur
		// Registered under the lock, so that a first page counts this read
		// when it completes without it.
		call.waiters = append(call.waiters, endpointID)
		call.refresh = call.refresh || refresh
		call.latest = later(call.latest, notBefore)
	}
	if call == nil {
		switch {
		case !busy:
			return r.lookupLocked(ctx, serviceID, endpointID, v, refresh)
		case v.inflight > 0:
			b := v.queued
			if b == nil {
				b = &batch{done: make(chan struct{})}
				v.queued = b
			}
			b.reads = append(b.reads, endpointID)
			b.refresh = b.refresh || refresh
			b.latest = later(b.latest, notBefore)
			r.mu.Unlock()
			select {
			case <-b.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			r.mu.Lock()
			call = b.call
		default:
			call = r.decideLocked(ctx, serviceID, v, []string{endpointID}, refresh, notBefore)
			if call != nil {
				call.waiters = append(call.waiters, endpointID)
				call.refresh = call.refresh || refresh
			}
		}
		if call == nil {
			return r.lookupLocked(ctx, serviceID, endpointID, v, refresh)
		}
	}
	for {
		r.mu.Unlock()
		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if call.err != nil {
			return nil, call.err
		}
		if conn, ok := call.conns[endpointID]; ok {
			return &conn, nil
		}
		r.mu.Lock()
		if call.complete {
			return r.confirmLocked(ctx, serviceID, endpointID, v, refresh)
		}
		// A first page without it: the decision made for its waiters.
		if call = call.then; call == nil {
			return r.lookupLocked(ctx, serviceID, endpointID, v, refresh)
		}
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

// lookupLocked looks up one connection; callers hold r.mu, which it
// releases. A lookup in flight makes later reads of the service wait and be
// decided together.
func (r *Reader) lookupLocked(ctx context.Context, serviceID, endpointID string, v *serviceView, refresh bool) (*client.Connection, error) {
	v.inflight++
	if refresh {
		v.burstGets++
	}
	r.mu.Unlock()
	conn, err := r.api.GetConnection(ctx, serviceID, endpointID)
	if err == nil && conn == nil {
		err = fmt.Errorf("endpoint %s has no connection to service %s: %w", endpointID, serviceID, client.ErrConnectionNotFound)
	}
	r.mu.Lock()
	r.finishLocked(ctx, serviceID, v)
	r.mu.Unlock()
	return conn, err
}

// confirmLocked looks up a connection that a complete list lacks before it
// is reported missing: the list pages by offset, so a connection deleted
// while it ran shifts the later ones and may hide a live one, and a false
// "not found" would make Read drop a live approval from state.
func (r *Reader) confirmLocked(ctx context.Context, serviceID, endpointID string, v *serviceView, refresh bool) (*client.Connection, error) {
	tflog.Debug(ctx, "connection missing from the list: confirming with a lookup", map[string]any{
		"service_id": serviceID, "endpoint_id": endpointID,
	})
	return r.lookupLocked(ctx, serviceID, endpointID, v, refresh)
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
			b.call.waiters = append(b.call.waiters, b.reads...)
			b.call.refresh = b.call.refresh || b.refresh
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
		tflog.Debug(listCtx, "listing connections of the service for several reads", map[string]any{
			"service_id": serviceID, "first_page_only": firstPage, "after_first_page": base != nil,
		})
		var conns []client.Connection
		var err error
		total := -1
		switch {
		case firstPage:
			var page *client.ListConnectionsResult
			if page, err = r.api.ListConnections(listCtx, serviceID, client.ListConnectionsOptions{Limit: client.MaxPageSize}); err == nil {
				conns, total = page.Connections, page.TotalCount
			}
		case base != nil:
			conns, err = r.api.ListAllConnections(listCtx, serviceID, client.ListConnectionsOptions{Offset: client.MaxPageSize})
		default:
			conns, err = r.api.ListAllConnections(listCtx, serviceID, client.ListConnectionsOptions{})
		}
		byID := make(map[string]client.Connection, len(conns))
		if base != nil {
			for id, c := range base.conns {
				byID[id] = c
			}
		}
		for _, c := range conns {
			byID[c.ID] = c
		}

		r.mu.Lock()
		defer r.mu.Unlock()
		call.conns, call.err, call.finished = byID, err, r.now()
		call.complete = !firstPage || len(conns) < client.MaxPageSize || total <= len(conns)
		v.lastListDone = call.finished
		if v.cur == call {
			v.cur = nil
		}
		if err == nil {
			v.size = len(byID)
			if total > v.size {
				v.size = total
			}
			if call.gen == v.gen {
				v.snap = call
			}
			if !call.complete {
				var missing []string
				for _, id := range call.waiters {
					if _, ok := byID[id]; !ok {
						missing = append(missing, id)
					}
				}
				if len(missing) > 0 {
					if call.then = r.decideLocked(listCtx, serviceID, v, missing, call.refresh, call.latest); call.then != nil {
						call.then.waiters = append(call.then.waiters, missing...)
					}
				}
			}
		}
		close(call.done)
		r.finishLocked(listCtx, serviceID, v)
	}()
	return call
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
