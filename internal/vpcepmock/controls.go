package vpcepmock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// controlErrorBody is the error answer of a control.
type controlErrorBody struct {
	Error string `json:"error"`
}

// unknownControlBody answers a request under /_mock/ that no control serves,
// with the controls there are, so that a typo shows its fix.
type unknownControlBody struct {
	Error    string   `json:"error"`
	Controls []string `json:"controls"`
}

// faultsJSON is Faults on the wire, with latency as a Go duration string.
type faultsJSON struct {
	Rate    float64 `json:"rate"`
	Latency string  `json:"latency"`
	Seed    int64   `json:"seed"`
}

// forceJSON is the body of POST /_mock/connections/status.
type forceJSON struct {
	ServiceID  string       `json:"service_id"`
	EndpointID string       `json:"endpoint_id"`
	Status     string       `json:"status"`
	Errors     []QueryError `json:"errors"`
	Hold       bool         `json:"hold"`
}

// endpointJSON is the body of POST /_mock/endpoints.
type endpointJSON struct {
	ServiceID   string `json:"service_id"`
	ID          string `json:"id"`
	DomainID    string `json:"domain_id"`
	ProjectID   string `json:"project_id"`
	Description string `json:"description"`
}

// serviceJSON is the body of POST /_mock/services.
type serviceJSON struct {
	ProjectID       string `json:"project_id"`
	ID              string `json:"id"`
	ServiceName     string `json:"service_name"`
	ApprovalEnabled *bool  `json:"approval_enabled"`
	Description     string `json:"description"`
}

// delayJSON is the body of PUT /_mock/transition-delay.
type delayJSON struct {
	Delay string `json:"delay"`
}

// The /_mock/ test controls (no authentication; docs/vpcep-mock.md), routed in routes.

func (m *Mock) controlState(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, m.Dump())
}

func (m *Mock) controlRequests(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, m.RequestCounts())
}

func (m *Mock) controlResetRequests(w http.ResponseWriter, _ *http.Request) {
	m.ResetRequestCounts()
	w.WriteHeader(http.StatusNoContent)
}

func (m *Mock) controlActions(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, m.Actions())
}

func (m *Mock) controlReset(w http.ResponseWriter, _ *http.Request) {
	m.Reset()
	w.WriteHeader(http.StatusNoContent)
}

func (m *Mock) controlGetFaults(w http.ResponseWriter, _ *http.Request) {
	f := m.CurrentFaults()
	writeJSON(w, http.StatusOK, faultsJSON{Rate: f.Rate, Latency: f.Latency.String(), Seed: f.Seed})
}

func (m *Mock) controlTransitionDelay(w http.ResponseWriter, r *http.Request) {
	var req delayJSON
	if !decodeControl(w, r, &req) {
		return
	}
	d, err := time.ParseDuration(req.Delay)
	if err != nil || d < 0 {
		writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: fmt.Sprintf("delay %q is not a duration >= 0", req.Delay)})
		return
	}
	m.SetTransitionDelay(d)
	w.WriteHeader(http.StatusNoContent)
}

func (m *Mock) controlDeleteEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := m.DeleteEndpoint(r.PathValue("id")); err != nil {
		controlError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// maxControlBodyBytes caps a control body as maxBodyBytes caps an API body:
// the controls are unauthenticated, and decoding a large fixtures document
// costs many times its size. A larger document goes through -fixtures.
const maxControlBodyBytes = maxBodyBytes

// decodeControl decodes a control body strictly (unknown fields are typos).
func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxControlBodyBytes+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: "body: " + err.Error()})
		return false
	}
	if len(body) > maxControlBodyBytes {
		writeJSON(w, http.StatusRequestEntityTooLarge, controlErrorBody{Error: fmt.Sprintf(
			"body: larger than the %d-byte (%d MiB) limit of /_mock/ controls; load a larger fixtures document with the -fixtures flag (or vpcepmock.Config.Fixtures)",
			maxControlBodyBytes, maxControlBodyBytes>>20)})
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: "body: " + err.Error()})
		return false
	}
	return true
}

// controlError answers a Go control's error: 404 for unknown ids, else 400.
func controlError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	if errors.Is(err, ErrServiceNotFound) || errors.Is(err, ErrEndpointNotFound) {
		status = http.StatusNotFound
	}
	writeJSON(w, status, controlErrorBody{Error: err.Error()})
}

func (m *Mock) controlFaults(w http.ResponseWriter, r *http.Request) {
	var req faultsJSON
	if !decodeControl(w, r, &req) {
		return
	}
	f := Faults{Rate: req.Rate, Seed: req.Seed}
	if req.Latency != "" {
		d, err := time.ParseDuration(req.Latency)
		if err != nil || d < 0 {
			writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: fmt.Sprintf("latency %q is not a duration >= 0", req.Latency)})
			return
		}
		f.Latency = d
	}
	if f.Rate < 0 || f.Rate > 1 {
		writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: fmt.Sprintf("rate %v is not in [0, 1]", f.Rate)})
		return
	}
	m.SetFaults(f)
	writeJSON(w, http.StatusOK, faultsJSON{Rate: f.Rate, Latency: f.Latency.String(), Seed: f.Seed})
}

func (m *Mock) controlForce(w http.ResponseWriter, r *http.Request) {
	var req forceJSON
	if !decodeControl(w, r, &req) {
		return
	}
	if err := m.ForceStatus(req.ServiceID, req.EndpointID, Force{Status: req.Status, Errors: req.Errors, Hold: req.Hold}); err != nil {
		controlError(w, err)
		return
	}
	conn, ok := m.Connection(req.ServiceID, req.EndpointID)
	if !ok {
		// Forced to deleting with no delay: it is already gone.
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, conn)
}

func (m *Mock) controlFixtures(w http.ResponseWriter, r *http.Request) {
	var f Fixtures
	if !decodeControl(w, r, &f) {
		return
	}
	if err := m.LoadFixtures(f); err != nil {
		controlError(w, err)
		return
	}
	n := 0
	for _, s := range f.Services {
		n += len(s.Connections)
	}
	writeJSON(w, http.StatusOK, map[string]int{"services": len(f.Services), "connections": n})
}

func (m *Mock) controlCreateEndpoint(w http.ResponseWriter, r *http.Request) {
	var req endpointJSON
	if !decodeControl(w, r, &req) {
		return
	}
	if req.Description != "" {
		if err := checkDescription(req.Description); err != nil {
			writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: err.Error()})
			return
		}
	}
	e, err := m.CreateEndpoint(req.ProjectID, EndpointSpec{ID: req.ID, ServiceID: req.ServiceID, DomainID: req.DomainID, Description: req.Description})
	if err != nil {
		controlError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (m *Mock) controlCreateService(w http.ResponseWriter, r *http.Request) {
	var req serviceJSON
	if !decodeControl(w, r, &req) {
		return
	}
	if req.ServiceName != "" && !serviceNamePattern.MatchString(req.ServiceName) {
		writeJSON(w, http.StatusBadRequest, controlErrorBody{Error: fmt.Sprintf("service_name %q: 1-16 of A-Z a-z 0-9 _ -", req.ServiceName)})
		return
	}
	s := m.CreateService(req.ProjectID, ServiceSpec{ID: req.ID, Name: req.ServiceName, ApprovalEnabled: req.ApprovalEnabled, Description: req.Description})
	writeJSON(w, http.StatusOK, s)
}
