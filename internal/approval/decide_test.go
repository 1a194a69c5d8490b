package approval

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// fakeAPI answers actions from a script and reads from a list of statuses.
type fakeAPI struct {
	mu       sync.Mutex
	action   func(n int) (*client.Connection, error) // n counts action calls from 1
	actions  int
	statuses []string // what successive reads see; the last one repeats
	readErr  error    // returned by reads when set
	reads    int
	service  error
	total    int
}

func (f *fakeAPI) AcceptOrReject(_ context.Context, _, id, _ string) (*client.Connection, error) {
	f.mu.Lock()
	f.actions++
	n := f.actions
	f.mu.Unlock()
	return f.action(n)
}

func (f *fakeAPI) GetEndpointService(context.Context, string) (*client.EndpointService, error) {
	return &client.EndpointService{}, f.service
}

func (f *fakeAPI) ListConnections(context.Context, string, client.ListConnectionsOptions) (*client.ListConnectionsResult, error) {
	return &client.ListConnectionsResult{TotalCount: f.total}, nil
}

func (f *fakeAPI) Get(_ context.Context, _, id string, _ time.Time) (*client.Connection, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readErr != nil {
		return nil, f.readErr
	}
	i := min(f.reads, len(f.statuses)-1)
	f.reads++
	c := &client.Connection{ID: id, Status: f.statuses[i]}
	if c.Status == client.StatusFailed {
		c.Error = []client.QueryError{{ErrorCode: "E.1", ErrorMessage: "broken"}}
	}
	return c, nil
}

func (f *fakeAPI) Invalidate(string) {}

func conn(status string) func(int) (*client.Connection, error) {
	return func(int) (*client.Connection, error) { return &client.Connection{ID: "ep", Status: status}, nil }
}

func apiErr(status int, code string) error {
	return &client.APIError{StatusCode: status, Code: code, Message: "m"}
}

func fail(err error) func(int) (*client.Connection, error) {
	return func(int) (*client.Connection, error) { return nil, err }
}

var fastPolls = pause.Backoff{First: time.Millisecond, Factor: 1, Max: time.Millisecond}

// TestUnitDecide covers every way a decision ends. Catches: a failure that
// happened before sending reported as "may have acted" (the old token
// newline case), a reject of a gone endpoint reported as an error, a failed
// connection without its errors, a never-seen endpoint awaited for the whole
// timeout, an interruption reported as a timeout.
func TestUnitDecide(t *testing.T) {
	t.Parallel()
	notSent := &client.NotSentError{Method: "POST", Path: "/x", Setting: "AuthToken", Err: errors.New("invalid header")}
	lost := &client.TransportError{Method: "POST", URL: "http://h/v1/p", Err: io.ErrUnexpectedEOF}
	tests := []struct {
		name     string
		api      *fakeAPI
		req      Request
		timeout  time.Duration
		wantKind Kind // 0: success
		wantSent bool
		wantLast string
	}{
		{name: "settles after polls", api: &fakeAPI{action: conn(client.StatusCreating),
			statuses: []string{client.StatusCreating, client.StatusAccepted}}},
		{name: "already there: no poll", api: &fakeAPI{action: conn(client.StatusAccepted)}},
		{name: "not sent", api: &fakeAPI{action: fail(notSent)}, wantKind: NotSent},
		{name: "refused", api: &fakeAPI{action: fail(apiErr(http.StatusForbidden, "EndPoint.0004"))}, wantKind: Refused},
		{name: "answer lost", api: &fakeAPI{action: fail(lost)}, wantKind: OutcomeUnknown, wantSent: true},
		{name: "failed before", api: &fakeAPI{action: fail(apiErr(400, client.CodeFailedUnmodifiable)),
			statuses: []string{client.StatusFailed}}, wantKind: Failed, wantLast: client.StatusFailed},
		{name: "fails while waiting", api: &fakeAPI{action: conn(client.StatusCreating),
			statuses: []string{client.StatusCreating, client.StatusFailed}}, wantKind: Failed, wantSent: true, wantLast: client.StatusFailed},
		{name: "deleting on send", api: &fakeAPI{action: fail(apiErr(400, client.CodeEndpointDeleting))}, wantKind: Gone},
		{name: "reject of a gone endpoint", req: Request{Action: client.ActionReject},
			api: &fakeAPI{action: fail(apiErr(400, client.CodeEndpointNotInService))}, wantKind: Gone},
		{name: "never seen, bounded by the missing-endpoint timeout",
			req:     Request{WaitForEndpoint: true, MissingEndpointTimeout: 30 * time.Millisecond},
			api:     &fakeAPI{action: fail(apiErr(400, client.CodeEndpointNotInService)), readErr: apiErr(400, client.CodeEndpointNotInService), total: 3},
			timeout: time.Minute, wantKind: NotVisible},
		{name: "service missing", req: Request{WaitForEndpoint: true},
			api:      &fakeAPI{action: fail(apiErr(400, client.CodeEndpointNotInService)), service: apiErr(404, client.CodeResourceNotFound)},
			wantKind: ServiceNotFound},
		{name: "appears later, then settles", req: Request{WaitForEndpoint: true},
			api: &fakeAPI{action: func(n int) (*client.Connection, error) {
				if n == 1 {
					return nil, apiErr(400, client.CodeEndpointNotInService)
				}
				return &client.Connection{Status: client.StatusAccepted}, nil
			}, statuses: []string{client.StatusPendingAcceptance}}},
		// Defect: a wait for accepted that saw the connection rejected by
		// someone else waited out its whole timeout (and the reverse).
		{name: "rejected by someone else while awaiting accepted", api: &fakeAPI{action: conn(client.StatusCreating),
			statuses: []string{client.StatusCreating, client.StatusRejected}}, timeout: 2 * time.Second,
			wantKind: DecidedElsewhere, wantSent: true, wantLast: client.StatusRejected},
		{name: "accepted by someone else while awaiting rejected", req: Request{Action: client.ActionReject},
			api:     &fakeAPI{action: conn(client.StatusPendingAcceptance), statuses: []string{client.StatusAccepted}},
			timeout: 2 * time.Second, wantKind: DecidedElsewhere, wantSent: true, wantLast: client.StatusAccepted},
		// The answer (and reads that still show it) may hold the status the
		// action starts from: a reject right after a receive is no one else's.
		{name: "reject answered with the accepted it starts from", req: Request{Action: client.ActionReject},
			api: &fakeAPI{action: conn(client.StatusAccepted), statuses: []string{client.StatusAccepted, client.StatusRejected}}},
		{name: "receive of a rejected connection", api: &fakeAPI{action: conn(client.StatusRejected),
			statuses: []string{client.StatusRejected, client.StatusCreating, client.StatusAccepted}}},
		{name: "times out while creating", api: &fakeAPI{action: conn(client.StatusCreating), statuses: []string{client.StatusCreating}},
			timeout: 30 * time.Millisecond, wantKind: TimedOut, wantSent: true, wantLast: client.StatusCreating},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := tt.req
			req.ServiceID, req.EndpointID = "svc", "ep"
			if req.Action == "" {
				req.Action = client.ActionReceive
			}
			if tt.api.statuses == nil {
				tt.api.statuses = []string{client.StatusAccepted}
			}
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			d := &Decider{API: tt.api, Reader: tt.api, Poll: fastPolls}
			c, err := d.Decide(ctx, req)
			e := AsError(err)
			switch {
			case tt.wantKind == 0 && err != nil:
				t.Fatalf("Decide() = %v, want success", err)
			case tt.wantKind == 0:
				if c.Status != TargetStatus(req.Action) {
					t.Errorf("status %q, want %q", c.Status, TargetStatus(req.Action))
				}
				return
			case e == nil:
				t.Fatalf("Decide() = %v, want an *Error of kind %v", err, tt.wantKind)
			}
			if e.Kind != tt.wantKind || e.Sent != tt.wantSent || e.LastStatus() != tt.wantLast {
				t.Errorf("got kind %v sent %v last %q; want %v %v %q (%v)", e.Kind, e.Sent, e.LastStatus(),
					tt.wantKind, tt.wantSent, tt.wantLast, err)
			}
			if e.Kind == NotVisible && e.ServiceConnections != 3 {
				t.Errorf("ServiceConnections = %d, want 3", e.ServiceConnections)
			}
			if e.Kind == Failed && (e.Conn == nil || len(e.Conn.Error) != 1) {
				t.Errorf("failed without its errors: %+v", e.Conn)
			}
		})
	}
}

// TestUnitDecideInterrupted catches a cancellation while waiting reported
// as a timeout, or without the time actually waited, or as a decision never
// sent.
func TestUnitDecideInterrupted(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{action: conn(client.StatusCreating), statuses: []string{client.StatusCreating}}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(30*time.Millisecond, cancel)
	_, err := (&Decider{API: api, Reader: api, Poll: fastPolls}).Decide(ctx, Request{ServiceID: "s", EndpointID: "e", Action: client.ActionReceive})
	e := AsError(err)
	if e == nil || e.Kind != Interrupted || !e.Sent || e.Waited <= 0 || e.Waited > 10*time.Second {
		t.Fatalf("Decide() = %#v, want an interruption after the action was sent", err)
	}
}

// Catches: a wrong endpoint_id waited 2 minutes without a word although the
// API had answered EndPoint.2013. A create whose endpoint the service does
// not list must say, above debug level, what it waits for and how long.
func TestUnitMissingEndpointWaitIsAnnounced(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		code     string
		wantWarn bool
		want     []string
	}{
		{client.CodeEndpointNotInService, true, []string{"endpoint ep is not among the connections of endpoint service svc",
			"EndPoint.2013", "waits up to 30ms (missing_endpoint_timeout)", "created moments ago", "check endpoint_id"}},
		{client.CodeEndpointCreating, false, []string{"still creating it", "until the operation's timeout"}},
	} {
		var mu sync.Mutex
		var notes []string
		var warns []bool
		api := &fakeAPI{action: fail(apiErr(400, tt.code)), readErr: apiErr(400, client.CodeEndpointNotInService)}
		d := &Decider{API: api, Reader: api, Poll: fastPolls, Notify: func(warn bool, msg string, _ map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			notes, warns = append(notes, msg), append(warns, warn)
		}}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		_, err := d.Decide(ctx, Request{ServiceID: "svc", EndpointID: "ep", Action: client.ActionReceive,
			WaitForEndpoint: true, MissingEndpointTimeout: 30 * time.Millisecond})
		cancel()
		if AsError(err) == nil {
			t.Fatalf("%s: Decide() = %v, want an *Error", tt.code, err)
		}
		mu.Lock()
		if len(notes) == 0 || warns[0] != tt.wantWarn {
			t.Errorf("%s: notes %q (warn %v), want one announcing the wait (warn %v)", tt.code, notes, warns, tt.wantWarn)
		} else {
			for _, w := range tt.want {
				if !strings.Contains(notes[0], w) {
					t.Errorf("%s: note %q lacks %q", tt.code, notes[0], w)
				}
			}
		}
		mu.Unlock()
	}
}
