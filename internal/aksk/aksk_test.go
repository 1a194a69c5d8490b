package aksk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// sha256Hex is the hex SHA-256 of s, for checking the hashed canonical request.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// mustDate parses an X-Sdk-Date value.
func mustDate(t testing.TB, v string) time.Time {
	t.Helper()
	d, err := time.Parse(DateLayout, v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sdkBody encodes v the way the official SDK does: json.Encoder without HTML
// escaping, so the body ends with a newline.
func sdkBody(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// specVector is one signing test vector: the signing guide's example, the official SDK's, or our VPCEP requests.
type specVector struct {
	name          string
	method        string
	rawURL        string
	header        map[string]string
	body          []byte
	accessKey     string
	secretKey     string
	sdkDate       string
	signedHeaders []string
	// Expected values; empty ones are not given by the source.
	payloadHash     string
	canonicalQuery  string
	hashedCanonical string
	signature       string
	authorization   string
}

func specVectors(t testing.TB) []specVector {
	const (
		vpcepProject = "0123456789abcdef0123456789abcdef"
		vpcepService = "4189d3c2-8882-4871-a3c2-d380272eed88"
		vpcepSK      = "EXAMPLESECRETKEY"
		vpcepDate    = "20240101T000000Z"
	)
	vpcepHeaders := map[string]string{
		"User-Agent":   "huaweicloud-usdk-go/3.0",
		"X-Project-Id": vpcepProject,
	}
	return []specVector{
		{
			name:   "signing guide example",
			method: http.MethodGet,
			rawURL: "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
			header: map[string]string{"Content-Type": "application/json"},
			// The doc's AK; the signature does not depend on it.
			accessKey:       "QTWAOYTTINDUT2QVKYUC",
			secretKey:       "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
			sdkDate:         "20191115T033655Z",
			signedHeaders:   []string{"content-type", "host", "x-sdk-date"},
			payloadHash:     EmptyPayloadHash,
			hashedCanonical: "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
			signature:       "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
		},
		{
			name:   "SDK signer_test #1 (underscore header not signed)",
			method: http.MethodGet,
			rawURL: "https://example.huaweicloud.com/path?limit=1",
			header: map[string]string{"TEST_UNDERSCORE": "value"},
			// The v3 SDK signs neither host nor underscore headers here.
			accessKey:     "AccessKey",
			secretKey:     "SecretKey",
			sdkDate:       "20060102T150405Z",
			signedHeaders: []string{"x-sdk-date"},
			signature:     "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
			authorization: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624",
		},
		{
			name:   "SDK signer_test #2 (body with trailing newline)",
			method: http.MethodPost,
			rawURL: "https://example.huaweicloud.com/path?key=value",
			header: map[string]string{"Content-Type": "application/json"},
			body: sdkBody(t, struct {
				Name string
				Id   int //nolint:revive // field name fixed by the SDK's test
			}{Name: "test", Id: 1}),
			accessKey:     "AccessKey",
			secretKey:     "SecretKey",
			sdkDate:       "20060102T150405Z",
			signedHeaders: []string{"x-sdk-date"},
			signature:     "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
			authorization: "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
		},
		{
			name:            "researcher VPCEP POST connections/action",
			method:          http.MethodPost,
			rawURL:          "https://vpcep.example.com/v1/" + vpcepProject + "/vpc-endpoint-services/" + vpcepService + "/connections/action",
			header:          vpcepHeaders,
			body:            []byte(`{"action":"receive","endpoints":["705290f3-0d00-41f2-aedc-71f09844e879"]}` + "\n"),
			accessKey:       "EXAMPLEACCESSKEY",
			secretKey:       vpcepSK,
			sdkDate:         vpcepDate,
			signedHeaders:   []string{"user-agent", "x-project-id", "x-sdk-date"},
			payloadHash:     "73eb4bbf609dc64b64fa5b1916d3d160752b2571d22e064dfd2aaf3e3566e91f",
			hashedCanonical: "d74c285cc2c2cb1e94ae31cdcfb93cac6ec055c8f2aefb3a385331b01d2c8b13",
			signature:       "364bc855d46014ff55f623ced58919308364d9be8f82a6e781bfee4c80822532",
		},
		{
			name:            "researcher VPCEP GET connections",
			method:          http.MethodGet,
			rawURL:          "https://vpcep.example.com/v1/" + vpcepProject + "/vpc-endpoint-services/" + vpcepService + "/connections?limit=1000&id=705290f3-0d00-41f2-aedc-71f09844e879",
			header:          vpcepHeaders,
			accessKey:       "EXAMPLEACCESSKEY",
			secretKey:       vpcepSK,
			sdkDate:         vpcepDate,
			signedHeaders:   []string{"user-agent", "x-project-id", "x-sdk-date"},
			payloadHash:     EmptyPayloadHash,
			canonicalQuery:  "id=705290f3-0d00-41f2-aedc-71f09844e879&limit=1000",
			hashedCanonical: "",
			signature:       "998dd8ff19bcd705a08ee10f1531f14f04f239a49e6b504e07cbfc414ad41456",
		},
	}
}

// newVectorRequest builds the client-side request of a vector.
func newVectorRequest(t testing.TB, v specVector) *http.Request {
	t.Helper()
	req, err := http.NewRequest(v.method, v.rawURL, bytes.NewReader(v.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, val := range v.header {
		req.Header.Set(k, val)
	}
	return req
}

// TestUnitSpecVectorsPureSteps catches a wrong step (payload hash, query, canonical request, signature) per vector.
func TestUnitSpecVectorsPureSteps(t *testing.T) {
	t.Parallel()
	for _, v := range specVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			req := newVectorRequest(t, v)
			req.Header.Set(DateHeader, v.sdkDate)
			hash := PayloadHash(v.body)
			if v.payloadHash != "" && hash != v.payloadHash {
				t.Errorf("payload hash = %s, want %s", hash, v.payloadHash)
			}
			canonical := CanonicalRequest(v.method, req.URL.EscapedPath(), req.URL.Query(), req.Header, req.URL.Host, v.signedHeaders, hash)
			lines := strings.Split(canonical, "\n")
			if v.canonicalQuery != "" && lines[2] != v.canonicalQuery {
				t.Errorf("canonical query = %q, want %q", lines[2], v.canonicalQuery)
			}
			if !strings.HasSuffix(lines[1], "/") {
				t.Errorf("canonical URI %q lacks the trailing slash", lines[1])
			}
			if v.hashedCanonical != "" {
				if got := sha256Hex(canonical); got != v.hashedCanonical {
					t.Errorf("hashed canonical request = %s, want %s\ncanonical request:\n%s", got, v.hashedCanonical, canonical)
				}
			}
			sts := StringToSign(v.sdkDate, canonical)
			if want := Algorithm + "\n" + v.sdkDate + "\n" + sha256Hex(canonical); sts != want {
				t.Errorf("string to sign = %q, want %q", sts, want)
			}
			if got := Signature(v.secretKey, sts); got != v.signature {
				t.Errorf("signature = %s, want %s", got, v.signature)
			}
		})
	}
}

// TestUnitSpecVectorsSignAndVerify catches a vector that SignHeaders (the
// real client path) signs with another X-Sdk-Date or Authorization than the
// spec's, or that Verify refuses as a server would receive it.
func TestUnitSpecVectorsSignAndVerify(t *testing.T) {
	t.Parallel()
	for _, v := range specVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			req := newVectorRequest(t, v)
			if v.header["Host"] != "" {
				req.Host = v.header["Host"]
			}
			now := mustDate(t, v.sdkDate)
			if err := SignHeaders(req, v.body, v.accessKey, v.secretKey, now, v.signedHeaders); err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get(DateHeader); got != v.sdkDate {
				t.Errorf("X-Sdk-Date = %q, want %q", got, v.sdkDate)
			}
			auth := req.Header.Get(AuthorizationHeader)
			wantAuth := v.authorization
			if wantAuth == "" {
				wantAuth = AuthorizationValue(v.accessKey, v.signedHeaders, v.signature)
			}
			if auth != wantAuth {
				t.Errorf("Authorization = %q, want %q", auth, wantAuth)
			}

			// The server's view: httptest.NewRequest fills r.Host from the URL.
			srv := httptest.NewRequest(v.method, v.rawURL, bytes.NewReader(v.body))
			srv.Header = req.Header.Clone()
			lookup := func(ak string) (string, bool) { return v.secretKey, ak == v.accessKey }
			ak, err := Verify(srv, v.body, lookup, now.Add(5*time.Minute), 15*time.Minute)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ak != v.accessKey {
				t.Errorf("Verify access key = %q, want %q", ak, v.accessKey)
			}
		})
	}
}

// TestUnitSDKStyleHeaderChoice catches a signature that differs from SDK
// signer_test #1 under the v3 SDK's own header choice (every header but
// content-type and names with '_').
func TestUnitSDKStyleHeaderChoice(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodGet, "https://example.huaweicloud.com/path?limit=1", nil)
	req.Header.Set("TEST_UNDERSCORE", "value")
	var names []string
	for name := range req.Header {
		if lower := strings.ToLower(name); !strings.Contains(lower, "_") && !strings.HasPrefix(lower, "content-type") {
			names = append(names, lower)
		}
	}
	if err := SignHeaders(req, nil, "AccessKey", "SecretKey", mustDate(t, "20060102T150405Z"), names); err != nil {
		t.Fatal(err)
	}
	const want = "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
	if got := req.Header.Get(AuthorizationHeader); got != want {
		t.Errorf("Authorization = %q\nwant            %q", got, want)
	}
}

// TestUnitCanonicalQuerySDKExample catches a canonical query that differs
// from the SDK's example: keys and repeated values unsorted, a character
// escaped otherwise than the SDK does, or an empty value without its '='.
func TestUnitCanonicalQuerySDKExample(t *testing.T) {
	t.Parallel()
	q := url.Values{
		"test":   {"一 (&=?!#%.*)"},
		"path":   {"/tmp/123"},
		"multi":  {"3", "1", "2"},
		"limit":  {"1"},
		"enable": {"true"},
	}
	const want = "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
	if got := canonicalQuery(q); got != want {
		t.Errorf("canonicalQuery = %q, want %q", got, want)
	}
	if got := canonicalQuery(url.Values{"flag": {""}}); got != "flag=" {
		t.Errorf("empty value: %q, want %q", got, "flag=")
	}
	if got := canonicalQuery(nil); got != "" {
		t.Errorf("no query: %q, want empty", got)
	}
}

// TestUnitCanonicalURI catches a canonical path without its trailing slash,
// a space left unescaped, an encoded slash split into two segments, or
// lower-case percent escapes.
func TestUnitCanonicalURI(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/v1/p/vpc-endpoint-services/s/connections/action", "/v1/p/vpc-endpoint-services/s/connections/action/"},
		{"/a%20b/c", "/a%20b/c/"},
		{"/a b/c", "/a%20b/c/"},
		{"/a%2Fb", "/a%2Fb/"}, // an encoded slash stays inside its segment
		{"/x~y_z.-/", "/x~y_z.-/"},
		{"/caf%c3%a9", "/caf%C3%A9/"},
	}
	for _, tt := range tests {
		if got := canonicalURI(tt.in); got != tt.want {
			t.Errorf("canonicalURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestUnitCanonicalHeadersMultiValueAndTrim catches a repeated header not
// sorted by value or not trimmed, mixed-case or duplicated signed header
// names, or a method not upper-cased.
func TestUnitCanonicalHeadersMultiValueAndTrim(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Add("X-Multi", " b ")
	h.Add("X-Multi", "a")
	h.Set("X-Sdk-Date", "20240101T000000Z")
	got := CanonicalRequest("get", "/p", nil, h, "h:8080", []string{"X-Multi", "Host", "x-sdk-date", "host"}, EmptyPayloadHash)
	want := "GET\n/p/\n\nhost:h:8080\nx-multi:a\nx-multi:b\nx-sdk-date:20240101T000000Z\n\nhost;x-multi;x-sdk-date\n" + EmptyPayloadHash
	if got != want {
		t.Errorf("CanonicalRequest =\n%q\nwant\n%q", got, want)
	}
}

// TestUnitSignSignsHostAndHeaders catches a signature whose date is not in
// UTC, that leaves out content-type, host or X-Project-Id (or signs
// Content-Length or a name with '_'), or that still verifies under another
// Host.
func TestUnitSignSignsHostAndHeaders(t *testing.T) {
	t.Parallel()
	body := []byte(`{"action":"reject","endpoints":["e"]}` + "\n")
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8080/v1/p/vpc-endpoint-services/s/connections/action?x=a+b", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Project-Id", "p")
	req.Header.Set("Content-Length", "38")
	req.Header.Set("X_Custom", "dropped")
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	if err := Sign(req, body, "AK", "SK", now); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get(DateHeader); got != "20231231T230000Z" {
		t.Errorf("X-Sdk-Date = %q, want UTC 20231231T230000Z", got)
	}
	auth := req.Header.Get(AuthorizationHeader)
	if !strings.Contains(auth, "SignedHeaders=content-type;host;x-project-id;x-sdk-date,") {
		t.Errorf("unexpected SignedHeaders in %q", auth)
	}
	srv := httptest.NewRequest(req.Method, req.URL.String(), bytes.NewReader(body))
	srv.Header = req.Header.Clone()
	if srv.Host != "127.0.0.1:8080" {
		t.Fatalf("server host %q", srv.Host)
	}
	if _, err := Verify(srv, body, func(string) (string, bool) { return "SK", true }, now, 15*time.Minute); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// Another Host breaks the signature, because host is signed.
	srv.Host = "evil.example"
	if _, err := Verify(srv, body, func(string) (string, bool) { return "SK", true }, now, 15*time.Minute); reasonOf(err) != ReasonMismatch {
		t.Errorf("Verify with another host: %v, want mismatch", err)
	}
}

// TestUnitSignRejectsMissingKeys catches an empty access key, an empty
// secret key or a nil request signed without error.
func TestUnitSignRejectsMissingKeys(t *testing.T) {
	t.Parallel()
	req, _ := http.NewRequest(http.MethodGet, "http://h/p", nil)
	if err := Sign(req, nil, "", "SK", time.Now()); err == nil {
		t.Error("Sign with empty access key: want error")
	}
	if err := Sign(req, nil, "AK", "", time.Now()); err == nil {
		t.Error("Sign with empty secret key: want error")
	}
	if err := Sign(nil, nil, "AK", "SK", time.Now()); err == nil {
		t.Error("Sign with nil request: want error")
	}
}

// reasonOf returns the VerifyError reason of err, or "" when err is nil or
// not a *VerifyError.
func reasonOf(err error) string {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

// TestUnitVerifyFailures catches Verify accepting a request it must refuse
// (missing or malformed Authorization, unsigned or skewed date, unknown
// key, wrong secret, changed body, header or query), or refusing one at the
// skew limit, or with another reason than the table's.
func TestUnitVerifyFailures(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	body := []byte(`{"action":"receive","endpoints":["e"]}` + "\n")
	keys := map[string]string{"AK": "SK"}
	lookup := func(ak string) (string, bool) { s, ok := keys[ak]; return s, ok }

	signed := func(t *testing.T, at time.Time, ak, sk string) *http.Request {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "http://vpcep.local/v1/p/vpc-endpoint-services/s/connections/action", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if err := Sign(req, body, ak, sk, at); err != nil {
			t.Fatal(err)
		}
		return req
	}

	tests := []struct {
		name   string
		mutate func(t *testing.T) (*http.Request, []byte)
		reason string
	}{
		{"valid", func(t *testing.T) (*http.Request, []byte) { return signed(t, now, "AK", "SK"), body }, ""},
		{"valid at the skew limit", func(t *testing.T) (*http.Request, []byte) {
			return signed(t, now.Add(-15*time.Minute), "AK", "SK"), body
		}, ""},
		{"no authorization", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			r.Header.Del(AuthorizationHeader)
			return r, body
		}, ReasonMissing},
		{"no date", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			r.Header.Del(DateHeader)
			return r, body
		}, ReasonMissing},
		{"other algorithm", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			r.Header.Set(AuthorizationHeader, strings.Replace(r.Header.Get(AuthorizationHeader), Algorithm, "SDK-HMAC-SM3", 1))
			return r, body
		}, ReasonMalformed},
		{"upper-case signature hex", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			a := r.Header.Get(AuthorizationHeader)
			i := strings.Index(a, "Signature=") + len("Signature=")
			r.Header.Set(AuthorizationHeader, a[:i]+strings.ToUpper(a[i:]))
			return r, body
		}, ReasonMalformed},
		{"date not signed", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			r.Header.Set(AuthorizationHeader, "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=00")
			return r, body
		}, ReasonMalformed},
		{"bad date", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			r.Header.Set(DateHeader, "2024-01-01T12:00:00Z")
			return r, body
		}, ReasonMalformed},
		{"too old", func(t *testing.T) (*http.Request, []byte) {
			return signed(t, now.Add(-16*time.Minute), "AK", "SK"), body
		}, ReasonExpired},
		{"too far ahead", func(t *testing.T) (*http.Request, []byte) {
			return signed(t, now.Add(16*time.Minute), "AK", "SK"), body
		}, ReasonExpired},
		{"unknown access key", func(t *testing.T) (*http.Request, []byte) {
			return signed(t, now, "OTHER", "SK"), body
		}, ReasonUnknownAccessKey},
		{"wrong secret", func(t *testing.T) (*http.Request, []byte) {
			return signed(t, now, "AK", "NOT-SK"), body
		}, ReasonMismatch},
		{"body changed", func(t *testing.T) (*http.Request, []byte) {
			return signed(t, now, "AK", "SK"), []byte(`{"action":"reject","endpoints":["e"]}` + "\n")
		}, ReasonMismatch},
		{"signed header changed", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			r.Header.Set("Content-Type", "text/plain")
			return r, body
		}, ReasonMismatch},
		{"query added", func(t *testing.T) (*http.Request, []byte) {
			r := signed(t, now, "AK", "SK")
			r.URL.RawQuery = "limit=1"
			return r, body
		}, ReasonMismatch},
		{"unsigned payload header honoured", func(t *testing.T) (*http.Request, []byte) {
			req := httptest.NewRequest(http.MethodPost, "http://vpcep.local/upload", strings.NewReader("anything"))
			req.Header.Set(ContentSHA256Header, "UNSIGNED-PAYLOAD")
			if err := Sign(req, []byte("ignored"), "AK", "SK", now); err != nil {
				t.Fatal(err)
			}
			return req, []byte("a different body")
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, b := tt.mutate(t)
			ak, err := Verify(req, b, lookup, now, 15*time.Minute)
			if got := reasonOf(err); got != tt.reason {
				t.Fatalf("Verify reason = %q (err %v), want %q", got, err, tt.reason)
			}
			if err != nil {
				var ve *VerifyError
				if !errors.As(err, &ve) {
					t.Errorf("error %T is not *VerifyError", err)
				}
				if strings.Contains(err.Error(), "SK") && tt.reason != ReasonUnknownAccessKey {
					t.Errorf("error %q may leak the secret", err)
				}
				return
			}
			if ak != "AK" {
				t.Errorf("access key = %q, want AK", ak)
			}
		})
	}
}

func BenchmarkSign(b *testing.B) {
	body := []byte(`{"action":"receive","endpoints":["705290f3-0d00-41f2-aedc-71f09844e879"]}` + "\n")
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	req, _ := http.NewRequest(http.MethodPost, "https://vpcep.example.com/v1/0123456789abcdef0123456789abcdef/vpc-endpoint-services/4189d3c2-8882-4871-a3c2-d380272eed88/connections/action", nil)
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Project-Id", "0123456789abcdef0123456789abcdef")
	req.Header.Set("User-Agent", "terraform-provider-vpcep")
	b.ReportAllocs()
	for b.Loop() {
		if err := Sign(req, body, "AK", "SK", now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	body := []byte(`{"action":"receive","endpoints":["705290f3-0d00-41f2-aedc-71f09844e879"]}` + "\n")
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	req := httptest.NewRequest(http.MethodPost, "https://vpcep.example.com/v1/p/vpc-endpoint-services/s/connections/action", nil)
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if err := Sign(req, body, "AK", "SK", now); err != nil {
		b.Fatal(err)
	}
	lookup := func(string) (string, bool) { return "SK", true }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(req, body, lookup, now, 15*time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}
