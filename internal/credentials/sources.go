package credentials

import (
	"context"
	"fmt"
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
		return client.Credentials{}, fmt.Errorf("assuming agency %s: %w", a.Agency.AgencyName, err)
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
		b, err := os.ReadFile(o.IDTokenFile)
		if err != nil {
			return client.Credentials{}, fmt.Errorf("reading the ID token file: %w", err)
		}
		idToken = strings.TrimSpace(string(b))
		if idToken == "" {
			return client.Credentials{}, fmt.Errorf("the ID token file %s is empty", o.IDTokenFile)
		}
	}
	token, err := o.IAM.TokenFromIDToken(ctx, o.IdpID, idToken)
	if err != nil {
		return client.Credentials{}, fmt.Errorf("exchanging the ID token with identity provider %s: %w", o.IdpID, err)
	}
	creds, err := o.IAM.CredentialsFromToken(ctx, token, o.DurationSeconds)
	if err != nil {
		return client.Credentials{}, fmt.Errorf("getting temporary keys for identity provider %s: %w", o.IdpID, err)
	}
	if o.Agency.AgencyName == "" {
		return creds, nil
	}
	agency, err := o.IAM.AssumeAgency(ctx, creds, o.Agency)
	if err != nil {
		return client.Credentials{}, fmt.Errorf("assuming agency %s with the federated keys: %w", o.Agency.AgencyName, err)
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
	return m.Client.SecurityKey(ctx)
}

// MetadataTimeout bounds each metadata request, so that a laptop where no
// metadata service answers gives up quickly.
const MetadataTimeout = 2 * time.Second
