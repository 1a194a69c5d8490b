package vpcepmock

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// TestUnitRoutes catches an API route the mock does not serve, answers with
// the wrong status or body, counts under another operation or twice, or
// answers without a request id.
func TestUnitRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 2)
	h.populate("gone", true, 0)
	h.m.CreateService(testProject, ServiceSpec{ID: "gone"})
	ep, err := h.m.CreateEndpoint(testProject, EndpointSpec{ID: "mine", ServiceID: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	base := "/v1/" + testProject
	tests := []struct {
		method, path, body string
		status             int
		op                 string
		contains           string
	}{
		{"POST", base + "/vpc-endpoint-services", `{"port_id":"p","vpc_id":"v","server_type":"LB","ports":[{"client_port":80,"server_port":8080}],"service_name":"web","approval_enabled":false}`, 200, OpCreateEndpointService, `"approval_enabled":false`},
		{"GET", base + "/vpc-endpoint-services", "", 200, OpListEndpointService, `"total_count":3`},
		{"GET", base + "/vpc-endpoint-services/public", "", 200, OpListServicePublicDetails, `"endpoint_services":[]`},
		{"GET", base + "/vpc-endpoint-services/describe?id=svc", "", 200, OpListServiceDescribeDetails, `"service_name":"mock-region-1.demo.svc"`},
		{"GET", base + "/vpc-endpoint-services/svc", "", 200, OpListServiceDetails, `"connection_count":3`},
		{"DELETE", base + "/vpc-endpoint-services/gone", "", 204, OpDeleteEndpointService, ""},
		{"GET", base + "/vpc-endpoint-services/svc/connections", "", 200, OpListServiceConnections, `"total_count":3`},
		{"POST", base + "/vpc-endpoint-services/svc/connections/action", `{"action":"receive","endpoints":["e000"]}`, 200, OpAcceptOrRejectEndpoint, `"status":"accepted"`},
		{"PUT", base + "/vpc-endpoint-services/svc/connections/description", `{"connections":[{"id":"e000","description":"d"}]}`, 200, OpUpdateEndpointConnectionsDesc, `"description":"d"`},
		{"POST", base + "/vpc-endpoints", `{"endpoint_service_id":"svc","vpc_id":"v","subnet_id":"s"}`, 200, OpCreateEndpoint, `"status":"pendingAcceptance"`},
		{"GET", base + "/vpc-endpoints", "", 200, OpListEndpoints, `"total_count":2`},
		{"GET", base + "/vpc-endpoints/" + ep.ID, "", 200, OpListEndpointInfoDetails, `"endpoint_service_id":"svc"`},
		{"DELETE", base + "/vpc-endpoints/" + ep.ID, "", 204, OpDeleteEndpoint, ""},
	}
	for _, tt := range tests {
		before := h.m.RequestCounts()[tt.op]
		r := h.api(tt.method, tt.path, tt.body)
		if r.code != tt.status || !strings.Contains(string(r.body), tt.contains) {
			t.Errorf("%s %s: %d %s, want %d containing %s", tt.method, tt.path, r.code, r.body, tt.status, tt.contains)
		}
		if got := h.m.RequestCounts()[tt.op]; got != before+1 {
			t.Errorf("%s %s: count of %s %d -> %d", tt.method, tt.path, tt.op, before, got)
		}
		if !requestIDPattern.MatchString(r.hdr.Get(headerRequestID)) {
			t.Errorf("%s %s: X-Request-Id %q", tt.method, tt.path, r.hdr.Get(headerRequestID))
		}
	}
	if _, ok := h.m.Endpoint(ep.ID); ok {
		t.Error("deleted endpoint still exists")
	}
}

// TestUnitUnknownRoutesAnswerGatewayNotFound catches a path or method the API lacks being served,
// or refused in another form than 404 APIGW.0101 (a router's 405 or redirect).
func TestUnitUnknownRoutesAnswerGatewayNotFound(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 0)
	base := "/v1/" + testProject
	for _, tt := range []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/v2/" + testProject + "/vpc-endpoint-services"},
		{"GET", base},
		{"GET", base + "/vpcs"},
		{"PUT", base + "/vpc-endpoint-services"},
		{"DELETE", base + "/vpc-endpoint-services/public"},
		{"POST", base + "/vpc-endpoint-services/describe"},
		{"PATCH", base + "/vpc-endpoint-services/svc"},
		{"GET", base + "/vpc-endpoint-services/svc/connections/action"},
		{"POST", base + "/vpc-endpoint-services/svc/connections/description"},
		{"GET", base + "/vpc-endpoint-services/svc/"},
		{"GET", base + "//vpc-endpoint-services"},
		{"PUT", base + "/vpc-endpoints/x"},
		{"GET", base + "/vpc-endpoints/x/y"},
		{"HEAD", base + "/vpc-endpoint-services"},
		{"GET", base + "/vpc-endpoint-services/x/../svc"},
	} {
		r := h.send(newRequest(tt.method, tt.path, "")) // no auth: routing comes first
		var b flatErrorBody
		r.decode(t, &b)
		if r.code != 404 || b.ErrorCode != "APIGW.0101" || b.RequestID != r.hdr.Get(headerRequestID) || b.RequestID == "" {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, r.code, r.body)
		}
	}
	if got := h.m.RequestCounts()[CountUnknownRoute]; got != 16 {
		t.Errorf("UnknownRoute count %d", got)
	}
}

// TestUnitServices catches a service create the API refuses accepted (or
// refused with another code), a created service that differs from the API's
// (approval, status, name region.name.id, project, time), list filters and
// paging not applied or showing another project's services, describe that
// cannot find another project's service, and a delete that leaves its
// endpoints.
func TestUnitServices(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	base := "/v1/" + testProject + "/vpc-endpoint-services"
	valid := `"port_id":"p","vpc_id":"v","server_type":"VM","ports":[{"client_port":443,"server_port":8443,"protocol":"TCP"}]`
	for _, tt := range []struct {
		name, body, code string
	}{
		{"empty", "", "EndPoint.0011"},
		{"not json", "[", "EndPoint.0002"},
		{"no port_id", `{"vpc_id":"v","server_type":"VM","ports":[{"client_port":1,"server_port":1}]}`, "EndPoint.3063"},
		{"no vpc_id", `{"port_id":"p","server_type":"VM","ports":[{"client_port":1,"server_port":1}]}`, "EndPoint.2011"},
		{"bad server_type", `{"port_id":"p","vpc_id":"v","server_type":"BMS2","ports":[{"client_port":1,"server_port":1}]}`, "EndPoint.3021"},
		{"no ports", `{"port_id":"p","vpc_id":"v","server_type":"VM","ports":[]}`, "EndPoint.3043"},
		{"port out of range", `{"port_id":"p","vpc_id":"v","server_type":"VM","ports":[{"client_port":0,"server_port":1}]}`, "EndPoint.3043"},
		{"udp", `{"port_id":"p","vpc_id":"v","server_type":"VM","ports":[{"client_port":1,"server_port":1,"protocol":"UDP"}]}`, "EndPoint.3043"},
		{"bad name", `{` + valid + `,"service_name":"has.dot"}`, "EndPoint.3076"},
		{"long name", `{` + valid + `,"service_name":"abcdefghijklmnopq"}`, "EndPoint.3076"},
		{"gateway type", `{` + valid + `,"service_type":"gateway"}`, "EndPoint.0002"},
	} {
		if r := h.api("POST", base, tt.body); r.code != 400 || r.errorCode(t) != tt.code {
			t.Errorf("%s: %d %s, want %s", tt.name, r.code, r.body, tt.code)
		}
	}
	var created Service
	r := h.api("POST", base, `{`+valid+`,"service_name":"web"}`)
	r.decode(t, &created)
	if r.code != 200 || !created.ApprovalEnabled || created.Status != ServiceStatusAvailable ||
		created.ServiceName != DefaultRegion+".web."+created.ID || created.ProjectID != testProject || created.CreatedAt != "2024-01-01T00:00:00Z" {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	h.clock.Advance(time.Second)
	h.m.CreateService(testProject, ServiceSpec{ID: "second", Name: "api"})
	h.m.CreateService(otherProject, ServiceSpec{ID: "foreign"})
	var list listServicesBody
	h.api("GET", base+"?sort_dir=asc", "").decode(t, &list)
	if list.TotalCount != 2 || list.EndpointServices[0].ID != created.ID || list.EndpointServices[1].ID != "second" {
		t.Errorf("list asc: %+v", list)
	}
	h.api("GET", base+"?endpoint_service_name=api&limit=1", "").decode(t, &list)
	if list.TotalCount != 1 || list.EndpointServices[0].ID != "second" {
		t.Errorf("list by name: %+v", list)
	}
	if r := h.api("GET", base+"?limit=0", ""); r.errorCode(t) != "EndPoint.0006" {
		t.Errorf("list limit 0: %s", r.body)
	}
	// describe finds a service of any project (consumers look services up).
	if r := h.api("GET", base+"/describe?endpoint_service_name="+DefaultRegion+".foreign", ""); r.code != 200 {
		t.Errorf("describe by name: %d %s", r.code, r.body)
	}
	if r := h.api("GET", base+"/describe", ""); r.errorCode(t) != "EndPoint.0002" {
		t.Errorf("describe without a key: %s", r.body)
	}
	if r := h.api("GET", base+"/describe?id=nope", ""); r.code != 404 || r.errorCode(t) != "EndPoint.0005" {
		t.Errorf("describe unknown: %s", r.body)
	}
	if r := h.api("GET", base+"/nope", ""); r.code != 404 || r.errorCode(t) != "EndPoint.0005" {
		t.Errorf("get unknown: %s", r.body)
	}
	if _, err := h.m.CreateEndpoint("", EndpointSpec{ID: "ep", ServiceID: "second"}); err != nil {
		t.Fatal(err)
	}
	if r := h.api("DELETE", base+"/second", ""); r.code != 204 {
		t.Errorf("delete: %d", r.code)
	}
	if r := h.api("DELETE", base+"/second", ""); r.code != 404 {
		t.Errorf("delete again: %d", r.code)
	}
	if _, ok := h.m.Endpoint("ep"); ok {
		t.Error("an endpoint outlived its service")
	}
	checkConsistent(t, h.m)
}

// TestUnitEndpoints catches an endpoint create the API refuses accepted (or
// refused with another code), an endpoint whose status ignores the
// service's approval, one that the owner does not see as a connection with
// the same status, domain and marker id, and list filters, paging or
// not-found answers that differ from the API's.
func TestUnitEndpoints(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("approve", true, 0)
	h.populate("open", false, 0)
	h.m.CreateService(otherProject, ServiceSpec{ID: "foreign"})
	base := "/v1/" + testProject + "/vpc-endpoints"
	for _, tt := range []struct {
		name, body string
		code       string
	}{
		{"empty", "", "EndPoint.0011"},
		{"not json", "}", "EndPoint.0002"},
		{"no service", `{"vpc_id":"v","subnet_id":"s"}`, "EndPoint.2029"},
		{"no vpc", `{"endpoint_service_id":"open","subnet_id":"s"}`, "EndPoint.2011"},
		{"unknown service", `{"endpoint_service_id":"nope","vpc_id":"v","subnet_id":"s"}`, "EndPoint.2003"},
		{"no subnet", `{"endpoint_service_id":"open","vpc_id":"v"}`, "EndPoint.2010"},
		{"bad description", `{"endpoint_service_id":"open","vpc_id":"v","subnet_id":"s","description":"<b>"}`, "EndPoint.0002"},
	} {
		if r := h.api("POST", base, tt.body); r.code != 400 || r.errorCode(t) != tt.code {
			t.Errorf("%s: %d %s, want %s", tt.name, r.code, r.body, tt.code)
		}
	}
	for _, tt := range []struct{ service, want string }{
		{"approve", StatusPendingAcceptance}, {"open", StatusAccepted}, {"foreign", StatusPendingAcceptance},
	} {
		var ep Endpoint
		r := h.api("POST", base, `{"endpoint_service_id":"`+tt.service+`","vpc_id":"v","subnet_id":"s","description":"mine"}`)
		r.decode(t, &ep)
		if r.code != 200 || ep.Status != tt.want || ep.ProjectID != testProject || ep.Description != "mine" {
			t.Errorf("endpoint on %s: %s", tt.service, r.body)
		}
		// The owner sees it as a connection with the same status and domain.
		c, ok := h.m.Connection(tt.service, ep.ID)
		if !ok || c.Status != tt.want || c.DomainID != domainIDFor(testProject) || c.MarkerID != ep.MarkerID {
			t.Errorf("connection on %s: %+v", tt.service, c)
		}
		h.clock.Advance(time.Second)
	}
	var list listEndpointsBody
	h.api("GET", base+"?endpoint_service_id=open", "").decode(t, &list)
	if list.TotalCount != 1 || list.Endpoints[0].EndpointServiceID != "open" {
		t.Errorf("list by service: %+v", list)
	}
	h.api("GET", base+"?sort_dir=asc&limit=2", "").decode(t, &list)
	if list.TotalCount != 3 || len(list.Endpoints) != 2 || list.Endpoints[0].EndpointServiceID != "approve" {
		t.Errorf("list asc: %+v", list)
	}
	if r := h.api("GET", base+"/nope", ""); r.code != 404 || r.errorCode(t) != "EndPoint.0005" {
		t.Errorf("unknown endpoint: %s", r.body)
	}
	if r := h.api("DELETE", base+"/nope", ""); r.code != 404 {
		t.Errorf("delete unknown endpoint: %s", r.body)
	}
}

// signed builds a request signed with AK/SK over the given headers.
func signed(t *testing.T, method, path, body, ak, sk string, now time.Time, headers map[string]string, signedHeaders []string) *http.Request {
	t.Helper()
	req := newRequest(method, path, body)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	var err error
	if signedHeaders == nil {
		err = aksk.Sign(req, []byte(body), ak, sk, now)
	} else {
		err = aksk.SignHeaders(req, []byte(body), ak, sk, now, signedHeaders)
	}
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestUnitAuthentication catches a token or signed request the API accepts
// refused (the SDK's and the huaweicloud provider's header choices, 14
// minutes of skew), one it refuses accepted (wrong token or secret,
// tampered header or body, skew beyond 15 minutes, unknown key, malformed
// Authorization), a 401 without the gateway's code, message and request id,
// or with the secret in it.
func TestUnitAuthentication(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 1)
	path := svcPath("svc", "connections") + "?limit=1000&id=e000"
	actionPath := svcPath("svc", "connections", "action")
	actionBody := `{"action":"reject","endpoints":["e000"]}` + "\n"
	now := h.clock.Now()
	sdkHeaders := map[string]string{"User-Agent": "huaweicloud-usdk-go/3.0", "X-Project-Id": testProject}
	tfHeaders := map[string]string{"Accept": "application/json", "User-Agent": "terraform-provider-huaweicloud"}
	tamper := func(r *http.Request) *http.Request { r.Header.Set("User-Agent", "changed"); return r }
	withToken := func(tok string) *http.Request {
		r := newRequest("GET", path, "")
		if tok != "" {
			r.Header.Set(headerAuthToken, tok)
		}
		return r
	}
	tests := []struct {
		name     string
		req      *http.Request
		status   int
		code     string
		contains string
	}{
		{"token", withToken(testToken), 200, "", ""},
		{"no credentials", withToken(""), 401, "APIGW.0301", "x-auth-token not found"},
		{"wrong token", withToken("nope"), 401, "APIGW.0301", "decrypt token fail"},
		{"aksk default signer", signed(t, "GET", path, "", DefaultAccessKey, DefaultSecretKey, now, nil, nil), 200, "", ""},
		{"aksk official SDK headers, no host", signed(t, "GET", path, "", DefaultAccessKey, DefaultSecretKey, now, sdkHeaders, []string{"user-agent", "x-project-id", "x-sdk-date"}), 200, "", ""},
		{"aksk huaweicloud provider headers", signed(t, "POST", actionPath, actionBody, DefaultAccessKey, DefaultSecretKey, now, tfHeaders, []string{"accept", "content-type", "user-agent", "x-sdk-date"}), 200, "", ""},
		{"aksk 14 minutes old", signed(t, "GET", path, "", DefaultAccessKey, DefaultSecretKey, now.Add(-14*time.Minute), nil, nil), 200, "", ""},
		{"aksk wrong secret", signed(t, "GET", path, "", DefaultAccessKey, "wrong", now, nil, nil), 401, "APIGW.0301", "verify aksk signature fail"},
		{"aksk tampered header", tamper(signed(t, "GET", path, "", DefaultAccessKey, DefaultSecretKey, now, sdkHeaders, []string{"user-agent", "x-sdk-date"})), 401, "APIGW.0301", "verify aksk signature fail"},
		{"aksk expired", signed(t, "GET", path, "", DefaultAccessKey, DefaultSecretKey, now.Add(-16*time.Minute), nil, nil), 401, "APIGW.0301", "signature expired"},
		{"aksk from the future", signed(t, "GET", path, "", DefaultAccessKey, DefaultSecretKey, now.Add(16*time.Minute), nil, nil), 401, "APIGW.0301", "signature expired"},
		{"aksk unknown key", signed(t, "GET", path, "", "NOSUCHAK", DefaultSecretKey, now, nil, nil), 401, "APIGW.0301", "ak not exist"},
	}
	// The body is covered by the signature: a different body fails.
	bodySwap := signed(t, "POST", actionPath, actionBody, DefaultAccessKey, DefaultSecretKey, now, nil, nil)
	bodySwap.Body = http.NoBody
	bodySwap.Body = newRequest("POST", actionPath, `{"action":"receive","endpoints":["e000"]}`+"\n").Body
	tests = append(tests, struct {
		name     string
		req      *http.Request
		status   int
		code     string
		contains string
	}{"aksk other body", bodySwap, 401, "APIGW.0301", "verify aksk signature fail"})
	malformed := newRequest("GET", path, "")
	malformed.Header.Set("Authorization", "Bearer abc")
	tests = append(tests, struct {
		name     string
		req      *http.Request
		status   int
		code     string
		contains string
	}{"malformed authorization", malformed, 401, "APIGW.0301", "Incorrect IAM authentication information"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.send(tt.req)
			if r.code != tt.status {
				t.Fatalf("status %d, want %d: %s", r.code, tt.status, r.body)
			}
			if tt.code == "" {
				return
			}
			var b flatErrorBody
			r.decode(t, &b)
			if b.ErrorCode != tt.code || !strings.Contains(b.ErrorMsg, tt.contains) || b.RequestID != r.hdr.Get(headerRequestID) {
				t.Errorf("body %s, want %s containing %q and the request id", r.body, tt.code, tt.contains)
			}
			if strings.Contains(string(r.body), DefaultSecretKey) {
				t.Error("the secret key leaked into an answer")
			}
		})
	}
	if got := h.m.RequestCounts()[CountUnauthorized]; got != 9 {
		t.Errorf("Unauthorized count %d, want 9", got)
	}
}

// TestUnitSpecSigningVectors catches the mock refusing an SDK-style signed
// VPCEP request of internal/aksk's vectors, replayed byte for byte at its
// signing time.
func TestUnitSpecSigningVectors(t *testing.T) {
	t.Parallel()
	const (
		serviceID  = "4189d3c2-8882-4871-a3c2-d380272eed88"
		endpointID = "705290f3-0d00-41f2-aedc-71f09844e879"
	)
	h := newHarness(t, nil) // the fake clock starts at 2024-01-01T00:00:00Z
	h.m.CreateService(testProject, ServiceSpec{ID: serviceID})
	if _, err := h.m.CreateEndpoint(otherProject, EndpointSpec{ID: endpointID, ServiceID: serviceID}); err != nil {
		t.Fatal(err)
	}
	base := "/v1/" + testProject + "/vpc-endpoint-services/" + serviceID + "/connections"
	for _, tt := range []struct {
		method, path, body, signature, wantStatus string
	}{
		{"POST", base + "/action", `{"action":"receive","endpoints":["` + endpointID + `"]}` + "\n", "364bc855d46014ff55f623ced58919308364d9be8f82a6e781bfee4c80822532", StatusAccepted},
		{"GET", base + "?limit=1000&id=" + endpointID, "", "998dd8ff19bcd705a08ee10f1531f14f04f239a49e6b504e07cbfc414ad41456", StatusAccepted},
	} {
		req := newRequest(tt.method, tt.path, tt.body)
		req.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		req.Header.Set("X-Project-Id", testProject)
		req.Header.Set("X-Sdk-Date", "20240101T000000Z")
		req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+DefaultAccessKey+", SignedHeaders=user-agent;x-project-id;x-sdk-date, Signature="+tt.signature)
		r := h.send(req)
		if r.code != 200 || !strings.Contains(string(r.body), `"status":"`+tt.wantStatus+`"`) {
			t.Errorf("%s vector: %d %s", tt.method, r.code, r.body)
		}
	}
}

// TestUnitProjectIsolation catches a token or AK/SK of one project allowed
// on another project's paths (403 expected), another project's service
// visible under a project's own path (404 expected), an endpoint visible to
// the service owner instead of its consumer, and a refused call that
// changed a connection.
func TestUnitProjectIsolation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 1) // owned by testProject
	h.m.CreateService(otherProject, ServiceSpec{ID: "theirs"})
	other := func(method, path, body string) result {
		req := newRequest(method, path, body)
		req.Header.Set(headerAuthToken, otherToken)
		return h.send(req)
	}
	// The other project's token on this project's paths: 403.
	for _, tt := range []struct{ method, path, body string }{
		{"GET", svcPath("svc", "connections"), ""},
		{"POST", svcPath("svc", "connections", "action"), `{"action":"receive","endpoints":["e000"]}`},
		{"GET", "/v1/" + testProject + "/vpc-endpoints/e000", ""},
	} {
		if r := other(tt.method, tt.path, tt.body); r.code != 403 || r.errorCode(t) != "EndPoint.0004" {
			t.Errorf("%s %s with another project's token: %d %s", tt.method, tt.path, r.code, r.body)
		}
	}
	// AK/SK are bound the same way.
	req := signed(t, "GET", svcPath("svc", "connections"), "", "OTHERAK", "OTHERSK", h.clock.Now(), nil, nil)
	if r := h.send(req); r.code != 403 {
		t.Errorf("other AK on this project: %d %s", r.code, r.body)
	}
	// This project's service under the other project's own path: invisible.
	theirs := "/v1/" + otherProject + "/vpc-endpoint-services/"
	for _, tt := range []struct{ method, path, body string }{
		{"GET", theirs + "svc", ""},
		{"GET", theirs + "svc/connections", ""},
		{"POST", theirs + "svc/connections/action", `{"action":"receive","endpoints":["e000"]}`},
		{"PUT", theirs + "svc/connections/description", `{"connections":[{"id":"e000","description":""}]}`},
		{"DELETE", theirs + "svc", ""},
		{"GET", "/v1/" + otherProject + "/vpc-endpoints/nope", ""},
	} {
		if r := other(tt.method, tt.path, tt.body); r.code != 404 || r.errorCode(t) != "EndPoint.0005" {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, r.code, r.body)
		}
	}
	// The consumer (otherProject created e000) sees its endpoint; the owner does not.
	if r := other("GET", "/v1/"+otherProject+"/vpc-endpoints/e000", ""); r.code != 200 {
		t.Errorf("consumer's endpoint: %d %s", r.code, r.body)
	}
	if r := h.api("GET", "/v1/"+testProject+"/vpc-endpoints/e000", ""); r.code != 404 {
		t.Errorf("owner reading the consumer's endpoint: %d %s", r.code, r.body)
	}
	var list listServicesBody
	other("GET", "/v1/"+otherProject+"/vpc-endpoint-services", "").decode(t, &list)
	if list.TotalCount != 1 || list.EndpointServices[0].ID != "theirs" {
		t.Errorf("other project's service list: %+v", list)
	}
	if h.status("svc", "e000") != StatusPendingAcceptance || len(h.m.Actions()) != 0 {
		t.Error("a refused request changed state")
	}
}

// TestUnitErrorFormats catches an error body in another form than the
// configured one (nested by default, or flat), without the JSON content
// type, and a gateway error that does not keep the gateway form whatever
// the format.
func TestUnitErrorFormats(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		format, want string
	}{
		{"", `{"error":{"code":"EndPoint.0005","message":"The requested resource does not exist."}}`},
		{ErrorFormatNested, `{"error":{"code":"EndPoint.0005","message":"The requested resource does not exist."}}`},
		{ErrorFormatFlat, `{"error_code":"EndPoint.0005","error_msg":"The requested resource does not exist."}`},
	} {
		h := newHarness(t, func(c *Config) { c.ErrorFormat = tt.format })
		r := h.api("GET", svcPath("nope"), "")
		if got := strings.TrimSpace(string(r.body)); got != tt.want || r.hdr.Get("Content-Type") != contentTypeJSON {
			t.Errorf("format %q: %s", tt.format, got)
		}
		// Gateway errors keep the gateway form whatever the format.
		r = h.send(newRequest("GET", svcPath("nope"), ""))
		var b map[string]string
		r.decode(t, &b)
		if len(b) != 3 || b["error_code"] != "APIGW.0301" || b["request_id"] == "" {
			t.Errorf("format %q, gateway error: %s", tt.format, r.body)
		}
	}
}

// TestUnitFaults catches a fault kind (429 APIGW.0308, 503, EndPoint.0022)
// never drawn or drawn at a skewed rate, another kind drawn, a faulted
// action that changes a connection, faults not counted, controls faulted, a
// fault drawn before authentication, and SetFaults not applied at runtime.
func TestUnitFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(c *Config) { c.Faults = Faults{Rate: 1, Seed: 7} })
	h.populate("svc", true, 1)
	kinds := map[string]int{}
	for i := 0; i < 300; i++ {
		r := h.action("svc", ActionReceive, "e000")
		code := r.errorCode(t)
		kinds[fmt.Sprintf("%d %s", r.code, code)]++
		if code == "APIGW.0308" {
			var b flatErrorBody
			r.decode(t, &b)
			if b.RequestID != r.hdr.Get(headerRequestID) {
				t.Errorf("429 not in gateway form: %s", r.body)
			}
		}
	}
	for _, k := range []string{"429 APIGW.0308", "503 EndPoint.0001", "400 EndPoint.0022"} {
		if kinds[k] < 70 { // 100 expected of each
			t.Errorf("fault %s: %d of 300 (%v)", k, kinds[k], kinds)
		}
	}
	if len(kinds) != 3 {
		t.Errorf("unexpected answers: %v", kinds)
	}
	if h.status("svc", "e000") != StatusPendingAcceptance || len(h.m.Actions()) != 0 {
		t.Error("a faulted request changed state")
	}
	if got := h.m.RequestCounts(); got[CountFaulted] != 300 || got[OpAcceptOrRejectEndpoint] != 300 {
		t.Errorf("counts %v", got)
	}
	// Controls are never faulted.
	if r := h.control("GET", "/_mock/state", ""); r.code != 200 {
		t.Errorf("control under faults: %d", r.code)
	}
	// Unauthenticated requests fail auth before any fault is drawn.
	if r := h.send(newRequest("GET", svcPath("svc"), "")); r.code != 401 {
		t.Errorf("no token under faults: %d", r.code)
	}
	// SetFaults at runtime.
	h.m.SetFaults(Faults{})
	if r := h.action("svc", ActionReceive, "e000"); r.code != 200 {
		t.Errorf("after clearing faults: %d %s", r.code, r.body)
	}
}

// TestUnitFaultsAreDeterministicAndBounded catches a fault sequence that is
// not the same for one seed or is for another seed, a latency outside [0,
// max] or not averaging about half of it, and a request answered although
// its client gave up during the latency.
func TestUnitFaultsAreDeterministicAndBounded(t *testing.T) {
	t.Parallel()
	sequence := func(seed int64) string {
		h := newHarness(t, func(c *Config) { c.Faults = Faults{Rate: 0.5, Seed: seed} })
		var b strings.Builder
		for i := 0; i < 60; i++ {
			fmt.Fprintf(&b, "%d,", h.api("GET", "/v1/"+testProject+"/vpc-endpoint-services", "").code)
		}
		return b.String()
	}
	a, b, c := sequence(1), sequence(1), sequence(2)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if a == c {
		t.Errorf("different seeds, same faults: %s", a)
	}
	if !strings.Contains(a, "200,") || strings.Count(a, "200,") == 60 {
		t.Errorf("rate 0.5 gave %s", a)
	}
	m := New(Config{Faults: Faults{Latency: 50 * time.Millisecond, Seed: 3}})
	var sum time.Duration
	for i := 0; i < 1000; i++ {
		d, f := m.drawFault()
		if d < 0 || d > 50*time.Millisecond || f != nil {
			t.Fatalf("draw %d: latency %s fault %v", i, d, f)
		}
		sum += d
	}
	if avg := sum / 1000; avg < 15*time.Millisecond || avg > 35*time.Millisecond {
		t.Errorf("mean latency %s, want about 25ms", avg)
	}
	// A request waits out its latency before it is served: one whose client
	// gives up during the wait (here, before it starts) gets no answer.
	m.SetFaults(Faults{Latency: time.Hour, Seed: 5})
	h := &harness{t: t, m: m}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := newRequest("GET", "/v1/"+testProject+"/vpc-endpoint-services", "").WithContext(ctx)
	req.Header.Set(headerAuthToken, testToken)
	if r := h.send(req); len(r.body) != 0 {
		t.Errorf("a request whose client gave up during an hour's latency was answered: %d %s", r.code, r.body)
	}
}

// TestUnitRequestIDOnEveryResponse catches a response (API, unknown route,
// unauthenticated, control) without a request id, or with one that another
// response had.
func TestUnitRequestIDOnEveryResponse(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	seen := map[string]bool{}
	for _, r := range []result{
		h.api("GET", "/v1/"+testProject+"/vpc-endpoint-services", ""),
		h.api("GET", "/nope", ""),
		h.send(newRequest("GET", svcPath("x"), "")),
		h.control("GET", "/_mock/state", ""),
		h.control("POST", "/_mock/reset", ""),
		h.control("GET", "/_mock/nope", ""),
	} {
		id := r.hdr.Get(headerRequestID)
		if !requestIDPattern.MatchString(id) || seen[id] {
			t.Errorf("X-Request-Id %q (status %d)", id, r.code)
		}
		seen[id] = true
	}
}

// TestUnitBodyTooLarge catches a body over maxBodyBytes read whole, or
// refused otherwise than the gateway's 413 APIGW.0201.
func TestUnitBodyTooLarge(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	r := h.api("POST", "/v1/"+testProject+"/vpc-endpoints", `{"x":"`+strings.Repeat("a", maxBodyBytes)+`"}`)
	if r.code != 413 || r.errorCode(t) != "APIGW.0201" {
		t.Errorf("%d %s", r.code, r.body)
	}
}

// TestUnitDumpIsFixtures catches a dump of the mock's state that does not
// load back as fixtures, or loads as another state.
func TestUnitDumpIsFixtures(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	h.populate("svc", true, 3)
	h.action("svc", ActionReceive, "e001")
	data, err := json.Marshal(h.m.Dump())
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseFixtures(data)
	if err != nil {
		t.Fatal(err)
	}
	m2 := New(Config{})
	if err := m2.LoadFixtures(f); err != nil {
		t.Fatal(err)
	}
	a, b := h.m.Connections("svc"), m2.Connections("svc")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("round trip:\n%v\n%v", a, b)
	}
	if s := m2.Dump().Services[0]; s.ServiceName != DefaultRegion+".demo.svc" || !s.ApprovalEnabled {
		t.Errorf("service round trip: %+v", s.Service)
	}
}

// TestUnitOverTheWire catches a signed action that fails through a real
// HTTP server and client (Host, Content-Length and body as in use), where
// the in-process harness would not see it.
func TestUnitOverTheWire(t *testing.T) {
	t.Parallel()
	m := New(Config{})
	m.CreateService("", ServiceSpec{ID: "svc"})
	if _, err := m.CreateEndpoint("", EndpointSpec{ID: "e1", ServiceID: "svc"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	body := `{"action":"receive","endpoints":["e1"]}` + "\n"
	req, err := http.NewRequest("POST", srv.URL+"/v1/"+DefaultProjectID+"/vpc-endpoint-services/svc/connections/action", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if err := aksk.Sign(req, []byte(body), DefaultAccessKey, DefaultSecretKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b connectionsBody
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil || resp.StatusCode != 200 || b.Connections[0].Status != StatusAccepted {
		t.Errorf("signed action over HTTP: %d %+v %v", resp.StatusCode, b, err)
	}
	if !requestIDPattern.MatchString(resp.Header.Get(headerRequestID)) {
		t.Errorf("X-Request-Id %q", resp.Header.Get(headerRequestID))
	}
}
