package vpcepmock

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// Path segments of the API.
const (
	segV1           = "v1"
	segServices     = "vpc-endpoint-services"
	segEndpoints    = "vpc-endpoints"
	segConnections  = "connections"
	segAction       = "action"
	segDescription  = "description"
	segPublic       = "public"
	segDescribe     = "describe"
	controlPrefix   = "/_mock/"
	controlRootPath = "/_mock"
)

// call is one authenticated API request on its way to a handler.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	requestID string
	project   string // the project id in the path
	id        string // the service or endpoint id in the path, if any
	body      []byte
	cred      Credential
	now       time.Time
}

// handler serves one operation.
type handler func(m *Mock, c *call)

// route is the match of a request to an operation.
type route struct {
	op      string
	handle  handler
	project string
	id      string
}

// matchRoute maps method and path to an operation. /public and /describe are
// matched before {id}, as the API gateway does. Anything else is no route
// (404 APIGW.0101, also for a known path with another method).
func matchRoute(method, path string) (route, bool) {
	if !strings.HasPrefix(path, "/") {
		return route{}, false
	}
	seg := strings.Split(path[1:], "/")
	if len(seg) < 3 || seg[0] != segV1 {
		return route{}, false
	}
	for _, s := range seg {
		if s == "" {
			return route{}, false
		}
	}
	rt := route{project: seg[1]}
	if len(seg) >= 4 {
		rt.id = seg[3]
	}
	set := func(op string, h handler) (route, bool) {
		rt.op, rt.handle = op, h
		return rt, true
	}
	switch seg[2] {
	case segServices:
		switch {
		case len(seg) == 3 && method == http.MethodPost:
			return set(OpCreateEndpointService, (*Mock).handleCreateService)
		case len(seg) == 3 && method == http.MethodGet:
			return set(OpListEndpointService, (*Mock).handleListServices)
		case len(seg) == 4 && seg[3] == segPublic:
			if method == http.MethodGet {
				return set(OpListServicePublicDetails, (*Mock).handleListPublicServices)
			}
		case len(seg) == 4 && seg[3] == segDescribe:
			if method == http.MethodGet {
				return set(OpListServiceDescribeDetails, (*Mock).handleDescribeService)
			}
		case len(seg) == 4 && method == http.MethodGet:
			return set(OpListServiceDetails, (*Mock).handleGetService)
		case len(seg) == 4 && method == http.MethodDelete:
			return set(OpDeleteEndpointService, (*Mock).handleDeleteService)
		case len(seg) == 5 && seg[4] == segConnections && method == http.MethodGet:
			return set(OpListServiceConnections, (*Mock).handleListConnections)
		case len(seg) == 6 && seg[4] == segConnections && seg[5] == segAction && method == http.MethodPost:
			return set(OpAcceptOrRejectEndpoint, (*Mock).handleAction)
		case len(seg) == 6 && seg[4] == segConnections && seg[5] == segDescription && method == http.MethodPut:
			return set(OpUpdateEndpointConnectionsDesc, (*Mock).handleDescription)
		}
	case segEndpoints:
		switch {
		case len(seg) == 3 && method == http.MethodPost:
			return set(OpCreateEndpoint, (*Mock).handleCreateEndpoint)
		case len(seg) == 3 && method == http.MethodGet:
			return set(OpListEndpoints, (*Mock).handleListEndpoints)
		case len(seg) == 4 && method == http.MethodGet:
			return set(OpListEndpointInfoDetails, (*Mock).handleGetEndpoint)
		case len(seg) == 4 && method == http.MethodDelete:
			return set(OpDeleteEndpoint, (*Mock).handleDeleteEndpoint)
		}
	}
	return route{}, false
}

// ServeHTTP serves the API and, under /_mock/, the test controls. Every
// response carries X-Request-Id. An API request goes: route (else 404
// APIGW.0101), body read once, authentication (401 APIGW.0301), project
// check (403 EndPoint.0004), injected latency and fault, then the operation.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	w.Header().Set(headerRequestID, requestID)
	path := r.URL.Path
	if path == controlRootPath || strings.HasPrefix(path, controlPrefix) {
		m.serveControl(w, r)
		return
	}
	rt, ok := matchRoute(r.Method, path)
	if !ok {
		m.count(CountUnknownRoute)
		writeAPIError(w, m.format, requestID, errNoSuchAPI)
		return
	}
	m.count(rt.op)
	c := &call{w: w, r: r, requestID: requestID, project: rt.project, id: rt.id}
	// The body is read once: the signature covers exactly these bytes, and
	// the handler decodes the same ones.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		m.fail(c, errParameter.withMessage("The request body could not be read."))
		return
	}
	if len(body) > maxBodyBytes {
		m.fail(c, errEntityTooLarge)
		return
	}
	c.body = body
	cred, authErr := m.authenticate(r, body)
	if authErr != nil {
		m.count(CountUnauthorized)
		m.fail(c, *authErr)
		return
	}
	c.cred = cred
	// A credential is scoped to one project, like a project-scoped token.
	if cred.ProjectID != rt.project {
		m.count(CountUnauthorized)
		m.fail(c, errForbidden)
		return
	}
	latency, fault := m.drawFault()
	if latency > 0 && !sleep(r.Context(), latency) {
		return // the client gave up; nobody reads an answer
	}
	if fault != nil {
		m.count(CountFaulted)
		m.fail(c, *fault)
		return
	}
	c.now = m.now()
	rt.handle(m, c)
}

// fail answers an API error.
func (m *Mock) fail(c *call, e apiError) {
	writeAPIError(c.w, m.format, c.requestID, e)
}

// ok answers 200 with v.
func (m *Mock) ok(c *call, v any) {
	writeJSON(c.w, http.StatusOK, v)
}

// authenticate checks an AK/SK signature (when Authorization is present) or
// an X-Auth-Token, and returns the credential or the gateway's 401.
func (m *Mock) authenticate(r *http.Request, body []byte) (Credential, *apiError) {
	if r.Header.Get(aksk.AuthorizationHeader) != "" {
		ak, err := aksk.Verify(r, body, m.lookupSecret, m.now(), MaxClockSkew)
		if err == nil {
			return m.accessKeys[ak], nil
		}
		msg := msgAKSKMismatch + "signature does not match"
		var ve *aksk.VerifyError
		if errors.As(err, &ve) {
			switch ve.Reason {
			case aksk.ReasonExpired:
				msg = msgAKSKExpired + ve.Detail
			case aksk.ReasonUnknownAccessKey:
				msg = msgAKUnknown + ak + ",err:ak not exist"
			case aksk.ReasonMissing, aksk.ReasonMalformed:
				msg = msgAKSKMalformed + ve.Detail
			}
		}
		e := errAuth.withMessage(msg)
		return Credential{}, &e
	}
	token := r.Header.Get(headerAuthToken)
	if token == "" {
		e := errAuth.withMessage(msgTokenMissing)
		return Credential{}, &e
	}
	cred, ok := m.tokens[token]
	if !ok {
		e := errAuth.withMessage(msgTokenInvalid)
		return Credential{}, &e
	}
	return cred, nil
}

// lookupSecret gives aksk.Verify the secret of an access key.
func (m *Mock) lookupSecret(accessKey string) (string, bool) {
	c, ok := m.accessKeys[accessKey]
	return c.SecretKey, ok
}

// drawFault draws this request's latency and fault from the seeded sequence.
func (m *Mock) drawFault() (time.Duration, *apiError) {
	m.faultMu.Lock()
	defer m.faultMu.Unlock()
	f := m.faults
	var latency time.Duration
	if f.Latency > 0 {
		latency = time.Duration(m.rng.Int64N(int64(f.Latency) + 1))
	}
	if f.Rate <= 0 || m.rng.Float64() >= f.Rate {
		return latency, nil
	}
	var e apiError
	switch m.rng.IntN(3) {
	case 0:
		e = errThrottled
	case 1:
		e = errSystem
	default:
		e = errTooManyRequests
	}
	return latency, &e
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newRequestID returns 32 random hex digits, the form of the API's request ids.
func newRequestID() string {
	var b [16]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := 0; i < 8; i++ {
		b[i] = byte(hi >> (8 * i))
		b[8+i] = byte(lo >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}
