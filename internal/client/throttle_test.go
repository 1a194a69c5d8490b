package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Catches: a throttling answer to one request leaving the others free to
// hammer the API (each request backing off alone).
func TestUnitThrottlingPausesEveryRequest(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	arrivals := map[string]time.Time{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := len(arrivals) == 0
		arrivals[r.URL.Query().Get("id")+"#"+time.Now().String()] = time.Now()
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached."}`))
			return
		}
		_, _ = w.Write([]byte(`{"connections":[],"total_count":0}`))
	}))
	defer srv.Close()
	c, err := New(Config{Endpoint: srv.URL, ProjectID: testProject, AuthToken: "t", MaxRetries: 2,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{ID: "a"})
		done <- err
	}()
	var opens time.Time
	for opens.IsZero() {
		time.Sleep(time.Millisecond)
		c.throttle.mu.Lock()
		opens = c.throttle.until
		c.throttle.mu.Unlock()
	}
	// A request that starts during the pause waits for it.
	if _, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{ID: "b"}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 3 {
		t.Fatalf("%d requests reached the server, want 3 (a throttled, a again, b)", len(arrivals))
	}
	for key, at := range arrivals {
		if key[0] == 'b' && at.Before(opens) {
			t.Errorf("request b reached the server %v before the shared pause ended", opens.Sub(at))
		}
	}
}

// Catches: answers of requests sent before a pause lengthening it (20
// requests throttled together would back off as if throttled 20 times).
func TestUnitThrottleRoundsCountOnce(t *testing.T) {
	t.Parallel()
	var g throttleGate
	var strikes []int
	delay := func(strike int) time.Duration { strikes = append(strikes, strike); return time.Minute }
	now := time.Now()
	for range 20 {
		g.throttled(now, delay)
	}
	g.throttled(now.Add(2*time.Minute), delay) // after the pause: a new round
	if strikes[19] != 1 || strikes[20] != 2 {
		t.Errorf("strikes %v, want 1 for the first round and 2 for the next", strikes)
	}
	g.succeeded()
	g.throttled(now.Add(4*time.Minute), delay)
	if strikes[21] != 1 {
		t.Errorf("strike after a success %d, want 1", strikes[21])
	}
	// A success between throttling answers of one pause still leaves a strike.
	g.succeeded()
	g.throttled(now.Add(4*time.Minute), delay)
	if strikes[22] != 1 {
		t.Errorf("strike after a success during a pause %d, want 1 (0 is no back-off at all)", strikes[22])
	}
}
