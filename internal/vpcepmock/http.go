package vpcepmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
	"github.com/vpcep/terraform-provider-vpcep/internal/pause"
)

// call is one authenticated API request on its way to a handler.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	requestID string
	project   string // the {project_id} of the path
	id        string // the {id} of the path, if any
	body      []byte
	cred      Credential
	now       time.Time
}

// handler serves one API operation.
type handler func(m *Mock, c *call)

// routes maps every API operation and test control to its handler. Adding a
// route is one line here.
func (m *Mock) routes() *http.ServeMux {
	const services, endpoints = "/v1/{project_id}/vpc-endpoint-services", "/v1/{project_id}/vpc-endpoints"
	mux := http.NewServeMux()
	api := func(pattern, op string, h handler) { mux.Handle(pattern, m.apiHandler(op, h)) }
	api("POST "+services, OpCreateEndpointService, (*Mock).handleCreateService)
	api("GET "+services, OpListEndpointService, (*Mock).handleListServices)
	api("GET "+services+"/public", OpListServicePublicDetails, (*Mock).handleListPublicServices)
	api("GET "+services+"/describe", OpListServiceDescribeDetails, (*Mock).handleDescribeService)
	api("GET "+services+"/{id}", OpListServiceDetails, (*Mock).handleGetService)
	api("DELETE "+services+"/{id}", OpDeleteEndpointService, (*Mock).handleDeleteService)
	api("GET "+services+"/{id}/connections", OpListServiceConnections, (*Mock).handleListConnections)
	api("POST "+services+"/{id}/connections/action", OpAcceptOrRejectEndpoint, (*Mock).handleAction)
	api("PUT "+services+"/{id}/connections/description", OpUpdateEndpointConnectionsDesc, (*Mock).handleDescription)
	api("POST "+endpoints, OpCreateEndpoint, (*Mock).handleCreateEndpoint)
	api("GET "+endpoints, OpListEndpoints, (*Mock).handleListEndpoints)
	api("GET "+endpoints+"/{id}", OpListEndpointInfoDetails, (*Mock).handleGetEndpoint)
	api("DELETE "+endpoints+"/{id}", OpDeleteEndpoint, (*Mock).handleDeleteEndpoint)
	// /public and /describe are APIs of their own, never a service id.
	mux.HandleFunc("DELETE "+services+"/public", m.noRoute)
	mux.HandleFunc("DELETE "+services+"/describe", m.noRoute)

	// control routes a test control and lists it for the answer to an unknown one.
	control := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, h)
		m.controls = append(m.controls, pattern)
	}
	control("GET /_mock/state", m.controlState)
	control("GET /_mock/requests", m.controlRequests)
	control("DELETE /_mock/requests", m.controlResetRequests)
	control("GET /_mock/actions", m.controlActions)
	control("POST /_mock/reset", m.controlReset)
	control("GET /_mock/faults", m.controlGetFaults)
	control("PUT /_mock/faults", m.controlFaults)
	control("GET /_mock/rate-limit", m.controlGetRateLimit)
	control("PUT /_mock/rate-limit", m.controlRateLimit)
	control("PUT /_mock/transition-delay", m.controlTransitionDelay)
	control("POST /_mock/connections/status", m.controlForce)
	control("POST /_mock/fixtures", m.controlFixtures)
	control("POST /_mock/services", m.controlCreateService)
	control("POST /_mock/endpoints", m.controlCreateEndpoint)
	control("DELETE /_mock/endpoints/{id}", m.controlDeleteEndpoint)
	control("GET /_mock/list-changes", m.controlListChanges)
	control("POST /_mock/list-changes", m.controlAddListChange)
	control("DELETE /_mock/list-changes", m.controlClearListChanges)

	m.registerIAM(mux)
	m.registerMetadata(mux)
	mux.HandleFunc("/", m.noRoute)
	return mux
}

// ServeHTTP serves the API and, under /_mock/, the test controls. Every
// response carries X-Request-Id.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(headerRequestID, RandomHex(16))
	// ServeMux would serve HEAD as GET and redirect unclean paths; the API gateway does neither.
	if p := r.URL.EscapedPath(); r.Method == http.MethodHead || !strings.HasPrefix(p, "/") || path.Clean(p) != p {
		m.noRoute(w, r)
		return
	}
	m.mux.ServeHTTP(w, r)
}

// noRoute answers a request no route matches: 404 APIGW.0101 in the gateway
// form, or a control error under /_mock/.
func (m *Mock) noRoute(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/_mock" || strings.HasPrefix(r.URL.Path, "/_mock/") {
		writeJSON(w, http.StatusNotFound, unknownControlBody{
			Error:    fmt.Sprintf("no control %s %s; the controls are: %s", r.Method, r.URL.Path, strings.Join(m.controls, ", ")),
			Controls: m.controls,
		})
		return
	}
	m.count(CountUnknownRoute)
	writeAPIError(w, m.format, w.Header().Get(headerRequestID), errNoSuchAPI)
}

// apiHandler runs an API operation after the steps every call shares: count,
// body read once (the signature covers exactly these bytes), authentication
// (401 APIGW.0301), project scope (403 EndPoint.0004), the rate limit (429
// APIGW.0308), injected latency and fault.
func (m *Mock) apiHandler(op string, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.count(op)
		c := &call{w: w, r: r, requestID: w.Header().Get(headerRequestID), project: r.PathValue("project_id"), id: r.PathValue("id")}
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
		if cred.ProjectID != c.project {
			m.count(CountUnauthorized)
			m.fail(c, errForbidden)
			return
		}
		if m.throttle(c) {
			return
		}
		latency, fault := m.drawFault()
		if latency > 0 && pause.For(r.Context(), latency) != nil {
			return // the client gave up; nobody reads an answer
		}
		if fault != nil {
			m.count(CountFaulted)
			m.fail(c, *fault)
			return
		}
		c.now = m.now()
		h(m, c)
	})
}

// fail answers an API error.
func (m *Mock) fail(c *call, e apiError) {
	writeAPIError(c.w, m.format, c.requestID, e)
}

// decodeBody decodes an API request body into v, or answers the API's
// refusal: 400 EndPoint.0011 for an empty body, 400 EndPoint.0002 for one
// that is not JSON of v's shape. Unknown fields are ignored, as the API does.
func (m *Mock) decodeBody(c *call, v any) bool {
	if len(bytes.TrimSpace(c.body)) == 0 {
		m.fail(c, errBodyNull)
		return false
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		m.fail(c, errParameter)
		return false
	}
	return true
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
			if cred, e, temporary := m.temporaryCredentialFor(r, ak); temporary {
				return cred, e
			}
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
	if c, ok := m.accessKeys[accessKey]; ok {
		return c.SecretKey, true
	}
	return m.temporarySecret(accessKey)
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
