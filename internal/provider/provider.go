// Package provider holds the vpcep provider, its resource and data sources.
package provider

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/settings"
)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &vpcepProvider{version: version, getenv: os.Getenv} }
}

var (
	_ provider.Provider                   = (*vpcepProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*vpcepProvider)(nil)
	_ provider.ProviderWithListResources  = (*vpcepProvider)(nil)
	_ provider.ProviderWithActions        = (*vpcepProvider)(nil)
)

type vpcepProvider struct {
	version string
	// getenv reads the environment (os.Getenv); tests give a provider its own.
	getenv func(string) string
	// probes keeps failed ECS metadata probes for the life of the instance.
	probes settings.MetadataProbes
}

func (p *vpcepProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vpcep"
	resp.Version = p.version
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

// envs formats the environment variables of settings for descriptions.
func envs(names ...settings.Name) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "`" + strings.Join(n.Env, "`, then `") + "`"
	}
	return strings.Join(out, ", ")
}

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
			"CLI's default config file, ECS instance metadata (unless `skip_metadata`). In the environment, the " +
			"provider's own variables (`VPCEP_*`) come first, then the huaweicloud provider's (`HW_*`), then the Huawei " +
			"Cloud SDKs' (`HUAWEICLOUD_SDK_*`). See the authentication guide for the order and examples.",
		Attributes: map[string]schema.Attribute{
			settings.Region.Attr: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region of the endpoint services, e.g. `eu-west-101`, `ap-southeast-3`, or " +
					"`eu-de` / `eu-nl` for Open Telekom Cloud. Case and surrounding spaces are ignored. Used to derive " +
					"`endpoint` and `iam_endpoint` when they are not set, and to look up `project_id`. " +
					"Environment: " + envs(settings.Region) + "; else the hcloud profile's region.",
			},
			settings.Endpoint.Attr: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of the VPCEP API, without `/v1`. Default: derived from `region`: " +
					"`https://vpcep.{region}.myhuaweicloud.com` (`.myhuaweicloud.eu` for `eu-west-101`; " +
					"`https://vpcep.{region}.otc.t-systems.com` for `eu-de` and `eu-nl`). Must be `https://`; " +
					"plain `http://` is accepted only for loopback hosts (`127.0.0.0/8`, `::1`, `localhost`), " +
					"e.g. a local `vpcep-mock`. Environment: " + envs(settings.Endpoint) + ".",
			},
			settings.ProjectID.Attr: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Project ID the endpoint services belong to: letters, digits, dashes and underscores " +
					"(the API's are 32 hex digits); anything else is refused before a request is sent. When not set, it is looked up once " +
					"through IAM's project list by `project_name`, else by `region`. " +
					"Environment: " + envs(settings.ProjectID) + "; else the hcloud profile's project, when the region in " +
					"effect is the profile's (project IDs are per region).",
			},
			settings.ProjectName.Attr: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Name of the project to look up when `project_id` is not set, for sub-projects " +
					"(`{region}_{suffix}`). Default: the region. Environment: " + envs(settings.ProjectName) + ".",
			},
			settings.IAMEndpoint.Attr: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of IAM, used for the project lookup and to obtain temporary keys. Default: " +
					"`https://iam.{region}.myhuaweicloud.com` (`.myhuaweicloud.eu` for `eu-west-101`; " +
					"`https://iam.{region}.otc.t-systems.com` for `eu-de` and `eu-nl`; `https://iam.myhuaweicloud.com` " +
					"without a region). Same `https://` rule as `endpoint`. Environment: " +
					envs(settings.IAMEndpoint) + ".",
			},
			settings.AuthToken.Attr: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "IAM token (sent as `X-Auth-Token`), project-scoped. Conflicts with the other " +
					"credential settings. Environment: " + envs(settings.AuthToken) + ".",
			},
			settings.AccessKey.Attr: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Access key (AK) for SDK-HMAC-SHA256 request signing; requires `secret_key`. " +
					"Conflicts with `auth_token`. Environment: " + envs(settings.AccessKey) + ".",
			},
			settings.SecretKey.Attr: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Secret key (SK) matching `access_key`. " +
					"Environment: " + envs(settings.SecretKey) + ".",
			},
			settings.SecurityToken.Attr: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Security token of temporary keys (with `access_key` and `secret_key`), sent " +
					"signed as `X-Security-Token`. Environment: " + envs(settings.SecurityToken) + ".",
			},
			settings.SharedConfigFile.Attr: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The hcloud CLI's config file to take credentials from (modes `AKSK` and `SSO`; a " +
					"profile naming an agency assumes it). Default: `~/.hcloud/config.json`, used when nothing else sets " +
					"credentials. Environment: " + envs(settings.SharedConfigFile) + ".",
			},
			settings.Profile.Attr: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Profile of the hcloud config file. Default: the file's `current`. " +
					"Environment: " + envs(settings.Profile) + ".",
			},
			// A number, not an int64: the framework's own conversion error for
			// 1.5 names neither the attribute nor the allowed range.
			settings.MaxRetries.Attr: schema.NumberAttribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a request is retried, with back-off, after throttling "+
					"(429 `APIGW.0308`, `EndPoint.0022`), timeouts and 5xx answers. A whole number from `0` (no retries) "+
					"to `%d`; larger values are refused. Default: `%d`. A connection refused by a loopback endpoint (a local "+
					"`vpcep-mock` that is not running) is retried once at most, so the error comes at once.", client.MaxRetriesLimit, settings.DefaultMaxRetries),
			},
			settings.Insecure.Attr: schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Skip verification of the API's TLS certificate. Only for testing against " +
					"endpoints with self-signed certificates. Default: `false`.",
			},
			settings.SkipMetadata.Attr: schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Never ask the ECS instance metadata service for credentials. Set it where no " +
					"metadata service is expected (a laptop, CI), so that a configuration without credentials fails at once " +
					"with \"Missing credentials\" instead of probing `169.254.169.254`. Same as `" +
					settings.MetadataEndpoint.Env[0] + "=off`. Default: `false`.",
			},
		},
		Blocks: map[string]schema.Block{
			settings.AssumeRole.Attr: schema.SingleNestedBlock{
				MarkdownDescription: "Assume an agency (IAM's assume-role) with the keys from the other settings, the " +
					"environment, a profile or ECS metadata, and use its temporary keys. Environment: " +
					envs(settings.AgencyName) + ", " + envs(settings.DomainName) + ", " +
					envs(settings.DomainID) + ", " + envs(settings.Duration) + ".",
				Attributes: map[string]schema.Attribute{
					settings.AgencyName.Attr: schema.StringAttribute{Optional: true, MarkdownDescription: "Name of the agency. Required in the block."},
					settings.DomainName.Attr: schema.StringAttribute{Optional: true, MarkdownDescription: "Account (domain) name that owns the agency; or set `domain_id`."},
					settings.DomainID.Attr:   schema.StringAttribute{Optional: true, MarkdownDescription: "Account (domain) ID that owns the agency; or set `domain_name`."},
					settings.Duration.Attr:   durationAttribute(),
				},
			},
			settings.OIDC.Attr: schema.SingleNestedBlock{
				MarkdownDescription: "Exchange an OIDC ID token (e.g. a CI pipeline's) for temporary keys through IAM's " +
					"identity provider federation, and optionally assume an agency with them. `id_token_file` is read " +
					"again at every renewal, since CI systems rotate it. Environment, when the block is absent: " +
					envs(settings.IdpID) + ", " + envs(settings.IDToken) + ", " + envs(settings.IDTokenFile) +
					"; the agency: " + envs(settings.AgencyName) + ", " + envs(settings.OIDCDomainID) + ".",
				Attributes: map[string]schema.Attribute{
					settings.IdpID.Attr:       schema.StringAttribute{Optional: true, MarkdownDescription: "ID of the identity provider in IAM. Required in the block."},
					settings.IDToken.Attr:     schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: "The ID token; or set `id_token_file`."},
					settings.IDTokenFile.Attr: schema.StringAttribute{Optional: true, MarkdownDescription: "File holding the ID token, re-read at each renewal; or set `id_token`."},
					settings.AgencyName.Attr:  schema.StringAttribute{Optional: true, MarkdownDescription: "Agency to assume with the federated keys (optional)."},
					settings.DomainID.Attr:    schema.StringAttribute{Optional: true, MarkdownDescription: "Account (domain) ID that owns `agency_name`."},
					settings.Duration.Attr:    durationAttribute(),
				},
			},
		},
	}
}
