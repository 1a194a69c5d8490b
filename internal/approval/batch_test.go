package approval

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// fakeBatchAPI is a service whose receive goes through creating, settled by the
// next read; it counts calls and the actions in flight.
type fakeBatchAPI struct {
	mu          sync.Mutex
	conns       map[string]*client.Connection
	order       []string
	sent        []string          // "action endpoint", in order
	throttle    map[string]int    // endpoint -> throttling answers before the action goes through
	refuse      map[string]error  // endpoint -> error of its action
	hold        map[string]bool   // endpoints whose creating never settles
	becomes     map[string]string // endpoint -> status its action leads to instead (e.g. failed)
	lists, gets int
	inFlight    int
	maxInFlight int
}

func newFakeBatchAPI(n int, status, domain string) *fakeBatchAPI {
	f := &fakeBatchAPI{conns: map[string]*client.Connection{}, throttle: map[string]int{}, refuse: map[string]error{},
		hold: map[string]bool{}, becomes: map[string]string{}}
	for i := range n {
		f.add(fmt.Sprintf("ep-%04d", i), status, domain)
	}
	return f
}

func (f *fakeBatchAPI) add(id, status, domain string) {
	f.conns[id] = &client.Connection{ID: id, Status: status, DomainID: domain}
	f.order = append(f.order, id)
}

func (f *fakeBatchAPI) AcceptOrReject(_ context.Context, _, endpointID, action string) (*client.Connection, error) {
	f.mu.Lock()
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	f.mu.Unlock()
	time.Sleep(time.Millisecond) // let the actions overlap
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inFlight--
	if f.throttle[endpointID] > 0 {
		f.throttle[endpointID]--
		return nil, &client.APIError{StatusCode: http.StatusTooManyRequests, Code: client.CodeGatewayThrottled}
	}
	if err := f.refuse[endpointID]; err != nil {
		return nil, err
	}
	c, ok := f.conns[endpointID]
	if !ok {
		return nil, &client.APIError{StatusCode: http.StatusBadRequest, Code: client.CodeEndpointNotInService}
	}
	if c.Status == client.StatusFailed {
		return nil, &client.APIError{StatusCode: http.StatusBadRequest, Code: client.CodeFailedUnmodifiable}
	}
	f.sent = append(f.sent, action+" "+endpointID)
	switch {
	case f.becomes[endpointID] != "":
		c.Status = f.becomes[endpointID]
		c.Error = []client.QueryError{{ErrorCode: "EndPoint.9999", ErrorMessage: "broken"}}
	case action == client.ActionReceive && c.Status != client.StatusAccepted:
		c.Status = client.StatusCreating
	case action == client.ActionReject:
		c.Status = client.StatusRejected
	}
	cp := *c
	return &cp, nil
}

// advance settles creating connections, as time passing would.
func (f *fakeBatchAPI) advance() {
	for id, c := range f.conns {
		if c.Status == client.StatusCreating && !f.hold[id] {
			c.Status = client.StatusAccepted
		}
	}
}

func (f *fakeBatchAPI) GetConnection(_ context.Context, _, endpointID string) (*client.Connection, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	f.advance()
	c, ok := f.conns[endpointID]
	if !ok {
		return nil, client.ErrConnectionNotFound
	}
	cp := *c
	return &cp, nil
}

func (f *fakeBatchAPI) ListAllConnections(context.Context, string, client.ListConnectionsOptions) ([]client.Connection, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	f.advance()
	var out []client.Connection
	for _, id := range f.order {
		if c, ok := f.conns[id]; ok {
			out = append(out, *c)
		}
	}
	return out, nil
}

// batch is a Batch on api whose pauses take no time.
func batch(api BatchAPI, concurrency int) *Batch {
	return &Batch{API: api, Concurrency: concurrency,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
}

func accepts(ids ...string) []Decision {
	out := make([]Decision, len(ids))
	for i, id := range ids {
		out[i] = Decision{EndpointID: id, Action: client.ActionReceive}
	}
	return out
}

// Catches: actions sent one by one (or unbounded), an action sent twice,
// and waits that look every endpoint up instead of listing pages.
func TestUnitBatchConcurrentBoundedAndPolledByList(t *testing.T) {
	t.Parallel()
	api := newFakeBatchAPI(200, client.StatusPendingAcceptance, "d")
	var decisions []Decision
	for _, id := range api.order {
		decisions = append(decisions, Decision{EndpointID: id, Action: client.ActionReceive})
	}
	out := batch(api, 7).Apply(context.Background(), "svc", decisions)
	if len(out.Settled) != 200 || len(out.Failed)+len(out.Stuck)+len(out.Gone) != 0 {
		t.Fatalf("outcome: %d settled, failed %v, stuck %v, gone %v", len(out.Settled), out.Failed, out.Stuck, out.Gone)
	}
	if api.maxInFlight > 7 || api.maxInFlight < 2 {
		t.Errorf("at most %d actions were in flight, want them concurrent and within the bound 7", api.maxInFlight)
	}
	if len(api.sent) != 200 {
		t.Errorf("%d actions sent, want one per change", len(api.sent))
	}
	if api.gets != 0 || api.lists != 1 {
		t.Errorf("the wait made %d lookups and %d lists, want one list", api.gets, api.lists)
	}
	for id, c := range out.Settled {
		if c.Status != client.StatusAccepted {
			t.Errorf("%s settled as %q", id, c.Status)
		}
	}
}

// Catches: a single waiting connection paying for a whole list.
func TestUnitBatchOneWaiterLooksUp(t *testing.T) {
	t.Parallel()
	api := newFakeBatchAPI(3000, client.StatusPendingAcceptance, "d")
	out := batch(api, 0).Apply(context.Background(), "svc", accepts("ep-0001"))
	if len(out.Settled) != 1 || api.lists != 0 || api.gets != 1 {
		t.Errorf("settled %v with %d lists and %d lookups, want one lookup", out.Settled, api.lists, api.gets)
	}
}

// Catches: a retry loop above the client (the client already retried the
// throttled request as far as max_retries allows, under the shared pause):
// a change still throttled fails, as not sent, after one call, and the
// other changes go through.
func TestUnitBatchThrottledFailsWithoutRetry(t *testing.T) {
	t.Parallel()
	api := newFakeBatchAPI(5, client.StatusPendingAcceptance, "d")
	api.throttle["ep-0002"] = 3
	out := batch(api, 0).Apply(context.Background(), "svc", accepts(api.order...))
	f, failed := out.Failed["ep-0002"]
	if len(out.Settled) != 4 || !failed || f.Sent || f.Kind != Refused || !client.IsThrottled(f.Err) {
		t.Errorf("settled %d, failed %+v; want the throttled change failed as not sent", len(out.Settled), out.Failed)
	}
	if api.throttle["ep-0002"] != 2 {
		t.Errorf("the throttled action was sent %d times, want once", 3-api.throttle["ep-0002"])
	}
}

// Catches: a failed connection failing the apply instead of being skipped
// with its errors; a vanished endpoint reported as an error; a refused
// action without its code; a timeout that does not name the last status.
func TestUnitBatchOutcomes(t *testing.T) {
	t.Parallel()
	api := newFakeBatchAPI(0, "", "")
	api.add("ok", client.StatusPendingAcceptance, "d")
	api.add("failed", client.StatusFailed, "d")
	api.add("fails-now", client.StatusPendingAcceptance, "d")
	api.add("refused", client.StatusPendingAcceptance, "d")
	api.add("stuck", client.StatusPendingAcceptance, "d")
	api.becomes["fails-now"] = client.StatusFailed
	api.refuse["refused"] = &client.APIError{StatusCode: 400, Code: "EndPoint.0002", Message: "Parameter error."}
	api.hold["stuck"] = true
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	a := &Batch{API: api, Poll: pause.Backoff{First: time.Millisecond, Factor: 2, Max: 50 * time.Millisecond}}
	out := a.Apply(ctx, "svc", accepts("ok", "failed", "fails-now", "refused", "stuck", "vanished"))
	if _, ok := out.Settled["ok"]; !ok || len(out.Settled) != 1 {
		t.Errorf("settled %v", out.Settled)
	}
	if c := out.Stuck["failed"]; c.Status != client.StatusFailed {
		t.Errorf("stuck %v, want failed", out.Stuck)
	}
	if c := out.Stuck["fails-now"]; c.Status != client.StatusFailed || len(c.Error) != 1 {
		t.Errorf("a connection that failed during the apply: %+v, want failed with its error", c)
	}
	if !out.Gone["vanished"] || len(out.Gone) != 1 {
		t.Errorf("gone %v", out.Gone)
	}
	if f := out.Failed["refused"]; f == nil || !client.HasCode(f.Err, "EndPoint.0002") || f.Sent || f.Kind != Refused {
		t.Errorf("refused: %+v", f)
	}
	if f := out.Failed["stuck"]; f == nil || f.Kind != TimedOut || f.LastStatus() != client.StatusCreating || !f.Sent {
		t.Errorf("stuck: %+v, want timed out in creating", f)
	}
	if len(out.Failed) != 2 {
		t.Errorf("failed %v", out.Failed)
	}
	for _, s := range api.sent {
		if s[:len(client.ActionReceive)] != client.ActionReceive {
			t.Errorf("sent %q: only receive was decided", s)
		}
	}
}

// Catches: a wait cut short by Ctrl-C reported as the operation's timeout,
// which would send the user to raise a timeout that was never reached.
func TestUnitBatchInterruptedIsNotATimeout(t *testing.T) {
	t.Parallel()
	api := newFakeBatchAPI(0, "", "")
	api.add("stuck", client.StatusPendingAcceptance, "d")
	api.hold["stuck"] = true
	deadline, cancelDeadline := context.WithTimeout(context.Background(), time.Hour) // the operation's timeout, far off
	defer cancelDeadline()
	ctx, interrupt := context.WithCancel(deadline)
	time.AfterFunc(50*time.Millisecond, interrupt)
	a := &Batch{API: api, Poll: pause.Backoff{First: time.Millisecond, Factor: 2, Max: 10 * time.Millisecond}}
	out := a.Apply(ctx, "svc", accepts("stuck"))
	f, ok := out.Failed["stuck"]
	if !ok || f.Kind != Interrupted || !f.Sent {
		t.Errorf("interrupted wait: %+v, want interrupted, sent", f)
	}
}

// Catches: a long wait with no progress line, or one without the counts.
func TestUnitBatchLogsProgress(t *testing.T) {
	t.Parallel()
	api := newFakeBatchAPI(3, client.StatusPendingAcceptance, "d")
	var mu sync.Mutex
	var lines []map[string]any
	a := batch(api, 0)
	a.ProgressEvery = time.Nanosecond
	a.Log = func(msg string, fields map[string]any) {
		mu.Lock()
		defer mu.Unlock()
		if fields["decided"] != nil {
			lines = append(lines, fields)
		}
	}
	a.Apply(context.Background(), "svc", accepts(api.order...))
	if len(lines) == 0 {
		t.Fatal("no progress line")
	}
	last := lines[len(lines)-1]
	if last["decided"] != 3 || last["settled"] != 3 || last["failed"] != 0 {
		t.Errorf("last progress line %v, want 3 decided, 3 settled, 0 failed", last)
	}
}

// Catches: decisions reported as maybe sent after an interrupt although the
// batch never sent them (the error then tells the user the API may have acted).
func TestUnitBatchSendsNothingAfterTheContextEnded(t *testing.T) {
	t.Parallel()
	api := newFakeBatchAPI(3, client.StatusPendingAcceptance, "d")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := batch(api, 1).Apply(ctx, "svc", accepts(api.order...))
	if len(api.sent) != 0 || len(out.Failed) != 3 {
		t.Fatalf("sent %v, failed %v; want nothing sent and three failures", api.sent, out.Failed)
	}
	for id, f := range out.Failed {
		if f.Sent || f.Kind != Interrupted {
			t.Errorf("%s: %+v, want interrupted and not sent", id, f)
		}
	}
}
