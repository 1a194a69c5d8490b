package approval

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// API is the part of the VPCEP client a decision uses.
type API interface {
	AcceptOrReject(ctx context.Context, serviceID, endpointID, action string) (*client.Connection, error)
	GetEndpointService(ctx context.Context, serviceID string) (*client.EndpointService, error)
	ListConnections(ctx context.Context, serviceID string, opts client.ListConnectionsOptions) (*client.ListConnectionsResult, error)
}

// Reader reads one connection; notBefore asks for data no older than that
// time. Invalidate tells it that the service's connections changed.
type Reader interface {
	Get(ctx context.Context, serviceID, endpointID string, notBefore time.Time) (*client.Connection, error)
	Invalidate(serviceID string)
}

// DefaultMissingEndpointTimeout bounds the wait for an endpoint the service
// has never listed: long enough for an endpoint created in the same apply to
// show up, short enough that a typo fails in minutes, not at the create timeout.
const DefaultMissingEndpointTimeout = 2 * time.Minute

// Decider makes decisions. Its zero value is not usable: set API and Reader.
type Decider struct {
	API    API
	Reader Reader
	// Poll is the schedule of polls; the zero value means pause.DefaultBackoff.
	Poll pause.Backoff
	// Sleep replaces the clock in tests; nil means the real one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Progress, if set, hears about each status seen while waiting.
	Progress func(status string)
	// Log, if set, receives what the decision is waiting for and why.
	Log func(msg string, fields map[string]any)
	// Notify, if set, receives what a user should find in the logs without
	// debugging: a wait for an endpoint the service does not list, which a
	// wrong endpoint id makes last. warn marks a wait that probably ends in
	// an error.
	Notify func(warn bool, msg string, fields map[string]any)
}

func (d *Decider) log(msg string, fields map[string]any) {
	if d.Log != nil {
		d.Log(msg, fields)
	}
}

func (d *Decider) notify(warn bool, msg string, fields map[string]any) {
	if d.Notify != nil {
		d.Notify(warn, msg, fields)
	}
}

// missingEndpointNoteEvery is how often a wait for a missing endpoint says
// it is still waiting.
const missingEndpointNoteEvery = 30 * time.Second

// Request is one decision.
type Request struct {
	ServiceID, EndpointID string
	// Action is client.ActionReceive or client.ActionReject.
	Action string
	// WaitForEndpoint makes the decision wait for an endpoint that the
	// service does not list yet (creation); otherwise a missing endpoint is Gone.
	WaitForEndpoint bool
	// MissingEndpointTimeout bounds that wait for an endpoint never seen;
	// zero means DefaultMissingEndpointTimeout. An endpoint its owner is
	// still creating (EndPoint.2019) is awaited until ctx ends.
	MissingEndpointTimeout time.Duration
}

// Decide sends req.Action and waits, within ctx, until the connection has
// the status the action leads to. It returns the settled connection, or an
// *Error; a reject that meets a gone endpoint is Kind Gone, which callers
// may count as done (the connection carries no traffic).
func (d *Decider) Decide(ctx context.Context, req Request) (*client.Connection, error) {
	started := time.Now()
	conn, err := d.send(ctx, req, started)
	if err != nil {
		return conn, err
	}
	return d.settle(ctx, req, conn, started)
}

// send sends the action, first waiting for the endpoint to appear when
// req.WaitForEndpoint; it returns the connection as the answer shows it.
func (d *Decider) send(ctx context.Context, req Request, started time.Time) (*client.Connection, error) {
	checkedService := false
	for {
		conn, err := d.API.AcceptOrReject(ctx, req.ServiceID, req.EndpointID, req.Action)
		d.Reader.Invalidate(req.ServiceID)
		if err == nil {
			if conn == nil {
				return d.readAfterSend(ctx, req, started)
			}
			return conn, nil
		}
		if e := d.classifySendError(ctx, req, err, started); e != nil {
			return nil, e
		}
		// The endpoint is not on the service (yet).
		if !req.WaitForEndpoint {
			return nil, &Error{Kind: Gone, Action: req.Action, Waited: time.Since(started), Err: err}
		}
		if !checkedService {
			checkedService = true
			if _, serr := d.API.GetEndpointService(ctx, req.ServiceID); client.IsNotFound(serr) {
				return nil, &Error{Kind: ServiceNotFound, Action: req.Action, Waited: time.Since(started), Err: serr}
			}
		}
		if err := d.awaitEndpoint(ctx, req, err, started); err != nil {
			return nil, err
		}
	}
}

// classifySendError turns a failed send into an *Error, or returns nil when
// the endpoint is not on the service yet (the caller decides whether to wait).
func (d *Decider) classifySendError(ctx context.Context, req Request, err error, started time.Time) *Error {
	kind, sent := sendErrorKind(ctx, err)
	if kind == NotVisible {
		return nil
	}
	e := &Error{Kind: kind, Action: req.Action, Sent: sent, Err: err, Waited: time.Since(started)}
	if kind == Failed {
		if c, gerr := d.Reader.Get(ctx, req.ServiceID, req.EndpointID, time.Now()); gerr == nil {
			e.Conn = c
		}
	}
	return e
}

// sendErrorKind classifies the failed send of an action, for Decider and
// Batch alike, and says whether the action may have reached the API.
// NotVisible is an endpoint the service does not list (yet).
func sendErrorKind(ctx context.Context, err error) (kind Kind, sent bool) {
	switch {
	case client.HasCode(err, client.CodeFailedUnmodifiable):
		return Failed, false
	case client.HasCode(err, client.CodeEndpointDeleting):
		return Gone, false
	case client.IsNotFound(err) || client.HasCode(err, client.CodeEndpointCreating):
		return NotVisible, false
	case ctx.Err() != nil:
		return cutKind(ctx), !client.IsNotSent(err)
	}
	switch client.Delivered(err) {
	case client.Answered:
		return Refused, false
	case client.Undelivered:
		return NotSent, false
	}
	return OutcomeUnknown, true
}

// cutKind names why ctx ended.
func cutKind(ctx context.Context) Kind {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return TimedOut
	}
	return Interrupted
}

// readAfterSend reads the connection when the action's answer did not show it.
func (d *Decider) readAfterSend(ctx context.Context, req Request, started time.Time) (*client.Connection, error) {
	c, err := d.Reader.Get(ctx, req.ServiceID, req.EndpointID, time.Now())
	if err == nil {
		return c, nil
	}
	if client.IsNotFound(err) {
		return nil, &Error{Kind: Gone, Action: req.Action, Sent: true, Waited: time.Since(started), Err: err}
	}
	// The action was accepted; polling decides the rest.
	return &client.Connection{ID: req.EndpointID}, nil
}

// awaitEndpoint waits until the endpoint appears on the service. An
// endpoint the API says is being created is awaited until ctx ends; one it
// does not know is awaited for at most req.MissingEndpointTimeout.
func (d *Decider) awaitEndpoint(ctx context.Context, req Request, sendErr error, started time.Time) error {
	limit := req.MissingEndpointTimeout
	if limit <= 0 {
		limit = DefaultMissingEndpointTimeout
	}
	waitCtx := ctx
	creating := client.HasCode(sendErr, client.CodeEndpointCreating)
	if !creating {
		var cancel context.CancelFunc
		waitCtx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	note := d.announceEndpointWait(req, sendErr, creating, limit)
	observed := time.Now()
	err := d.wait(waitCtx, func(ctx context.Context) (bool, error) {
		note()
		start := time.Now()
		_, gerr := d.Reader.Get(ctx, req.ServiceID, req.EndpointID, observed)
		observed = start
		if client.IsNotFound(gerr) {
			return false, nil
		}
		return gerr == nil, gerr
	})
	if err == nil {
		return nil
	}
	e := &Error{Kind: NotVisible, Action: req.Action, Waited: time.Since(started), ServiceConnections: -1, Err: sendErr}
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		e.Kind = Interrupted
	case waitCtx.Err() == nil:
		e.Kind, e.Err = Refused, err // a poll failed for good
		return e
	}
	if e.Kind == NotVisible {
		e.OperationTimedOut = ctx.Err() != nil
		e.ServiceConnections = d.countConnections(req.ServiceID)
	}
	return e
}

// announceEndpointWait says, at INFO or WARN, what the wait for a missing
// endpoint waits for and how long, and returns what each poll calls to say
// it is still waiting, every missingEndpointNoteEvery.
func (d *Decider) announceEndpointWait(req Request, sendErr error, creating bool, limit time.Duration) func() {
	fields := map[string]any{"service_id": req.ServiceID, "endpoint_id": req.EndpointID, "api_error": sendErr.Error()}
	what := fmt.Sprintf("endpoint %s is not among the connections of endpoint service %s", req.EndpointID, req.ServiceID)
	if creating {
		d.notify(false, what+" yet: its owner is still creating it, so the provider waits for it until the "+
			"operation's timeout", fields)
	} else {
		answered := sendErr.Error()
		var apiErr *client.APIError
		if errors.As(sendErr, &apiErr) {
			answered = apiErr.Code + ": " + apiErr.Message
		}
		fields["missing_endpoint_timeout"] = limit.String()
		d.notify(true, fmt.Sprintf("%s (the API answered %s): the provider waits up to %s (missing_endpoint_timeout) "+
			"in case the endpoint was created moments ago, then fails; if it should already be listed, check "+
			"endpoint_id (ids are case-sensitive)", what, answered, limit), fields)
	}
	start, last := time.Now(), time.Now()
	return func() {
		if time.Since(last) >= missingEndpointNoteEvery {
			last = time.Now()
			d.notify(!creating, fmt.Sprintf("still waiting for endpoint %s to appear on endpoint service %s (%s so far)",
				req.EndpointID, req.ServiceID, time.Since(start).Round(time.Second)), fields)
		}
	}
}

// countConnections asks for the number of connections of a service, for
// messages about a missing endpoint; -1 if it cannot tell.
func (d *Decider) countConnections(serviceID string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	page, err := d.API.ListConnections(ctx, serviceID, client.ListConnectionsOptions{Limit: 1})
	if err != nil {
		return -1
	}
	return page.TotalCount
}

// settle waits until conn reaches the action's status.
func (d *Decider) settle(ctx context.Context, req Request, conn *client.Connection, started time.Time) (*client.Connection, error) {
	want, opposite := TargetStatus(req.Action), OppositeStatus(req.Action)
	last := *conn
	// moved: a status other than the opposite one was seen since the
	// answer. The answer may still show the status the action starts from
	// (a reject right after a receive); only a move to the opposite status
	// after that is someone else's decision.
	moved := false
	check := func(c *client.Connection) (bool, error) {
		last = *c
		switch c.Status {
		case want:
			return true, nil
		case client.StatusFailed:
			return false, &Error{Kind: Failed, Action: req.Action, Sent: true}
		case client.StatusDeleting:
			return false, &Error{Kind: Gone, Action: req.Action, Sent: true}
		case opposite:
			if moved {
				return false, &Error{Kind: DecidedElsewhere, Action: req.Action, Sent: true}
			}
			return false, nil
		}
		moved = true
		return false, nil
	}
	done, err := check(conn)
	if err == nil && !done {
		d.log("waiting for the connection to settle", map[string]any{"status": conn.Status, "want": want})
		observed := time.Now()
		err = d.wait(ctx, func(ctx context.Context) (bool, error) {
			start := time.Now()
			c, gerr := d.Reader.Get(ctx, req.ServiceID, req.EndpointID, observed)
			if client.IsNotFound(gerr) {
				return false, &Error{Kind: Gone, Action: req.Action, Sent: true, Err: gerr}
			}
			if gerr != nil {
				return false, gerr
			}
			observed = start
			if d.Progress != nil && c.Status != last.Status {
				d.Progress(c.Status)
			}
			return check(c)
		})
	}
	if err == nil {
		return &last, nil
	}
	e := AsError(err)
	if e == nil {
		e = &Error{Action: req.Action, Sent: true, Err: err}
		switch {
		case ctx.Err() != nil:
			e.Kind = cutKind(ctx)
		default:
			e.Kind = Refused // a poll failed with an answer that is not worth retrying
		}
	}
	if e.Kind == Gone {
		last.Status = client.StatusDeleting
	}
	e.Conn, e.Waited = &last, time.Since(started)
	return &last, e
}

// String describes a decision for logs and messages.
func (r Request) String() string {
	return fmt.Sprintf("%s for endpoint %s on endpoint service %s", r.Action, r.EndpointID, r.ServiceID)
}
