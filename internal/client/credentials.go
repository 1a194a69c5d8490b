package client

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// headerSecurityToken carries the third part of a temporary credential. It
// goes on before signing, so that it is one of the signed headers.
const headerSecurityToken = "X-Security-Token"

// Credentials is one set of credentials: an IAM token, or an AK/SK pair,
// with a security token when the pair is temporary.
type Credentials struct {
	AuthToken            string
	AccessKey, SecretKey string
	SecurityToken        string
	// ExpiresAt is when temporary credentials stop working; zero = never.
	ExpiresAt time.Time
}

// Temporary reports whether the credentials expire and can be renewed.
func (c Credentials) Temporary() bool { return !c.ExpiresAt.IsZero() }

// Same reports whether c and o are the same credentials.
func (c Credentials) Same(o Credentials) bool {
	return c.AuthToken == o.AuthToken && c.AccessKey == o.AccessKey && c.SecurityToken == o.SecurityToken
}

// CredentialProvider supplies the credentials of each request, so that
// temporary ones can be renewed during a long run. Implementations must be
// safe for concurrent use.
type CredentialProvider interface {
	// Credentials returns the credentials to use now.
	Credentials(ctx context.Context) (Credentials, error)
	// Renew is called once when the API refused credentials that are
	// Temporary (an expired security token); it returns fresh ones. Calls
	// for credentials already replaced return the replacement.
	Renew(ctx context.Context, refused Credentials) (Credentials, error)
}

// authorize puts creds on req: X-Auth-Token, or the SDK-HMAC-SHA256
// signature over the headers already set (X-Project-Id and X-Security-Token
// among them, as the v3 SDK signs them). projectID may be "" (IAM calls).
func authorize(req *http.Request, body []byte, creds Credentials, projectID string, now time.Time) error {
	if creds.AuthToken != "" {
		req.Header.Set(headerAuthToken, creds.AuthToken)
		return nil
	}
	if projectID != "" {
		req.Header.Set(headerProjectID, projectID)
	}
	if creds.SecurityToken != "" {
		req.Header.Set(headerSecurityToken, creds.SecurityToken)
	}
	// Signed per attempt: X-Sdk-Date must stay within the server's skew.
	return aksk.Sign(req, body, creds.AccessKey, creds.SecretKey, now)
}

// maskCredentials makes tflog mask the secret parts of creds wherever they
// would appear, as a second line of defence behind maskHeaders.
func maskCredentials(ctx context.Context, creds Credentials) context.Context {
	var secrets []string
	for _, s := range []string{creds.AuthToken, creds.SecretKey, creds.SecurityToken} {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	if len(secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, secrets...)
	return tflog.MaskMessageStrings(ctx, secrets...)
}

// isUnauthorized reports a 401 answer, which for temporary credentials most
// often means they expired.
func isUnauthorized(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized
}
