package vpcepmock

import (
	"net/url"
	"strconv"
)

// Query parameters of the list calls.
const (
	queryID          = "id"
	queryMarkerID    = "marker_id"
	queryStatus      = "status"
	querySortKey     = "sort_key"
	querySortDir     = "sort_dir"
	queryLimit       = "limit"
	queryOffset      = "offset"
	queryServiceName = "endpoint_service_name"
	queryServiceID   = "endpoint_service_id"
	queryVPCID       = "vpc_id"

	sortKeyCreateAt  = "create_at"
	sortKeyUpdateAt  = "update_at"
	sortKeyCreatedAt = "created_at"
	sortKeyUpdatedAt = "updated_at"
	sortDirAsc       = "asc"
	sortDirDesc      = "desc"

	defaultLimit = 10
	maxLimit     = 1000
)

// listQuery is the sort and paging every list call shares.
type listQuery struct {
	byUpdate bool // sort by update time, else by creation time
	asc      bool
	limit    int
	offset   int
}

// parseListQuery reads the sort and paging parameters.
func parseListQuery(q url.Values) (listQuery, *apiError) {
	out := listQuery{limit: defaultLimit}
	if e := out.parseSort(q); e != nil {
		return out, e
	}
	return out, out.parsePaging(q)
}

// parseSort reads sort_key (both documented spellings) and sort_dir (default desc).
func (lq *listQuery) parseSort(q url.Values) *apiError {
	switch q.Get(querySortKey) {
	case "", sortKeyCreateAt, sortKeyCreatedAt:
	case sortKeyUpdateAt, sortKeyUpdatedAt:
		lq.byUpdate = true
	default:
		return &errInvalidSortKey
	}
	switch q.Get(querySortDir) {
	case "", sortDirDesc:
	case sortDirAsc:
		lq.asc = true
	default:
		return &errInvalidSortDir
	}
	return nil
}

// parsePaging reads limit (1..1000, default 10) and offset (>= 0).
func (lq *listQuery) parsePaging(q url.Values) *apiError {
	if v := q.Get(queryLimit); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			return &errInvalidLimit
		}
		lq.limit = n
	}
	if v := q.Get(queryOffset); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return &errInvalidOffset
		}
		lq.offset = n
	}
	return nil
}
