// Package aksk implements the "SDK-HMAC-SHA256" AK/SK request signature of
// Huawei Cloud APIs (docs/api-notes.md): Sign for clients, Verify for servers.
// The pure steps are exported so that published test vectors can be checked step by step.
package aksk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

const (
	// Algorithm is the name of the signing algorithm, the first word of the
	// Authorization header.
	Algorithm = "SDK-HMAC-SHA256"
	// DateHeader carries the signing time; it must be signed.
	DateHeader = "X-Sdk-Date"
	// DateLayout is the Go time layout of DateHeader values (UTC, basic ISO 8601).
	DateLayout = "20060102T150405Z"
	// ContentSHA256Header is a header that, when present, replaces the hash of the body in the
	// canonical request with its literal value (for example "UNSIGNED-PAYLOAD").
	ContentSHA256Header = "X-Sdk-Content-Sha256"
	// AuthorizationHeader is the header the signature travels in.
	AuthorizationHeader = "Authorization"
	// EmptyPayloadHash is the hex SHA-256 of an empty body.
	EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

	// hostHeader is the signed-header name whose value comes from the
	// request's host rather than its header map (Go keeps Host out of it).
	hostHeader      = "host"
	dateHeaderLower = "x-sdk-date"
)

// CanonicalRequest builds the signing guide's canonical request. escapedPath is
// the path as sent (segments are decoded and re-encoded); host gives the "host"
// value, which Go keeps out of the header map; signedHeaders are normalized here.
func CanonicalRequest(method, escapedPath string, query url.Values, header http.Header, host string, signedHeaders []string, payloadHash string) string {
	names := normalizeHeaderNames(signedHeaders)
	var b strings.Builder
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('\n')
	b.WriteString(canonicalURI(escapedPath))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(query))
	b.WriteByte('\n')
	for _, name := range names {
		var values []string
		if name == hostHeader {
			values = []string{host}
		} else {
			values = append(values, header.Values(name)...)
			if len(values) == 0 {
				// A signed header that is absent still takes its line, so the
				// signature fails rather than silently covering less.
				values = []string{""}
			}
		}
		for i := range values {
			values[i] = strings.TrimSpace(values[i])
		}
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(v)
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(names, ";"))
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String()
}

// StringToSign builds the three-line string the signature covers: the
// algorithm, the X-Sdk-Date value and the hex SHA-256 of the canonical request.
func StringToSign(sdkDate, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + sdkDate + "\n" + hex.EncodeToString(sum[:])
}

// Signature is the lower-case hex HMAC-SHA256 of stringToSign keyed with the
// secret key's raw bytes (this algorithm derives no key).
func Signature(secretKey, stringToSign string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// PayloadHash is the lower-case hex SHA-256 of body, the last line of the
// canonical request.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// AuthorizationValue formats the Authorization header value:
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func AuthorizationValue(accessKey string, signedHeaders []string, signature string) string {
	return Algorithm + " Access=" + accessKey + ", SignedHeaders=" +
		strings.Join(normalizeHeaderNames(signedHeaders), ";") + ", Signature=" + signature
}

// normalizeHeaderNames lower-cases, sorts and de-duplicates header names.
func normalizeHeaderNames(names []string) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		out = append(out, strings.ToLower(strings.TrimSpace(n)))
	}
	sort.Strings(out)
	uniq := out[:0]
	for i, n := range out {
		if n == "" || (i > 0 && n == out[i-1]) {
			continue
		}
		uniq = append(uniq, n)
	}
	return uniq
}

// canonicalURI percent-encodes each path segment and appends the trailing
// slash the guide requires (it exists only in the canonical form).
func canonicalURI(escapedPath string) string {
	segments := strings.Split(escapedPath, "/")
	for i, s := range segments {
		if dec, err := url.PathUnescape(s); err == nil {
			s = dec
		}
		segments[i] = escape(s)
	}
	p := strings.Join(segments, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// canonicalQuery encodes keys and values with the unreserved set, sorts keys
// in byte order and the values of a repeated key, and joins k=v pairs by '&'.
func canonicalQuery(query url.Values) string {
	if len(query) == 0 {
		return ""
	}
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		values := append([]string(nil), query[k]...)
		sort.Strings(values)
		if len(values) == 0 {
			values = []string{""}
		}
		ek := escape(k)
		for _, v := range values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(ek)
			b.WriteByte('=')
			b.WriteString(escape(v))
		}
	}
	return b.String()
}

// escape percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ with
// upper-case hex; unlike url.QueryEscape a space becomes %20, never '+'.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	out := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			out = append(out, c)
			continue
		}
		out = append(out, '%', hexDigits[c>>4], hexDigits[c&0x0f])
	}
	return string(out)
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
