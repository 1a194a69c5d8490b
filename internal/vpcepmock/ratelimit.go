package vpcepmock

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// CountThrottled counts API requests refused by the rate limit (429
// APIGW.0308), in addition to their operation.
const CountThrottled = "Throttled"

// headerRetryAfter is sent with every throttled answer. The gateway's own
// answer documents no Retry-After; the mock sends one so that clients which
// honour it can be tested, and clients which do not are unaffected.
const headerRetryAfter = "Retry-After"

// rateWindow is the gateway's throttling period ("time:1 second").
const rateWindow = time.Second

// rateLimiter admits at most limit requests in any rateWindow, keeping the
// admission times of the last limit requests in a ring: a request is
// admitted when the oldest of them is at least rateWindow old.
type rateLimiter struct {
	mu       sync.Mutex
	limit    int
	admitted []time.Time
	next     int // index of the oldest admission in admitted once it is full
}

// set replaces the limit (0 = unlimited) and forgets past admissions.
func (l *rateLimiter) set(limit int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = max(limit, 0)
	l.admitted = make([]time.Time, 0, min(l.limit, 1<<16))
	l.next = 0
}

// get returns the limit (0 = unlimited).
func (l *rateLimiter) get() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// admit records a request at now, or refuses it and says how long until
// one would be admitted.
func (l *rateLimiter) admit(now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.limit == 0 {
		return true, 0
	}
	if len(l.admitted) < l.limit {
		l.admitted = append(l.admitted, now)
		return true, 0
	}
	oldest := l.admitted[l.next]
	if wait := oldest.Add(rateWindow).Sub(now); wait > 0 {
		return false, wait
	}
	l.admitted[l.next] = now
	l.next = (l.next + 1) % l.limit
	return true, 0
}

// retryAfterSeconds is a wait as Retry-After delay-seconds: whole seconds,
// rounded up, at least 1.
func retryAfterSeconds(wait time.Duration) string {
	s := (wait + time.Second - 1) / time.Second
	return strconv.FormatInt(max(int64(s), 1), 10)
}

// throttle answers 429 APIGW.0308 in the gateway form with Retry-After when
// the rate limit refuses the request, and reports whether it did.
func (m *Mock) throttle(c *call) bool {
	ok, wait := m.limiter.admit(m.now())
	if ok {
		return false
	}
	m.count(CountThrottled)
	c.w.Header().Set(headerRetryAfter, retryAfterSeconds(wait))
	m.fail(c, errThrottled.withMessage(fmt.Sprintf(
		"The throttling threshold has been reached: policy user over ratelimit,limit:%d,time:1 second", m.limiter.get())))
	return true
}

// SetRateLimit changes Config.RateLimit: at most limit API requests in any
// second are served, the others answer 429 APIGW.0308; 0 = unlimited.
func (m *Mock) SetRateLimit(limit int) { m.limiter.set(limit) }

// RateLimit returns the current rate limit (0 = unlimited).
func (m *Mock) RateLimit() int { return m.limiter.get() }

// rateLimitJSON is the body of PUT /_mock/rate-limit and its answer.
type rateLimitJSON struct {
	Limit int `json:"limit"`
}

func (m *Mock) controlGetRateLimit(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, rateLimitJSON{Limit: m.RateLimit()})
}

func (m *Mock) controlRateLimit(w http.ResponseWriter, r *http.Request) {
	var req rateLimitJSON
	if !decodeControl(w, r, &req) {
		return
	}
	if req.Limit < 0 {
		writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: fmt.Sprintf("limit %d: want requests per second >= 0 (0 = unlimited)", req.Limit)})
		return
	}
	m.SetRateLimit(req.Limit)
	writeJSON(w, http.StatusOK, rateLimitJSON{Limit: m.RateLimit()})
}
