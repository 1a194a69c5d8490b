package vpcepmock

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzHandler catches a panic in ServeHTTP on random methods, paths,
// queries and bodies, authenticated or not, and an answer without a request
// id or, unless it is 204, without a JSON body.
func FuzzHandler(f *testing.F) {
	base := "/v1/" + DefaultProjectID
	f.Add("GET", base+"/vpc-endpoint-services/svc/connections", "limit=1000&id=e1", "", true)
	f.Add("GET", base+"/vpc-endpoint-services/svc/connections", "marker_id=9999999999999999999999&status=x&sort_key=update_at", "", true)
	f.Add("POST", base+"/vpc-endpoint-services/svc/connections/action", "", `{"action":"receive","endpoints":["e1"]}`, true)
	f.Add("POST", base+"/vpc-endpoint-services/svc/connections/action", "", `{"action":"reject","endpoints":["e1","e2"]}`, true)
	f.Add("PUT", base+"/vpc-endpoint-services/svc/connections/description", "", `{"connections":[{"id":"e1","description":"<"}]}`, true)
	f.Add("POST", base+"/vpc-endpoints", "", `{"endpoint_service_id":"svc","vpc_id":"v","subnet_id":"s"}`, true)
	f.Add("DELETE", base+"/vpc-endpoints/e1", "", "", true)
	f.Add("POST", base+"/vpc-endpoint-services", "", `{"port_id":"p","vpc_id":"v","server_type":"LB","ports":[{"client_port":1,"server_port":2}]}`, true)
	f.Add("GET", base+"/vpc-endpoint-services/describe", "id=svc", "", true)
	f.Add("DELETE", base+"/vpc-endpoint-services/svc", "", "", true)
	f.Add("GET", "/_mock/state", "", "", false)
	f.Add("POST", "/_mock/fixtures", "", `{"services":[{"connections":[{"marker_id":-5}]}]}`, false)
	f.Add("POST", "/_mock/connections/status", "", `{"service_id":"svc","endpoint_id":"e1","status":"deleting"}`, false)
	f.Add("PUT", "/_mock/faults", "", `{"rate":0,"latency":"0s"}`, false)
	f.Add("POST", "/_mock/endpoints", "", `{"service_id":"svc"}`, false)
	f.Add("GET", "/v1//%zz/..", "a=%", "\x00", true)
	m := New(Config{})
	m.CreateService("", ServiceSpec{ID: "svc"})
	_, _ = m.CreateEndpoint("", EndpointSpec{ID: "e1", ServiceID: "svc"})
	f.Fuzz(func(t *testing.T, method, path, query, body string, auth bool) {
		target := path
		if query != "" {
			target += "?" + query
		}
		req, err := http.NewRequest(method, "http://mock.test"+target, bytes.NewReader([]byte(body)))
		if err != nil {
			return // not a request a client could send
		}
		if auth {
			req.Header.Set(headerAuthToken, DefaultToken)
		}
		// Latency from a fuzzed faults control would only slow the fuzzer.
		if req.URL.Path == "/_mock/faults" || req.URL.Path == "/_mock/transition-delay" {
			return
		}
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, req)
		if !requestIDPattern.MatchString(rec.Header().Get(headerRequestID)) {
			t.Fatalf("no request id: %d %s", rec.Code, rec.Body)
		}
		if rec.Code != http.StatusNoContent && rec.Body.Len() > 0 && rec.Body.Bytes()[0] != '{' && rec.Body.Bytes()[0] != '[' {
			t.Fatalf("%s %s: non-JSON answer %d %q", method, target, rec.Code, rec.Body)
		}
		if rec.Code == 0 || rec.Code >= 600 {
			t.Fatalf("status %d", rec.Code)
		}
	})
}
