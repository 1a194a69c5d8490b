package aksk

import (
	"crypto/hmac"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Reasons a signature is refused, the values of VerifyError.Reason.
const (
	// ReasonMissing: no Authorization or no X-Sdk-Date header.
	ReasonMissing = "missing"
	// ReasonMalformed: the Authorization or X-Sdk-Date value cannot be parsed,
	// or X-Sdk-Date is not among the signed headers.
	ReasonMalformed = "malformed"
	// ReasonUnknownAccessKey: lookup does not know the access key.
	ReasonUnknownAccessKey = "unknown access key"
	// ReasonExpired: X-Sdk-Date is further from the server's time than maxSkew.
	ReasonExpired = "expired"
	// ReasonMismatch: the recomputed signature differs.
	ReasonMismatch = "mismatch"
)

// VerifyError is Verify's error: Reason (a Reason* value) picks the answer; Detail never holds a secret.
type VerifyError struct {
	Reason string
	Detail string
}

// Error implements error.
func (e *VerifyError) Error() string {
	if e.Detail == "" {
		return "aksk: " + e.Reason
	}
	return "aksk: " + e.Reason + ": " + e.Detail
}

// authorizationPattern is the server-side parse rule of the signing guide.
var authorizationPattern = regexp.MustCompile(`^` + Algorithm + ` Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$`)

// Verify checks a received request's signature over body and returns its access
// key. Any SignedHeaders set that includes x-sdk-date is honoured; X-Sdk-Date must
// be within maxSkew of now. Every failure is a *VerifyError.
func Verify(req *http.Request, body []byte, lookup func(accessKey string) (secretKey string, ok bool), now time.Time, maxSkew time.Duration) (string, error) {
	auth := strings.TrimSpace(req.Header.Get(AuthorizationHeader))
	if auth == "" {
		return "", &VerifyError{Reason: ReasonMissing, Detail: "no Authorization header"}
	}
	m := authorizationPattern.FindStringSubmatch(auth)
	if m == nil {
		return "", &VerifyError{Reason: ReasonMalformed, Detail: "Authorization is not " + Algorithm + " Access=..., SignedHeaders=..., Signature=..."}
	}
	accessKey, signedList, signature := m[1], m[2], m[3]
	signed := strings.Split(signedList, ";")
	hasDate := false
	for _, h := range signed {
		if strings.EqualFold(strings.TrimSpace(h), DateHeader) {
			hasDate = true
		}
	}
	if !hasDate {
		return accessKey, &VerifyError{Reason: ReasonMalformed, Detail: "x-sdk-date is not signed"}
	}
	sdkDate := req.Header.Get(DateHeader)
	if sdkDate == "" {
		return accessKey, &VerifyError{Reason: ReasonMissing, Detail: "no " + DateHeader + " header"}
	}
	signedAt, err := time.Parse(DateLayout, sdkDate)
	if err != nil {
		return accessKey, &VerifyError{Reason: ReasonMalformed, Detail: DateHeader + " is not " + DateLayout}
	}
	if skew := now.Sub(signedAt); skew > maxSkew || skew < -maxSkew {
		return accessKey, &VerifyError{Reason: ReasonExpired, Detail: "signature time " + sdkDate + ", server time " + now.UTC().Format(DateLayout)}
	}
	secretKey, ok := lookup(accessKey)
	if !ok {
		return accessKey, &VerifyError{Reason: ReasonUnknownAccessKey, Detail: "access key " + accessKey + " does not exist"}
	}
	canonical := CanonicalRequest(req.Method, req.URL.EscapedPath(), req.URL.Query(), req.Header,
		req.Host, signed, payloadHashFor(req.Header, body))
	want := Signature(secretKey, StringToSign(sdkDate, canonical))
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return accessKey, &VerifyError{Reason: ReasonMismatch, Detail: "signature does not match"}
	}
	return accessKey, nil
}
