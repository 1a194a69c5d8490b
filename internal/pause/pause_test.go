package pause

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestUnitFor: a wait ends with its context's error when the context ends
// first, and with nil when the time passes. Catches: a retry or poll that
// sleeps on after Ctrl-C, or reports an interruption after a full wait.
func TestUnitFor(t *testing.T) {
	t.Parallel()
	if err := For(context.Background(), time.Millisecond); err != nil {
		t.Errorf("For(1ms) = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := For(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("For(1h) on a cancelled context = %v, want context.Canceled", err)
	}
}
