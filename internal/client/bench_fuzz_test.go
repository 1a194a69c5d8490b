package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// connectionsPage renders a list response of n connections as the API does.
func connectionsPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"connections":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%08x-0d00-41f2-aedc-71f09844e879","marker_id":%d,"created_at":"2024-01-01T00:00:00Z",`+
			`"updated_at":"2024-01-01T00:00:01Z","domain_id":"6e9dfd51d1124e8d8498dce894923a0d","status":"accepted","description":"team-a"}`,
			i, 16777216+i)
	}
	fmt.Fprintf(&b, `],"total_count":%d}`, n)
	return []byte(b.String())
}

func BenchmarkDecodeConnections(b *testing.B) {
	body := connectionsPage(MaxPageSize)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var page ListConnectionsResult
		if err := json.Unmarshal(body, &page); err != nil || len(page.Connections) != MaxPageSize {
			b.Fatalf("decoded %d connections: %v", len(page.Connections), err)
		}
	}
}

// BenchmarkListAllConnectionsMock measures a full walk of 3000 connections
// over loopback HTTP against the in-process mock (three 1000-row pages).
func BenchmarkListAllConnectionsMock(b *testing.B) {
	m := vpcepmock.New(vpcepmock.Config{})
	svc := m.CreateService("", vpcepmock.ServiceSpec{Name: "bench"})
	for i := 0; i < 3000; i++ {
		if _, err := m.CreateEndpoint("", vpcepmock.EndpointSpec{ServiceID: svc.ID}); err != nil {
			b.Fatal(err)
		}
	}
	srv := newBenchServer(b, m)
	for _, auth := range []string{"token", "aksk"} {
		b.Run(auth, func(b *testing.B) {
			cfg := Config{Endpoint: srv, ProjectID: vpcepmock.DefaultProjectID, AuthToken: vpcepmock.DefaultToken}
			if auth == "aksk" {
				cfg.AuthToken, cfg.AccessKey, cfg.SecretKey = "", vpcepmock.DefaultAccessKey, vpcepmock.DefaultSecretKey
			}
			c, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				all, err := c.ListAllConnections(context.Background(), svc.ID, ListConnectionsOptions{})
				if err != nil || len(all) != 3000 {
					b.Fatalf("%d connections: %v", len(all), err)
				}
			}
		})
	}
}

// FuzzParseError catches a panic in ParseError or the predicates on any
// status and body, a non-empty body that gives neither code nor message,
// and a kept body above maxErrorBodyKept.
func FuzzParseError(f *testing.F) {
	f.Add(404, `{"error":{"code":"EndPoint.0005","message":"The requested resource does not exist."}}`, "abc")
	f.Add(400, `{"error_code": "Endpoint.2013", "error_msg": "The endpoint does not belong to the endpoint service."}`, "")
	f.Add(429, `{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached.","request_id":"cb14"}`, "")
	f.Add(502, `<html>bad gateway</html>`, "")
	f.Add(500, `{"error":"plain"}`, "x")
	f.Add(500, `{"error":[1,{"code":2}],"code":7}`, "")
	f.Add(0, "\xff\xfe{", "")
	f.Fuzz(func(t *testing.T, status int, body, requestID string) {
		h := http.Header{}
		h.Set(headerRequestID, requestID)
		e := ParseError(status, h, []byte(body))
		if e == nil {
			t.Fatal("nil error")
		}
		_ = e.Error()
		_, _, _ = IsNotFound(e), IsRetryable(e), HasCode(e, e.Code)
		if e.Code == "" && e.Message == "" && strings.TrimSpace(body) != "" {
			t.Errorf("body %q gave neither code nor message", body)
		}
		if len(e.Body) > maxErrorBodyKept+len("...") {
			t.Errorf("kept %d body bytes", len(e.Body))
		}
	})
}

// FuzzDecodeConnections catches pickConnection panicking on any decodable
// page, returning a connection of another id, or dropping the lone
// connection of a page.
func FuzzDecodeConnections(f *testing.F) {
	f.Add(connectionsPage(2))
	f.Add([]byte(`{"connections":[{"id":"x","marker_id":422321321312321321,"error":[{"error_code":"E","error_message":"m"}]}],"total_count":1}`))
	f.Add([]byte(`{"connections":null,"total_count":-1}`))
	f.Add([]byte(`{"connections":[{"marker_id":1e300}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var page ListConnectionsResult
		if err := json.Unmarshal(body, &page); err != nil {
			return
		}
		// pickConnection must cope with whatever decoded.
		// It returns nil or a connection carrying the asked id.
		if got := pickConnection(page.Connections, "x"); (got == nil && len(page.Connections) == 1) || (got != nil && got.ID != "x") {
			t.Errorf("pickConnection = %+v", got)
		}
	})
}

// newBenchServer serves h on loopback for a benchmark.
func newBenchServer(b *testing.B, h http.Handler) string {
	b.Helper()
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.URL
}
