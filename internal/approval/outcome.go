// Package approval sends a decision (receive or reject) for one VPC
// endpoint's connection to an endpoint service and waits until the
// connection settles. It knows nothing of Terraform: its operations return
// the connection, or an *Error that says how far the decision got, so that a
// caller can tell the user exactly what happened and what the next try does.
package approval

import (
	"errors"
	"fmt"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Kind says how far a decision got before it stopped.
type Kind int

// The kinds of Error. Each one fixes whether the API may have acted.
const (
	// NotSent: the request never left the provider (bad setting, no route, TLS); nothing changed.
	NotSent Kind = iota + 1
	// Refused: the API answered with an error; nothing changed.
	Refused
	// ServiceNotFound: the endpoint service does not exist in the project.
	ServiceNotFound
	// NotVisible: the endpoint never appeared among the service's connections.
	NotVisible
	// Failed: the connection is in status failed, which nobody can change.
	Failed
	// Gone: the endpoint was deleted or is being deleted by its owner.
	Gone
	// OutcomeUnknown: the decision was sent but no answer came back.
	OutcomeUnknown
	// TimedOut: the decision was sent, and the connection did not settle in time.
	TimedOut
	// Interrupted: the operation was cancelled (Terraform interrupted) after the decision was sent.
	Interrupted
	// DecidedElsewhere: after the decision's answer, the connection reached
	// the opposite final status (rejected while awaiting accepted, or the
	// reverse): someone else decided it, and waiting longer cannot help.
	DecidedElsewhere
)

var kindNames = map[Kind]string{
	NotSent: "not sent", Refused: "refused", ServiceNotFound: "service not found", NotVisible: "not visible",
	Failed: "failed", Gone: "gone", OutcomeUnknown: "outcome unknown", TimedOut: "timed out", Interrupted: "interrupted",
	DecidedElsewhere: "decided elsewhere",
}

func (k Kind) String() string { return kindNames[k] }

// Error is the outcome of a decision that did not reach its status.
type Error struct {
	Kind Kind
	// Action is the decision that was being made.
	Action string
	// Sent reports that the decision reached the API, so the connection may have moved.
	Sent bool
	// Conn is the last connection seen (nil if none), e.g. a failed one with its errors.
	Conn *client.Connection
	// Waited is how long the operation waited before it stopped.
	Waited time.Duration
	// ServiceConnections is the number of connections the service has (NotVisible only; -1 if unknown).
	ServiceConnections int
	// OperationTimedOut reports that the operation's own timeout, not the
	// missing-endpoint one, ended a NotVisible wait.
	OperationTimedOut bool
	// Err is the underlying error, if any.
	Err error
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s %s", e.Action, e.Kind)
	if e.Conn != nil && e.Conn.Status != "" {
		msg += fmt.Sprintf(" (last status %q)", e.Conn.Status)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// LastStatus is the status of the last connection seen, or "".
func (e *Error) LastStatus() string {
	if e.Conn == nil {
		return ""
	}
	return e.Conn.Status
}

// EndpointDeleting reports that the endpoint was seen being deleted: its
// last status, or the API's answer to the decision, said so.
func (e *Error) EndpointDeleting() bool {
	return e.LastStatus() == client.StatusDeleting || client.HasCode(e.Err, client.CodeEndpointDeleting)
}

// AsError returns the *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// TargetStatus is the status a decision leads to.
func TargetStatus(action string) string {
	if action == client.ActionReject {
		return client.StatusRejected
	}
	return client.StatusAccepted
}

// OppositeStatus is the settled status the other decision leads to.
func OppositeStatus(action string) string {
	if action == client.ActionReject {
		return client.StatusAccepted
	}
	return client.StatusRejected
}

// ActionForStatus maps a settled status back to the decision that leads to
// it; ok is false for statuses that are not settled.
func ActionForStatus(status string) (action string, ok bool) {
	switch status {
	case client.StatusAccepted:
		return client.ActionReceive, true
	case client.StatusRejected:
		return client.ActionReject, true
	}
	return "", false
}
