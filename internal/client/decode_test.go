package client

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Catches: a read answered 200 with a body cut short failing at once (other
// transient read failures are retried), data left over from the failed
// decoding, and a final error without the request id or a next step.
func TestUnitUndecodableReadIsRetried(t *testing.T) {
	t.Parallel()
	truncated := step{status: 200, body: `{"total_count":7,"connections":[{"id":"e0","status":"acc`}
	srv := newScriptedServer(t, truncated, step{status: 200, body: `{"connections":[{"id":"e1","status":"accepted"}]}`})
	page, err := newTestClient(t, srv.URL, 2).ListConnections(context.Background(), testService, ListConnectionsOptions{})
	if err != nil {
		t.Fatalf("ListConnections after one truncated answer: %v", err)
	}
	if srv.count() != 2 || len(page.Connections) != 1 || page.Connections[0].ID != "e1" || page.TotalCount != 0 {
		t.Errorf("%d requests, page %+v; want 2 and only the second answer", srv.count(), page)
	}

	srv = newScriptedServer(t, truncated)
	_, err = newTestClient(t, srv.URL, 2).ListConnections(context.Background(), testService, ListConnectionsOptions{})
	var decodeErr *DecodeError
	if !errors.As(err, &decodeErr) || !IsRetryable(err) {
		t.Fatalf("error %v (%T), want a retryable *DecodeError", err, err)
	}
	if srv.count() != 3 {
		t.Errorf("%d requests, want 3 (two retries)", srv.count())
	}
	for _, want := range []string{"req-2", "GET", "not the expected JSON", "unexpected end of JSON input", "run again", "endpoint"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// Catches: a write whose answer was 200 but undecodable being sent again
// (the API acted on it already), or its error losing the request id.
func TestUnitUndecodableWriteAnswerIsNotResent(t *testing.T) {
	t.Parallel()
	srv := newScriptedServer(t, step{status: 200, body: `{"connections":[{"id":"e1","sta`})
	_, err := newTestClient(t, srv.URL, 3).AcceptOrReject(context.Background(), testService, "e1", ActionReject)
	var decodeErr *DecodeError
	if !errors.As(err, &decodeErr) || IsRetryable(err) || decodeErr.RequestID != "req-0" {
		t.Fatalf("error %v, want a final *DecodeError with request id req-0", err)
	}
	if srv.count() != 1 {
		t.Errorf("%d requests, want 1", srv.count())
	}
}
