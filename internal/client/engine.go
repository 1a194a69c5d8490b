package client

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// engine sends the requests of one API (VPCEP or IAM) with the retry rules
// of DESIGN.md: Retry-After wins, otherwise exponential back-off with full
// jitter; one throttling pause for every request of the engine; at most
// maxRetries retries.
type engine struct {
	// service names the API in errors and logs: "" for VPCEP, ServiceIAM.
	service    string
	base       *url.URL
	maxRetries int
	baseDelay  time.Duration
	maxDelay   time.Duration
	httpClient *http.Client
	userAgent  string
	// logBodies logs request and response bodies at trace level; IAM's
	// hold secrets, so its engine never logs them.
	logBodies bool
	// throttle is the pause every request shares while the API throttles.
	throttle throttleGate
	// now and jitter are replaced in tests.
	now    func() time.Time
	jitter func(n int64) int64
}

// engineSettings are the settings Config and IAMConfig have in common.
type engineSettings struct {
	maxRetries          int
	baseDelay, maxDelay time.Duration
	httpClient          *http.Client
	insecure            bool
	userAgent           string
}

// newEngine applies the defaults and caps of Config to s.
func newEngine(service string, base *url.URL, s engineSettings) *engine {
	e := &engine{
		service:    service,
		base:       base,
		maxRetries: min(max(s.maxRetries, 0), MaxRetriesLimit),
		baseDelay:  cmp.Or(max(s.baseDelay, 0), DefaultRetryBaseDelay),
		maxDelay:   cmp.Or(max(s.maxDelay, 0), DefaultRetryMaxDelay),
		userAgent:  cmp.Or(s.userAgent, DefaultUserAgent),
		logBodies:  service != ServiceIAM,
		now:        time.Now,
		jitter:     rand.Int64N,
	}
	e.maxDelay = max(e.maxDelay, e.baseDelay)
	if s.httpClient == nil {
		e.httpClient = defaultHTTPClient(s.insecure)
	} else {
		// A copy, so that the caller's client keeps its own redirect policy.
		hc := *s.httpClient
		e.httpClient = &hc
	}
	// The API never redirects; following one would send the token, the
	// signed headers and the body to a host nobody configured.
	e.httpClient.CheckRedirect = refuseRedirect
	return e
}

// request is one call as the engine sends it, on every attempt.
type request struct {
	method string
	// path is escaped and relative to the engine's base URL.
	path  string
	query url.Values
	// body is the encoded body; nil sends none.
	body []byte
	// contentType overrides the Content-Type; "" picks it by body.
	contentType string
	// header holds extra headers, set before signing.
	header map[string]string
	// credentials gives the credentials of each attempt; nil sends the
	// request unsigned.
	credentials func(context.Context) (Credentials, error)
	// renew replaces temporary credentials the API refused with a 401, once
	// per call; nil never renews.
	renew func(context.Context, Credentials) (Credentials, error)
	// projectID is signed as X-Project-Id with AK/SK; "" for IAM.
	projectID string
	// out receives a 2xx JSON body; nil leaves the body to the caller.
	out any
}

// answer is a 2xx answer.
type answer struct {
	body      []byte
	header    http.Header
	requestID string
}

// send makes the call: every call may be retried, since reads change
// nothing and both writes are idempotent in effect. It decodes a 2xx body
// into r.out.
func (e *engine) send(ctx context.Context, r *request) (*answer, error) {
	target, err := e.target(r)
	if err != nil {
		return nil, err
	}
	renewed, reached := false, false
	for attempt := 1; ; attempt++ {
		creds, ans, err := e.try(ctx, r, target, attempt)
		err = markSentBefore(err, reached)
		reached = reached || mayHaveReached(err)
		// Temporary credentials that expired are renewed once (shared with
		// every concurrent call) and the request retried once, never in a loop.
		if !renewed && r.renew != nil && creds.Temporary() && isUnauthorized(err) {
			renewed = true
			if err = e.renew(ctx, r, creds, err); err == nil {
				attempt--
				continue
			}
		}
		if err == nil {
			e.throttle.succeeded()
			if err = e.decode(r, ans); err == nil {
				return ans, nil
			}
		}
		if err = e.retryOrFail(ctx, r, err, attempt); err != nil {
			return nil, notSentIfNoneLeft(r, err, reached)
		}
	}
}

// mayHaveReached reports an attempt whose request may have reached the API:
// any but one that was never sent or could not connect.
func mayHaveReached(err error) bool {
	return err == nil || !IsNotSent(err) && !dialFailed(err)
}

// markSentBefore notes on an attempt's *TransportError that an earlier
// attempt may have reached the API.
func markSentBefore(err error, reached bool) error {
	var transportErr *TransportError
	if reached && errors.As(err, &transportErr) {
		transportErr.sentBefore = true
	}
	return err
}

// notSentIfNoneLeft makes the final error of a call none of whose attempts
// left this machine (each dial refused, each lookup failed) a *NotSentError,
// so that callers report that nothing was sent and the API did not act.
func notSentIfNoneLeft(r *request, err error, reached bool) error {
	var transportErr *TransportError
	if reached || IsNotSent(err) || !errors.As(err, &transportErr) || !dialFailed(err) {
		return err
	}
	return &NotSentError{Method: r.method, Path: r.path, Err: err}
}

// target is the URL of r. r.path is already escaped; RawPath keeps that
// exact form (an id holding '/' stays one segment) and Path is its decoded
// twin, as url.URL wants.
func (e *engine) target(r *request) (string, error) {
	u := *e.base
	u.RawPath = strings.TrimRight(e.base.EscapedPath(), "/") + r.path
	decoded, err := url.PathUnescape(u.RawPath)
	if err != nil {
		return "", &NotSentError{Method: r.method, Path: r.path, Err: fmt.Errorf("building the request URL: %w", err)}
	}
	u.Path = decoded
	u.RawQuery = r.query.Encode()
	return u.String(), nil
}

// try gets the attempt's credentials, waits out a throttling pause and sends
// the request once. Only the first attempt's failures here are NotSentError:
// past it, the API may have acted on an earlier attempt.
func (e *engine) try(ctx context.Context, r *request, target string, attempt int) (Credentials, *answer, error) {
	var creds Credentials
	if r.credentials != nil {
		var err error
		if creds, err = r.credentials(ctx); err != nil {
			if attempt == 1 {
				return creds, nil, &NotSentError{Method: r.method, Path: r.path, Setting: "Credentials", Err: fmt.Errorf("getting credentials: %w", err)}
			}
			return creds, nil, fmt.Errorf("getting credentials for attempt %d of %s %s: %w", attempt, r.method, r.path, err)
		}
	}
	if err := e.throttle.wait(ctx); err != nil {
		if attempt == 1 {
			return creds, nil, &NotSentError{Method: r.method, Path: r.path, Err: err}
		}
		return creds, nil, err
	}
	ans, err := e.attempt(maskCredentials(ctx, creds), r, creds, target, attempt)
	return creds, ans, err
}

// renew asks for fresh credentials after refused ones were refused with
// err; it returns nil when the call may be sent again.
func (e *engine) renew(ctx context.Context, r *request, refused Credentials, err error) error {
	tflog.Debug(maskCredentials(ctx, refused), e.label()+" API refused temporary credentials; renewing them once",
		map[string]any{"method": r.method, "path": r.path})
	if _, renewErr := r.renew(ctx, refused); renewErr != nil {
		return fmt.Errorf("%w (renewing the temporary credentials failed: %v)", err, renewErr) //nolint:errorlint // the renewal error is context, not the cause
	}
	return nil
}

// decode fills r.out from a 2xx answer. A body that is not the JSON expected
// is a *DecodeError, which IsRetryable retries for reads.
func (e *engine) decode(r *request, ans *answer) error {
	if r.out == nil || len(bytes.TrimSpace(ans.body)) == 0 {
		return nil
	}
	// Zeroed first: a failed attempt may have filled part of out.
	reflect.ValueOf(r.out).Elem().SetZero()
	if err := json.Unmarshal(ans.body, r.out); err != nil {
		return &DecodeError{Method: r.method, Path: r.path, RequestID: ans.requestID, Bytes: len(ans.body), Err: err}
	}
	return nil
}

// retryOrFail returns the call's final error, or nil once the call may be
// sent again: after its back-off, or (throttled) with the shared pause set,
// which the next attempt waits out.
func (e *engine) retryOrFail(ctx context.Context, r *request, err error, attempt int) error {
	if IsNotSent(err) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if attempt > e.maxRetries || !IsRetryable(err) || attempt > refusedOnLoopbackRetries && refusedOnLoopback(err) {
		var ra *retryAfterError
		if errors.As(err, &ra) {
			err = ra.APIError
		}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			apiErr.Retries = attempt - 1
		}
		return err
	}
	fields := map[string]any{"method": r.method, "path": r.path, "attempt": attempt, "error": err.Error()}
	if IsThrottled(err) {
		opens := e.throttle.throttled(time.Now(), func(strike int) time.Duration { return e.backoff(strike, err) })
		fields["delay_ms"] = time.Until(opens).Milliseconds()
		tflog.Debug(ctx, e.label()+" API throttled; every request of the provider pauses", fields)
		return nil
	}
	delay := e.backoff(attempt, err)
	fields["delay_ms"] = delay.Milliseconds()
	tflog.Debug(ctx, e.label()+" API call will be retried", fields)
	return pause.For(ctx, delay)
}

// refusedOnLoopbackRetries bounds the retries of a connection refused on
// loopback (a vpcep-mock that is not running): one, for a server that is
// still starting, instead of max_retries' back-offs (about 8 s by default).
const refusedOnLoopbackRetries = 1

// label names the API in logs: "VPCEP" or "IAM".
func (e *engine) label() string { return firstNonEmpty(e.service, "VPCEP") }

// retryAfterError carries a Retry-After hint next to the API error it came
// with; send unwraps it for the delay and callers still see the *APIError.
type retryAfterError struct {
	*APIError
	after time.Duration
}

func (e *retryAfterError) Unwrap() error { return e.APIError }

// backoff draws uniformly in [0, min(max, base*2^(attempt-1))] so throttled resources
// do not return in lockstep; a Retry-After hint wins, capped at RetryMaxDelay.
func (e *engine) backoff(attempt int, err error) time.Duration {
	var ra *retryAfterError
	if errors.As(err, &ra) && ra.after > 0 {
		return min(ra.after, e.maxDelay)
	}
	ceiling := e.maxDelay
	if shift := attempt - 1; shift < 30 {
		if d := e.baseDelay << shift; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return time.Duration(e.jitter(int64(ceiling) + 1))
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(time.Hour/time.Second) {
			return time.Hour
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
