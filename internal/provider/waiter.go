package provider

import (
	"context"
	"time"
)

// backoff is the schedule of pauses between polls: first, then growing by
// factor each time, never more than max.
//
// Why these numbers: if polls happen at t_k and the k-th pause is
// first*factor^k, a connection that settles at d (just after a poll) is seen
// one pause later, i.e. after a lag of about first + (factor-1)*d. With
// first = 40ms and factor = 1.2 that lag is within max(0.2s, 0.25*d) for every d
// (issue 6's target); a factor of 1.5 would lag up to half of d. The cap of 2s
// bounds the lag for long waits and keeps a 10-minute wait at ~320 polls.
type backoff struct {
	first  time.Duration
	factor float64
	max    time.Duration
}

// defaultBackoff is the schedule used for all waits on connections.
var defaultBackoff = backoff{first: 40 * time.Millisecond, factor: 1.2, max: 2 * time.Second}

// delay is the pause before poll n+1 (n counts from 0).
func (b backoff) delay(n int) time.Duration {
	d := float64(b.first)
	for i := 0; i < n && d < float64(b.max); i++ {
		d *= b.factor
	}
	if d > float64(b.max) {
		return b.max
	}
	return time.Duration(d)
}

// pollFunc checks once whether the awaited condition holds. It returns
// done=true when it does, and an error when waiting is pointless (a failed
// connection, an API error that is not retryable).
type pollFunc func(ctx context.Context) (done bool, err error)

// waiter polls with back-off until a condition holds or ctx ends. sleep is
// replaceable so tests run on a fake clock.
type waiter struct {
	backoff backoff
	sleep   func(ctx context.Context, d time.Duration) error
}

// newWaiter returns a waiter on the real clock with the default schedule.
func newWaiter() waiter { return waiter{backoff: defaultBackoff, sleep: sleepCtx} }

// wait pauses, polls, and repeats until poll reports done or an error, or ctx
// ends (its deadline is the operation's own timeout). It returns ctx.Err() in
// the last case, so callers can tell a timeout (context.DeadlineExceeded) from
// a cancellation and say what was last seen. The first poll comes after the
// first pause: callers have just observed the state themselves (e.g. in the
// action's response).
func (w waiter) wait(ctx context.Context, poll pollFunc) error {
	for n := 0; ; n++ {
		if err := w.sleep(ctx, w.backoff.delay(n)); err != nil {
			return err
		}
		done, err := poll(ctx)
		if err != nil {
			if ctx.Err() != nil {
				// The poll failed because time ran out: report the timeout.
				return ctx.Err()
			}
			return err
		}
		if done {
			return nil
		}
	}
}

// sleepCtx sleeps for d or until ctx ends, returning ctx.Err() in that case.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
