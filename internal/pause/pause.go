// Package pause waits for a while unless a context ends first: the one way
// the client's retries, the approval's polls and the mock's injected
// latency wait.
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
