package vpcepmock

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Catches: a throttled answer that is not the gateway's 429 APIGW.0308 form,
// lacks Retry-After, changes state, or outlives the one-second window.
func TestUnitRateLimitAnswersGateway429(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.RateLimit = 3 })
	h.populate("svc", true, 1)
	for i := 0; i < 3; i++ {
		if _, r := h.list("svc", ""); r.code != http.StatusOK {
			t.Fatalf("request %d under the limit: %d %s", i, r.code, r.body)
		}
	}
	r := h.action("svc", ActionReceive, "e000")
	var b flatErrorBody
	r.decode(t, &b)
	want := "The throttling threshold has been reached: policy user over ratelimit,limit:3,time:1 second"
	if r.code != http.StatusTooManyRequests || b.ErrorCode != "APIGW.0308" || b.ErrorMsg != want ||
		b.RequestID == "" || b.RequestID != r.hdr.Get(headerRequestID) || r.hdr.Get("Retry-After") != "1" {
		t.Fatalf("throttled answer: %d %v %s", r.code, r.hdr, r.body)
	}
	if h.status("svc", "e000") != StatusPendingAcceptance || len(h.m.Actions()) != 0 {
		t.Error("a throttled action changed state")
	}
	if got := h.m.RequestCounts(); got[CountThrottled] != 1 || got[OpAcceptOrRejectEndpoint] != 1 || got[OpListServiceConnections] != 3 {
		t.Errorf("counts %v", got)
	}
	// Controls and unauthenticated requests are never throttled (authentication comes first).
	if r := h.control("GET", "/_mock/state", ""); r.code != http.StatusOK {
		t.Errorf("control under the limit: %d", r.code)
	}
	if r := h.send(newRequest("GET", svcPath("svc"), "")); r.code != http.StatusUnauthorized {
		t.Errorf("unauthenticated request: %d, want 401", r.code)
	}
	h.clock.Advance(time.Second)
	if r := h.action("svc", ActionReceive, "e000"); r.code != http.StatusOK {
		t.Errorf("after the window: %d %s", r.code, r.body)
	}
}

// Catches: more than R admissions in some one-second window, or a refusal
// although fewer than R requests were admitted in the second before it.
func TestUnitRateLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	const limit = 5
	rng := rand.New(rand.NewPCG(1, 2))
	var l rateLimiter
	l.set(limit)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var admitted []time.Time
	now := start
	for i := 0; i < 2000; i++ {
		now = now.Add(time.Duration(rng.Int64N(int64(400 * time.Millisecond))))
		inWindow := 0
		for _, a := range admitted {
			if now.Sub(a) < time.Second {
				inWindow++
			}
		}
		ok, wait := l.admit(now)
		switch {
		case ok && inWindow >= limit:
			t.Fatalf("request %d admitted with %d in the last second", i, inWindow)
		case !ok && inWindow < limit:
			t.Fatalf("request %d refused with %d in the last second", i, inWindow)
		case !ok && (wait <= 0 || wait > time.Second):
			t.Fatalf("request %d: wait %v", i, wait)
		}
		if ok {
			admitted = append(admitted, now)
		}
	}
	if len(admitted) < 100 {
		t.Errorf("only %d admitted", len(admitted))
	}
}

// Catches: concurrent requests all admitted past the limit (an unguarded counter).
func TestUnitRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.RateLimit = 10 })
	h.populate("svc", true, 1)
	var wg sync.WaitGroup
	codes := make([]int, 100)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, r := h.list("svc", "")
			codes[i] = r.code
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		}
	}
	if ok != 10 || h.m.RequestCounts()[CountThrottled] != 90 {
		t.Errorf("%d admitted, counts %v", ok, h.m.RequestCounts())
	}
}

// Catches: a limit control that accepts a negative limit, that Reset does
// not restore, or that 0 does not lift.
func TestUnitRateLimitControl(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.RateLimit = 7 })
	if r := h.control("GET", "/_mock/rate-limit", ""); strings.TrimSpace(string(r.body)) != `{"limit":7}` {
		t.Errorf("GET: %d %s", r.code, r.body)
	}
	if r := h.control("PUT", "/_mock/rate-limit", `{"limit":-1}`); r.code != http.StatusBadRequest || !strings.Contains(string(r.body), "limit -1") {
		t.Errorf("negative limit: %d %s", r.code, r.body)
	}
	if r := h.control("PUT", "/_mock/rate-limit", `{"rate":1}`); r.code != http.StatusBadRequest {
		t.Errorf("unknown field: %d %s", r.code, r.body)
	}
	if r := h.control("PUT", "/_mock/rate-limit", `{"limit":0}`); r.code != http.StatusOK || h.m.RateLimit() != 0 {
		t.Errorf("PUT 0: %d %s", r.code, r.body)
	}
	h.populate("svc", true, 0)
	for i := 0; i < 50; i++ {
		if _, r := h.list("svc", ""); r.code != http.StatusOK {
			t.Fatalf("unlimited: request %d answered %d", i, r.code)
		}
	}
	h.m.Reset()
	if h.m.RateLimit() != 7 {
		t.Errorf("Reset left limit %d, want the configured 7", h.m.RateLimit())
	}
}

// Catches: a Retry-After of 0 (an immediate retry) or a fraction, which
// delay-seconds does not allow.
func TestUnitRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	for wait, want := range map[time.Duration]string{
		time.Nanosecond: "1", 999 * time.Millisecond: "1", time.Second: "1", 1001 * time.Millisecond: "2", 0: "1",
	} {
		if got := retryAfterSeconds(wait); got != want {
			t.Errorf("retryAfterSeconds(%v) = %s, want %s", wait, got, want)
		}
	}
}
