package approval

import (
	"context"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// wait polls the awaited connections until none is left or ctx ends. It
// lists the service when at least as many wait as the list has pages, and
// looks them up one by one otherwise.
func (b *Batch) wait(ctx context.Context, t *tracker, serviceID string, decided int) {
	pages := 0 // unknown until the first list
	every := b.ProgressEvery
	if every <= 0 {
		every = DefaultProgressEvery
	}
	schedule := b.Poll.OrDefault()
	var lastLog time.Time
	defer func() {
		if decided > 0 {
			b.logProgress(t, decided)
		}
	}()
	for n := 0; ; n++ {
		waiting := t.waiting()
		if len(waiting) == 0 {
			return
		}
		if time.Since(lastLog) >= every {
			lastLog = time.Now()
			b.logProgress(t, decided)
		}
		if err := b.sleep(ctx, schedule.Delay(n)); err != nil {
			b.waitCut(ctx, t, waiting, err)
			return
		}
		if len(waiting) > 1 && len(waiting) >= pages {
			pages = b.pollByList(ctx, t, serviceID, waiting, pages)
			continue
		}
		b.forEach(waiting, func(d Decision) {
			c, err := b.API.GetConnection(ctx, serviceID, d.EndpointID)
			switch {
			case err == nil:
				t.settle(d, *c)
			case client.IsNotFound(err):
				t.gone(d)
			default:
				b.pollFailed(ctx, t, []Decision{d}, err)
			}
		})
	}
}

// pollByList reads the whole service once and settles what it shows; it
// returns the service's number of pages (pages again when the list failed).
func (b *Batch) pollByList(ctx context.Context, t *tracker, serviceID string, waiting []Decision, pages int) int {
	conns, err := b.API.ListAllConnections(ctx, serviceID, client.ListConnectionsOptions{})
	if err != nil {
		b.pollFailed(ctx, t, waiting, err)
		return pages
	}
	byID := make(map[string]client.Connection, len(conns))
	for _, c := range conns {
		byID[c.ID] = c
	}
	for _, d := range waiting {
		if c, ok := byID[d.EndpointID]; ok {
			t.settle(d, c)
		} else {
			t.gone(d)
		}
	}
	return (len(conns) + client.MaxPageSize - 1) / client.MaxPageSize
}

// waitCut fails every awaited decision when ctx ended the wait: timed out
// or interrupted, never a bare "context deadline exceeded".
func (b *Batch) waitCut(ctx context.Context, t *tracker, waiting []Decision, err error) {
	kind := TimedOut
	if ctx.Err() != nil {
		kind = cutKind(ctx)
	}
	for _, d := range waiting {
		t.fail(d.EndpointID, &Error{Kind: kind, Action: d.Action, Sent: true, Err: err})
	}
}

// pollFailed keeps waiting through retryable poll errors (the timeout is the
// user's bound on the whole wait) and fails the decisions on any other.
func (b *Batch) pollFailed(ctx context.Context, t *tracker, waiting []Decision, err error) {
	if ctx.Err() != nil {
		b.waitCut(ctx, t, waiting, err)
		return
	}
	if client.IsRetryable(err) {
		b.log("a poll failed with a retryable error; the wait goes on until its timeout", map[string]any{"error": err.Error()})
		return
	}
	for _, d := range waiting {
		t.fail(d.EndpointID, &Error{Kind: Refused, Action: d.Action, Sent: true, Err: err})
	}
}

// logProgress writes one line of counts.
func (b *Batch) logProgress(t *tracker, decided int) {
	t.mu.Lock()
	fields := map[string]any{
		"decided": decided, "settled": len(t.out.Settled), "waiting": len(t.awaiting),
		"failed": len(t.out.Failed), "stuck": len(t.out.Stuck), "gone": len(t.out.Gone),
	}
	t.mu.Unlock()
	b.log("waiting for connections to settle", fields)
}
