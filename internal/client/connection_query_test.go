package client

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// TestUnitConnectionQuerySelect covers what the client does beyond the API
// for vpcep_connections: the domain filter, the order by update time in
// either direction with ties in the API's order, and the API's filters
// applied again. It catches a sort that is not stable, a direction turned
// round, an input modified in place, and connections of another endpoint or
// status returned by a server that ignored a filter.
func TestUnitConnectionQuerySelect(t *testing.T) {
	t.Parallel()
	// In the API's default order (newest created first).
	in := []Connection{
		{ID: "c", DomainID: "d1", Status: StatusAccepted, MarkerID: 3, UpdatedAt: "2024-01-01T00:00:05Z"},
		{ID: "b", DomainID: "d2", Status: StatusPendingAcceptance, MarkerID: 2, UpdatedAt: "2024-01-01T00:00:09Z"},
		{ID: "a", DomainID: "d1", Status: StatusAccepted, MarkerID: 1, UpdatedAt: "2024-01-01T00:00:05Z"},
		{ID: "z", DomainID: "d2", Status: StatusRejected, MarkerID: 26, UpdatedAt: "2024-01-01T00:00:01.5"},
	}
	marker := int64(26)
	cases := []struct {
		name string
		q    ConnectionQuery
		want []string
	}{
		{name: "nothing to do keeps the API order", q: ConnectionQuery{SortDir: SortDirDesc}, want: []string{"c", "b", "a", "z"}},
		{name: "created_at is the API's order", q: ConnectionQuery{SortKey: SortKeyCreatedAt, SortDir: SortDirAsc}, want: []string{"c", "b", "a", "z"}},
		{name: "domain filter", q: ConnectionQuery{DomainID: "d1"}, want: []string{"c", "a"}},
		{name: "domain with no connection", q: ConnectionQuery{DomainID: "d3"}, want: []string{}},
		{name: "updated_at desc, ties keep API order", q: ConnectionQuery{SortKey: SortKeyUpdatedAt, SortDir: SortDirDesc}, want: []string{"b", "c", "a", "z"}},
		{name: "updated_at without a direction is desc", q: ConnectionQuery{SortKey: SortKeyUpdatedAt}, want: []string{"b", "c", "a", "z"}},
		{name: "updated_at asc, ties keep API order", q: ConnectionQuery{SortKey: SortKeyUpdatedAt, SortDir: SortDirAsc}, want: []string{"z", "c", "a", "b"}},
		{name: "domain and updated_at", q: ConnectionQuery{DomainID: "d2", SortKey: SortKeyUpdatedAt, SortDir: SortDirAsc}, want: []string{"z", "b"}},
		{name: "status the server ignored", q: ConnectionQuery{Status: StatusAccepted}, want: []string{"c", "a"}},
		{name: "endpoint id the server ignored", q: ConnectionQuery{EndpointID: "b"}, want: []string{"b"}},
		{name: "marker id the server ignored", q: ConnectionQuery{MarkerID: &marker}, want: []string{"z"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			before := slices.Clone(in)
			out := tc.q.Select(in)
			got := make([]string, 0, len(out))
			for _, c := range out {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order = %v, want %v", got, tc.want)
			}
			if !reflect.DeepEqual(in, before) {
				t.Errorf("the input was modified: %v", in)
			}
		})
	}
}

// TestUnitConnectionQueryListOptions checks what vpcep_connections asks the
// API for: its own filters, the largest page, and never a sort_key (whose
// spelling differs between clouds). It catches a domain filter or sort key
// sent to an API that has neither, and a marker id sent in another form.
func TestUnitConnectionQueryListOptions(t *testing.T) {
	t.Parallel()
	marker := int64(422321321312321321)
	cases := []struct {
		name string
		q    ConnectionQuery
		want ListConnectionsOptions
	}{
		{name: "no arguments", want: ListConnectionsOptions{Limit: 1000}},
		{name: "every argument", q: ConnectionQuery{EndpointID: "ep-1", MarkerID: &marker, Status: StatusFailed, DomainID: "d-1",
			SortKey: SortKeyUpdatedAt, SortDir: SortDirAsc},
			want: ListConnectionsOptions{ID: "ep-1", MarkerID: "422321321312321321", Status: StatusFailed, SortDir: SortDirAsc, Limit: 1000}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.q.ListOptions(); got != tc.want {
				t.Errorf("ListOptions() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestUnitParseAPITime: every timestamp form the API is known to return
// parses, to the same instant where the form has no zone (UTC), and other
// text does not. It catches a form dropped from the layouts, which would
// make the order by update time fall back to comparing text.
func TestUnitParseAPITime(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, s := range []string{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z", "2024-01-02T03:04:05", "2024-01-02 03:04:05"} {
		if got, ok := parseAPITime(s); !ok || !got.Equal(want) {
			t.Errorf("parseAPITime(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "yesterday", "2024-01-02"} {
		if _, ok := parseAPITime(s); ok {
			t.Errorf("parseAPITime(%q) parsed", s)
		}
	}
}
