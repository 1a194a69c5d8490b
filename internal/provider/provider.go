// Package provider holds the vpcep provider, its resource and data sources.
package provider

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/credentials"
)

// Environment variables the provider reads when an argument is not set in the
// configuration. The HW_* names are the huaweicloud provider's, accepted as
// second fallbacks so that users migrating keep their environment.
const (
	envRegion           = "VPCEP_REGION"
	envRegionHW         = "HW_REGION_NAME"
	envEndpoint         = "VPCEP_ENDPOINT"
	envProjectID        = "VPCEP_PROJECT_ID"
	envProjectIDHW      = "HW_PROJECT_ID"
	envProjectName      = "VPCEP_PROJECT_NAME"
	envProjectNameHW    = "HW_PROJECT_NAME"
	envIAMEndpoint      = "VPCEP_IAM_ENDPOINT"
	envIAMEndpointHW    = "HW_AUTH_URL"
	envIAMEndpointSDK   = "HUAWEICLOUD_SDK_IAM_ENDPOINT"
	envAuthToken        = credentials.EnvAuthToken
	envAuthTokenHW      = credentials.EnvAuthTokenHW
	envAccessKey        = credentials.EnvAccessKey
	envAccessKeyHW      = credentials.EnvAccessKeyHW
	envSecretKey        = credentials.EnvSecretKey
	envSecretKeyHW      = credentials.EnvSecretKeyHW
	envSecurityToken    = credentials.EnvSecurityToken
	envSecurityTokenHW  = credentials.EnvSecurityTokenHW
	envSharedConfig     = "VPCEP_SHARED_CONFIG_FILE"
	envSharedConfigHW   = "HW_SHARED_CONFIG_FILE"
	envProfile          = "VPCEP_PROFILE"
	envProfileHW        = "HW_PROFILE"
	envAgencyName       = "VPCEP_ASSUME_ROLE_AGENCY_NAME"
	envAgencyNameHW     = "HW_ASSUME_ROLE_AGENCY_NAME"
	envAgencyDomain     = "VPCEP_ASSUME_ROLE_DOMAIN_NAME"
	envAgencyDomainHW   = "HW_ASSUME_ROLE_DOMAIN_NAME"
	envAgencyDomainID   = "VPCEP_ASSUME_ROLE_DOMAIN_ID"
	envAgencyDomainIDHW = "HW_ASSUME_ROLE_DOMAIN_ID"
	envDuration         = "VPCEP_ASSUME_ROLE_DURATION"
	envDurationHW       = "HW_ASSUME_ROLE_DURATION"
	envIdpID            = "VPCEP_ASSUME_ROLE_IDP_ID"
	envIdpIDHW          = "HW_ASSUME_ROLE_IDP_ID"
	envIdpIDSDK         = "HUAWEICLOUD_SDK_IDP_ID"
	envIDToken          = "VPCEP_ASSUME_ROLE_ID_TOKEN"
	envIDTokenHW        = "HW_ASSUME_ROLE_ID_TOKEN"
	envIDTokenFile      = "VPCEP_ASSUME_ROLE_ID_TOKEN_FILE"
	envIDTokenFileHW    = "HW_ASSUME_ROLE_ID_TOKEN_FILE"
	envIDTokenFileSDK   = "HUAWEICLOUD_SDK_ID_TOKEN_FILE"
	// envMetadataEndpoint points the ECS metadata source elsewhere, e.g. at a
	// local vpcep-mock; "off" skips it.
	envMetadataEndpoint = "VPCEP_METADATA_ENDPOINT"
)

// Provider attribute names, used in the schema and in attribute diagnostics.
const (
	attrRegion           = "region"
	attrEndpoint         = "endpoint"
	attrProjectID        = "project_id"
	attrProjectName      = "project_name"
	attrIAMEndpoint      = "iam_endpoint"
	attrAuthToken        = credentials.AttrAuthToken
	attrAccessKey        = credentials.AttrAccessKey
	attrSecretKey        = credentials.AttrSecretKey
	attrSecurityToken    = credentials.AttrSecurityToken
	attrAssumeRole       = credentials.AttrAssumeRole
	attrOIDC             = credentials.AttrOIDC
	attrSharedConfigFile = credentials.AttrSharedConfigFile
	attrProfile          = credentials.AttrProfile
	attrMaxRetries       = "max_retries"
	attrInsecure         = "insecure"
)

// defaultMaxRetries is how often a throttled or failed request is retried
// when max_retries is not set: with the client's back-off (250 ms doubling to
// 10 s) six retries ride out roughly half a minute of throttling.
const defaultMaxRetries = 6

// defaultMetadataEndpoint is where ECS metadata is looked for; tests point it
// at a closed loopback port so that no test ever reaches the real address.
var defaultMetadataEndpoint = client.DefaultMetadataEndpoint

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &vpcepProvider{version: version} }
}

var (
	_ provider.Provider                   = (*vpcepProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*vpcepProvider)(nil)
	_ provider.ProviderWithListResources  = (*vpcepProvider)(nil)
	_ provider.ProviderWithActions        = (*vpcepProvider)(nil)
)

type vpcepProvider struct {
	version string
	// metadataErrs remembers failed ECS metadata probes by endpoint: each is
	// tried once per provider instance, so a laptop pays its timeout once.
	metadataMu   sync.Mutex
	metadataErrs map[string]error
}

// providerModel is the provider block.
type providerModel struct {
	Region           types.String        `tfsdk:"region"`
	Endpoint         types.String        `tfsdk:"endpoint"`
	ProjectID        types.String        `tfsdk:"project_id"`
	ProjectName      types.String        `tfsdk:"project_name"`
	IAMEndpoint      types.String        `tfsdk:"iam_endpoint"`
	AuthToken        types.String        `tfsdk:"auth_token"`
	AccessKey        types.String        `tfsdk:"access_key"`
	SecretKey        types.String        `tfsdk:"secret_key"`
	SecurityToken    types.String        `tfsdk:"security_token"`
	SharedConfigFile types.String        `tfsdk:"shared_config_file"`
	Profile          types.String        `tfsdk:"profile"`
	AssumeRole       *assumeRoleModel    `tfsdk:"assume_role"`
	OIDC             *assumeRoleWithOIDC `tfsdk:"assume_role_with_oidc"`
	MaxRetries       types.Number        `tfsdk:"max_retries"`
	Insecure         types.Bool          `tfsdk:"insecure"`
}

// assumeRoleModel is the assume_role block.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	DomainID   types.String `tfsdk:"domain_id"`
	Duration   types.Int64  `tfsdk:"duration"`
}

// assumeRoleWithOIDC is the assume_role_with_oidc block.
type assumeRoleWithOIDC struct {
	IdpID       types.String `tfsdk:"idp_id"`
	IDToken     types.String `tfsdk:"id_token"`
	IDTokenFile types.String `tfsdk:"id_token_file"`
	AgencyName  types.String `tfsdk:"agency_name"`
	DomainID    types.String `tfsdk:"domain_id"`
	Duration    types.Int64  `tfsdk:"duration"`
}

func (p *vpcepProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vpcep"
	resp.Version = p.version
}

// envs formats environment variable names for descriptions.
func envs(names ...string) string { return "`" + strings.Join(names, "`, then `") + "`" }

func durationAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Lifetime of the temporary keys, in seconds, from `900` to `43200`. Default: IAM's " +
			"(the provider renews the keys before they expire, so a long apply never fails for it).",
		Validators: []validator.Int64{int64validator.Between(900, 43200)},
	}
}

func (p *vpcepProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Accept or reject the VPC endpoints that connect to your VPC Endpoint (VPCEP) services " +
			"on Huawei Cloud and Open Telekom Cloud.\n\n" +
			"Credentials come from the first of these that sets any: the provider block, the environment, the hcloud " +
			"CLI's default config file, ECS instance metadata. See the authentication guide for the order and examples.",
		Attributes: map[string]schema.Attribute{
			attrRegion: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region of the endpoint services, e.g. `eu-west-101`, `ap-southeast-3`, or " +
					"`eu-de` / `eu-nl` for Open Telekom Cloud. Case and surrounding spaces are ignored. Used to derive " +
					"`endpoint` and `iam_endpoint` when they are not set, and to look up `project_id`. " +
					"Environment: " + envs(envRegion, envRegionHW) + "; else the hcloud profile's region.",
			},
			attrEndpoint: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the VPCEP API, without `/v1`. Default: derived from `region`: " +
					"`https://vpcep.{region}.myhuaweicloud.com` (`.myhuaweicloud.eu` for `eu-west-101`; " +
					"`https://vpcep.{region}.otc.t-systems.com` for `eu-de` and `eu-nl`). Must be `https://`; " +
					"plain `http://` is accepted only for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`), " +
					"e.g. a local `vpcep-mock`. Environment: `" + envEndpoint + "`.",
			},
			attrProjectID: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Project ID the endpoint services belong to. When not set, it is looked up once " +
					"through IAM's project list by `project_name`, else by `region`. " +
					"Environment: " + envs(envProjectID, envProjectIDHW) + "; else the hcloud profile's project.",
			},
			attrProjectName: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of the project to look up when `project_id` is not set, for sub-projects " +
					"(`{region}_{suffix}`). Default: the region. Environment: " + envs(envProjectName, envProjectNameHW) + ".",
			},
			attrIAMEndpoint: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of IAM, used for the project lookup and to obtain temporary keys. Default: " +
					"`https://iam.{region}.myhuaweicloud.com` (`.myhuaweicloud.eu` for `eu-west-101`; " +
					"`https://iam.{region}.otc.t-systems.com` for `eu-de` and `eu-nl`; `https://iam.myhuaweicloud.com` " +
					"without a region). Same `https://` rule as `endpoint`. Environment: " +
					envs(envIAMEndpoint, envIAMEndpointHW, envIAMEndpointSDK) + ".",
			},
			attrAuthToken: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "IAM token (sent as `X-Auth-Token`), project-scoped. Conflicts with the other " +
					"credential settings. Environment: " + envs(envAuthToken, envAuthTokenHW) + ".",
			},
			attrAccessKey: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Access key (AK) for SDK-HMAC-SHA256 request signing; requires `secret_key`. " +
					"Conflicts with `auth_token`. Environment: " + envs(envAccessKey, envAccessKeyHW) + ".",
			},
			attrSecretKey: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Secret key (SK) matching `access_key`. " +
					"Environment: " + envs(envSecretKey, envSecretKeyHW) + ".",
			},
			attrSecurityToken: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Security token of temporary keys (with `access_key` and `secret_key`), sent " +
					"signed as `X-Security-Token`. Environment: " + envs(envSecurityToken, envSecurityTokenHW) + ".",
			},
			attrSharedConfigFile: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The hcloud CLI's config file to take credentials from (modes `AKSK` and `SSO`; a " +
					"profile naming an agency assumes it). Default: `~/.hcloud/config.json`, used when nothing else sets " +
					"credentials. Environment: " + envs(envSharedConfig, envSharedConfigHW) + ".",
			},
			attrProfile: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Profile of the hcloud config file. Default: the file's `current`. " +
					"Environment: " + envs(envProfile, envProfileHW) + ".",
			},
			// A number, not an int64: the framework's own conversion error for
			// 1.5 names neither the attribute nor the allowed range.
			attrMaxRetries: schema.NumberAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a request is retried, with back-off, after throttling "+
					"(429 `APIGW.0308`, `EndPoint.0022`), timeouts and 5xx answers. A whole number from `0` (no retries) "+
					"to `%d`; larger values are refused. Default: `%d`.", client.MaxRetriesLimit, defaultMaxRetries),
			},
			attrInsecure: schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Skip verification of the API's TLS certificate. Only for testing against " +
					"endpoints with self-signed certificates. Default: `false`.",
			},
		},
		Blocks: map[string]schema.Block{
			attrAssumeRole: schema.SingleNestedBlock{
				MarkdownDescription: "Assume an agency (IAM's assume-role) with the keys from the other settings, the " +
					"environment, a profile or ECS metadata, and use its temporary keys. Environment: " +
					envs(envAgencyName, envAgencyNameHW) + ", " + envs(envAgencyDomain, envAgencyDomainHW) + ", " +
					envs(envAgencyDomainID, envAgencyDomainIDHW) + ", " + envs(envDuration, envDurationHW) + ".",
				Attributes: map[string]schema.Attribute{
					"agency_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Name of the agency. Required in the block."},
					"domain_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Account (domain) name that owns the agency; or set `domain_id`."},
					"domain_id":   schema.StringAttribute{Optional: true, MarkdownDescription: "Account (domain) ID that owns the agency; or set `domain_name`."},
					"duration":    durationAttribute(),
				},
			},
			attrOIDC: schema.SingleNestedBlock{
				MarkdownDescription: "Exchange an OIDC ID token (e.g. a CI pipeline's) for temporary keys through IAM's " +
					"identity provider federation, and optionally assume an agency with them. `id_token_file` is read " +
					"again at every renewal, since CI systems rotate it. Environment: " + envs(envIdpID, envIdpIDHW, envIdpIDSDK) +
					", " + envs(envIDToken, envIDTokenHW) + ", " + envs(envIDTokenFile, envIDTokenFileHW, envIDTokenFileSDK) + ".",
				Attributes: map[string]schema.Attribute{
					"idp_id":        schema.StringAttribute{Optional: true, MarkdownDescription: "ID of the identity provider in IAM. Required in the block."},
					"id_token":      schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: "The ID token; or set `id_token_file`."},
					"id_token_file": schema.StringAttribute{Optional: true, MarkdownDescription: "File holding the ID token, re-read at each renewal; or set `id_token`."},
					"agency_name":   schema.StringAttribute{Optional: true, MarkdownDescription: "Agency to assume with the federated keys (optional)."},
					"domain_id":     schema.StringAttribute{Optional: true, MarkdownDescription: "Account (domain) ID that owns `agency_name`."},
					"duration":      durationAttribute(),
				},
			},
		},
	}
}

// ValidateConfig reports, at plan time, the configuration errors that do not
// depend on the environment: a malformed or clear-text endpoint, a bad
// region or max_retries, and conflicting or half-set credentials in the
// provider block.
func (p *vpcepProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for _, u := range []struct {
		v    types.String
		attr string
	}{{cfg.Endpoint, attrEndpoint}, {cfg.IAMEndpoint, attrIAMEndpoint}} {
		if isKnown(u.v) {
			if _, d := parseBaseURL(u.v.ValueString(), "the "+u.attr+" argument", u.attr); d != nil {
				resp.Diagnostics.AddAttributeError(path.Root(u.attr), d.summary, d.detail)
			}
		}
	}
	if isKnown(cfg.Region) {
		if _, d := normalizeRegion(cfg.Region.ValueString(), attrRegion); d != nil {
			resp.Diagnostics.AddAttributeError(path.Root(attrRegion), d.summary, d.detail)
		}
	}
	if !cfg.MaxRetries.IsNull() && !cfg.MaxRetries.IsUnknown() {
		if _, d := maxRetriesFrom(cfg.MaxRetries); d != nil {
			resp.Diagnostics.AddAttributeError(path.Root(attrMaxRetries), d.summary, d.detail)
		}
	}
	// Unknown credentials are left alone: they may turn out null at apply.
	// A block without credentials is checked in Configure, where the
	// environment is consulted.
	if cfg.hasUnknown() {
		return
	}
	layer, d := configLayer(cfg)
	if d == nil {
		_, d = selectConfigOnly(layer, assumeRoleFromConfig(cfg))
	}
	if d != nil {
		resp.Diagnostics.AddAttributeError(path.Root(d.attr), d.summary, d.detail)
	}
}

// hasUnknown reports a value not known yet (plan time, from another resource).
func (m providerModel) hasUnknown() bool {
	for _, v := range []types.String{m.Region, m.Endpoint, m.ProjectID, m.ProjectName, m.IAMEndpoint, m.AuthToken,
		m.AccessKey, m.SecretKey, m.SecurityToken, m.SharedConfigFile, m.Profile} {
		if v.IsUnknown() {
			return true
		}
	}
	if a := m.AssumeRole; a != nil && (a.AgencyName.IsUnknown() || a.DomainName.IsUnknown() || a.DomainID.IsUnknown() || a.Duration.IsUnknown()) {
		return true
	}
	if o := m.OIDC; o != nil && (o.IdpID.IsUnknown() || o.IDToken.IsUnknown() || o.IDTokenFile.IsUnknown() ||
		o.AgencyName.IsUnknown() || o.DomainID.IsUnknown() || o.Duration.IsUnknown()) {
		return true
	}
	return m.MaxRetries.IsUnknown() || m.Insecure.IsUnknown()
}

// selectConfigOnly checks the provider block's own credentials, if any.
func selectConfigOnly(layer credentials.Layer, assume *credentials.AssumeRoleSettings) (credentials.Choice, *configError) {
	ch, err := credentials.Select(credentials.Settings{Layers: []credentials.Layer{layer}, AssumeRole: assume, DisableMetadata: true},
		func(string) bool { return false })
	if err != nil && err.Summary != "Missing credentials" {
		return ch, &configError{attr: err.Attr, summary: err.Summary, detail: err.Detail}
	}
	return ch, nil
}

func (p *vpcepProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value unknown at plan time (e.g. from another resource) cannot be
	// resolved now; the framework's advice is to leave the provider
	// unconfigured. Resources then report it only if they need the API.
	if cfg.hasUnknown() {
		tflog.Info(ctx, "vpcep provider configuration has unknown values; not configuring it during this plan")
		return
	}

	s, diags := resolveSettings(cfg, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	userAgent := fmt.Sprintf("terraform-provider-vpcep/%s terraform/%s", p.version, req.TerraformVersion)
	s.client.UserAgent = userAgent

	var iam *client.IAMClient
	if credentials.NeedsIAM(s.choice, s.creds, s.profile) || s.client.ProjectID == "" {
		var err error
		if iam, err = client.NewIAM(client.IAMConfig{Endpoint: s.iamEndpoint, Insecure: s.client.Insecure, UserAgent: userAgent}); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root(attrIAMEndpoint), "Invalid iam_endpoint", err.Error())
			return
		}
	}
	var iamSource credentials.IAM
	if iam != nil {
		iamSource = iam
	}
	src := credentials.Build(s.choice, s.creds, s.profile, iamSource, client.NewMetadata(s.metadataEndpoint, credentials.MetadataTimeout))
	cache := credentials.NewCache(src)
	if s.choice.Kind == credentials.KindMetadata {
		if err := p.probeMetadata(ctx, s.metadataEndpoint, cache); err != nil {
			tried := append(s.choice.Tried, fmt.Sprintf("ECS instance metadata at %s: %v", s.metadataEndpoint, err))
			resp.Diagnostics.AddAttributeError(path.Root(attrAuthToken), "Missing credentials", credentials.MissingDetail(tried))
			return
		}
	}
	creds, err := cache.Credentials(ctx)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(credentialAttr(s.choice)), "Cannot obtain credentials",
			fmt.Sprintf("The provider could not obtain credentials from %s. Check that source's settings, the IAM "+
				"endpoint (%s, from %s, or %s) and the permissions involved.\n\nOriginal Error: %v",
				src.Name(), s.iamEndpoint, attrIAMEndpoint, envIAMEndpoint, err))
		return
	}
	if s.client.ProjectID == "" {
		id, d := lookupProject(ctx, iam, creds, s)
		if d != nil {
			resp.Diagnostics.AddAttributeError(path.Root(d.attr), d.summary, d.detail)
			return
		}
		s.client.ProjectID = id
	}
	s.client.AuthToken, s.client.AccessKey, s.client.SecretKey, s.client.SecurityToken = "", "", "", ""
	s.client.Credentials = cache
	c, err := client.New(s.client)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the VPCEP API client",
			"Check the provider configuration.\n\nOriginal Error: "+err.Error())
		return
	}
	tflog.Debug(ctx, "vpcep provider configured", map[string]any{
		"endpoint": s.client.Endpoint, "project_id": s.client.ProjectID, "iam_endpoint": s.iamEndpoint,
		"credentials": src.Name(), "temporary": creds.Temporary(), "max_retries": s.client.MaxRetries,
	})
	pd := &providerData{Client: c, Reader: newConnectionReader(c)}
	resp.ResourceData = pd
	resp.DataSourceData = pd
	resp.ListResourceData = pd
	resp.ActionData = pd
}

// probeMetadata tries ECS metadata once per provider instance.
func (p *vpcepProvider) probeMetadata(ctx context.Context, endpoint string, cache *credentials.Cache) error {
	p.metadataMu.Lock()
	defer p.metadataMu.Unlock()
	if err := p.metadataErrs[endpoint]; err != nil {
		return err
	}
	_, err := cache.Credentials(ctx)
	if err != nil {
		if p.metadataErrs == nil {
			p.metadataErrs = map[string]error{}
		}
		p.metadataErrs[endpoint] = err
	}
	return err
}

// credentialAttr is the attribute to attach a credential error to.
func credentialAttr(ch credentials.Choice) string {
	switch ch.Kind {
	case credentials.KindOIDC:
		return attrOIDC
	case credentials.KindProfile:
		return attrSharedConfigFile
	}
	return attrAuthToken
}

// lookupProject finds the project id by name (project_name, else the region)
// through IAM, once per provider instance.
func lookupProject(ctx context.Context, iam *client.IAMClient, creds client.Credentials, s settings) (string, *configError) {
	name, attr := s.projectName, attrProjectName
	if name == "" {
		name, attr = s.region, attrRegion
	}
	projects, err := iam.ProjectsByName(ctx, creds, name)
	if err != nil {
		return "", &configError{attr: attr, summary: "Cannot look up project_id",
			detail: fmt.Sprintf("Looking up the project named %q through IAM at %s failed. Set %s (or %s) to skip the "+
				"lookup, or check %s and the credentials' permission to list projects.\n\nOriginal Error: %v",
				name, s.iamEndpoint, attrProjectID, envProjectID, attrIAMEndpoint, err)}
	}
	if len(projects) != 1 {
		return "", &configError{attr: attr, summary: "Wrong region or project name",
			detail: fmt.Sprintf("IAM at %s lists %d projects named %q for these credentials: wrong name or no access to "+
				"the region. Check %s (or %s for a sub-project), or set %s.", s.iamEndpoint, len(projects), name,
				attrRegion, attrProjectName, attrProjectID)}
	}
	return projects[0].ID, nil
}

func (p *vpcepProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewConnectionApprovalResource, NewConnectionPolicyResource}
}

func (p *vpcepProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewConnectionDataSource, NewConnectionsDataSource}
}

// ListResources are what `terraform query` lists (Terraform 1.14 and later).
func (p *vpcepProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewConnectionApprovalListResource}
}

// Actions are invoked by `terraform apply -invoke` or lifecycle triggers (Terraform 1.14 and later).
func (p *vpcepProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewConnectionDecisionAction}
}

// configError is one configuration problem; attr is the provider attribute it
// belongs to ("" for none).
type configError struct{ attr, summary, detail string }

// lookupFirst returns the first non-empty value among the env vars, with the
// name of the variable it came from (the first name when none is set).
func lookupFirst(getenv func(string) string, names ...string) (value, from string) {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// envValue is lookupFirst as a credentials.Value that names the first
// variable when none is set.
func envValue(getenv func(string) string, names ...string) credentials.Value {
	v, from := lookupFirst(getenv, names...)
	if from == "" {
		from = names[0]
	}
	return credentials.Value{V: v, From: from}
}

// settings is the provider block plus the environment, resolved without
// any network call.
type settings struct {
	client           client.Config // Endpoint, ProjectID ("" = look it up), MaxRetries, Insecure, static credentials
	region           string
	projectName      string
	iamEndpoint      string
	metadataEndpoint string
	creds            credentials.Settings
	choice           credentials.Choice
	profile          *credentials.Profile
}

// configLayer is the provider block's credentials, each value checked.
func configLayer(cfg providerModel) (credentials.Layer, *configError) {
	l := credentials.Layer{Name: "the provider configuration"}
	for _, v := range []struct {
		value     types.String
		attr, env string
		dst       *credentials.Value
	}{
		{cfg.AuthToken, attrAuthToken, envAuthToken, &l.AuthToken},
		{cfg.AccessKey, attrAccessKey, envAccessKey, &l.AccessKey},
		{cfg.SecretKey, attrSecretKey, envSecretKey, &l.SecretKey},
		{cfg.SecurityToken, attrSecurityToken, envSecurityToken, &l.SecurityToken},
	} {
		*v.dst = credentials.Value{V: v.value.ValueString(), From: v.attr}
		if v.value.IsNull() {
			continue
		}
		if d := checkCredentialValue(v.value.ValueString(), v.attr, fmt.Sprintf("%s (environment: %s)", v.attr, v.env)); d != nil {
			return l, d
		}
	}
	l.SharedConfigFile = credentials.Value{V: cfg.SharedConfigFile.ValueString(), From: attrSharedConfigFile}
	l.Profile = credentials.Value{V: cfg.Profile.ValueString(), From: attrProfile}
	if o := cfg.OIDC; o != nil {
		l.OIDC = &credentials.OIDCSettings{IdpID: o.IdpID.ValueString(), IDToken: o.IDToken.ValueString(),
			IDTokenFile: o.IDTokenFile.ValueString(), AgencyName: o.AgencyName.ValueString(), DomainID: o.DomainID.ValueString(),
			DurationSeconds: int(o.Duration.ValueInt64()), From: "The " + attrOIDC + " block"}
		if !o.IDToken.IsNull() {
			if d := checkCredentialValue(o.IDToken.ValueString(), attrOIDC, attrOIDC+".id_token"); d != nil {
				return l, d
			}
		}
	}
	return l, nil
}

// assumeRoleFromConfig is the assume_role block, if any.
func assumeRoleFromConfig(cfg providerModel) *credentials.AssumeRoleSettings {
	a := cfg.AssumeRole
	if a == nil {
		return nil
	}
	return &credentials.AssumeRoleSettings{AgencyName: a.AgencyName.ValueString(), DomainName: a.DomainName.ValueString(),
		DomainID: a.DomainID.ValueString(), DurationSeconds: int(a.Duration.ValueInt64())}
}

// envLayer is the environment's credentials, each value checked. The agency
// variables belong to OIDC when the environment sets an identity provider.
func envLayer(getenv func(string) string) (credentials.Layer, *credentials.AssumeRoleSettings, *configError) {
	l := credentials.Layer{Name: "the environment",
		AuthToken:        envValue(getenv, envAuthToken, envAuthTokenHW),
		AccessKey:        envValue(getenv, envAccessKey, envAccessKeyHW),
		SecretKey:        envValue(getenv, envSecretKey, envSecretKeyHW),
		SecurityToken:    envValue(getenv, envSecurityToken, envSecurityTokenHW),
		SharedConfigFile: envValue(getenv, envSharedConfig, envSharedConfigHW),
		Profile:          envValue(getenv, envProfile, envProfileHW),
	}
	for _, v := range []struct {
		value credentials.Value
		attr  string
	}{{l.AuthToken, attrAuthToken}, {l.AccessKey, attrAccessKey}, {l.SecretKey, attrSecretKey}, {l.SecurityToken, attrSecurityToken}} {
		if !v.value.Set() {
			continue
		}
		if d := checkCredentialValue(v.value.V, v.attr, fmt.Sprintf("The environment variable %s (attribute: %s)", v.value.From, v.attr)); d != nil {
			return l, nil, d
		}
	}
	agency := envValue(getenv, envAgencyName, envAgencyNameHW).V
	domainName := envValue(getenv, envAgencyDomain, envAgencyDomainHW).V
	domainID := envValue(getenv, envAgencyDomainID, envAgencyDomainIDHW).V
	duration, durationFrom := lookupFirst(getenv, envDuration, envDurationHW)
	seconds := 0
	if duration != "" {
		if _, err := fmt.Sscanf(duration, "%d", &seconds); err != nil || seconds < 900 || seconds > 43200 || fmt.Sprint(seconds) != duration {
			return l, nil, &configError{attr: attrAssumeRole, summary: "Invalid assume_role duration",
				detail: fmt.Sprintf("The environment variable %s is %q; it must be a whole number of seconds from 900 to 43200.", durationFrom, duration)}
		}
	}
	idp := envValue(getenv, envIdpID, envIdpIDHW, envIdpIDSDK).V
	token := envValue(getenv, envIDToken, envIDTokenHW).V
	file := envValue(getenv, envIDTokenFile, envIDTokenFileHW, envIDTokenFileSDK).V
	if idp != "" || token != "" || file != "" {
		l.OIDC = &credentials.OIDCSettings{IdpID: idp, IDToken: token, IDTokenFile: file, AgencyName: agency, DomainID: domainID,
			DurationSeconds: seconds, From: "The environment (" + envIdpID + ", " + envIDToken + ", " + envIDTokenFile + ")"}
		return l, nil, nil
	}
	if agency == "" && domainName == "" && domainID == "" {
		return l, nil, nil
	}
	return l, &credentials.AssumeRoleSettings{AgencyName: agency, DomainName: domainName, DomainID: domainID, DurationSeconds: seconds}, nil
}

// fileExists is replaced in tests.
var fileExists = func(name string) bool {
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

// resolveSettings turns the provider block plus the environment into the
// client's configuration and the credential choice. Every problem is an
// attribute error naming the attribute, its environment variables and the fix.
func resolveSettings(cfg providerModel, getenv func(string) string) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	var s settings
	addErr := func(d *configError) {
		if d.attr != "" {
			diags.AddAttributeError(path.Root(d.attr), d.summary, d.detail)
		} else {
			diags.AddError(d.summary, d.detail)
		}
	}

	// Credentials first: a profile may give the region and project.
	cl, d := configLayer(cfg)
	if d != nil {
		addErr(d)
		return s, diags
	}
	el, envAssume, d := envLayer(getenv)
	if d != nil {
		addErr(d)
		return s, diags
	}
	s.creds = credentials.Settings{Layers: []credentials.Layer{cl, el}, AssumeRole: assumeRoleFromConfig(cfg),
		DefaultSharedConfigFile: defaultSharedConfigFile()}
	if s.creds.AssumeRole == nil && cl.OIDC == nil {
		s.creds.AssumeRole = envAssume
	}
	s.metadataEndpoint = defaultMetadataEndpoint
	if v := getenv(envMetadataEndpoint); v != "" {
		s.metadataEndpoint = v
		s.creds.DisableMetadata = v == "off"
	}
	s.creds.MetadataEndpoint = s.metadataEndpoint
	choice, cerr := credentials.Select(s.creds, fileExists)
	if cerr != nil {
		addErr(&configError{attr: cerr.Attr, summary: cerr.Summary, detail: cerr.Detail})
		return s, diags
	}
	s.choice = choice
	if choice.Kind == credentials.KindProfile {
		prof, perr := credentials.LoadProfile(choice.ProfileFile, choice.ProfileName)
		if perr != nil {
			addErr(&configError{attr: perr.Attr, summary: perr.Summary, detail: perr.Detail})
			return s, diags
		}
		s.profile = &prof
	}
	switch choice.Kind {
	case credentials.KindToken:
		s.client.AuthToken = choice.Layer.AuthToken.V
	case credentials.KindKeys:
		s.client.AccessKey, s.client.SecretKey, s.client.SecurityToken = choice.Layer.AccessKey.V, choice.Layer.SecretKey.V, choice.Layer.SecurityToken.V
	}

	region, regionFrom := cfg.Region.ValueString(), attrRegion
	if cfg.Region.IsNull() {
		region, regionFrom = lookupFirst(getenv, envRegion, envRegionHW)
	}
	if region == "" && cfg.Region.IsNull() && s.profile != nil && s.profile.Region != "" {
		region, regionFrom = s.profile.Region, fmt.Sprintf("hcloud profile %q", s.profile.Name)
	}
	if region != "" || !cfg.Region.IsNull() {
		var d *configError
		if region, d = normalizeRegion(region, regionFrom); d != nil {
			diags.AddAttributeError(path.Root(attrRegion), d.summary, d.detail)
			region = ""
		}
	}
	s.region = region

	endpoint, endpointFrom := cfg.Endpoint.ValueString(), "the "+attrEndpoint+" argument"
	if endpoint == "" {
		if v := getenv(envEndpoint); v != "" {
			endpoint, endpointFrom = v, "the environment variable "+envEndpoint
		}
	}
	if endpoint == "" && region != "" {
		endpoint, endpointFrom = defaultEndpoint(region), fmt.Sprintf("the default for region %q", region)
	}
	if endpoint == "" {
		diags.AddAttributeError(path.Root(attrRegion), "Missing region or endpoint",
			fmt.Sprintf("The provider cannot tell which API to call. Set %s (or %s, or %s), e.g. region = \"eu-west-101\", "+
				"or set %s (or %s) to the API's base URL.", attrRegion, envRegion, envRegionHW, attrEndpoint, envEndpoint))
	} else {
		base, d := parseBaseURL(endpoint, endpointFrom, attrEndpoint)
		if d != nil {
			diags.AddAttributeError(path.Root(attrEndpoint), d.summary, d.detail)
		}
		s.client.Endpoint = base
	}

	iamEndpoint, iamFrom := cfg.IAMEndpoint.ValueString(), "the "+attrIAMEndpoint+" argument"
	if iamEndpoint == "" {
		if v, from := lookupFirst(getenv, envIAMEndpoint, envIAMEndpointHW, envIAMEndpointSDK); v != "" {
			iamEndpoint, iamFrom = v, "the environment variable "+from
		}
	}
	if iamEndpoint == "" {
		iamEndpoint, iamFrom = defaultIAMEndpoint(region), "the default for the region"
	}
	base, d := parseBaseURL(iamEndpoint, iamFrom, attrIAMEndpoint)
	if d != nil {
		diags.AddAttributeError(path.Root(attrIAMEndpoint), d.summary, d.detail)
	}
	s.iamEndpoint = strings.TrimSuffix(strings.TrimSuffix(base, "/v3"), "/v3.0")

	s.client.ProjectID = cfg.ProjectID.ValueString()
	if s.client.ProjectID == "" {
		s.client.ProjectID, _ = lookupFirst(getenv, envProjectID, envProjectIDHW)
	}
	s.projectName = cfg.ProjectName.ValueString()
	if s.projectName == "" {
		s.projectName, _ = lookupFirst(getenv, envProjectName, envProjectNameHW)
	}
	if s.client.ProjectID == "" && s.projectName == "" && s.profile != nil {
		s.client.ProjectID = s.profile.ProjectID
	}
	if s.client.ProjectID == "" && s.projectName == "" && region == "" {
		diags.AddAttributeError(path.Root(attrProjectID), "Missing project_id",
			fmt.Sprintf("The VPCEP API addresses endpoint services by project. Set %s in the provider block, "+
				"or the environment variable %s (or %s), to the ID of the project that owns the endpoint services; "+
				"or set %s (or %s) so that the provider looks the project up through IAM.",
				attrProjectID, envProjectID, envProjectIDHW, attrRegion, attrProjectName))
	}

	s.client.MaxRetries = defaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		n, d := maxRetriesFrom(cfg.MaxRetries)
		if d != nil {
			diags.AddAttributeError(path.Root(attrMaxRetries), d.summary, d.detail)
		}
		s.client.MaxRetries = n
	}
	s.client.Insecure = cfg.Insecure.ValueBool()
	return s, diags
}

// defaultIAMEndpoint is IAM for a region (the global endpoint without one).
func defaultIAMEndpoint(region string) string {
	switch region {
	case "":
		return "https://iam.myhuaweicloud.com"
	case "eu-de", "eu-nl": // Open Telekom Cloud
		return "https://iam." + region + ".otc.t-systems.com"
	case "eu-west-101":
		return "https://iam." + region + ".myhuaweicloud.eu"
	}
	return "https://iam." + region + ".myhuaweicloud.com"
}

// maxRetriesFrom checks max_retries: a whole number from 0 to the client's
// cap. A value above the cap is refused rather than silently lowered.
func maxRetriesFrom(v types.Number) (int, *configError) {
	f := v.ValueBigFloat()
	bad := func(why string) (int, *configError) {
		return defaultMaxRetries, &configError{attr: attrMaxRetries, summary: "Invalid max_retries",
			detail: fmt.Sprintf("Attribute max_retries value %s, got: %s. Set a whole number from 0 (no retries) to %d, "+
				"or remove it to use the default of %d.", why, f.Text('g', -1), client.MaxRetriesLimit, defaultMaxRetries)}
	}
	if f == nil {
		return defaultMaxRetries, nil
	}
	if f.Sign() < 0 {
		return bad("must be at least 0")
	}
	if !f.IsInt() {
		return bad("must be a whole number")
	}
	if f.Cmp(big.NewFloat(client.MaxRetriesLimit)) > 0 {
		return bad(fmt.Sprintf("must be at most %d", client.MaxRetriesLimit))
	}
	n, _ := f.Int64()
	return int(n), nil
}

// normalizeRegion lower-cases and trims a region name and refuses anything
// that is not letters, digits and dashes, since it becomes part of a host
// name. from names where it came from (the attribute or an env var).
func normalizeRegion(raw, from string) (string, *configError) {
	region := strings.ToLower(strings.TrimSpace(raw))
	ok := region != "" && region[0] >= 'a' && region[0] <= 'z' && !strings.HasSuffix(region, "-") && len(region) <= 64
	for i := 0; ok && i < len(region); i++ {
		c := region[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		return "", &configError{attr: attrRegion, summary: "Invalid region",
			detail: fmt.Sprintf("The region %q (from %s) is not a region name: it must be letters, digits and dashes, "+
				"e.g. \"eu-west-101\", \"ap-southeast-3\" or \"eu-de\". Fix %s (or %s, %s), or set %s instead.",
				raw, from, attrRegion, envRegion, envRegionHW, attrEndpoint)}
	}
	return region, nil
}

// checkCredentialValue refuses an empty credential, or one holding
// whitespace or control characters (a trailing newline from a file or a
// heredoc): net/http cannot send such a header, so nothing would reach the
// API. attr is the attribute the error belongs to; label names the setting
// the value came from and its environment variables.
func checkCredentialValue(value, attr, label string) *configError {
	if value == "" {
		return &configError{attr: attr, summary: "Empty " + attr,
			detail: fmt.Sprintf("%s is set to an empty string. Set it to the credential, or remove it to use another source.", label)}
	}
	for i, r := range value {
		if r <= ' ' || r == 0x7f || r > 0x7e {
			return &configError{attr: attr, summary: "Invalid " + attr,
				detail: fmt.Sprintf("%s contains whitespace or a control character at position %d (e.g. a trailing newline "+
					"from a file or a heredoc), which cannot be sent in an HTTP header. Remove it, e.g. with trimspace(...) "+
					"or by exporting the variable without the newline.", label, i+1)}
		}
	}
	return nil
}

// defaultEndpoint is the VPCEP API for a region (docs/api-notes.md).
func defaultEndpoint(region string) string {
	switch region {
	case "eu-de", "eu-nl": // Open Telekom Cloud
		return "https://vpcep." + region + ".otc.t-systems.com"
	case "eu-west-101":
		return "https://vpcep." + region + ".myhuaweicloud.eu"
	}
	return "https://vpcep." + region + ".myhuaweicloud.com"
}

// parseEndpoint validates an endpoint URL and returns the base the client
// expects (no trailing slash, no /v1). from says where the value came from.
func parseEndpoint(raw, from string) (string, *configError) {
	return parseBaseURL(raw, from, attrEndpoint)
}

// parseBaseURL validates the URL of endpoint or iam_endpoint (attr).
//
// Diagnostics show the URL without the password of any user information in
// it: they end up in logs and CI output.
func parseBaseURL(raw, from, attr string) (string, *configError) {
	env, example, summary := envEndpoint, "https://vpcep.eu-west-101.myhuaweicloud.eu", "Invalid endpoint"
	if attr == attrIAMEndpoint {
		env, example, summary = envIAMEndpoint, "https://iam.eu-west-101.myhuaweicloud.eu", "Invalid iam_endpoint"
	}
	u, err := url.Parse(raw)
	// Redacted covers parsed user information; anything else with an "@"
	// (an unparsable URL, or "user:pw@host" read as scheme "user") is cut.
	shown := redactEndpoint(raw)
	if err == nil && u.User != nil {
		shown = u.Redacted()
	}
	bad := func(why string) *configError {
		return &configError{attr: attr, summary: summary,
			detail: fmt.Sprintf("The %s %q (from %s) %s. Set %s (or %s) to the API's base URL, "+
				"e.g. %s, or leave it unset to derive it from %s.",
				attr, shown, from, why, attr, env, example, attrRegion)}
	}
	if err != nil {
		// url.Error's text repeats the raw value; its inner error does not.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return "", bad("is not a valid URL: " + err.Error())
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", bad("must start with https://")
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", bad("has no host")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", bad("must not contain user information, a query or a fragment")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", &configError{attr: attr, summary: "Insecure " + attr,
			detail: fmt.Sprintf("The "+attr+" %q (from %s) uses plain http:// to a host that is not a loopback address, "+
				"which would send credentials in clear text. Use https://; http:// is accepted only for 127.0.0.0/8, ::1 "+
				"and localhost (e.g. a local vpcep-mock).", shown, from)}
	}
	base := strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
	base = strings.TrimSuffix(base, "/v1")
	return base, nil
}

// redactEndpoint hides any user information in an endpoint that url.Parse
// rejected (so (*url.URL).Redacted is not available): everything between the
// scheme and the last "@" may hold a password.
func redactEndpoint(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	prefix := ""
	if i := strings.Index(raw, "://"); i >= 0 && i < at {
		prefix = raw[:i+len("://")]
	}
	return prefix + redactedUserinfo + "@" + raw[at+1:]
}

// redactedUserinfo stands for removed user information in diagnostics.
const redactedUserinfo = "REDACTED"

// isLoopback reports whether host is localhost or a loopback IP literal.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
