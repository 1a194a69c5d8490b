package approval

import (
	"context"
	"fmt"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// pollFunc checks once whether the awaited condition holds; an error ends
// the wait unless client.IsRetryable says it may pass.
type pollFunc func(ctx context.Context) (done bool, err error)

// wait pauses, polls, and repeats until poll is done, fails for good, or ctx
// ends. Retryable poll errors do not end it: the timeout is the user's
// statement of how long the whole wait may take. When ctx ends, the error
// wraps ctx.Err() and the last retryable poll error, if any.
func (d *Decider) wait(ctx context.Context, poll pollFunc) error {
	schedule := d.Poll.OrDefault()
	sleep := d.Sleep
	if sleep == nil {
		sleep = pause.For
	}
	var lastErr error
	for n := 0; ; n++ {
		if err := sleep(ctx, schedule.Delay(n)); err != nil {
			return waitEnded(err, lastErr)
		}
		done, err := poll(ctx)
		switch {
		case err == nil && done:
			return nil
		case err == nil:
			lastErr = nil
		case ctx.Err() != nil:
			return waitEnded(ctx.Err(), lastErr)
		case AsError(err) == nil && client.IsRetryable(err):
			lastErr = err
			d.log("a poll failed with a retryable error; the wait goes on until its timeout", map[string]any{
				"poll": n + 1, "error": err.Error(),
			})
		default:
			return err
		}
	}
}

// waitEnded is the error of a wait cut by its context.
func waitEnded(ctxErr, lastErr error) error {
	if lastErr == nil {
		return ctxErr
	}
	return fmt.Errorf("%w (the last poll failed: %w)", ctxErr, lastErr)
}
