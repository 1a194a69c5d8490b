package client

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Orders of ConnectionQuery, spelled as vpcep_connections spells them. The
// API's own sort keys are spelled differently by Huawei Cloud and Open
// Telekom Cloud (create_at, created_at), so none is ever sent.
const (
	SortKeyCreatedAt = "created_at"
	SortKeyUpdatedAt = "updated_at"
	SortDirAsc       = "asc"
	SortDirDesc      = "desc"
)

// ConnectionQuery selects and orders the connections of one service, as
// vpcep_connections asks. The API filters by endpoint id, marker id and
// status and orders by creation itself (ListOptions); the domain filter and
// the order by update time are the client's (Select).
type ConnectionQuery struct {
	// EndpointID, Status and DomainID keep only the matching connections;
	// "" keeps all.
	EndpointID, Status, DomainID string
	// MarkerID keeps only the connection with this marker id; nil keeps all.
	MarkerID *int64
	// SortKey is SortKeyCreatedAt (or "", the API's order) or
	// SortKeyUpdatedAt; SortDir is SortDirAsc or SortDirDesc ("" = desc,
	// the API's default).
	SortKey, SortDir string
}

// ListOptions are the query's filters the API applies itself, for the
// largest pages.
func (q ConnectionQuery) ListOptions() ListConnectionsOptions {
	opts := ListConnectionsOptions{ID: q.EndpointID, Status: q.Status, SortDir: q.SortDir, Limit: MaxPageSize}
	if q.MarkerID != nil {
		// The API takes marker_id as a string in the query, though it
		// returns it as a number.
		opts.MarkerID = strconv.FormatInt(*q.MarkerID, 10)
	}
	return opts
}

// Select returns the connections, listed with ListOptions, that the query
// keeps, in its order; conns is not modified. The API's own filters are
// applied again, so that a server that ignores one cannot put other
// connections in the result. The order by update time is stable: equal
// times keep the API's (creation) order.
func (q ConnectionQuery) Select(conns []Connection) []Connection {
	if q.filters() {
		conns = slices.DeleteFunc(slices.Clone(conns), func(c Connection) bool { return !q.keeps(c) })
	}
	if q.SortKey == SortKeyUpdatedAt {
		conns = slices.Clone(conns)
		desc := q.SortDir == "" || q.SortDir == SortDirDesc
		slices.SortStableFunc(conns, func(a, b Connection) int {
			if desc {
				return compareAPITimes(b.UpdatedAt, a.UpdatedAt)
			}
			return compareAPITimes(a.UpdatedAt, b.UpdatedAt)
		})
	}
	return conns
}

// filters reports whether the query filters at all.
func (q ConnectionQuery) filters() bool {
	return q.EndpointID != "" || q.Status != "" || q.DomainID != "" || q.MarkerID != nil
}

// keeps reports whether c matches every filter of the query.
func (q ConnectionQuery) keeps(c Connection) bool {
	return (q.EndpointID == "" || c.ID == q.EndpointID) && (q.Status == "" || c.Status == q.Status) &&
		(q.DomainID == "" || c.DomainID == q.DomainID) && (q.MarkerID == nil || c.MarkerID == *q.MarkerID)
}

// apiTimeLayouts are the timestamp forms the API is known to return; the
// documented one first.
var apiTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"}

// parseAPITime parses a timestamp of the API (created_at, updated_at) in
// any form it is known to return.
func parseAPITime(s string) (time.Time, bool) {
	for _, layout := range apiTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// compareAPITimes orders two API timestamps by time, falling back to their
// text when one cannot be parsed (the documented form sorts as text too).
func compareAPITimes(a, b string) int {
	ta, okA := parseAPITime(a)
	tb, okB := parseAPITime(b)
	if okA && okB {
		return ta.Compare(tb)
	}
	return cmp.Compare(a, b)
}
