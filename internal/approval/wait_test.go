package approval

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// fakeSleeper advances a fake clock instead of sleeping, and ends the wait
// with context.DeadlineExceeded once the fake clock passes the deadline.
type fakeSleeper struct {
	now      time.Duration
	deadline time.Duration
	pauses   []time.Duration
}

func (f *fakeSleeper) sleep(_ context.Context, d time.Duration) error {
	f.pauses = append(f.pauses, d)
	if f.deadline > 0 && f.now+d > f.deadline {
		f.now = f.deadline
		return context.DeadlineExceeded
	}
	f.now += d
	return nil
}

// TestUnitWait catches a wait that stops on a retryable error (throttled,
// 503, no answer) or keeps polling after a final one, polls on a shrinking
// schedule, or on timeout blames an error the API has recovered from
// instead of the last poll's.
func TestUnitWait(t *testing.T) {
	t.Parallel()
	errFailed := errors.New("connection failed") // not retryable: waiting is pointless
	errThrottled := &client.APIError{StatusCode: http.StatusTooManyRequests, Code: client.CodeGatewayThrottled,
		Message: "Requests throttled", RequestID: "req-429"}
	errUnavailable := &client.APIError{StatusCode: http.StatusServiceUnavailable, Code: "EndPoint.0001", Message: "System error"}
	errNoAnswer := &client.TransportError{Method: http.MethodGet, URL: "http://127.0.0.1:1/v1/p", Err: errors.New("connection reset by peer")}
	errForbidden := &client.APIError{StatusCode: http.StatusForbidden, Code: "EndPoint.0004", Message: "no permissions"}
	tests := []struct {
		name     string
		deadline time.Duration
		doneAt   int           // poll number (1-based) that reports done; 0 = never
		errs     map[int]error // poll number -> the error it returns
		wantErr  error         // nil, an error of errs, or context.DeadlineExceeded
		wantText string        // in the error's text
		wantPoll int
	}{
		{name: "done on first poll", doneAt: 1, wantPoll: 1},
		{name: "done on fifth poll", doneAt: 5, wantPoll: 5},
		{name: "non-retryable error stops waiting", errs: map[int]error{3: errFailed}, wantErr: errFailed, wantPoll: 3},
		{name: "non-retryable API error stops waiting", errs: map[int]error{2: errForbidden}, wantErr: errForbidden, wantPoll: 2},
		{name: "retryable errors do not stop waiting", doneAt: 6,
			errs:     map[int]error{1: errThrottled, 2: errUnavailable, 3: errNoAnswer, 5: errThrottled},
			wantPoll: 6},
		{name: "non-retryable error after retryable ones", errs: map[int]error{1: errThrottled, 2: errFailed},
			wantErr: errFailed, wantPoll: 2},
		{name: "timeout", deadline: 3 * time.Second, wantErr: context.DeadlineExceeded, wantPoll: 15},
		{name: "timeout while the API keeps failing names the last error", deadline: 3 * time.Second,
			errs:    map[int]error{13: errUnavailable, 14: errUnavailable, 15: errThrottled},
			wantErr: context.DeadlineExceeded, wantText: "the last poll failed: " + errThrottled.Error(), wantPoll: 15},
		{name: "timeout after a recovered error does not blame it", deadline: 3 * time.Second,
			errs:    map[int]error{14: errUnavailable},
			wantErr: context.DeadlineExceeded, wantPoll: 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := &fakeSleeper{deadline: tt.deadline}
			w := &Decider{Sleep: clk.sleep}
			polls := 0
			err := w.wait(context.Background(), func(context.Context) (bool, error) {
				polls++
				if err := tt.errs[polls]; err != nil {
					return false, err
				}
				return polls == tt.doneAt, nil
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("wait() = %v, want %v", err, tt.wantErr)
			}
			if err != nil && tt.wantText == "" && err != tt.wantErr { //nolint:errorlint // the bare error is expected
				t.Errorf("wait() = %q, want exactly %q", err, tt.wantErr)
			}
			if tt.wantText != "" && !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("wait() = %q, want it to contain %q", err, tt.wantText)
			}
			if polls != tt.wantPoll {
				t.Errorf("polls = %d, want %d (pauses %v)", polls, tt.wantPoll, clk.pauses)
			}
			for i := 1; i < len(clk.pauses); i++ {
				if clk.pauses[i] < clk.pauses[i-1] {
					t.Errorf("pause %d (%v) shorter than pause %d (%v)", i, clk.pauses[i], i-1, clk.pauses[i-1])
				}
			}
		})
	}
}

// TestUnitWaitRealClockTimeout catches a wait on the real clock that hangs
// past its context's deadline or ends with anything but DeadlineExceeded.
func TestUnitWaitRealClockTimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	err := (&Decider{}).wait(ctx, func(context.Context) (bool, error) { return false, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait() = %v, want context.DeadlineExceeded", err)
	}
}
