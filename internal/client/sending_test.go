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

// Catches: a token or key with a trailing newline was accepted, then every
// call failed inside net/http and was retried as a transport error (about
// 7 s) and reported as an outcome the API may have acted on.
func TestUnitNewRefusesSettingsHeadersCannotCarry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, name string
		cfg         Config
	}{
		{"AuthToken", "auth token", Config{AuthToken: "token\n"}},
		{"AuthToken", "auth token", Config{AuthToken: "tok\x00en"}},
		{"AccessKey", "access key", Config{AccessKey: "AK\r\n", SecretKey: "sk"}},
		{"SecretKey", "secret key", Config{AccessKey: "AK", SecretKey: "sk\n"}},
		{"ProjectID", "project id", Config{AccessKey: "AK", SecretKey: "sk", ProjectID: testProject + "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			t.Parallel()
			cfg := tt.cfg
			cfg.Endpoint = "http://127.0.0.1:1"
			if cfg.ProjectID == "" {
				cfg.ProjectID = testProject
			}
			_, err := New(cfg)
			var se *SettingError
			if !errors.As(err, &se) || se.Field != tt.field {
				t.Fatalf("New error = %v, want a *SettingError on %s", err, tt.field)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.name) || !strings.Contains(msg, "remove it") {
				t.Errorf("message %q does not name the %s and the fix", msg, tt.name)
			}
		})
	}
	if _, err := New(Config{Endpoint: "http://127.0.0.1:1", ProjectID: testProject, AuthToken: "a\tb"}); err != nil {
		t.Errorf("a tab is a legal header character: %v", err)
	}
}

// Catches: a request that could not be sent (a header value net/http refuses,
// a context that had already ended) went through the retry loop and came
// back as a transport error, indistinguishable from "the API may have acted".
func TestUnitRequestNotSentIsLocalAndNotRetried(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		mutate  func(c *Client)
		setting string
		wantIn  string
		is      error
	}{
		// Values New refuses can still reach a request through later fields
		// (a user agent, headers added by a future auth method).
		{"token with newline", context.Background(), func(c *Client) { c.creds, c.fixed = nil, Credentials{AuthToken: "token\n"} }, "AuthToken", "auth token", nil},
		{"user agent with newline", context.Background(), func(c *Client) { c.userAgent = "ua\r\n" }, "UserAgent", "user agent", nil},
		{"context already canceled", canceled, func(*Client) {}, "", "canceled", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, got := countingServer(t)
			c := newTestClient(t, srv.URL, 5)
			var backoffs atomic.Int32
			c.jitter = func(int64) int64 { backoffs.Add(1); return 0 }
			tt.mutate(c)
			_, err := c.AcceptOrReject(tt.ctx, testService, "e1", ActionReceive)
			if !IsNotSent(err) {
				t.Fatalf("error = %v, want IsNotSent", err)
			}
			var ns *NotSentError
			errors.As(err, &ns)
			if ns.Setting != tt.setting || ns.Method != http.MethodPost || !strings.Contains(ns.Path, "/connections/action") {
				t.Errorf("NotSentError = %+v, want setting %q on the POST action", ns, tt.setting)
			}
			if !strings.Contains(err.Error(), tt.wantIn) || !strings.Contains(err.Error(), "not sent") {
				t.Errorf("message %q does not say it was not sent and why (%q)", err, tt.wantIn)
			}
			if strings.Contains(err.Error(), "token\n") {
				t.Errorf("message %q quotes the token", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if n := backoffs.Load(); n != 0 {
				t.Errorf("retried %d times, want none", n)
			}
			if n := got.Load(); n != 0 {
				t.Errorf("the server received %d requests, want none", n)
			}
			if IsRetryable(err) {
				t.Errorf("IsRetryable(%v) = true", err)
			}
		})
	}
}

// Catches: IsNotSent claiming "not sent" for failures after a request went
// out, where the API may have acted.
func TestUnitIsNotSentOnlyForUnsentRequests(t *testing.T) {
	t.Parallel()
	srv := newScriptedServer(t, step{hangUp: true})
	c := newTestClient(t, srv.URL, 1)
	_, err := c.AcceptOrReject(context.Background(), testService, "e1", ActionReceive)
	if err == nil || IsNotSent(err) {
		t.Errorf("answer lost after sending: IsNotSent(%v) = true, want false", err)
	}
	srv500 := newScriptedServer(t, step{status: http.StatusInternalServerError})
	_, err = newTestClient(t, srv500.URL, 0).AcceptOrReject(context.Background(), testService, "e1", ActionReceive)
	if err == nil || IsNotSent(err) {
		t.Errorf("API answer: IsNotSent(%v) = true, want false", err)
	}
}
