package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Static is a source of fixed credentials (a token, or AK/SK with or
// without a security token).
type Static struct {
	Label string
	Creds client.Credentials
}

// Name implements Source.
func (s Static) Name() string { return s.Label }

// Retrieve implements Source.
func (s Static) Retrieve(context.Context) (client.Credentials, error) { return s.Creds, nil }

// SourceError is a failure to obtain credentials that names what failed
// (IAM, an ID token file, ECS metadata) and what would help. The request
// that needed the credentials never reached the VPCEP API.
type SourceError struct {
	// Failed is what failed: "IAM", "the ID token file /run/token", "ECS instance metadata".
	Failed string
	// Fix says what would help, in a sentence or two.
	Fix string
	Err error
}

func (e *SourceError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *SourceError) Unwrap() error { return e.Err }

// iamFailure is an IAM call's failure: refused is the fix when IAM refused
// the request; when IAM did not answer or kept failing, the fix is about
// reaching it.
func iamFailure(err error, refused string) *SourceError {
	fix := refused
	if statusOf(err) == 0 || client.IsRetryable(err) {
		fix = "IAM did not answer or kept failing: check the IAM endpoint and the network path to it, and try again."
	}
	return &SourceError{Failed: "IAM", Fix: fix, Err: err}
}

// statusOf is the HTTP status of an API's answer in err, or 0 for none.
func statusOf(err error) int {
	var apiErr *client.APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// IAM is the part of the IAM client the sources use (a fake in tests).
type IAM interface {
	AssumeAgency(ctx context.Context, creds client.Credentials, a client.AssumeAgency) (client.Credentials, error)
	TokenFromIDToken(ctx context.Context, idpID, idToken string) (string, error)
	CredentialsFromToken(ctx context.Context, token string, durationSeconds int) (client.Credentials, error)
}

// Agency exchanges the base source's keys for an agency's temporary keys.
type Agency struct {
	Base   Source
	IAM    IAM
	Agency client.AssumeAgency
}

// Name implements Source.
func (a Agency) Name() string {
	return fmt.Sprintf("agency %s (assumed with %s)", a.Agency.AgencyName, a.Base.Name())
}

// Retrieve implements Source.
func (a Agency) Retrieve(ctx context.Context) (client.Credentials, error) {
	base, err := a.Base.Retrieve(ctx)
	if err != nil {
		return client.Credentials{}, err
	}
	if base.AccessKey == "" {
		return client.Credentials{}, fmt.Errorf("assuming agency %s needs an access key, but %s gives a token", a.Agency.AgencyName, a.Base.Name())
	}
	creds, err := a.IAM.AssumeAgency(ctx, base, a.Agency)
	if err != nil {
		refused := fmt.Sprintf("IAM refused to assume agency %s: check the agency's name and the account (domain) that "+
			"owns it, and that the agency trusts the account of %s.", a.Agency.AgencyName, a.Base.Name())
		if statusOf(err) == http.StatusUnauthorized {
			refused = fmt.Sprintf("IAM did not accept %s: the keys are wrong or expired (temporary keys with a security "+
				"token expire: obtain new ones).", a.Base.Name())
		}
		return client.Credentials{}, iamFailure(fmt.Errorf("assuming agency %s: %w", a.Agency.AgencyName, err), refused)
	}
	return creds, nil
}

// OIDC exchanges an OIDC ID token for temporary keys, and optionally those
// for an agency's. The token file is read at every retrieval: CI systems
// rotate it.
type OIDC struct {
	IAM             IAM
	IdpID           string
	IDToken         string // used when IDTokenFile is empty
	IDTokenFile     string
	DurationSeconds int
	// Agency, when AgencyName is set, is assumed with the federated keys.
	Agency client.AssumeAgency
}

// Name implements Source.
func (o OIDC) Name() string {
	if o.IDTokenFile != "" {
		return fmt.Sprintf("OIDC identity provider %s (token file %s)", o.IdpID, o.IDTokenFile)
	}
	return "OIDC identity provider " + o.IdpID
}

// Retrieve implements Source.
func (o OIDC) Retrieve(ctx context.Context) (client.Credentials, error) {
	idToken := o.IDToken
	if o.IDTokenFile != "" {
		file := "the ID token file " + o.IDTokenFile
		b, err := os.ReadFile(o.IDTokenFile)
		if err != nil {
			return client.Credentials{}, &SourceError{Failed: file, Err: fmt.Errorf("reading the ID token file: %w", err),
				Fix: "Check that the file exists and that Terraform may read it: the CI system must write the ID token " +
					"there before Terraform starts, and keep it there while Terraform runs (it is read again at every renewal)."}
		}
		idToken = strings.TrimSpace(string(b))
		if idToken == "" {
			return client.Credentials{}, &SourceError{Failed: file, Err: fmt.Errorf("the ID token file %s is empty", o.IDTokenFile),
				Fix: "Check the CI step that writes the ID token to the file."}
		}
	}
	token, err := o.IAM.TokenFromIDToken(ctx, o.IdpID, idToken)
	if err != nil {
		return client.Credentials{}, iamFailure(fmt.Errorf("exchanging the ID token with identity provider %s: %w", o.IdpID, err),
			fmt.Sprintf("IAM refused the ID token: it has expired, is malformed, or was not issued for identity provider %s. "+
				"Check the token the CI system issues (its audience and lifetime) and idp_id.", o.IdpID))
	}
	creds, err := o.IAM.CredentialsFromToken(ctx, token, o.DurationSeconds)
	if err != nil {
		return client.Credentials{}, iamFailure(fmt.Errorf("getting temporary keys for identity provider %s: %w", o.IdpID, err),
			"IAM accepted the ID token but gave no temporary keys for it: check the identity provider's mapping rules "+
				"and the permissions they grant.")
	}
	if o.Agency.AgencyName == "" {
		return creds, nil
	}
	agency, err := o.IAM.AssumeAgency(ctx, creds, o.Agency)
	if err != nil {
		return client.Credentials{}, iamFailure(fmt.Errorf("assuming agency %s with the federated keys: %w", o.Agency.AgencyName, err),
			fmt.Sprintf("IAM refused to assume agency %s with the federated keys: check agency_name and domain_id, and that "+
				"the agency trusts the identity provider's users.", o.Agency.AgencyName))
	}
	return agency, nil
}

// Metadata reads the instance agency's temporary keys from ECS metadata.
type Metadata struct {
	Client *client.MetadataClient
}

// Name implements Source.
func (Metadata) Name() string { return "ECS instance metadata" }

// Retrieve implements Source.
func (m Metadata) Retrieve(ctx context.Context) (client.Credentials, error) {
	creds, err := m.Client.SecurityKey(ctx)
	if err != nil {
		return creds, &SourceError{Failed: "ECS instance metadata", Err: err,
			Fix: "Run Terraform on an ECS instance with an agency attached, or set credentials in the provider block or the environment."}
	}
	return creds, nil
}

// MetadataTimeout bounds each metadata request, so that a laptop where no
// metadata service answers gives up quickly.
const MetadataTimeout = 2 * time.Second
