package vpcepmock

import (
	"net/http"
	"slices"
	"testing"
)

// Catches: a list change that runs before the wrong list (a lookup by id, a
// first page), runs more or fewer times than asked, or never applies.
func TestUnitListChangesRunBeforeTheChosenList(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", false, 5)
	if err := h.m.ChangeBeforeList(ListChange{ServiceID: "svc", AtOffset: 2, DeleteEndpoint: "e004"}); err != nil {
		t.Fatal(err)
	}
	if err := h.m.ChangeBeforeList(ListChange{ServiceID: "svc", AtOffset: 2, Times: 2, CreateEndpoint: true}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"limit=2", "id=e004&offset=3", "marker_id=1&offset=3", "limit=2&offset=1"} {
		if b, _ := h.list("svc", q); q == "limit=2" && !slices.Equal(ids(b.Connections), []string{"e004", "e003"}) {
			t.Fatalf("%s: %v", q, ids(b.Connections))
		}
	}
	if got := h.m.ListChanges(); len(got) != 2 || h.status("svc", "e004") == "" {
		t.Fatalf("a change ran before a first page or a lookup: pending %+v", got)
	}
	b, _ := h.list("svc", "limit=2&offset=2&sort_dir=asc")
	if h.status("svc", "e004") != "" || b.TotalCount != 5 || len(b.Connections) != 2 || b.Connections[0].ID != "e002" {
		t.Fatalf("after the page at offset 2: e004 %q, page %v of %d; want e004 gone, one new endpoint, e002 first",
			h.status("svc", "e004"), ids(b.Connections), b.TotalCount)
	}
	if got := h.m.ListChanges(); len(got) != 1 || got[0].Times != 1 || !got[0].CreateEndpoint {
		t.Fatalf("pending %+v, want the creation with one run left", got)
	}
	h.list("svc", "offset=4")
	if got := h.m.ListChanges(); len(got) != 0 || len(h.m.Connections("svc")) != 6 {
		t.Fatalf("pending %+v, %d connections; want none pending and 6", got, len(h.m.Connections("svc")))
	}
	if len(h.m.Actions()) != 0 {
		t.Errorf("list changes recorded actions: %+v", h.m.Actions())
	}
}

// Catches: a list-change control that accepts a change which can never
// apply (test passes without its race), or that reset leaves behind.
func TestUnitListChangesControl(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 2)
	for _, c := range []struct {
		body string
		code int
	}{
		{`{"service_id":"svc","at_offset":1}`, http.StatusBadRequest},
		{`{"service_id":"svc","at_offset":-1,"create_endpoint":true}`, http.StatusBadRequest},
		{`{"service_id":"svc","status":{"endpoint_id":"e000","status":"maybe"}}`, http.StatusBadRequest},
		{`{"service_id":"svc","delete_endpoint":"e000","typo":1}`, http.StatusBadRequest},
		{`{"service_id":"nope","create_endpoint":true}`, http.StatusNotFound},
		{`{"service_id":"svc","delete_endpoint":"e999"}`, http.StatusNotFound},
		{`{"service_id":"svc","at_offset":1,"status":{"endpoint_id":"e001","status":"rejected"}}`, http.StatusNoContent},
	} {
		if r := h.control(http.MethodPost, "/_mock/list-changes", c.body); r.code != c.code {
			t.Errorf("POST %s: %d %s, want %d", c.body, r.code, r.body, c.code)
		}
	}
	var pending []ListChange
	h.control(http.MethodGet, "/_mock/list-changes", "").decode(t, &pending)
	if len(pending) != 1 || pending[0].Status == nil || pending[0].Times != 1 {
		t.Fatalf("pending %+v", pending)
	}
	h.list("svc", "offset=1&status=pendingAcceptance")
	if got := h.status("svc", "e001"); got != StatusRejected {
		t.Errorf("e001 is %s after the list, want rejected", got)
	}
	if err := h.m.ChangeBeforeList(ListChange{ServiceID: "svc", CreateEndpoint: true}); err != nil {
		t.Fatal(err)
	}
	if r := h.control(http.MethodDelete, "/_mock/list-changes", ""); r.code != http.StatusNoContent || len(h.m.ListChanges()) != 0 {
		t.Errorf("DELETE: %d, pending %+v", r.code, h.m.ListChanges())
	}
	_ = h.m.ChangeBeforeList(ListChange{ServiceID: "svc", CreateEndpoint: true})
	h.m.Reset()
	if got := h.m.ListChanges(); len(got) != 0 {
		t.Errorf("reset kept %+v", got)
	}
	if r := h.control(http.MethodGet, "/_mock/list-changes", ""); string(r.body) != "[]\n" && string(r.body) != "[]" {
		t.Errorf("GET after reset: %s, want []", r.body)
	}
}
