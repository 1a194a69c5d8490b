package settings

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// DefaultMaxRetries is how often a throttled or failed request is retried
// when max_retries is not set: with the client's back-off (250 ms doubling to
// 10 s) six retries ride out roughly half a minute of throttling.
const DefaultMaxRetries = 6

// Config is the provider block: a nil pointer is an argument not set.
type Config struct {
	Region, Endpoint, ProjectID, ProjectName, IAMEndpoint *string
	AuthToken, AccessKey, SecretKey, SecurityToken        *string
	SharedConfigFile, Profile                             *string
	AssumeRole                                            *AssumeRoleSettings
	OIDC                                                  *OIDCConfig
	MaxRetries                                            *big.Float
	Insecure                                              bool
	// SkipMetadata never asks ECS instance metadata for credentials.
	SkipMetadata bool
}

// OIDCConfig is the assume_role_with_oidc block; a nil IDToken is not set.
type OIDCConfig struct {
	IdpID, IDTokenFile, AgencyName, DomainID string
	IDToken                                  *string
	DurationSeconds                          int
}

// Settings are the provider block plus the environment, resolved without
// any network call.
type Settings struct {
	// Client holds Endpoint, ProjectID ("" = look it up), MaxRetries and
	// Insecure; credentials come from Choice when connecting.
	Client           client.Config
	Region           string
	ProjectName      string
	IAMEndpoint      string
	MetadataEndpoint string
	Chain            Chain
	Choice           Choice
	Profile          *HcloudProfile
	// Warnings are problems that do not stop the provider.
	Warnings []*Error
}

// Resolve turns the provider block and the environment (getenv) into
// Settings. The provider block wins over the environment, and the
// environment over an hcloud profile; within the environment, the order of
// each Name's variables holds. Problems with credentials stop the
// resolution at the first; the others are all reported.
func Resolve(cfg Config, getenv func(string) string) (Settings, []*Error) {
	var s Settings
	// Credentials first: a profile may give the region and project.
	cl, err := configLayer(cfg)
	if err != nil {
		return s, []*Error{err}
	}
	el, envAssume, err := envLayer(getenv)
	if err != nil {
		return s, []*Error{err}
	}
	s.Chain = Chain{Layers: []Layer{cl, el}, AssumeRole: cfg.AssumeRole, DefaultSharedConfigFile: defaultSharedConfigFile()}
	if s.Chain.AssumeRole == nil && cl.OIDC == nil {
		s.Chain.AssumeRole = envAssume
	}
	s.MetadataEndpoint = client.DefaultMetadataEndpoint
	if v, _ := MetadataEndpoint.lookup(getenv); v != "" {
		s.MetadataEndpoint = v
		s.Chain.DisableMetadata = v == "off"
	}
	s.Chain.DisableMetadata = s.Chain.DisableMetadata || cfg.SkipMetadata
	s.Chain.MetadataEndpoint = s.MetadataEndpoint
	if s.Choice, err = Select(s.Chain, isFile); err != nil {
		return s, []*Error{err}
	}
	if s.Choice.Kind == KindProfile {
		prof, err := LoadProfile(s.Choice.ProfileFile, s.Choice.ProfileName)
		if err != nil {
			return s, []*Error{err}
		}
		s.Profile = &prof
		if w := permissionWarning(s.Choice.ProfileFile); w != nil {
			s.Warnings = append(s.Warnings, w)
		}
	}

	var errs []*Error
	add := func(e *Error) {
		if e != nil {
			errs = append(errs, e)
		}
	}
	s.Region, err = resolveRegion(cfg, getenv, s.Profile)
	add(err)
	// A bad region is one mistake: the endpoint and project it would have
	// given are not reported missing as well.
	badRegion := err != nil
	addUnlessFromRegion := func(e *Error) {
		if !badRegion || e == nil || (e.Summary != summaryMissingEndpoint && e.Summary != summaryMissingProject) {
			add(e)
		}
	}
	s.Client.Endpoint, err = resolveEndpoint(cfg, getenv, s.Region)
	addUnlessFromRegion(err)
	s.IAMEndpoint, err = resolveIAMEndpoint(cfg, getenv, s.Region)
	add(err)
	addUnlessFromRegion(s.resolveProject(cfg, getenv))
	s.Client.MaxRetries = DefaultMaxRetries
	if cfg.MaxRetries != nil {
		s.Client.MaxRetries, err = maxRetries(cfg.MaxRetries)
		add(err)
	}
	s.Client.Insecure = cfg.Insecure
	return s, errs
}

// The titles of the errors a missing region causes.
const (
	summaryMissingEndpoint = "Missing region or endpoint"
	summaryMissingProject  = "Missing project_id"
)

// resolveRegion is region, else its variables, else the profile's region;
// lower-cased and checked.
func resolveRegion(cfg Config, getenv func(string) string, prof *HcloudProfile) (string, *Error) {
	if cfg.Region != nil {
		return normalizeRegion(*cfg.Region, Region.Attr)
	}
	region, from := Region.lookup(getenv)
	if region == "" && prof != nil && prof.Region != "" {
		region, from = prof.Region, fmt.Sprintf("hcloud profile %q", prof.Name)
	}
	if region == "" {
		return "", nil
	}
	return normalizeRegion(region, from)
}

// resolveEndpoint is endpoint, else its variable, else the region's default.
func resolveEndpoint(cfg Config, getenv func(string) string, region string) (string, *Error) {
	endpoint, from := value(cfg.Endpoint), "the "+Endpoint.Attr+" argument"
	if endpoint == "" {
		if v, env := Endpoint.lookup(getenv); v != "" {
			endpoint, from = v, "the environment variable "+env
		}
	}
	if endpoint == "" && region != "" {
		endpoint, from = defaultEndpoint(region), fmt.Sprintf("the default for region %q", region)
	}
	if endpoint == "" {
		return "", &Error{Attr: Region.Attr, Summary: summaryMissingEndpoint,
			Detail: fmt.Sprintf("The provider cannot tell which API to call. Set %s (or %s), e.g. region = \"eu-west-101\", "+
				"or set %s (or %s) to the API's base URL.", Region.Attr, strings.Join(Region.Env, ", or "), Endpoint.Attr, Endpoint.Env[0])}
	}
	return ParseBaseURL(endpoint, from, Endpoint.Attr)
}

// resolveIAMEndpoint is iam_endpoint, else its variables, else the region's
// default, without the API version.
func resolveIAMEndpoint(cfg Config, getenv func(string) string, region string) (string, *Error) {
	endpoint, from := value(cfg.IAMEndpoint), "the "+IAMEndpoint.Attr+" argument"
	if endpoint == "" {
		if v, env := IAMEndpoint.lookup(getenv); v != "" {
			endpoint, from = v, "the environment variable "+env
		}
	}
	if endpoint == "" {
		endpoint, from = defaultIAMEndpoint(region), "the default for the region"
	}
	base, err := ParseBaseURL(endpoint, from, IAMEndpoint.Attr)
	return strings.TrimSuffix(strings.TrimSuffix(base, "/v3"), "/v3.0"), err
}

// resolveProject sets the project id (project_id, its variables, else the
// profile's) and the name to look it up by when there is none.
func (s *Settings) resolveProject(cfg Config, getenv func(string) string) *Error {
	from := ProjectID.Attr
	s.Client.ProjectID = value(cfg.ProjectID)
	if s.Client.ProjectID == "" {
		s.Client.ProjectID, from = ProjectID.lookup(getenv)
	}
	s.ProjectName = value(cfg.ProjectName)
	if s.ProjectName == "" {
		s.ProjectName, _ = ProjectName.lookup(getenv)
	}
	// Project ids are per region: the profile's belongs to its region only.
	if s.Client.ProjectID == "" && s.ProjectName == "" && s.Profile != nil && s.Profile.inRegion(s.Region) {
		s.Client.ProjectID, from = s.Profile.ProjectID, fmt.Sprintf("hcloud profile %q", s.Profile.Name)
	}
	if err := checkProjectID(s.Client.ProjectID, from); err != nil {
		return err
	}
	if s.Client.ProjectID == "" && s.ProjectName == "" && s.Region == "" {
		return &Error{Attr: ProjectID.Attr, Summary: summaryMissingProject,
			Detail: fmt.Sprintf("The VPCEP API addresses endpoint services by project. Set %s in the provider block, "+
				"or the environment variable %s, to the ID of the project that owns the endpoint services; "+
				"or set %s (or %s) so that the provider looks the project up through IAM.",
				ProjectID.Attr, ProjectID.or(), Region.Attr, ProjectName.Attr)}
	}
	return nil
}

// value is *p, or "" for nil.
func value(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// isFile reports whether name is an existing regular file (or a link to one).
func isFile(name string) bool {
	st, err := os.Stat(name)
	return err == nil && !st.IsDir()
}

// defaultSharedConfigFile is the hcloud CLI's config file in the home directory.
func defaultSharedConfigFile() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".hcloud", "config.json")
}
