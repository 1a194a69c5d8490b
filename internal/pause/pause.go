// Package pause waits for a while unless a context ends first: the one way
// the client's retries, the approval's polls and the mock's injected
// latency wait; and Backoff, the one schedule of polls on a connection.
package pause

import (
	"context"
	"time"
)

// For waits d, or until ctx ends, in which case it returns ctx.Err().
func For(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff is a schedule of pauses between polls: First, growing by Factor
// each time, never more than Max. DESIGN.md explains the numbers.
type Backoff struct {
	First  time.Duration
	Factor float64
	Max    time.Duration
}

// DefaultBackoff is the schedule of every wait on a connection.
var DefaultBackoff = Backoff{First: 40 * time.Millisecond, Factor: 1.2, Max: 2 * time.Second}

// OrDefault is b, or DefaultBackoff when b is the zero value.
func (b Backoff) OrDefault() Backoff {
	if b.First <= 0 {
		return DefaultBackoff
	}
	return b
}

// Delay is the pause before poll n+1 (n counts from 0).
func (b Backoff) Delay(n int) time.Duration {
	d := float64(b.First)
	for i := 0; i < n && d < float64(b.Max); i++ {
		d *= b.Factor
	}
	if d > float64(b.Max) {
		return b.Max
	}
	return time.Duration(d)
}
