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

// TestUnitBackoffDelay catches a schedule that does not grow, or passes its cap.
func TestUnitBackoffDelay(t *testing.T) {
	t.Parallel()
	b := Backoff{First: 100 * time.Millisecond, Factor: 2, Max: time.Second}
	tests := []struct {
		n    int
		want time.Duration
	}{{0, 100 * time.Millisecond}, {1, 200 * time.Millisecond}, {3, 800 * time.Millisecond}, {4, time.Second}, {50, time.Second}}
	for _, tt := range tests {
		if got := b.Delay(tt.n); got != tt.want {
			t.Errorf("delay(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

// TestUnitBackoffNoticeLag catches a default poll schedule that notices a
// connection settling at d later than max(0.2s, 0.25*d), for d from 10ms to
// 30s, ignoring request time.
func TestUnitBackoffNoticeLag(t *testing.T) {
	t.Parallel()
	for d := 10 * time.Millisecond; d <= 30*time.Second; d += 10 * time.Millisecond {
		var at time.Duration
		for n := 0; at < d; n++ {
			at += DefaultBackoff.Delay(n)
		}
		limit := max(200*time.Millisecond, d/4)
		if lag := at - d; lag > limit {
			t.Fatalf("settling at %v is noticed at %v: lag %v exceeds %v", d, at, lag, limit)
		}
	}
}
