package policy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// API is the part of the VPCEP client an apply uses.
type API interface {
	AcceptOrReject(ctx context.Context, serviceID, endpointID, action string) (*client.Connection, error)
	GetConnection(ctx context.Context, serviceID, endpointID string) (*client.Connection, error)
	ListAllConnections(ctx context.Context, serviceID string, opts client.ListConnectionsOptions) ([]client.Connection, error)
}

// DefaultConcurrency bounds the actions in flight when Applier.Concurrency is 0.
const DefaultConcurrency = 16

// DefaultProgressEvery is how often a long wait logs its counts.
const DefaultProgressEvery = 10 * time.Second

// Failure is a change that did not settle, and why.
type Failure struct {
	Change
	// Sent reports that the action may have reached the API.
	Sent bool
	// LastStatus is the last status seen, "" if none.
	LastStatus string
	Err        error
}

// Outcome is what an apply did, by endpoint id.
type Outcome struct {
	// Settled connections reached their decision's status.
	Settled map[string]client.Connection
	// Stuck connections are failed or deleting: nobody can decide them.
	Stuck map[string]client.Connection
	// Gone endpoints are no longer on the service.
	Gone map[string]bool
	// Failed changes did not settle; the next apply sends them again.
	Failed map[string]Failure
}

// Applier carries out changes on one service.
type Applier struct {
	API API
	// Concurrency bounds the actions and lookups in flight; 0 means DefaultConcurrency.
	Concurrency int
	// Poll is the schedule of polls; the zero value means approval.DefaultBackoff.
	Poll approval.Backoff
	// Sleep replaces the clock in tests; nil means the real one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Log, if set, receives progress lines and what the wait does.
	Log func(msg string, fields map[string]any)
	// ProgressEvery is the interval of progress lines; 0 means DefaultProgressEvery.
	ProgressEvery time.Duration
}

// tracker holds the state of one apply, guarded by mu.
type tracker struct {
	mu       sync.Mutex
	out      Outcome
	awaiting map[string]Change
	last     map[string]string // last status seen per awaited endpoint
}

func (t *tracker) settle(ch Change, c client.Connection) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.awaiting, ch.EndpointID)
	switch {
	case c.Status == TargetStatus(ch.Decision):
		t.out.Settled[ch.EndpointID] = c
	case Stuck(c.Status):
		t.out.Stuck[ch.EndpointID] = c
	default:
		t.awaiting[ch.EndpointID] = ch
		t.last[ch.EndpointID] = c.Status
	}
}

func (t *tracker) gone(ch Change) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.awaiting, ch.EndpointID)
	t.out.Gone[ch.EndpointID] = true
}

func (t *tracker) fail(f Failure) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.awaiting, f.EndpointID)
	if f.LastStatus == "" {
		f.LastStatus = t.last[f.EndpointID]
	}
	t.out.Failed[f.EndpointID] = f
}

func (t *tracker) await(ch Change) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.awaiting[ch.EndpointID] = ch
}

// Apply sends every change, at most Concurrency at once, then waits within
// ctx until each settles, is stuck or is gone. It never sends an action other
// than a change's own.
func (a *Applier) Apply(ctx context.Context, serviceID string, changes []Change) Outcome {
	t := &tracker{
		out: Outcome{Settled: map[string]client.Connection{}, Stuck: map[string]client.Connection{},
			Gone: map[string]bool{}, Failed: map[string]Failure{}},
		awaiting: map[string]Change{}, last: map[string]string{},
	}
	a.forEach(changes, func(ch Change) { a.send(ctx, t, serviceID, ch) })
	a.wait(ctx, t, serviceID, len(changes))
	return t.out
}

// forEach runs fn on every change with at most Concurrency in flight.
func (a *Applier) forEach(changes []Change, fn func(Change)) {
	n := a.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	work := make(chan Change)
	var wg sync.WaitGroup
	for range min(n, len(changes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ch := range work {
				fn(ch)
			}
		}()
	}
	for _, ch := range changes {
		work <- ch
	}
	close(work)
	wg.Wait()
}

// send sends one change's action once. The client has already retried it
// as far as max_retries allows (throttling included, under the shared
// pause); nothing here retries again.
func (a *Applier) send(ctx context.Context, t *tracker, serviceID string, ch Change) {
	conn, err := a.API.AcceptOrReject(ctx, serviceID, ch.EndpointID, Action(ch.Decision))
	switch {
	case err == nil && conn != nil:
		t.settle(ch, *conn)
	case err == nil:
		t.await(ch) // the answer did not show the connection: the wait reads it
	case ctx.Err() != nil:
		// Named as the timeout or the interrupt it is, never a bare "context deadline exceeded".
		t.fail(Failure{Change: ch, Sent: !client.IsNotSent(err), Err: waitEnded(ctx.Err())})
	case client.HasCode(err, client.CodeFailedUnmodifiable), client.HasCode(err, client.CodeEndpointDeleting):
		t.await(ch) // the wait reads its status and errors
	case client.IsNotFound(err):
		t.gone(ch)
	default:
		t.fail(Failure{Change: ch, Sent: client.Delivered(err) == client.DeliveryUnknown, Err: err})
	}
}

func (a *Applier) poll() approval.Backoff {
	if a.Poll.First <= 0 {
		return approval.DefaultBackoff
	}
	return a.Poll
}

func (a *Applier) sleep(ctx context.Context, d time.Duration) error {
	if a.Sleep != nil {
		return a.Sleep(ctx, d)
	}
	return pause.For(ctx, d)
}

func (a *Applier) log(msg string, fields map[string]any) {
	if a.Log != nil {
		a.Log(msg, fields)
	}
}

// ErrNotSettled is the error of a change whose wait reached the operation's
// timeout before it settled; ErrWaitInterrupted, of one whose wait Terraform
// cancelled (Ctrl-C), which says nothing about the timeout.
var (
	ErrNotSettled      = errors.New("the connection did not settle before the operation's timeout")
	ErrWaitInterrupted = errors.New("the wait was interrupted before the connection settled")
)

// waitEnded is the error of a change whose wait ended with ctxErr.
func waitEnded(ctxErr error) error {
	if errors.Is(ctxErr, context.Canceled) {
		return fmt.Errorf("%w: %w", ErrWaitInterrupted, ctxErr)
	}
	return fmt.Errorf("%w: %w", ErrNotSettled, ctxErr)
}

// wait polls the awaited connections until none is left or ctx ends. It
// lists the service when at least as many wait as the list has pages, and
// looks them up one by one otherwise.
func (a *Applier) wait(ctx context.Context, t *tracker, serviceID string, decided int) {
	pages := 0 // unknown until the first list
	every := a.ProgressEvery
	if every <= 0 {
		every = DefaultProgressEvery
	}
	var lastLog time.Time
	defer func() {
		if decided > 0 {
			a.logProgress(t, decided)
		}
	}()
	for n := 0; ; n++ {
		t.mu.Lock()
		waiting := make([]Change, 0, len(t.awaiting))
		for _, ch := range t.awaiting {
			waiting = append(waiting, ch)
		}
		t.mu.Unlock()
		if len(waiting) == 0 {
			return
		}
		if time.Since(lastLog) >= every {
			lastLog = time.Now()
			a.logProgress(t, decided)
		}
		if err := a.sleep(ctx, a.poll().Delay(n)); err != nil {
			for _, ch := range waiting {
				t.fail(Failure{Change: ch, Sent: true, Err: waitEnded(err)})
			}
			return
		}
		if len(waiting) > 1 && len(waiting) >= pages {
			conns, err := a.API.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{})
			if err != nil {
				a.pollFailed(ctx, t, waiting, err)
				continue
			}
			pages = (len(conns) + client.MaxPageSize - 1) / client.MaxPageSize
			byID := make(map[string]client.Connection, len(conns))
			for _, c := range conns {
				byID[c.ID] = c
			}
			for _, ch := range waiting {
				if c, ok := byID[ch.EndpointID]; ok {
					t.settle(ch, c)
				} else {
					t.gone(ch)
				}
			}
			continue
		}
		a.forEach(waiting, func(ch Change) {
			c, err := a.API.GetConnection(ctx, serviceID, ch.EndpointID)
			switch {
			case err == nil:
				t.settle(ch, *c)
			case client.IsNotFound(err):
				t.gone(ch)
			default:
				a.pollFailed(ctx, t, []Change{ch}, err)
			}
		})
	}
}

// pollFailed keeps waiting through retryable poll errors (the timeout is the
// user's bound on the whole wait) and fails the changes on any other.
func (a *Applier) pollFailed(ctx context.Context, t *tracker, waiting []Change, err error) {
	if ctx.Err() == nil && client.IsRetryable(err) {
		a.log("a poll failed with a retryable error; the wait goes on until its timeout", map[string]any{"error": err.Error()})
		return
	}
	for _, ch := range waiting {
		t.fail(Failure{Change: ch, Sent: true, Err: err})
	}
}

// logProgress writes one line of counts.
func (a *Applier) logProgress(t *tracker, decided int) {
	t.mu.Lock()
	fields := map[string]any{
		"decided": decided, "settled": len(t.out.Settled), "waiting": len(t.awaiting),
		"failed": len(t.out.Failed), "stuck": len(t.out.Stuck), "gone": len(t.out.Gone),
	}
	t.mu.Unlock()
	a.log("connection policy: waiting for connections to settle", fields)
}
