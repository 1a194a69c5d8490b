package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests use small hand-made servers only for answers the mock cannot
// give (408/500/502/504, Retry-After, a dropped connection); the client's
// behaviour against the API itself is tested on the mock in mock_test.go.

const (
	testProject = "0123456789abcdef0123456789abcdef"
	testService = "4189d3c2-8882-4871-a3c2-d380272eed88"
)

// scriptedServer answers each request with the next step of script (the last
// step repeats) and counts the requests.
type scriptedServer struct {
	*httptest.Server
	mu    sync.Mutex
	calls int
}

type step struct {
	status     int
	body       string
	retryAfter string
	hangUp     bool // drop the connection without an answer
}

func newScriptedServer(t *testing.T, script ...step) *scriptedServer {
	t.Helper()
	s := &scriptedServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		i := s.calls
		s.calls++
		s.mu.Unlock()
		st := script[min(i, len(script)-1)]
		if st.hangUp {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		if st.retryAfter != "" {
			w.Header().Set("Retry-After", st.retryAfter)
		}
		w.Header().Set("X-Request-Id", "req-"+strconv.Itoa(i))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(st.status)
		_, _ = w.Write([]byte(st.body))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scriptedServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// newTestClient builds a client on url with instant back-off.
func newTestClient(t *testing.T, url string, maxRetries int) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: url, ProjectID: testProject, AuthToken: "token", MaxRetries: maxRetries,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.jitter = func(int64) int64 { return 0 }
	return c
}

const okList = `{"connections":[{"id":"e1","status":"accepted","marker_id":422321321312321321}],"total_count":1}`

// TestUnitRetryOnRetryableAnswers catches a retryable answer (408, 429,
// EndPoint.0022 in either form and case, 500, 502, 503, 504) that fails the
// call instead of being retried.
func TestUnitRetryOnRetryableAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"408", http.StatusRequestTimeout, ``},
		{"429 APIGW.0308", http.StatusTooManyRequests, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached.","request_id":"x"}`},
		{"400 EndPoint.0022", http.StatusBadRequest, `{"error":{"code":"EndPoint.0022","message":"The number of requests exceeded the limit. Please try later."}}`},
		{"400 Endpoint.0022 flat, other case", http.StatusBadRequest, `{"error_code":"Endpoint.0022","error_msg":"too many"}`},
		{"500", http.StatusInternalServerError, `{"error_code":"EndPoint.0001","error_msg":"System error. Please retry."}`},
		{"502", http.StatusBadGateway, `<html>bad gateway</html>`},
		{"503", http.StatusServiceUnavailable, ``},
		{"504", http.StatusGatewayTimeout, `{"error_code":"APIGW.0201","error_msg":"Backend timeout."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newScriptedServer(t, step{status: tt.status, body: tt.body}, step{status: tt.status, body: tt.body}, step{status: 200, body: okList})
			c := newTestClient(t, srv.URL, 3)
			page, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{})
			if err != nil {
				t.Fatalf("ListConnections: %v", err)
			}
			if srv.count() != 3 {
				t.Errorf("requests = %d, want 3 (two retries)", srv.count())
			}
			if len(page.Connections) != 1 || page.Connections[0].MarkerID != 422321321312321321 {
				t.Errorf("page = %+v", page)
			}
		})
	}
}

// TestUnitNoRetryOnFinalAnswers catches a final answer (400, 401, 403, 404,
// 409, 501) retried, or returned without its status, code or request id.
func TestUnitNoRetryOnFinalAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
		code   string
	}{
		{400, `{"error":{"code":"EndPoint.0002","message":"Parameter error."}}`, "EndPoint.0002"},
		{401, `{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: decrypt token fail","request_id":"r"}`, "APIGW.0301"},
		{403, `{"error":{"code":"EndPoint.0004","message":"no permissions"}}`, "EndPoint.0004"},
		{404, `{"error":{"code":"EndPoint.0005","message":"The requested resource does not exist."}}`, "EndPoint.0005"},
		{409, `{"error_code":"EndPoint.9999","error_msg":"conflict"}`, "EndPoint.9999"},
		{501, ``, ""},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			srv := newScriptedServer(t, step{status: tt.status, body: tt.body})
			c := newTestClient(t, srv.URL, 5)
			_, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Code != tt.code || apiErr.RequestID != "req-0" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if srv.count() != 1 {
				t.Errorf("requests = %d, want 1 (no retry)", srv.count())
			}
		})
	}
}

// TestUnitRetriesAreBounded catches retries beyond max_retries, a final
// error that is not the last answer or does not say how many retries were
// made (messages claimed "after every retry" with max_retries = 0), and
// max_retries not capped.
func TestUnitRetriesAreBounded(t *testing.T) {
	t.Parallel()
	for _, maxRetries := range []int{0, 1, 4} {
		srv := newScriptedServer(t, step{status: 503, body: `{"error":{"code":"EndPoint.0001","message":"System error."}}`})
		c := newTestClient(t, srv.URL, maxRetries)
		_, err := c.GetEndpointService(context.Background(), testService)
		if !IsRetryable(err) || !HasCode(err, "EndPoint.0001") {
			t.Errorf("MaxRetries %d: error %v, want the last 503 answer", maxRetries, err)
		}
		if srv.count() != maxRetries+1 {
			t.Errorf("MaxRetries %d: requests = %d, want %d", maxRetries, srv.count(), maxRetries+1)
		}
		// Defect: the final answer did not say how many retries were made, so
		// messages claimed "after every retry" with max_retries = 0.
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Retries != maxRetries {
			t.Errorf("MaxRetries %d: final answer %+v, want Retries %d", maxRetries, apiErr, maxRetries)
		}
	}
	c, err := New(Config{Endpoint: "http://x", ProjectID: "p", AuthToken: "t", MaxRetries: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if c.maxRetries != MaxRetriesLimit {
		t.Errorf("maxRetries = %d, want the cap %d", c.maxRetries, MaxRetriesLimit)
	}
}

// TestUnitRetryOnTransportError catches a dropped connection not retried,
// and, with no retries left, reported as anything but a retryable
// *TransportError.
func TestUnitRetryOnTransportError(t *testing.T) {
	t.Parallel()
	srv := newScriptedServer(t, step{hangUp: true}, step{status: 200, body: okList})
	c := newTestClient(t, srv.URL, 2)
	if _, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{}); err != nil {
		t.Fatalf("ListConnections after a dropped connection: %v", err)
	}
	if srv.count() != 2 {
		t.Errorf("requests = %d, want 2", srv.count())
	}

	// With no retries the transport failure is reported as such.
	srv2 := newScriptedServer(t, step{hangUp: true})
	c2 := newTestClient(t, srv2.URL, 0)
	_, err := c2.ListConnections(context.Background(), testService, ListConnectionsOptions{})
	var te *TransportError
	if !errors.As(err, &te) || !IsRetryable(err) {
		t.Errorf("error %v (%T), want a retryable *TransportError", err, err)
	}
}

// TestUnitRetryAfterIsHonouredAndCapped catches a throttled call retried
// without the pause its Retry-After asks for, a pause of the hour asked
// instead of RetryMaxDelay, or jitter drawn although the server said how long.
func TestUnitRetryAfterIsHonouredAndCapped(t *testing.T) {
	t.Parallel()
	throttled := `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached.","request_id":"x"}`
	srv := newScriptedServer(t, step{status: 429, body: throttled, retryAfter: "3600"}, step{status: 200, body: okList})
	c, err := New(Config{Endpoint: srv.URL, ProjectID: testProject, AuthToken: "t", MaxRetries: 1,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.jitter = func(int64) int64 { t.Error("jitter used although Retry-After was given"); return 0 }
	if _, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{}); err != nil {
		t.Fatal(err)
	}
	// One hour asked, capped at RetryMaxDelay: the pause itself, not the
	// wall clock a loaded machine stretches.
	c.throttle.mu.Lock()
	paused := !c.throttle.until.IsZero()
	c.throttle.mu.Unlock()
	if !paused {
		t.Error("the throttled answer set no pause: the retry was sent at once")
	}
	hint := &retryAfterError{APIError: &APIError{StatusCode: 429, Code: CodeGatewayThrottled}, after: time.Hour}
	if d := c.backoff(1, hint); d != 150*time.Millisecond {
		t.Errorf("a Retry-After of one hour pauses %v, want RetryMaxDelay (150ms)", d)
	}
	if d := parseRetryAfter("3600", time.Now()); d != time.Hour {
		t.Errorf("Retry-After: 3600 read as %v, want 1h", d)
	}

	// The last answer keeps its *APIError form when retries run out.
	srv2 := newScriptedServer(t, step{status: 429, body: throttled, retryAfter: "0"})
	c2 := newTestClient(t, srv2.URL, 1)
	_, err = c2.ListConnections(context.Background(), testService, ListConnectionsOptions{})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || !HasCode(err, CodeGatewayThrottled) {
		t.Errorf("error %v, want the 429 APIError", err)
	}
}

// TestUnitParseRetryAfter catches a Retry-After in seconds or as an HTTP
// date read wrong, a past, negative or unreadable one read as a pause, and
// a huge one not capped at an hour.
func TestUnitParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"2", 2 * time.Second},
		{" 7 ", 7 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"99999999", time.Hour},
		{"Mon, 01 Jan 2024 12:00:30 GMT", 30 * time.Second},
		{"Mon, 01 Jan 2024 11:59:00 GMT", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestUnitBackoffIsExponentialWithFullJitter catches a back-off that does
// not double from RetryBaseDelay, goes above RetryMaxDelay, draws jitter
// outside [0, ceiling], or overflows on a huge attempt number.
func TestUnitBackoffIsExponentialWithFullJitter(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Endpoint: "http://x", ProjectID: "p", AuthToken: "t",
		RetryBaseDelay: 100 * time.Millisecond, RetryMaxDelay: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var ceilings []int64
	c.jitter = func(n int64) int64 { ceilings = append(ceilings, n); return n - 1 }
	transient := &APIError{StatusCode: 503}
	for attempt := 1; attempt <= 6; attempt++ {
		if d := c.backoff(attempt, transient); d > time.Second {
			t.Errorf("attempt %d: delay %v above RetryMaxDelay", attempt, d)
		}
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond,
		800 * time.Millisecond, time.Second, time.Second}
	for i, n := range ceilings {
		if time.Duration(n-1) != want[i] {
			t.Errorf("attempt %d: jitter ceiling %v, want %v", i+1, time.Duration(n-1), want[i])
		}
	}
	// Real jitter stays within [0, ceiling].
	c.jitter = rand.Int64N
	for range 1000 {
		if d := c.backoff(3, transient); d < 0 || d > 400*time.Millisecond {
			t.Fatalf("jittered delay %v outside [0, 400ms]", d)
		}
	}
	// Huge attempt numbers do not overflow.
	if d := c.backoff(200, transient); d < 0 || d > time.Second {
		t.Errorf("attempt 200: delay %v", d)
	}
}

// returnsDespite runs call, whose only way to return soon is to honour a
// cancellation, and returns its error; it fails the test, rather than hang
// it for the hour call would otherwise wait, when call is still waiting a
// minute later. The minute bounds a hang, not a speed.
func returnsDespite(t *testing.T, wait string, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatalf("still waiting a minute after the context ended: %s ignores cancellation", wait)
		return nil
	}
}

// Catches a retry back-off that ignores cancellation (the caller waits out
// the full delay, an hour). The context is cancelled once the first answer
// arrived, not after a fixed time, so a slow machine cannot cancel before it.
func TestUnitCancellationStopsRetries(t *testing.T) {
	t.Parallel()
	srv := newScriptedServer(t, step{status: 503})
	c, err := New(Config{Endpoint: srv.URL, ProjectID: testProject, AuthToken: "t", MaxRetries: 10,
		RetryBaseDelay: time.Hour, RetryMaxDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	c.jitter = func(n int64) int64 { return n - 1 } // always the full hour
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for srv.count() == 0 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	err = returnsDespite(t, "the retry back-off", func() error {
		_, err := c.ListConnections(ctx, testService, ListConnectionsOptions{})
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if srv.count() != 1 {
		t.Errorf("requests = %d, want 1", srv.count())
	}
}

// TestUnitCancellationDuringRequest catches a request in flight that does
// not end on cancellation, a cancelled call reported as retryable, or
// retried.
func TestUnitCancellationDuringRequest(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	arrived := make(chan struct{}, 10)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newTestClient(t, srv.URL, 5)
	ctx, cancel := context.WithCancel(context.Background())
	// Cancel once the request is in flight, not after a sleep a loaded machine may outrun.
	go func() { <-arrived; cancel() }()
	_, err := c.AcceptOrReject(ctx, testService, "e1", ActionReceive)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if IsRetryable(err) {
		t.Error("a canceled call is reported retryable")
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("requests = %d, want 1 (no retry after cancel)", n)
	}
}

// TestUnitPlainHTTPServerNotRetried catches an https:// endpoint that
// points at a plain-HTTP server (vpcep-mock, say) retried for seconds and
// reported as a network problem that may have reached the API: the TLS
// handshake fails before anything is sent, and no retry changes that.
func TestUnitPlainHTTPServerNotRetried(t *testing.T) {
	t.Parallel()
	srv := newScriptedServer(t, step{status: 200, body: okList})
	c := newTestClient(t, "https://"+srv.Listener.Addr().String(), 6)
	_, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{})
	if !PlainHTTPAnswer(err) || IsRetryable(err) || Delivered(err) != Undelivered {
		t.Fatalf("err = %v: PlainHTTPAnswer %v, IsRetryable %v, Delivered %v; want true, false, Undelivered",
			err, PlainHTTPAnswer(err), IsRetryable(err), Delivered(err))
	}
	if n := srv.count(); n != 0 {
		t.Errorf("the server saw %d requests", n)
	}
}
