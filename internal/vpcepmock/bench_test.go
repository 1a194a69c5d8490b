package vpcepmock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that drops the body, so that the
// benchmark measures the mock, not a buffer.
type discardWriter struct {
	header http.Header
	code   int
	n      int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkListConnections measures ListServiceConnections with limit=1000
// over 1000 and 100000 connections: the cost must follow the page, not the
// set (compare ns/op across sizes).
func BenchmarkListConnections(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		m := New(Config{})
		m.CreateService("", ServiceSpec{ID: "svc"})
		for i := 0; i < n; i++ {
			if _, err := m.CreateEndpoint("", EndpointSpec{ServiceID: "svc"}); err != nil {
				b.Fatal(err)
			}
		}
		path := "/v1/" + DefaultProjectID + "/vpc-endpoint-services/svc/connections"
		for _, q := range []struct{ name, query string }{
			{"first page", "limit=1000"},
			{"last page asc", fmt.Sprintf("limit=1000&sort_dir=asc&offset=%d", n-1000)},
			{"status", "limit=1000&status=pendingAcceptance"},
			{"id", "limit=1000&id=none"},
		} {
			b.Run(fmt.Sprintf("n=%d/%s", n, q.name), func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, path+"?"+q.query, nil)
				req.Header.Set(headerAuthToken, DefaultToken)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					w := &discardWriter{header: http.Header{}}
					m.ServeHTTP(w, req)
					if w.code != http.StatusOK {
						b.Fatalf("status %d", w.code)
					}
				}
			})
		}
	}
}
