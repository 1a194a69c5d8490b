package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer answers 404 to everything and counts what it receives.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// Catches: a 3xx from the endpoint was followed, resending X-Auth-Token (or the
// signed AK/SK request and its body) to the Location's host, even from https
// down to http, and the foreign host's answer was trusted.
func TestUnitRedirectIsNeverFollowed(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		for _, auth := range []string{"token", "aksk"} {
			for _, status := range []int{http.StatusTemporaryRedirect, http.StatusFound, http.StatusPermanentRedirect, http.StatusMovedPermanently} {
				name := strconv.Itoa(status) + "/" + auth
				if tls {
					name = "https/" + name
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					other, otherGot := countingServer(t)
					var endpointGot atomic.Int32
					redirecting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						endpointGot.Add(1)
						w.Header().Set("Location", other.URL+r.URL.RequestURI())
						w.WriteHeader(status)
					})
					var srv *httptest.Server
					if tls {
						srv = httptest.NewTLSServer(redirecting)
					} else {
						srv = httptest.NewServer(redirecting)
					}
					t.Cleanup(srv.Close)
					cfg := Config{Endpoint: srv.URL, ProjectID: testProject, MaxRetries: 3,
						RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond}
					if auth == "token" {
						cfg.AuthToken = "secret-token"
					} else {
						cfg.AccessKey, cfg.SecretKey = "AKEXAMPLE", "secret-key"
					}
					if tls {
						// The caller's own client: its policy must not matter either.
						cfg.HTTPClient = srv.Client()
					}
					c, err := New(cfg)
					if err != nil {
						t.Fatal(err)
					}
					calls := map[string]func() error{
						"POST action": func() error {
							_, err := c.AcceptOrReject(context.Background(), testService, "e1", ActionReceive)
							return err
						},
						"GET list": func() error {
							_, err := c.ListConnections(context.Background(), testService, ListConnectionsOptions{})
							return err
						},
					}
					for call, run := range calls {
						before := endpointGot.Load()
						err := run()
						var re *RedirectError
						if !errors.As(err, &re) {
							t.Fatalf("%s: error = %v, want a *RedirectError", call, err)
						}
						if re.StatusCode != status || !strings.HasPrefix(re.Location, other.URL+"/v1/") {
							t.Errorf("%s: RedirectError = %+v, want status %d and Location on %s", call, re, status, other.URL)
						}
						msg := err.Error()
						if !strings.Contains(msg, strconv.Itoa(status)) || !strings.Contains(msg, other.URL) || !strings.Contains(msg, "endpoint") {
							t.Errorf("%s: message %q does not name the status, the Location and the endpoint setting", call, msg)
						}
						if strings.Contains(msg, "secret") {
							t.Errorf("%s: message %q quotes a secret", call, msg)
						}
						if got := endpointGot.Load() - before; got != 1 {
							t.Errorf("%s: endpoint received %d requests, want 1 (a redirect is not retried)", call, got)
						}
						if IsRetryable(err) {
							t.Errorf("%s: IsRetryable(%v) = true", call, err)
						}
					}
					if n := otherGot.Load(); n != 0 {
						t.Errorf("the redirect target received %d requests, want none", n)
					}
				})
			}
		}
	}
}

// Catches: a caller's *http.Client had its redirect policy overwritten.
func TestUnitRedirectPolicyLeavesCallersClientAlone(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	if _, err := New(Config{Endpoint: "http://127.0.0.1:1", ProjectID: testProject, AuthToken: "t", HTTPClient: hc}); err != nil {
		t.Fatal(err)
	}
	if hc.CheckRedirect != nil {
		t.Error("New changed the caller's http.Client")
	}
}
