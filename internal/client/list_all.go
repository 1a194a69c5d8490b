package client

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// ErrListChanged means the connections of a service kept changing while
// their pages were read, so no complete list could be taken.
var ErrListChanged = errors.New("the connections of the service changed while they were listed")

// listAttempts bounds how many times a list that shifted is read again.
const listAttempts = 3

// sortKeys that order by update time, which changes while pages are read.
var updateSortKeys = map[string]bool{"update_at": true, "updated_at": true}

// sortAsc is sort_dir for oldest first.
const sortAsc = "asc"

// ListAllConnections returns every connection matching opts, from opts.Offset
// on, in the order of opts (the API's default: newest first), read in pages
// of opts.Limit (1000 when unset).
//
// Offsets shift when a connection is created, deleted or (with a status
// filter) changes status between two page reads, and a shifted page skips a
// live connection. So each page after the first starts one connection early,
// and that connection must be the one that ended the page before; the pages
// must hold no connection twice and add up to the last total_count. A list
// that fails a check is read again, up to listAttempts times in all; after
// that the error wraps ErrListChanged. From offset 0 the pages are read oldest
// first and the result reversed when newest first was asked: a connection
// created meanwhile then lands after the pages already read instead of
// shifting them, and costs no second reading. With nothing changing, M
// connections cost ceil((M-1)/999) requests: ceil(M/1000) unless M is within
// a few connections below a multiple of 1000.
func (c *Client) ListAllConnections(ctx context.Context, serviceID string, opts ListConnectionsOptions) ([]Connection, error) {
	if updateSortKeys[opts.SortKey] {
		return nil, fmt.Errorf("VPCEP client: listing every connection by %s is not supported: update times change while pages are read; list by creation time and sort the result", opts.SortKey)
	}
	if opts.Limit <= 0 || opts.Limit > MaxPageSize {
		opts.Limit = MaxPageSize
	}
	opts.Limit = max(opts.Limit, 2) // pages overlap by one connection
	reverse := opts.Offset == 0 && opts.SortDir != sortAsc
	if reverse {
		opts.SortDir = sortAsc
	}
	var shifts []string
	for attempt := 1; attempt <= listAttempts; attempt++ {
		conns, shift, err := c.listOnce(ctx, serviceID, opts)
		if err != nil {
			return nil, err
		}
		if shift == "" {
			if reverse {
				slices.Reverse(conns)
			}
			return conns, nil
		}
		tflog.Debug(ctx, "VPCEP connections changed while being listed; listing again", map[string]any{
			"service_id": serviceID, "attempt": attempt, "shift": shift,
		})
		shifts = append(shifts, shift)
	}
	return nil, fmt.Errorf("listing connections of VPC endpoint service %s: %w, in each of %d attempts (last: %s). "+
		"No list is returned because it could lack a live connection; run again once the service's connections "+
		"stop changing (consumers creating or deleting endpoints, connections changing status)",
		serviceID, ErrListChanged, listAttempts, shifts[len(shifts)-1])
}

// listOnce reads the pages of one listing; a non-empty shift says why the
// result cannot be trusted.
func (c *Client) listOnce(ctx context.Context, serviceID string, opts ListConnectionsOptions) (conns []Connection, shift string, err error) {
	start, total := opts.Offset, 0
	seen := make(map[string]bool)
	for {
		page, err := c.ListConnections(ctx, serviceID, opts)
		if err != nil {
			return nil, "", err
		}
		// total_count may change between pages: the overlap below tells whether that moved them.
		fresh := page.Connections
		total = page.TotalCount
		if len(conns) > 0 {
			want := conns[len(conns)-1].ID
			if len(fresh) == 0 || fresh[0].ID != want {
				return nil, fmt.Sprintf("the page at offset %d no longer began with endpoint %s, which ended the page before", opts.Offset, want), nil
			}
			fresh = fresh[1:]
		}
		for _, conn := range fresh {
			if seen[conn.ID] {
				return nil, fmt.Sprintf("endpoint %s appeared twice", conn.ID), nil
			}
			seen[conn.ID] = true
			conns = append(conns, conn)
		}
		end := opts.Offset + len(page.Connections)
		if end >= total || len(fresh) == 0 {
			break
		}
		opts.Offset = end - 1
	}
	if want := max(total-start, 0); len(conns) != want {
		return nil, fmt.Sprintf("%d connections were read but total_count is %d", len(conns), total), nil
	}
	return conns, "", nil
}
