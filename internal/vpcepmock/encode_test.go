package vpcepmock

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestUnitListEncodingMatchesEncodingJSON catches the hand-written list
// encoder writing other bytes than encoding/json, on awkward strings too.
func TestUnitListEncodingMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	strs := []string{"", "plain", `quote" back\slash`, "tab\tnl\ncr\r\b\f\x00\x1f\x7f", "<html>&amp;", "é中文🙂",
		"bad\xffutf8\xc3", "line\u2028sep\u2029", "\xed\xa0\x80"}
	var page []*conn
	for i, s := range strs {
		c := &conn{id: s, domainID: s, description: s, markerID: int64(i) * 422321321312321, status: StatusAccepted,
			createdStr: at.Format(TimeLayout), updatedStr: s}
		if i%2 == 0 {
			c.status = StatusFailed
			c.errors = []QueryError{{ErrorCode: s, ErrorMessage: s}, {ErrorCode: "E", ErrorMessage: "m"}}
		}
		page = append(page, c)
	}
	page = append(page, &conn{status: StatusFailed}) // failed without errors: no error key
	for _, tt := range []struct {
		page  []*conn
		total int
	}{{nil, 0}, {page[:1], 7}, {page, len(page)}} {
		got := appendListJSON(nil, tt.page, tt.total)
		want := listConnectionsBody{Connections: make([]Connection, len(tt.page)), TotalCount: tt.total}
		for i, c := range tt.page {
			want.Connections[i] = c.view()
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(want); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("encoders differ:\n got %s\nwant %s", got, buf.Bytes())
		}
	}
}
