package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// captured is what a capturing server saw of one request.
type captured struct {
	method, path, rawQuery string
	header                 http.Header
	body                   []byte
	host                   string
}

// newCapturingServer answers every request with answer and records them.
func newCapturingServer(t *testing.T, answer func(r *http.Request) (int, string)) (*httptest.Server, func() []captured) {
	t.Helper()
	var mu sync.Mutex
	var seen []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, captured{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), body, r.Host})
		mu.Unlock()
		status, out := answer(r)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, out)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []captured { mu.Lock(); defer mu.Unlock(); return append([]captured(nil), seen...) }
}

// TestUnitNewValidatesConfig catches a client built without endpoint,
// project or credentials, with a non-http(s) endpoint, with both token and
// AK/SK or half a key pair; an error that quotes a secret; and defaults
// (retry delays, User-Agent) not applied.
func TestUnitNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"token", Config{Endpoint: "https://vpcep.example", ProjectID: "p", AuthToken: "t"}, true},
		{"AK/SK", Config{Endpoint: "http://127.0.0.1:8080/", ProjectID: "p", AccessKey: "a", SecretKey: "s"}, true},
		{"no endpoint", Config{ProjectID: "p", AuthToken: "t"}, false},
		{"not a URL", Config{Endpoint: "vpcep.example", ProjectID: "p", AuthToken: "t"}, false},
		{"ftp", Config{Endpoint: "ftp://vpcep.example", ProjectID: "p", AuthToken: "t"}, false},
		{"no project", Config{Endpoint: "https://x", AuthToken: "t"}, false},
		{"no auth", Config{Endpoint: "https://x", ProjectID: "p"}, false},
		{"both auths", Config{Endpoint: "https://x", ProjectID: "p", AuthToken: "t", AccessKey: "a", SecretKey: "s"}, false},
		{"AK without SK", Config{Endpoint: "https://x", ProjectID: "p", AccessKey: "a"}, false},
		{"SK without AK", Config{Endpoint: "https://x", ProjectID: "p", SecretKey: "s"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Fatalf("New error = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && (strings.Contains(err.Error(), "\"s\"") || strings.Contains(err.Error(), "\"t\"")) {
				t.Errorf("error %q quotes a secret", err)
			}
			if c != nil && (c.baseDelay != DefaultRetryBaseDelay || c.maxDelay != DefaultRetryMaxDelay || c.userAgent != DefaultUserAgent) {
				t.Errorf("defaults not applied: %+v", c)
			}
		})
	}
}

// TestUnitDefaultHTTPClient catches a default HTTP client without a
// timeout, allowing TLS below 1.2, skipping verification unless insecure is
// set, or keeping too few idle connections per host; and a caller's
// HTTPClient not used.
func TestUnitDefaultHTTPClient(t *testing.T) {
	t.Parallel()
	for _, insecure := range []bool{false, true} {
		c, err := New(Config{Endpoint: "https://x", ProjectID: "p", AuthToken: "t", Insecure: insecure})
		if err != nil {
			t.Fatal(err)
		}
		tr, ok := c.httpClient.Transport.(*http.Transport)
		if !ok {
			t.Fatalf("transport %T", c.httpClient.Transport)
		}
		if c.httpClient.Timeout <= 0 || tr.TLSClientConfig.MinVersion < 0x0303 ||
			tr.TLSClientConfig.InsecureSkipVerify != insecure || tr.MaxIdleConnsPerHost < 10 {
			t.Errorf("insecure=%v: timeout %v, TLS %x, skip %v, idle/host %d", insecure, c.httpClient.Timeout,
				tr.TLSClientConfig.MinVersion, tr.TLSClientConfig.InsecureSkipVerify, tr.MaxIdleConnsPerHost)
		}
	}
	// A copy of the caller's client, so that refusing redirects leaves theirs alone.
	own := &http.Client{Transport: &http.Transport{}, Timeout: time.Minute}
	c, _ := New(Config{Endpoint: "https://x", ProjectID: "p", AuthToken: "t", HTTPClient: own, Insecure: true})
	if c.httpClient.Transport != own.Transport || c.httpClient.Timeout != own.Timeout {
		t.Error("the caller's HTTPClient is not used")
	}
}

// TestUnitListQueryParameters catches a list option not sent, sent under
// another name or unescaped, an empty option sent, a path that drops the
// endpoint's base path, and a GET sent with a body.
func TestUnitListQueryParameters(t *testing.T) {
	t.Parallel()
	srv, seen := newCapturingServer(t, func(*http.Request) (int, string) { return 200, `{"connections":[],"total_count":0}` })
	c := newTestClient(t, srv.URL+"/base", 0)
	tests := []struct {
		opts ListConnectionsOptions
		want string
	}{
		{ListConnectionsOptions{}, ""},
		{ListConnectionsOptions{ID: "e 1", MarkerID: "422321321312321321", Status: StatusAccepted, SortKey: "update_at",
			SortDir: "asc", Limit: 1000, Offset: 2000},
			"id=e+1&limit=1000&marker_id=422321321312321321&offset=2000&sort_dir=asc&sort_key=update_at&status=accepted"},
		{ListConnectionsOptions{Status: StatusPendingAcceptance, Limit: 5}, "limit=5&status=pendingAcceptance"},
	}
	for i, tt := range tests {
		if _, err := c.ListConnections(context.Background(), testService, tt.opts); err != nil {
			t.Fatal(err)
		}
		got := seen()[i]
		if got.rawQuery != tt.want {
			t.Errorf("query = %q, want %q", got.rawQuery, tt.want)
		}
		if want := "/base/v1/" + testProject + "/vpc-endpoint-services/" + testService + "/connections"; got.path != want {
			t.Errorf("path = %q, want %q", got.path, want)
		}
		if got.method != http.MethodGet || got.header.Get("Content-Type") != "application/json" || len(got.body) != 0 {
			t.Errorf("GET sent %s %q with %d body bytes", got.method, got.header.Get("Content-Type"), len(got.body))
		}
	}
}

// TestUnitRequestBodiesAndHeaders catches a write body, method or path that
// differs from the API's (HTML-escaped descriptions included), a wrong
// Content-Type, a token request that also signs or an AK/SK request that
// also sends a token, X-Project-Id or User-Agent missing or unsigned, and a
// signature the server cannot verify.
func TestUnitRequestBodiesAndHeaders(t *testing.T) {
	t.Parallel()
	srv, seen := newCapturingServer(t, func(r *http.Request) (int, string) {
		return 200, `{"connections":[{"id":"e1","status":"accepted","description":"a<b>&c"}]}`
	})
	ctx := context.Background()

	token := newTestClient(t, srv.URL, 0)
	if _, err := token.AcceptOrReject(ctx, testService, "e1", ActionReceive); err != nil {
		t.Fatal(err)
	}
	if _, err := token.UpdateConnectionDescription(ctx, testService, "e1", "a<b>&c"); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{Endpoint: srv.URL, ProjectID: testProject, AccessKey: "AK", SecretKey: "SK", UserAgent: "ua/1"})
	if err != nil {
		t.Fatal(err)
	}
	fixed := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return fixed }
	if _, err := c.AcceptOrReject(ctx, testService, "e1", ActionReject); err != nil {
		t.Fatal(err)
	}

	got := seen()
	wantBodies := []string{
		`{"action":"receive","endpoints":["e1"]}` + "\n",
		`{"connections":[{"id":"e1","description":"a<b>&c"}]}` + "\n", // no HTML escaping, as the SDK
		`{"action":"reject","endpoints":["e1"]}` + "\n",
	}
	wantPaths := []string{"/connections/action", "/connections/description", "/connections/action"}
	wantMethods := []string{http.MethodPost, http.MethodPut, http.MethodPost}
	for i, r := range got {
		if string(r.body) != wantBodies[i] {
			t.Errorf("request %d body %q, want %q", i, r.body, wantBodies[i])
		}
		if r.method != wantMethods[i] || !strings.HasSuffix(r.path, wantPaths[i]) {
			t.Errorf("request %d: %s %s", i, r.method, r.path)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
			t.Errorf("request %d Content-Type %q", i, ct)
		}
	}
	if got[0].header.Get("X-Auth-Token") != "token" || got[0].header.Get("Authorization") != "" {
		t.Errorf("token request headers %v", got[0].header)
	}
	signed := got[2]
	if signed.header.Get("X-Auth-Token") != "" || signed.header.Get("X-Project-Id") != testProject ||
		signed.header.Get("X-Sdk-Date") != "20240101T000000Z" || signed.header.Get("User-Agent") != "ua/1" {
		t.Errorf("AK/SK request headers %v", signed.header)
	}
	if !strings.Contains(signed.header.Get("Authorization"), "x-project-id") {
		t.Errorf("X-Project-Id is not signed: %s", signed.header.Get("Authorization"))
	}
	// The server can verify what the client signed.
	req := httptest.NewRequest(signed.method, srv.URL+signed.path, bytes.NewReader(signed.body))
	req.Header = signed.header
	req.Host = signed.host
	if _, err := aksk.Verify(req, signed.body, func(string) (string, bool) { return "SK", true }, fixed, 15*time.Minute); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
}

// TestUnitAcceptAlreadyConnectedReadsBack catches a repeated `receive`
// answered EndPoint.2014 failing the decision instead of reading the
// connection back as accepted, and a `reject` read back the same way.
func TestUnitAcceptAlreadyConnectedReadsBack(t *testing.T) {
	t.Parallel()
	srv, seen := newCapturingServer(t, func(r *http.Request) (int, string) {
		if r.Method == http.MethodPost {
			return 400, `{"error":{"code":"EndPoint.2014","message":"The endpoint has been connected to the endpoint service."}}`
		}
		return 200, `{"connections":[{"id":"e1","status":"accepted"}],"total_count":1}`
	})
	c := newTestClient(t, srv.URL, 0)
	conn, err := c.AcceptOrReject(context.Background(), testService, "e1", ActionReceive)
	if err != nil || conn.Status != StatusAccepted {
		t.Fatalf("AcceptOrReject = %+v, %v; want the accepted connection", conn, err)
	}
	if n := len(seen()); n != 2 {
		t.Errorf("requests = %d, want the action and one read", n)
	}
	// reject gets no such reading.
	if _, err := c.AcceptOrReject(context.Background(), testService, "e1", ActionReject); !HasCode(err, CodeAlreadyConnected) {
		t.Errorf("reject: %v, want EndPoint.2014", err)
	}
}

// TestUnitPickConnection catches pickConnection returning a connection of
// another id among several, or dropping the lone connection of an answer
// (the API's documented example shows another id).
func TestUnitPickConnection(t *testing.T) {
	t.Parallel()
	a := Connection{ID: "a", Status: StatusAccepted}
	b := Connection{ID: "b", Status: StatusRejected}
	tests := []struct {
		name  string
		conns []Connection
		want  *Connection
	}{
		{"match", []Connection{a, b}, &b},
		{"single with another id (the documented example)", []Connection{a}, &Connection{ID: "b", Status: StatusAccepted}},
		{"none", nil, nil},
		{"several without match", []Connection{a, a}, nil},
	}
	for _, tt := range tests {
		got := pickConnection(tt.conns, "b")
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: pickConnection = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// TestUnitWriteWithoutConnectionInAnswer catches a write whose answer shows
// no connection for the endpoint returning zero values or an error: it must
// return nil, nil, so that the caller reads the connection rather than
// storing zero values.
func TestUnitWriteWithoutConnectionInAnswer(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `{"connections":[]}`, `{"connections":[{"id":"x"},{"id":"y"}]}`} {
		srv, _ := newCapturingServer(t, func(*http.Request) (int, string) { return 200, body })
		c := newTestClient(t, srv.URL, 0)
		ctx := context.Background()
		if conn, err := c.AcceptOrReject(ctx, testService, "e1", ActionReceive); conn != nil || err != nil {
			t.Errorf("%s: AcceptOrReject = %+v, %v; want nil, nil", body, conn, err)
		}
		if conn, err := c.UpdateConnectionDescription(ctx, testService, "e1", "d"); conn != nil || err != nil {
			t.Errorf("%s: UpdateConnectionDescription = %+v, %v; want nil, nil", body, conn, err)
		}
	}
}

// TestUnitArgumentChecks catches a call with an empty service or endpoint
// id sent (to a wrong path), or refused with an error the caller would
// retry.
func TestUnitArgumentChecks(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, "http://127.0.0.1:1", 0)
	ctx := context.Background()
	checks := []error{
		func() error { _, err := c.ListConnections(ctx, "", ListConnectionsOptions{}); return err }(),
		func() error { _, err := c.GetConnection(ctx, testService, ""); return err }(),
		func() error { _, err := c.AcceptOrReject(ctx, "", "e", ActionReceive); return err }(),
		func() error { _, err := c.UpdateConnectionDescription(ctx, testService, "", "d"); return err }(),
		func() error { _, err := c.GetEndpointService(ctx, ""); return err }(),
	}
	for i, err := range checks {
		if err == nil || IsRetryable(err) {
			t.Errorf("check %d: %v, want a final argument error", i, err)
		}
	}
}

// TestUnitPathSegmentsAreEscaped catches an id with / or a space put into
// the path unescaped, which would reach another resource.
func TestUnitPathSegmentsAreEscaped(t *testing.T) {
	t.Parallel()
	srv, seen := newCapturingServer(t, func(*http.Request) (int, string) { return 200, `{}` })
	c := newTestClient(t, srv.URL, 0)
	if _, err := c.GetEndpointService(context.Background(), "a/b c"); err != nil {
		t.Fatal(err)
	}
	if p := seen()[0].path; !strings.HasSuffix(p, "/vpc-endpoint-services/a%2Fb%20c") {
		t.Errorf("path %q: the id was not escaped as one segment", p)
	}
}

// TestUnitDecodeLargeMarkerID catches a marker_id beyond 2^53 decoded
// through float64, which rounds it.
func TestUnitDecodeLargeMarkerID(t *testing.T) {
	t.Parallel()
	var page ListConnectionsResult
	if err := json.Unmarshal([]byte(`{"connections":[{"id":"x","marker_id":422321321312321321}],"total_count":1}`), &page); err != nil {
		t.Fatal(err)
	}
	if page.Connections[0].MarkerID != 422321321312321321 {
		t.Errorf("MarkerID = %d", page.Connections[0].MarkerID)
	}
}
