package client

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// acceptedService creates a service without approval holding n accepted
// connections prefix+"ep-0000" ... (oldest first).
func (e *mockEnv) acceptedService(t *testing.T, prefix string, n int) string {
	t.Helper()
	approval := false
	svc := e.mock.CreateService("", vpcepmock.ServiceSpec{Name: "svc", ApprovalEnabled: &approval})
	for i := range n {
		if _, err := e.mock.CreateEndpoint("", vpcepmock.EndpointSpec{ServiceID: svc.ID, ID: prefix + epName(i)}); err != nil {
			t.Fatal(err)
		}
	}
	return svc.ID
}

func epName(i int) string { return fmt.Sprintf("ep-%04d", i) }

// liveIDs are the ids of the service's connections in the mock now, sorted.
func (e *mockEnv) liveIDs(serviceID, status string) []string {
	var ids []string
	for _, c := range e.mock.Connections(serviceID) {
		if status == "" || c.Status == status {
			ids = append(ids, c.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

func sortedIDs(conns []Connection) []string {
	ids := make([]string, 0, len(conns))
	for _, c := range conns {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return ids
}

// Catches: offset pages read while the service changes between them return
// a list that lacks a live connection (and holds a deleted one), silently.
func TestUnitListAllConnectionsRelistsAfterShift(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	const n = 1010
	svcID := env.acceptedService(t, "", n)
	cl := env.client(t, nil)
	for _, c := range []struct {
		name   string
		opts   ListConnectionsOptions
		change vpcepmock.ListChange
		calls  int
	}{
		// Newest first: page 1 holds ep-1009..ep-0010; a deletion there moves ep-0009 to offset 999.
		{"deletion on page 1", ListConnectionsOptions{},
			vpcepmock.ListChange{DeleteEndpoint: epName(500)}, 4},
		// Oldest first: total_count stays 1010 while ep-1000 moves to offset 999.
		{"deletion and creation, oldest first", ListConnectionsOptions{SortDir: "asc"},
			vpcepmock.ListChange{DeleteEndpoint: epName(400), CreateEndpoint: true}, 4},
		// A status filter: a connection leaving the filter shifts the pages after it.
		{"status change under a status filter", ListConnectionsOptions{Status: StatusAccepted},
			vpcepmock.ListChange{Status: &vpcepmock.ListChangeStatus{EndpointID: epName(700), Status: StatusRejected}}, 4},
		// Read oldest first, a new connection lands after the pages read: no second reading.
		{"creation", ListConnectionsOptions{}, vpcepmock.ListChange{CreateEndpoint: true}, 2},
	} {
		ch := c.change
		ch.ServiceID, ch.AtOffset = svcID, 1
		if err := env.mock.ChangeBeforeList(ch); err != nil {
			t.Fatal(err)
		}
		env.mock.ResetRequestCounts()
		got, err := cl.ListAllConnections(context.Background(), svcID, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if pending := env.mock.ListChanges(); len(pending) != 0 {
			t.Fatalf("%s: the change never ran: %+v", c.name, pending)
		}
		if want := env.liveIDs(svcID, c.opts.Status); !slices.Equal(sortedIDs(got), want) {
			t.Errorf("%s: listed %d connections, the service has %d live ones; the list lost or kept some", c.name, len(got), len(want))
		}
		// Two pages, and after a shift seen on the second, two pages again.
		if calls := env.mock.RequestCounts()[vpcepmock.OpListServiceConnections]; calls != c.calls {
			t.Errorf("%s: %d list calls, want %d", c.name, calls, c.calls)
		}
	}
	if acts := env.mock.Actions(); len(acts) != 0 {
		t.Errorf("listing sent actions: %+v", acts)
	}
}

// Catches: a service that never holds still between page reads is listed
// anyway (incomplete), or relisted without bound. Newest first from an
// offset (as the shared reader lists the rest after a first page), each new
// connection shifts the pages.
func TestUnitListAllConnectionsGivesUpWithClearError(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID := env.acceptedService(t, "", 1500)
	if err := env.mock.ChangeBeforeList(vpcepmock.ListChange{ServiceID: svcID, AtOffset: 2, Times: 10, CreateEndpoint: true}); err != nil {
		t.Fatal(err)
	}
	conns, err := env.client(t, nil).ListAllConnections(context.Background(), svcID, ListConnectionsOptions{Offset: 1})
	if !errors.Is(err, ErrListChanged) || conns != nil {
		t.Fatalf("got %d connections, error %v; want none and ErrListChanged", len(conns), err)
	}
	for _, want := range []string{svcID, "3 attempts", "no longer began with endpoint", "run again once"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if calls := env.mock.RequestCounts()[vpcepmock.OpListServiceConnections]; calls != 6 {
		t.Errorf("%d list calls, want 3 attempts of 2 pages", calls)
	}
	if left := env.mock.ListChanges(); len(left) != 1 || left[0].Times != 7 {
		t.Errorf("changes left %+v: want 7 runs left, one per list call after the first page", left)
	}
}

// Catches: the page overlap that checks boundaries costing more than one
// request per 1000 connections when nothing changes, or a page boundary
// that drops or repeats a connection.
func TestUnitListAllConnectionsRequestCost(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	cl := env.client(t, nil)
	for _, c := range []struct{ n, pageSize, calls int }{
		{0, 0, 1}, {1, 0, 1}, {1000, 0, 1}, {1001, 0, 2}, {1010, 0, 2}, {1999, 0, 2}, {2000, 0, 3}, {2998, 0, 3},
		{25, 10, 3}, {5, 1, 4},
	} {
		svcID := env.acceptedService(t, fmt.Sprintf("%d-%d-", c.n, c.pageSize), c.n)
		env.mock.ResetRequestCounts()
		got, err := cl.ListAllConnections(context.Background(), svcID, ListConnectionsOptions{Limit: c.pageSize})
		if err != nil {
			t.Fatalf("%d connections: %v", c.n, err)
		}
		if !slices.Equal(sortedIDs(got), env.liveIDs(svcID, "")) {
			t.Errorf("%d connections: listed %d, not the service's", c.n, len(got))
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].ID < got[i].ID {
				t.Errorf("%d connections: %s before %s, want newest first", c.n, got[i-1].ID, got[i].ID)
				break
			}
		}
		if calls := env.mock.RequestCounts()[vpcepmock.OpListServiceConnections]; calls != c.calls {
			t.Errorf("%d connections by %d: %d list calls, want %d", c.n, c.pageSize, calls, c.calls)
		}
	}
}
