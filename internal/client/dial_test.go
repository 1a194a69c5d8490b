package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock/mocktest"
)

// countDials wraps the installed dial guard (the tests' loopback guard) so
// that it counts every dial and refuses those to refuse, as the tests' guard
// refuses a host outside loopback. Not parallel: the guard is global, and
// only sequential tests run while it is swapped.
func countDials(t *testing.T, refuse string) *atomic.Int32 {
	t.Helper()
	prev := dialGuard.Load()
	var n atomic.Int32
	GuardDials(func(address string) error {
		n.Add(1)
		if address == refuse {
			return errors.New("dial " + address + " refused by the test's guard")
		}
		if prev != nil && *prev != nil {
			return (*prev)(address)
		}
		return nil
	})
	t.Cleanup(func() { dialGuard.Store(prev) })
	return &n
}

// Catches: a dial the tests' loopback guard refused was reported as "the
// connection broke after the request was sent, so the API may have acted on
// it", and retried max_retries times although the guard never changes its mind.
func TestUnitGuardRefusedDialIsNotSentAndNotRetried(t *testing.T) {
	srv, got := countingServer(t)
	dials := countDials(t, strings.TrimPrefix(srv.URL, "http://"))
	c := newTestClient(t, srv.URL, 3)
	_, err := c.AcceptOrReject(context.Background(), testService, "e1", ActionReceive)
	if !IsNotSent(err) || Delivered(err) != Undelivered {
		t.Errorf("error %v: IsNotSent %v, Delivered %v; want a not-sent, undelivered error", err, IsNotSent(err), Delivered(err))
	}
	if n := dials.Load(); n != 1 || got.Load() != 0 {
		t.Errorf("%d dials, %d requests served; want 1 dial, no retry, nothing served", n, got.Load())
	}
}

// Catches: a refused connection on loopback (no vpcep-mock running) was retried
// max_retries times with back-off (about 8 s by default) before failing, and
// was not reported as not sent.
func TestUnitRefusedLoopbackIsNotSentAfterOneRetry(t *testing.T) {
	url := "http://" + mocktest.ClosedAddr(t)
	dials := countDials(t, "")
	c := newTestClient(t, url, 6)
	_, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{})
	if !IsNotSent(err) || !ConnectionRefused(err) || Delivered(err) != Undelivered {
		t.Errorf("error %v: want a not-sent, refused, undelivered error", err)
	}
	if !strings.Contains(err.Error(), "GET "+url+"/v1/") || !strings.Contains(err.Error(), "was not sent") {
		t.Errorf("error %q does not name the URL and say it was not sent", err)
	}
	if n := dials.Load(); n != 1+refusedOnLoopbackRetries {
		t.Errorf("%d dials, want %d (one retry, not max_retries)", n, 1+refusedOnLoopbackRetries)
	}
}

// Catches: a call whose first attempt reached the API (answer lost) and whose
// retry was refused would read as never sent, though the API may have acted.
func TestUnitRefusedRetryAfterADeliveredAttemptMayHaveActed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = srv.Listener.Close() // every later attempt is refused
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
	})
	srv.Start()
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, 3)
	_, err := c.AcceptOrReject(context.Background(), testService, "e1", ActionReceive)
	if IsNotSent(err) || Delivered(err) != DeliveryUnknown {
		t.Errorf("error %v: IsNotSent %v, Delivered %v; want a call that may have reached the API", err, IsNotSent(err), Delivered(err))
	}
}
