package vpcepmock

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Defaults when Config.Credentials is empty; test credentials with no meaning outside the mock.
const (
	// DefaultProjectID is the project of the default credential (that of the signed test request in internal/aksk).
	DefaultProjectID = "0123456789abcdef0123456789abcdef"
	// DefaultToken is the X-Auth-Token of the default credential.
	DefaultToken = "vpcep-mock-token"
	// DefaultAccessKey is the AK of the default credential.
	DefaultAccessKey = "EXAMPLEACCESSKEY"
	// DefaultSecretKey is the secret key paired with DefaultAccessKey.
	DefaultSecretKey = "EXAMPLESECRETKEY"
	// DefaultRegion is the region written into generated service names
	// ({region}.{name}.{id}).
	DefaultRegion = "mock-region-1"
	// MaxClockSkew is how far X-Sdk-Date may be from the mock's clock.
	MaxClockSkew = 15 * time.Minute
)

// Credential is one identity the mock accepts, bound to one project: a
// token, an AK/SK pair, or both.
type Credential struct {
	ProjectID string
	Token     string // X-Auth-Token value; empty = no token
	AccessKey string // AK of SDK-HMAC-SHA256 signing; empty = no AK/SK
	SecretKey string
	// DomainID is the account id written as domain_id on the endpoints this
	// credential creates; empty = derived from ProjectID.
	DomainID string
}

// Config configures a Mock. The zero value is usable: it accepts the default
// credential, settles transitions instantly and answers in the nested error form.
type Config struct {
	// Credentials lists the accepted identities; empty = one default
	// credential (DefaultProjectID, DefaultToken, DefaultAccessKey/SecretKey).
	Credentials []Credential
	// TransitionDelay is how long creating->accepted and deleting->gone take;
	// 0 = instant (the action's own response already shows "accepted").
	TransitionDelay time.Duration
	// ErrorFormat is ErrorFormatNested (default) or ErrorFormatFlat.
	ErrorFormat string
	// Faults are injected from the start; SetFaults changes them later.
	Faults Faults
	// RateLimit is how many API requests are served in any second; the
	// others answer 429 APIGW.0308 with Retry-After. 0 = unlimited;
	// SetRateLimit changes it later.
	RateLimit int
	// Now is the clock; nil = time.Now. Transitions are evaluated against it
	// at read time, so a test can step a fake clock instead of sleeping.
	Now func() time.Time
	// Region is written into generated service names; empty = DefaultRegion.
	Region string
	// Fixtures, if set, are loaded by New and loaded again by Reset.
	Fixtures *Fixtures
	// IAM configures the IAM and ECS metadata calls served beside the API.
	IAM IAMConfig
}

// Faults configures injected failures for API requests (never /_mock/).
type Faults struct {
	// Rate is the share of API requests, 0..1, answered with a fault chosen
	// evenly among 429 APIGW.0308, 503 EndPoint.0001 and 400 EndPoint.0022.
	Rate float64
	// Latency is the upper bound of a random delay added to every API request.
	Latency time.Duration
	// Seed makes the fault and latency sequence deterministic.
	Seed int64
}

// defaultCredential is the credential accepted when Config has none.
func defaultCredential() Credential {
	return Credential{ProjectID: DefaultProjectID, Token: DefaultToken, AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey}
}

// domainIDFor derives a stable 32-hex account id from a project id, so that
// endpoints created by one project share a domain_id without configuration.
func domainIDFor(projectID string) string {
	sum := sha256.Sum256([]byte("domain:" + projectID))
	return hex.EncodeToString(sum[:16])
}
