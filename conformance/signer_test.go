package conformance

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// TestUnitSignerMatchesSDK catches a canonical request of ours that differs
// from the SDK's (path and query escaping, repeated and empty parameters,
// header trimming, body hashing): for each request, the SDK signs it, and
// internal/aksk signs the request the SDK would send, over the same headers
// at the same time; the Authorization values must be identical.
func TestUnitSignerMatchesSDK(t *testing.T) {
	t.Parallel()
	const (
		ak      = "EXAMPLEACCESSKEY"
		sk      = "EXAMPLESECRETKEY"
		project = "0123456789abcdef0123456789abcdef"
		svcPath = "/v1/" + project + "/vpc-endpoint-services/4189d3c2-8882-4871-a3c2-d380272eed88"
	)
	date := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, tt := range []struct {
		name    string
		method  string
		path    string
		query   map[string]any
		headers map[string]string
		body    any
	}{
		{name: "list with filters", method: "GET", path: svcPath + "/connections",
			query: map[string]any{"status": "pendingAcceptance", "limit": 1000, "offset": 0, "sort_key": "created_at", "sort_dir": "desc"}},
		{name: "list by marker id above 2^31", method: "GET", path: svcPath + "/connections",
			query: map[string]any{"marker_id": "422321321312321321", "id": "705290f3-0d00-41f2-aedc-71f09844e879"}},
		{name: "query values to escape", method: "GET", path: svcPath + "/connections",
			query: map[string]any{"id": "a b+c/d~e.f_g-h", "description": "ünïcode & = ?", "empty": ""}},
		{name: "repeated query parameter", method: "GET", path: "/v1/" + project + "/vpc-endpoints",
			query: map[string]any{"id": []string{"b", "a", "c"}}},
		{name: "path segment to escape", method: "GET", path: "/v1/" + project + "/vpc-endpoint-services/svc:1 2/connections"},
		{name: "action body with characters JSON may escape", method: "POST", path: svcPath + "/connections/action",
			headers: map[string]string{"Content-Type": "application/json;charset=UTF-8"},
			body:    map[string]any{"action": "receive", "endpoints": []string{"<ep>&\"1\""}}},
		{name: "description body with unicode", method: "PUT", path: svcPath + "/connections/description",
			headers: map[string]string{"Content-Type": "application/json"},
			body:    map[string]any{"connections": []map[string]string{{"id": "ep", "description": "café ☕"}}}},
		{name: "delete without body", method: "DELETE", path: "/v1/" + project + "/vpc-endpoints/ep"},
		{name: "headers with spaces and a security token", method: "GET", path: svcPath,
			headers: map[string]string{"X-Security-Token": "  gQ-token  ", "X-Client-Note": "a  b"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := request.NewHttpRequestBuilder().WithEndpoint("https://vpcep.mock-region-1.example.com").
				WithPath(tt.path).WithMethod(tt.method).
				AddHeaderParam("X-Sdk-Date", date.Format("20060102T150405Z")).
				AddHeaderParam("X-Project-Id", project).
				AddHeaderParam("User-Agent", "huaweicloud-usdk-go/3.0")
			for k, v := range tt.query {
				b = b.AddQueryParam(k, reflect.ValueOf(v))
			}
			for k, v := range tt.headers {
				b = b.AddHeaderParam(k, v)
			}
			if tt.body != nil {
				b = b.WithBody("application/json", tt.body)
			}
			sdkReq := b.Build()
			added, err := signer.Sign(sdkReq, ak, sk)
			if err != nil {
				t.Fatal(err)
			}
			want := added["Authorization"]
			_, signed, ok := strings.Cut(want, "SignedHeaders=")
			if !ok {
				t.Fatalf("SDK Authorization %q", want)
			}
			signed, _, _ = strings.Cut(signed, ",")

			// What the SDK sends: its own conversion of the request.
			httpReq, err := sdkReq.ConvertRequest()
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(httpReq.Body)
			if err != nil {
				t.Fatal(err)
			}
			httpReq.Header.Del("Authorization")
			if err := aksk.SignHeaders(httpReq, body, ak, sk, date, strings.Split(signed, ";")); err != nil {
				t.Fatal(err)
			}
			if got := httpReq.Header.Get("Authorization"); got != want {
				t.Errorf("%s %s?%s\n ours: %s\n SDK:  %s", tt.method, httpReq.URL.EscapedPath(), httpReq.URL.RawQuery, got, want)
			}
		})
	}
}
