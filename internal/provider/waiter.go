package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
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
// done=true when it does, and an error when it could not tell or waiting is
// pointless (a failed connection, an API error that is not retryable).
type pollFunc func(ctx context.Context) (done bool, err error)

// waiter polls with back-off until a condition holds or ctx ends. sleep is
// replaceable so tests run on a fake clock.
type waiter struct {
	backoff backoff
	sleep   func(ctx context.Context, d time.Duration) error
}

// newWaiter returns a waiter on the real clock with the default schedule.
func newWaiter() waiter { return waiter{backoff: defaultBackoff, sleep: sleepCtx} }

// wait pauses, polls, and repeats until poll reports done or a non-retryable
// error, or ctx ends (its deadline is the operation's own timeout). The first
// poll comes after the first pause: callers have just observed the state
// themselves (e.g. in the action's response).
//
// A retryable poll error (client.IsRetryable: throttling, 5xx, no answer) does
// not end the wait: the client has already spent its own retries on that one
// poll, but the operation's timeout is the user's statement of how long the
// whole wait may take, and a burst of throttling or a short outage in the
// middle of a long wait must not fail an apply whose action was already sent.
// Such errors are logged, and the last one is kept for the timeout's message.
//
// When ctx ends, wait returns an error for which errors.Is reports ctx.Err()
// (context.DeadlineExceeded or context.Canceled), so callers can tell a
// timeout from a cancellation; it also names the last retryable error, if the
// last poll failed with one.
func (w waiter) wait(ctx context.Context, poll pollFunc) error {
	var lastErr error // the last poll's retryable error, if it failed
	for n := 0; ; n++ {
		if err := w.sleep(ctx, w.backoff.delay(n)); err != nil {
			return waitEnded(err, lastErr)
		}
		done, err := poll(ctx)
		switch {
		case err == nil && done:
			return nil
		case err == nil:
			lastErr = nil
		case ctx.Err() != nil:
			// The poll failed because time ran out: report the timeout.
			return waitEnded(ctx.Err(), lastErr)
		case client.IsRetryable(err):
			lastErr = err
			tflog.Warn(ctx, "polling failed with a retryable error; the wait goes on until its timeout", map[string]any{
				"poll": n + 1, "error": err.Error(),
			})
		default:
			return err
		}
	}
}

// waitEnded is the error of a wait cut by its context: ctxErr, and the last
// retryable poll error, which usually explains why the wait did not succeed.
func waitEnded(ctxErr, lastErr error) error {
	if lastErr == nil {
		return ctxErr
	}
	return fmt.Errorf("%w (the last poll failed: %w)", ctxErr, lastErr)
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
