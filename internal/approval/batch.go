package approval

import (
	"context"
	"sync"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// BatchAPI is the part of the VPCEP client a batch uses.
type BatchAPI interface {
	AcceptOrReject(ctx context.Context, serviceID, endpointID, action string) (*client.Connection, error)
	GetConnection(ctx context.Context, serviceID, endpointID string) (*client.Connection, error)
	ListAllConnections(ctx context.Context, serviceID string, opts client.ListConnectionsOptions) ([]client.Connection, error)
}

// DefaultConcurrency bounds the actions in flight when Batch.Concurrency is 0.
const DefaultConcurrency = 16

// DefaultProgressEvery is how often a long wait logs its counts.
const DefaultProgressEvery = 10 * time.Second

// Decision is one endpoint's action in a batch.
type Decision struct {
	EndpointID, Action string
}

// BatchOutcome is what a batch did, by endpoint id.
type BatchOutcome struct {
	// Settled connections reached their action's status.
	Settled map[string]client.Connection
	// Stuck connections are failed or deleting: nobody can decide them.
	Stuck map[string]client.Connection
	// Gone endpoints are no longer on the service.
	Gone map[string]bool
	// Failed decisions did not settle; each *Error says how far it got
	// (Kind, Sent) and the last status seen.
	Failed map[string]*Error
}

// Batch sends many decisions for one service and waits for all of them:
// every action at once under a bound, then one wait that lists the service
// a page at a time when many wait and looks single connections up when few
// do. It classifies failures as Decider does, with the same Error.
type Batch struct {
	API BatchAPI
	// Reader, if set, is told that the service changed after the actions.
	Reader interface{ Invalidate(serviceID string) }
	// Concurrency bounds the actions and lookups in flight; 0 means DefaultConcurrency.
	Concurrency int
	// Poll is the schedule of polls; the zero value means pause.DefaultBackoff.
	Poll pause.Backoff
	// Sleep replaces the clock in tests; nil means the real one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Log, if set, receives progress lines and what the wait does.
	Log func(msg string, fields map[string]any)
	// ProgressEvery is the interval of progress lines; 0 means DefaultProgressEvery.
	ProgressEvery time.Duration
}

// tracker holds the state of one batch, guarded by mu.
type tracker struct {
	mu       sync.Mutex
	out      BatchOutcome
	awaiting map[string]Decision
	last     map[string]string // last status seen per awaited endpoint
}

func (t *tracker) settle(d Decision, c client.Connection) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.awaiting, d.EndpointID)
	switch c.Status {
	case TargetStatus(d.Action):
		t.out.Settled[d.EndpointID] = c
	case client.StatusFailed, client.StatusDeleting:
		t.out.Stuck[d.EndpointID] = c
	default:
		t.awaiting[d.EndpointID] = d
		t.last[d.EndpointID] = c.Status
	}
}

func (t *tracker) gone(d Decision) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.awaiting, d.EndpointID)
	t.out.Gone[d.EndpointID] = true
}

func (t *tracker) fail(id string, e *Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.awaiting, id)
	if e.Conn == nil && t.last[id] != "" {
		e.Conn = &client.Connection{ID: id, Status: t.last[id]}
	}
	t.out.Failed[id] = e
}

func (t *tracker) await(d Decision) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.awaiting[d.EndpointID] = d
}

// waiting lists the decisions still awaited.
func (t *tracker) waiting() []Decision {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Decision, 0, len(t.awaiting))
	for _, d := range t.awaiting {
		out = append(out, d)
	}
	return out
}

// Apply sends every decision, at most Concurrency at once, then waits within
// ctx until each settles, is stuck or is gone. It never sends an action other
// than a decision's own, and never sends one twice: the client has retried
// each request as far as max_retries allows.
func (b *Batch) Apply(ctx context.Context, serviceID string, decisions []Decision) BatchOutcome {
	t := &tracker{
		out: BatchOutcome{Settled: map[string]client.Connection{}, Stuck: map[string]client.Connection{},
			Gone: map[string]bool{}, Failed: map[string]*Error{}},
		awaiting: map[string]Decision{}, last: map[string]string{},
	}
	b.forEach(decisions, func(d Decision) { b.send(ctx, t, serviceID, d) })
	if b.Reader != nil && len(decisions) > 0 {
		b.Reader.Invalidate(serviceID)
	}
	b.wait(ctx, t, serviceID, len(decisions))
	return t.out
}

// forEach runs fn on every decision with at most Concurrency in flight.
func (b *Batch) forEach(decisions []Decision, fn func(Decision)) {
	n := b.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	work := make(chan Decision)
	var wg sync.WaitGroup
	for range min(n, len(decisions)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				fn(d)
			}
		}()
	}
	for _, d := range decisions {
		work <- d
	}
	close(work)
	wg.Wait()
}

// send sends one decision's action once; after ctx ended it sends nothing,
// so that a decision never sent is never reported as maybe sent.
func (b *Batch) send(ctx context.Context, t *tracker, serviceID string, d Decision) {
	if ctx.Err() != nil {
		t.fail(d.EndpointID, &Error{Kind: cutKind(ctx), Action: d.Action, Err: ctx.Err()})
		return
	}
	conn, err := b.API.AcceptOrReject(ctx, serviceID, d.EndpointID, d.Action)
	switch {
	case err == nil && conn != nil:
		t.settle(d, *conn)
	case err == nil:
		t.await(d) // the answer did not show the connection: the wait reads it
	default:
		switch kind, sent := sendErrorKind(ctx, err); {
		case kind == Failed || kind == Gone:
			t.await(d) // the wait reads its status and errors
		case client.IsNotFound(err):
			t.gone(d)
		default:
			t.fail(d.EndpointID, &Error{Kind: kind, Action: d.Action, Sent: sent, Err: err})
		}
	}
}

func (b *Batch) sleep(ctx context.Context, d time.Duration) error {
	if b.Sleep != nil {
		return b.Sleep(ctx, d)
	}
	return pause.For(ctx, d)
}

func (b *Batch) log(msg string, fields map[string]any) {
	if b.Log != nil {
		b.Log(msg, fields)
	}
}
