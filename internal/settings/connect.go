package settings

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/credentials"
)

// MetadataProbes remembers failed ECS metadata probes by endpoint, so that
// a provider instance tries each once and a laptop pays the timeout once.
type MetadataProbes struct {
	mu   sync.Mutex
	errs map[string]error
}

// probe obtains the first credentials from metadata, or repeats the error
// of an earlier probe of the endpoint.
func (p *MetadataProbes) probe(ctx context.Context, endpoint string, cache *credentials.Cache) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.errs[endpoint]; err != nil {
		return err
	}
	_, err := cache.Credentials(ctx)
	if err != nil {
		if p.errs == nil {
			p.errs = map[string]error{}
		}
		p.errs[endpoint] = err
	}
	return err
}

// Connect obtains the credentials, looks the project up when no setting
// names it, and returns the API client. userAgent goes with every request;
// probes remembers failed metadata probes across calls.
func (s Settings) Connect(ctx context.Context, userAgent string, probes *MetadataProbes) (*client.Client, *Error) {
	s.Client.UserAgent = userAgent
	var iam *client.IAMClient
	var iamSource credentials.IAM
	if s.needsIAM() || s.Client.ProjectID == "" {
		var err error
		if iam, err = client.NewIAM(client.IAMConfig{Endpoint: s.IAMEndpoint, Insecure: s.Client.Insecure, UserAgent: userAgent,
			MaxRetries: s.Client.MaxRetries, RetryBaseDelay: s.Client.RetryBaseDelay, RetryMaxDelay: s.Client.RetryMaxDelay}); err != nil {
			return nil, &Error{Attr: IAMEndpoint.Attr, Summary: "Invalid iam_endpoint", Detail: err.Error()}
		}
		iamSource = iam
	}
	src := s.source(iamSource, client.NewMetadata(s.MetadataEndpoint, credentials.MetadataTimeout))
	cache := credentials.NewCache(src)
	if s.Choice.Kind == KindMetadata {
		if err := probes.probe(ctx, s.MetadataEndpoint, cache); err != nil {
			tried := append(s.Choice.Tried, fmt.Sprintf("ECS instance metadata at %s: %v", s.MetadataEndpoint, err))
			return nil, &Error{Attr: AuthToken.Attr, Summary: summaryMissingCredentials, Detail: missingDetail(tried)}
		}
	}
	creds, err := cache.Credentials(ctx)
	if err != nil {
		fix := fmt.Sprintf("Check that source's settings, the IAM endpoint (%s, from %s, or %s) and the permissions involved.",
			s.IAMEndpoint, IAMEndpoint.Attr, IAMEndpoint.Env[0])
		var srcErr *credentials.SourceError
		if errors.As(err, &srcErr) {
			fix = srcErr.Failed + " failed. " + srcErr.Fix
		}
		return nil, &Error{Attr: s.credentialAttr(), Summary: "Cannot obtain credentials",
			Detail: fmt.Sprintf("The provider could not obtain credentials from %s. %s\n\nOriginal Error: %v", src.Name(), fix, err)}
	}
	if s.Client.ProjectID == "" {
		id, err := s.lookupProject(ctx, iam, creds, src.Name())
		if err != nil {
			return nil, err
		}
		s.Client.ProjectID = id
	}
	s.Client.Credentials = cache
	c, err := client.New(s.Client)
	if err != nil {
		return nil, &Error{Summary: "Cannot create the VPCEP API client",
			Detail: "Check the provider configuration.\n\nOriginal Error: " + err.Error()}
	}
	client.Debug(ctx, "vpcep provider configured", map[string]any{
		"endpoint": s.Client.Endpoint, "project_id": s.Client.ProjectID, "iam_endpoint": s.IAMEndpoint,
		"credentials": src.Name(), "temporary": creds.Temporary(), "max_retries": s.Client.MaxRetries,
	})
	return c, nil
}

// source is the credential source of the choice, with the agency to assume
// (assume_role, or the profile's) on top. iam is nil when needsIAM is false.
func (s Settings) source(iam credentials.IAM, md *client.MetadataClient) credentials.Source {
	var src credentials.Source
	var agency *client.AssumeAgency
	l := s.Choice.Layer
	switch s.Choice.Kind {
	case KindToken:
		src = credentials.Static{Label: "the token from " + l.AuthToken.From, Creds: client.Credentials{AuthToken: l.AuthToken.V}}
	case KindKeys:
		label := "the access key from " + l.AccessKey.From
		if l.SecurityToken.Set() {
			label = "the temporary access key from " + l.AccessKey.From
		}
		src = credentials.Static{Label: label, Creds: client.Credentials{AccessKey: l.AccessKey.V, SecretKey: l.SecretKey.V, SecurityToken: l.SecurityToken.V}}
	case KindOIDC:
		o := l.OIDC
		return credentials.OIDC{IAM: iam, IdpID: o.IdpID, IDToken: o.IDToken, IDTokenFile: o.IDTokenFile, DurationSeconds: o.DurationSeconds,
			Agency: client.AssumeAgency{AgencyName: o.AgencyName, DomainID: o.DomainID, DurationSeconds: o.DurationSeconds}}
	case KindProfile:
		src = credentials.Static{Label: fmt.Sprintf("hcloud profile %q (%s)", s.Profile.Name, s.Choice.ProfileFile), Creds: s.Profile.Keys}
		agency = s.Profile.Agency
	case KindMetadata:
		src = credentials.Metadata{Client: md}
	}
	if a := s.Chain.AssumeRole; a != nil {
		agency = &client.AssumeAgency{AgencyName: a.AgencyName, DomainName: a.DomainName, DomainID: a.DomainID, DurationSeconds: a.DurationSeconds}
	}
	if agency != nil {
		return credentials.Agency{Base: src, IAM: iam, Agency: *agency}
	}
	return src
}

// needsIAM reports whether the chosen source calls IAM for credentials.
func (s Settings) needsIAM() bool {
	return s.Choice.Kind == KindOIDC || s.Chain.AssumeRole != nil || (s.Profile != nil && s.Profile.Agency != nil)
}

// credentialAttr is the attribute a credential error belongs to.
func (s Settings) credentialAttr() string {
	switch s.Choice.Kind {
	case KindOIDC:
		return OIDC.Attr
	case KindProfile:
		return SharedConfigFile.Attr
	}
	return AuthToken.Attr
}

// lookupProject finds the project id by name (project_name, else the
// region) through IAM.
func (s Settings) lookupProject(ctx context.Context, iam *client.IAMClient, creds client.Credentials, source string) (string, *Error) {
	name, attr := s.ProjectName, ProjectName.Attr
	if name == "" {
		name, attr = s.Region, Region.Attr
	}
	projects, err := iam.ProjectsByName(ctx, creds, name)
	var apiErr *client.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized {
		// project_id would not help: the VPCEP API refuses what IAM refuses.
		fix := "Check them, or use other credentials."
		if creds.SecurityToken != "" && !creds.Temporary() {
			fix = fmt.Sprintf("Temporary keys expire: obtain new ones and set %s, %s and %s together.",
				AccessKey.Attr, SecretKey.Attr, SecurityToken.Attr)
		}
		return "", &Error{Attr: s.credentialAttr(), Summary: "Credentials refused by IAM",
			Detail: fmt.Sprintf("IAM at %s did not accept %s (HTTP 401) when looking up the project named %q: they are wrong "+
				"or expired. %s\n\nOriginal Error: %v", s.IAMEndpoint, source, name, fix, err)}
	}
	if err != nil {
		return "", &Error{Attr: attr, Summary: "Cannot look up project_id",
			Detail: fmt.Sprintf("Looking up the project named %q through IAM at %s failed. Set %s (or %s) to skip the "+
				"lookup, or check %s and the credentials' permission to list projects.\n\nOriginal Error: %v",
				name, s.IAMEndpoint, ProjectID.Attr, ProjectID.Env[0], IAMEndpoint.Attr, err)}
	}
	if len(projects) != 1 {
		return "", &Error{Attr: attr, Summary: "Wrong region or project name",
			Detail: fmt.Sprintf("IAM at %s lists %d projects named %q for these credentials: wrong name or no access to "+
				"the region. Check %s (or %s for a sub-project), or set %s.", s.IAMEndpoint, len(projects), name,
				Region.Attr, ProjectName.Attr, ProjectID.Attr)}
	}
	return projects[0].ID, nil
}
