package aksk

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// unsignedHeaders are headers a client must not sign because the transport
// or a proxy may add, drop or rewrite them after signing.
var unsignedHeaders = map[string]bool{
	"authorization":     true,
	"connection":        true,
	"content-length":    true,
	"accept-encoding":   true,
	"transfer-encoding": true,
	"proxy-connection":  true,
	"keep-alive":        true,
	"te":                true,
	"trailer":           true,
	"upgrade":           true,
}

// Sign sets X-Sdk-Date and Authorization on req, signing host, X-Sdk-Date and every
// header on req except transport-managed ones and names with '_' (gateways may drop them).
// body must be exactly the bytes that will be sent.
func Sign(req *http.Request, body []byte, accessKey, secretKey string, now time.Time) error {
	if req == nil || req.URL == nil {
		return errors.New("aksk: nil request or URL")
	}
	names := []string{hostHeader, dateHeaderLower}
	for name := range req.Header {
		lower := strings.ToLower(name)
		if unsignedHeaders[lower] || strings.Contains(lower, "_") {
			continue
		}
		names = append(names, lower)
	}
	return SignHeaders(req, body, accessKey, secretKey, now, names)
}

// SignHeaders is Sign with the caller's signed header set (plus X-Sdk-Date), to
// reproduce other clients' choices such as the official SDK's.
func SignHeaders(req *http.Request, body []byte, accessKey, secretKey string, now time.Time, signedHeaders []string) error {
	if req == nil || req.URL == nil {
		return errors.New("aksk: nil request or URL")
	}
	if accessKey == "" || secretKey == "" {
		return errors.New("aksk: access key and secret key are required")
	}
	if req.Header == nil {
		req.Header = make(http.Header)
	}
	sdkDate := now.UTC().Format(DateLayout)
	req.Header.Set(DateHeader, sdkDate)
	names := normalizeHeaderNames(append(append([]string(nil), signedHeaders...), dateHeaderLower))
	canonical := CanonicalRequest(req.Method, req.URL.EscapedPath(), req.URL.Query(), req.Header,
		requestHost(req), names, payloadHashFor(req.Header, body))
	sig := Signature(secretKey, StringToSign(sdkDate, canonical))
	req.Header.Set(AuthorizationHeader, AuthorizationValue(accessKey, names, sig))
	return nil
}

// requestHost is the value Go sends (client side) or received (server side)
// as the Host header: req.Host wins, the URL's host is the client fallback.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	return req.URL.Host
}

// payloadHashFor honours X-Sdk-Content-Sha256 literally, as the guide says,
// and otherwise hashes the body.
func payloadHashFor(header http.Header, body []byte) string {
	if v := header.Get(ContentSHA256Header); v != "" {
		return v
	}
	return PayloadHash(body)
}
