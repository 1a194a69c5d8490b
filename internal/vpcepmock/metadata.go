package vpcepmock

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// ECS instance-metadata operations, counted in RequestCounts (and in
// IAMOperations, since they issue temporary keys as IAM does).
const (
	OpMetadataSessionToken = "MetadataSessionToken"
	OpMetadataSecurityKey  = "MetadataSecurityKey"
)

const (
	headerMetadataToken = "X-Metadata-Token"
	headerMetadataTTL   = "X-Metadata-Token-Ttl-Seconds"
	// maxMetadataTokenTTL is the longest session token ECS issues (6 hours).
	maxMetadataTokenTTL = 21600
)

// registerMetadata adds the instance-metadata routes to the mock's router.
func (m *Mock) registerMetadata(mux *http.ServeMux) {
	mux.HandleFunc("PUT /meta-data/latest/api/token", m.iamHandler(OpMetadataSessionToken, (*Mock).handleMetadataToken))
	mux.HandleFunc("GET /openstack/latest/securitykey", m.iamHandler(OpMetadataSecurityKey, (*Mock).handleMetadataSecurityKey))
}

// handleMetadataToken issues a metadata session token (PUT, as on ECS).
func (m *Mock) handleMetadataToken(c *iamCall) {
	if m.iam.cfg.DisableMetadata || m.iam.cfg.MetadataWithoutSessionToken {
		http.NotFound(c.w, c.r)
		return
	}
	ttl, err := strconv.Atoi(c.r.Header.Get(headerMetadataTTL))
	if err != nil || ttl < 1 || ttl > maxMetadataTokenTTL {
		http.Error(c.w, "X-Metadata-Token-Ttl-Seconds must be 1..21600", http.StatusBadRequest)
		return
	}
	token := RandomHex(24)
	m.iam.mu.Lock()
	m.iam.metadataTokens[token] = c.now.Add(time.Duration(ttl) * time.Second)
	m.iam.mu.Unlock()
	c.w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(c.w, token)
}

// handleMetadataSecurityKey serves temporary keys of the default credential,
// requiring the session token when the token service is on.
func (m *Mock) handleMetadataSecurityKey(c *iamCall) {
	if m.iam.cfg.DisableMetadata {
		http.NotFound(c.w, c.r)
		return
	}
	if !m.iam.cfg.MetadataWithoutSessionToken {
		m.iam.mu.Lock()
		expires, ok := m.iam.metadataTokens[c.r.Header.Get(headerMetadataToken)]
		m.iam.mu.Unlock()
		if !ok || !c.now.Before(expires) {
			m.count(CountUnauthorized)
			http.Error(c.w, "missing or expired X-Metadata-Token", http.StatusUnauthorized)
			return
		}
	}
	writeJSON(c.w, http.StatusOK, map[string]iamCredentialBody{"credential": m.issue("metadata", m.defaultProject, "", c.now)})
}
