package aksk

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzCanonicalRequest catches panics in signing and verifying, and signed requests that fail to verify.
func FuzzCanonicalRequest(f *testing.F) {
	f.Add("GET", "/v1/p/vpcs", "limit=2&marker=x", "application/json", "content-type;host;x-sdk-date", []byte(""))
	f.Add("POST", "/v1/p/vpc-endpoint-services/s/connections/action", "", "application/json;charset=UTF-8", "x-sdk-date", []byte(`{"action":"receive","endpoints":["e"]}`+"\n"))
	f.Add("get", "/a%2Fb/%zz/caf\u00e9", "test=%E4%B8%80%20%28&multi=3&multi=1&flag", " spaced ", "HOST;X-Sdk-Date;;", []byte{0xff, 0})
	f.Add("", "", "%", "", ";", []byte(nil))
	f.Fuzz(func(t *testing.T, method, path, rawQuery, contentType, signedList string, body []byte) {
		query, _ := url.ParseQuery(rawQuery)
		h := http.Header{}
		h.Set("Content-Type", contentType)
		_ = CanonicalRequest(method, path, query, h, "host", strings.Split(signedList, ";"), PayloadHash(body))

		// A forged Authorization built from fuzzed parts must be refused
		// without panicking.
		req := httptest.NewRequest(http.MethodPost, "http://vpcep.local/x", bytes.NewReader(body))
		req.Header.Set(AuthorizationHeader, Algorithm+" Access="+method+", SignedHeaders="+signedList+", Signature="+contentType)
		req.Header.Set(DateHeader, "20240101T000000Z")
		now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		lookup := func(string) (string, bool) { return "SK", true }
		_, _ = Verify(req, body, lookup, now, 15*time.Minute)

		// Sign then Verify round-trips for any path and query Go accepts.
		u := &url.URL{Scheme: "http", Host: "vpcep.local", Path: "/" + strings.TrimPrefix(path, "/"), RawQuery: rawQuery}
		out, err := http.NewRequest(http.MethodPut, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		if strings.ContainsAny(contentType, "\r\n\x00") {
			contentType = ""
		}
		out.Header.Set("Content-Type", contentType)
		if err := Sign(out, body, "AK", "SK", now); err != nil {
			t.Fatal(err)
		}
		// The server sees the request line re-parsed, as net/http does.
		received, err := url.ParseRequestURI(out.URL.RequestURI())
		if err != nil {
			return
		}
		in := &http.Request{Method: out.Method, URL: received, Host: out.URL.Host, Header: out.Header.Clone()}
		if _, err := Verify(in, body, lookup, now, 15*time.Minute); err != nil {
			t.Fatalf("signed request %s %q does not verify: %v", out.Method, out.URL.RequestURI(), err)
		}
	})
}
