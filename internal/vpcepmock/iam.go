package vpcepmock

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// IAM operations, as the official SDK names them; they are counted in
// RequestCounts like the VPCEP ones.
const (
	OpKeystoneListProjects             = "KeystoneListProjects"
	OpKeystoneListAuthDomains          = "KeystoneListAuthDomains"
	OpCreateTemporaryAccessKeyByAgency = "CreateTemporaryAccessKeyByAgency"
	OpCreateTemporaryAccessKeyByToken  = "CreateTemporaryAccessKeyByToken"
	OpCreateTokenWithIDToken           = "CreateTokenWithIdToken"
)

// IAMOperations lists the operations above, so that a test can add up the
// IAM requests an apply made.
var IAMOperations = []string{OpKeystoneListProjects, OpKeystoneListAuthDomains, OpCreateTemporaryAccessKeyByAgency,
	OpCreateTemporaryAccessKeyByToken, OpCreateTokenWithIDToken, OpMetadataSessionToken, OpMetadataSecurityKey}

// Defaults of IAMConfig.
const (
	DefaultDomainName    = "vpcep-mock-domain"
	DefaultCredentialTTL = time.Hour
	// SecurityTokenHeader carries the third part of a temporary credential;
	// it must be signed with the temporary AK/SK.
	SecurityTokenHeader = "X-Security-Token"
	headerSubjectToken  = "X-Subject-Token"
	headerIdpID         = "X-Idp-Id"
	headerIAMTraceID    = "X-IAM-Trace-Id"
	iamTimeLayout       = "2006-01-02T15:04:05.000000Z"
	minDurationSeconds  = 900
	maxDurationSeconds  = 43200
)

// IAMConfig configures the IAM and ECS metadata calls the mock serves on the
// same listener as the VPCEP API. The zero value is usable.
type IAMConfig struct {
	// DomainName and DomainID are the account the mock's credentials belong
	// to; empty = DefaultDomainName and the domain of the default project.
	DomainName, DomainID string
	// Agencies may be assumed by the mock's credentials; any other answers 403.
	Agencies []string
	// IdentityProviders are the identity provider ids whose ID tokens are
	// accepted: any well-formed JWT whose exp is in the future.
	IdentityProviders []string
	// CredentialTTL is the lifetime of every temporary credential and token
	// the mock issues; 0 = DefaultCredentialTTL.
	CredentialTTL time.Duration
	// DisableMetadata makes the ECS metadata paths answer 404, as off ECS.
	DisableMetadata bool
	// MetadataWithoutSessionToken makes the session-token call answer 404,
	// as on an instance without the token service; the security key is then
	// served without one.
	MetadataWithoutSessionToken bool
	// Projects adds project names (e.g. sub-projects "{region}_{suffix}")
	// to IAM's project list, by name; the region always names the default
	// project.
	Projects map[string]string
}

// IssuedCredential is one temporary credential the mock issued, for tests
// that count renewals or look for leaked secrets.
type IssuedCredential struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	Method        string // "assume_role", "token" or "metadata"
	ProjectID     string
	// Subject is the sub claim of the ID token behind a "token" credential.
	Subject   string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// temporaryCredential is an issued AK/SK/security token triple.
type temporaryCredential struct {
	secret, securityToken, projectID string
	expires                          time.Time
}

// subjectToken is an IAM token issued for an ID token.
type subjectToken struct {
	expires time.Time
	subject string
}

// iamService is the mock's IAM state; its maps change as credentials are issued.
type iamService struct {
	cfg            IAMConfig
	mu             sync.Mutex
	temporary      map[string]temporaryCredential // by access key
	subjectTokens  map[string]subjectToken        // OIDC-federated tokens
	metadataTokens map[string]time.Time
	issued         []IssuedCredential
}

func newIAMService(cfg IAMConfig, defaultProject string) *iamService {
	if cfg.DomainName == "" {
		cfg.DomainName = DefaultDomainName
	}
	if cfg.DomainID == "" {
		cfg.DomainID = domainIDFor(defaultProject)
	}
	if cfg.CredentialTTL <= 0 {
		cfg.CredentialTTL = DefaultCredentialTTL
	}
	return &iamService{cfg: cfg, temporary: map[string]temporaryCredential{},
		subjectTokens: map[string]subjectToken{}, metadataTokens: map[string]time.Time{}}
}

// registerIAM adds the IAM routes to the mock's router.
func (m *Mock) registerIAM(mux *http.ServeMux) {
	mux.HandleFunc("GET /v3/projects", m.iamHandler(OpKeystoneListProjects, (*Mock).handleListProjects))
	// The SDK's global (domain) credentials look their domain id up here.
	mux.HandleFunc("GET /v3/auth/domains", m.iamHandler(OpKeystoneListAuthDomains, (*Mock).handleListAuthDomains))
	mux.HandleFunc("POST /v3.0/OS-CREDENTIAL/securitytokens", m.iamHandler("", (*Mock).handleSecurityTokens))
	mux.HandleFunc("POST /v3.0/OS-AUTH/id-token/tokens", m.iamHandler(OpCreateTokenWithIDToken, (*Mock).handleIDToken))
}

// iamCall is one IAM or metadata request.
type iamCall struct {
	w    http.ResponseWriter
	r    *http.Request
	body []byte
	now  time.Time
}

// iamHandler counts the call (op may be empty when the handler counts by
// body), reads the body and adds the headers IAM answers carry.
func (m *Mock) iamHandler(op string, h func(*Mock, *iamCall)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if op != "" {
			m.count(op)
		}
		// The SDK keeps X-IAM-Trace-Id as the trace id and needs X-Request-Id.
		w.Header().Set(headerIAMTraceID, w.Header().Get(headerRequestID))
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if err != nil || len(body) > maxBodyBytes {
			writeIAMError(w, http.StatusBadRequest, "IAM.0007", "The request body could not be read.")
			return
		}
		h(m, &iamCall{w: w, r: r, body: body, now: m.now()})
	}
}

// iamErrorBody is the error form of IAM's v3.0 calls.
type iamErrorBody struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

func writeIAMError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, iamErrorBody{ErrorCode: code, ErrorMsg: msg, RequestID: w.Header().Get(headerRequestID)})
}

// writeGatewayError answers like the gateway in front of IAM: 401 APIGW.0301.
func writeGatewayError(w http.ResponseWriter, e apiError) {
	writeJSON(w, e.status, iamErrorBody{ErrorCode: e.code, ErrorMsg: e.message, RequestID: w.Header().Get(headerRequestID)})
}

// iamCredentialBody is the credential object of securitytokens and metadata answers.
type iamCredentialBody struct {
	Access        string `json:"access"`
	Secret        string `json:"secret"`
	SecurityToken string `json:"securitytoken"`
	ExpiresAt     string `json:"expires_at"`
}

// handleListProjects answers GET /v3/projects[?name=], for any valid credential.
func (m *Mock) handleListProjects(c *iamCall) {
	if _, e := m.authenticate(c.r, c.body); e != nil {
		m.count(CountUnauthorized)
		writeGatewayError(c.w, *e)
		return
	}
	cfg := m.iam.cfg
	names := map[string]string{m.region: m.defaultProject}
	for name, id := range cfg.Projects {
		names[name] = id
	}
	want := c.r.URL.Query().Get("name")
	base := "http://" + c.r.Host
	type project struct {
		ID          string            `json:"id"`
		Name        string            `json:"name"`
		DomainID    string            `json:"domain_id"`
		Description string            `json:"description"`
		Enabled     bool              `json:"enabled"`
		IsDomain    bool              `json:"is_domain"`
		ParentID    string            `json:"parent_id"`
		Links       map[string]string `json:"links"`
	}
	out := []project{}
	for name, id := range names {
		if want != "" && want != name {
			continue
		}
		parent := cfg.DomainID
		if i := strings.IndexByte(name, '_'); i > 0 {
			parent = names[name[:i]]
		}
		out = append(out, project{ID: id, Name: name, DomainID: cfg.DomainID, Enabled: true, ParentID: parent,
			Links: map[string]string{"self": base + "/v3/projects/" + id}})
	}
	slices.SortFunc(out, func(a, b project) int { return strings.Compare(a.Name, b.Name) })
	writeJSON(c.w, http.StatusOK, map[string]any{"projects": out,
		"links": map[string]any{"self": base + c.r.URL.RequestURI(), "previous": nil, "next": nil}})
}

// handleListAuthDomains answers GET /v3/auth/domains: the mock's one account.
func (m *Mock) handleListAuthDomains(c *iamCall) {
	if _, e := m.authenticate(c.r, c.body); e != nil {
		m.count(CountUnauthorized)
		writeGatewayError(c.w, *e)
		return
	}
	cfg := m.iam.cfg
	writeJSON(c.w, http.StatusOK, map[string]any{"domains": []map[string]any{{"id": cfg.DomainID, "name": cfg.DomainName,
		"enabled": true, "description": "", "links": map[string]string{"self": "http://" + c.r.Host + "/v3/domains/" + cfg.DomainID}}},
		"links": map[string]any{"self": "http://" + c.r.Host + "/v3/auth/domains"}})
}

// securityTokensRequest is the body of POST /v3.0/OS-CREDENTIAL/securitytokens.
type securityTokensRequest struct {
	Auth struct {
		Identity struct {
			Methods    []string `json:"methods"`
			AssumeRole *struct {
				AgencyName      string `json:"agency_name"`
				DomainName      string `json:"domain_name"`
				DomainID        string `json:"domain_id"`
				DurationSeconds *int   `json:"duration_seconds"`
			} `json:"assume_role"`
			Token *struct {
				ID              string `json:"id"`
				DurationSeconds *int   `json:"duration_seconds"`
			} `json:"token"`
		} `json:"identity"`
	} `json:"auth"`
}

// handleSecurityTokens issues temporary AK/SK by agency (signed with the
// caller's AK/SK) or from a token (OIDC-federated, in the body or X-Auth-Token).
func (m *Mock) handleSecurityTokens(c *iamCall) {
	var req securityTokensRequest
	if err := json.Unmarshal(c.body, &req); err != nil || len(req.Auth.Identity.Methods) != 1 {
		m.count(OpCreateTemporaryAccessKeyByToken)
		writeIAMError(c.w, http.StatusBadRequest, "IAM.0007", "auth.identity.methods must hold exactly one of assume_role or token.")
		return
	}
	id := req.Auth.Identity
	var duration *int
	var projectID, method, subject string
	switch id.Methods[0] {
	case "assume_role":
		m.count(OpCreateTemporaryAccessKeyByAgency)
		if c.r.Header.Get(aksk.AuthorizationHeader) == "" {
			writeGatewayError(c.w, errAuth.withMessage(msgAKSKMalformed+"assume_role must be signed with an access key"))
			return
		}
		cred, e := m.authenticate(c.r, c.body)
		if e != nil {
			m.count(CountUnauthorized)
			writeGatewayError(c.w, *e)
			return
		}
		ar := id.AssumeRole
		cfg := m.iam.cfg
		switch {
		case ar == nil || ar.AgencyName == "" || (ar.DomainName == "" && ar.DomainID == ""):
			writeIAMError(c.w, http.StatusBadRequest, "IAM.0007", "assume_role needs agency_name and domain_name or domain_id.")
			return
		case (ar.DomainName != "" && ar.DomainName != cfg.DomainName) || (ar.DomainID != "" && ar.DomainID != cfg.DomainID),
			!slices.Contains(cfg.Agencies, ar.AgencyName):
			writeIAMError(c.w, http.StatusForbidden, "IAM.0003", "Policy doesn't allow assume_role of agency "+ar.AgencyName+" to be performed.")
			return
		}
		duration, projectID, method = ar.DurationSeconds, cred.ProjectID, "assume_role"
	case "token":
		m.count(OpCreateTemporaryAccessKeyByToken)
		token := c.r.Header.Get(headerAuthToken)
		if id.Token != nil && id.Token.ID != "" {
			token = id.Token.ID
		}
		if id.Token != nil {
			duration = id.Token.DurationSeconds
		}
		m.iam.mu.Lock()
		st, ok := m.iam.subjectTokens[token]
		m.iam.mu.Unlock()
		if !ok || !c.now.Before(st.expires) {
			m.count(CountUnauthorized)
			writeIAMError(c.w, http.StatusUnauthorized, "IAM.0001", "The token is invalid or has expired.")
			return
		}
		projectID, method, subject = m.defaultProject, "token", st.subject
	default:
		m.count(OpCreateTemporaryAccessKeyByToken)
		writeIAMError(c.w, http.StatusBadRequest, "IAM.0007", "auth.identity.methods must be assume_role or token.")
		return
	}
	if duration != nil && (*duration < minDurationSeconds || *duration > maxDurationSeconds) {
		writeIAMError(c.w, http.StatusBadRequest, "IAM.0007", "duration_seconds must be from 900 to 43200.")
		return
	}
	writeJSON(c.w, http.StatusCreated, map[string]iamCredentialBody{"credential": m.issue(method, projectID, subject, c.now)})
}

// issue creates a temporary credential bound to projectID; every credential
// lives CredentialTTL, so that tests can make keys expire mid-apply.
func (m *Mock) issue(method, projectID, subject string, now time.Time) iamCredentialBody {
	ak := "TMP" + strings.ToUpper(RandomHex(10))
	t := temporaryCredential{secret: RandomHex(20), securityToken: "gQ" + base64.RawURLEncoding.EncodeToString(randomBytes(96)),
		projectID: projectID, expires: now.Add(m.iam.cfg.CredentialTTL)}
	m.iam.mu.Lock()
	m.iam.temporary[ak] = t
	m.iam.issued = append(m.iam.issued, IssuedCredential{AccessKey: ak, SecretKey: t.secret, SecurityToken: t.securityToken, Method: method, ProjectID: projectID, Subject: subject, IssuedAt: now, ExpiresAt: t.expires})
	m.iam.mu.Unlock()
	return iamCredentialBody{Access: ak, Secret: t.secret, SecurityToken: t.securityToken, ExpiresAt: t.expires.UTC().Format(iamTimeLayout)}
}

// handleIDToken exchanges an OIDC ID token for an IAM token (X-Subject-Token).
func (m *Mock) handleIDToken(c *iamCall) {
	var req struct {
		Auth struct {
			IDToken struct {
				ID string `json:"id"`
			} `json:"id_token"`
		} `json:"auth"`
	}
	idp := c.r.Header.Get(headerIdpID)
	if !slices.Contains(m.iam.cfg.IdentityProviders, idp) {
		m.count(CountUnauthorized)
		writeIAMError(c.w, http.StatusUnauthorized, "IAM.0001", "The identity provider "+strconv.Quote(idp)+" does not exist.")
		return
	}
	err := json.Unmarshal(c.body, &req)
	subject, valid := parseJWT(req.Auth.IDToken.ID, c.now)
	if err != nil || !valid {
		m.count(CountUnauthorized)
		writeIAMError(c.w, http.StatusUnauthorized, "IAM.0001", "The ID token is malformed or has expired.")
		return
	}
	token := "MIIT" + base64.RawURLEncoding.EncodeToString(randomBytes(96))
	expires := c.now.Add(m.iam.cfg.CredentialTTL)
	m.iam.mu.Lock()
	m.iam.subjectTokens[token] = subjectToken{expires: expires, subject: subject}
	m.iam.mu.Unlock()
	cfg := m.iam.cfg
	c.w.Header().Set(headerSubjectToken, token)
	writeJSON(c.w, http.StatusCreated, map[string]any{"token": map[string]any{
		"expires_at": expires.UTC().Format(iamTimeLayout), "issued_at": c.now.UTC().Format(iamTimeLayout),
		"methods": []string{"mapped"},
		"user": map[string]any{"id": RandomHex(16), "name": "federated-" + idp,
			"domain": map[string]string{"id": cfg.DomainID, "name": cfg.DomainName}},
	}})
}

// parseJWT accepts three base64url parts whose payload is JSON with an exp
// in the future, and returns its sub; the mock checks no signature.
func parseJWT(token string, now time.Time) (string, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return "", false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", false
	}
	var claims struct {
		Exp *float64 `json:"exp"`
		Sub string   `json:"sub"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil {
		return "", false
	}
	return claims.Sub, time.Unix(int64(*claims.Exp), 0).After(now)
}

// temporaryCredentialFor checks the security token of a request signed with
// a temporary access key: present, signed, the key's own, and not expired.
func (m *Mock) temporaryCredentialFor(r *http.Request, accessKey string) (Credential, *apiError, bool) {
	m.iam.mu.Lock()
	t, ok := m.iam.temporary[accessKey]
	m.iam.mu.Unlock()
	if !ok {
		return Credential{}, nil, false
	}
	fail := func(why string) (Credential, *apiError, bool) {
		e := errAuth.withMessage("Incorrect IAM authentication information: " + why)
		return Credential{}, &e, true
	}
	token := r.Header.Get(SecurityTokenHeader)
	switch {
	case token == "":
		return fail("x-security-token not found; a temporary access key needs its security token")
	case token != t.securityToken:
		return fail("the security token does not belong to the access key")
	case !signedHeaderListHas(r.Header.Get(aksk.AuthorizationHeader), "x-security-token"):
		return fail("x-security-token is not signed")
	case !m.now().Before(t.expires):
		return fail("security token expired")
	}
	return Credential{ProjectID: t.projectID, AccessKey: accessKey, SecretKey: t.secret, DomainID: m.iam.cfg.DomainID}, nil, true
}

// temporarySecret gives aksk.Verify the secret of a temporary access key.
func (m *Mock) temporarySecret(accessKey string) (string, bool) {
	m.iam.mu.Lock()
	defer m.iam.mu.Unlock()
	t, ok := m.iam.temporary[accessKey]
	return t.secret, ok
}

// signedHeaderListHas reports whether an Authorization value signs header.
func signedHeaderListHas(authorization, header string) bool {
	_, rest, ok := strings.Cut(authorization, "SignedHeaders=")
	if !ok {
		return false
	}
	list, _, _ := strings.Cut(rest, ",")
	return slices.Contains(strings.Split(strings.ToLower(list), ";"), header)
}

// IssuedCredentials returns the temporary credentials issued so far, oldest first.
func (m *Mock) IssuedCredentials() []IssuedCredential {
	m.iam.mu.Lock()
	defer m.iam.mu.Unlock()
	return append([]IssuedCredential(nil), m.iam.issued...)
}

// IAMRequestCount adds up the IAM and metadata requests counted so far.
func (m *Mock) IAMRequestCount() int {
	counts := m.RequestCounts()
	n := 0
	for _, op := range IAMOperations {
		n += counts[op]
	}
	return n
}
