package client

import (
	"context"
	"sync"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// throttleGate is the one back-off every request of a Client shares while
// the API throttles: a throttling answer to any request holds back all of
// them, in flight or new, until the pause ends, since the limit is the
// account's and not the request's. A Retry-After hint sets the pause.
type throttleGate struct {
	mu    sync.Mutex
	until time.Time
	// strikes counts throttling rounds since the last success (at least 1
	// once throttled): answers that arrive while a pause is in force were
	// sent before it and do not lengthen the next one.
	strikes int
}

// throttled records a throttling answer at now and returns when the gate
// opens; delay gives the pause for the round's strike count.
func (g *throttleGate) throttled(now time.Time, delay func(strike int) time.Duration) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !now.Before(g.until) || g.strikes == 0 {
		g.strikes++
	}
	if t := now.Add(delay(g.strikes)); t.After(g.until) {
		g.until = t
	}
	return g.until
}

// succeeded ends the throttling rounds.
func (g *throttleGate) succeeded() {
	g.mu.Lock()
	g.strikes = 0
	g.mu.Unlock()
}

// wait blocks until the gate is open or ctx ends; it uses the real clock,
// which tests of signing replace in Client.now.
func (g *throttleGate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := pause.For(ctx, d); err != nil {
			return err
		}
	}
}
