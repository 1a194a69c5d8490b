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
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Environment variables the provider reads when an argument is not set in the
// configuration. The HW_* names are the huaweicloud provider's, accepted as
// second fallbacks so that users migrating keep their environment.
const (
	envRegion      = "VPCEP_REGION"
	envRegionHW    = "HW_REGION_NAME"
	envEndpoint    = "VPCEP_ENDPOINT"
	envProjectID   = "VPCEP_PROJECT_ID"
	envProjectIDHW = "HW_PROJECT_ID"
	envAuthToken   = "VPCEP_AUTH_TOKEN"
	envAccessKey   = "VPCEP_ACCESS_KEY"
	envAccessKeyHW = "HW_ACCESS_KEY"
	envSecretKey   = "VPCEP_SECRET_KEY"
	envSecretKeyHW = "HW_SECRET_KEY"
)

// Provider attribute names, used in the schema and in attribute diagnostics.
const (
	attrRegion     = "region"
	attrEndpoint   = "endpoint"
	attrProjectID  = "project_id"
	attrAuthToken  = "auth_token"
	attrAccessKey  = "access_key"
	attrSecretKey  = "secret_key"
	attrMaxRetries = "max_retries"
	attrInsecure   = "insecure"
)

// defaultMaxRetries is how often a throttled or failed request is retried
// when max_retries is not set: with the client's back-off (250 ms doubling to
// 10 s) six retries ride out roughly half a minute of throttling.
const defaultMaxRetries = 6

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &vpcepProvider{version: version} }
}

var (
	_ provider.Provider                   = (*vpcepProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*vpcepProvider)(nil)
)

type vpcepProvider struct{ version string }

// providerModel is the provider block.
type providerModel struct {
	Region     types.String `tfsdk:"region"`
	Endpoint   types.String `tfsdk:"endpoint"`
	ProjectID  types.String `tfsdk:"project_id"`
	AuthToken  types.String `tfsdk:"auth_token"`
	AccessKey  types.String `tfsdk:"access_key"`
	SecretKey  types.String `tfsdk:"secret_key"`
	MaxRetries types.Number `tfsdk:"max_retries"`
	Insecure   types.Bool   `tfsdk:"insecure"`
}

func (p *vpcepProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vpcep"
	resp.Version = p.version
}

func (p *vpcepProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Accept or reject the VPC endpoints that connect to your VPC Endpoint (VPCEP) services " +
			"on Huawei Cloud and Open Telekom Cloud.\n\n" +
			"Credentials come from one place: when the configuration sets any of `auth_token`, `access_key`, " +
			"`secret_key`, credentials in the environment are ignored; otherwise they are read from the environment. " +
			"Exactly one method must be configured: a token, or an access key / secret key pair.",
		Attributes: map[string]schema.Attribute{
			attrRegion: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region of the endpoint services, e.g. `eu-west-101`, `ap-southeast-3`, or " +
					"`eu-de` / `eu-nl` for Open Telekom Cloud. Used to derive `endpoint` when that is not set. " +
					"Environment: `" + envRegion + "`, then `" + envRegionHW + "`.",
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
				MarkdownDescription: "Project ID the endpoint services belong to. Required. " +
					"Environment: `" + envProjectID + "`, then `" + envProjectIDHW + "`.",
			},
			attrAuthToken: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "IAM token (sent as `X-Auth-Token`), project-scoped. Conflicts with " +
					"`access_key`/`secret_key`. Environment: `" + envAuthToken + "`.",
			},
			attrAccessKey: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Access key (AK) for SDK-HMAC-SHA256 request signing; requires `secret_key`. " +
					"Conflicts with `auth_token`. Environment: `" + envAccessKey + "`, then `" + envAccessKeyHW + "`.",
			},
			attrSecretKey: schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Secret key (SK) matching `access_key`. " +
					"Environment: `" + envSecretKey + "`, then `" + envSecretKeyHW + "`.",
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
	}
}

// ValidateConfig reports, at plan time, the configuration errors that do not
// depend on the environment: a malformed or clear-text endpoint, and
// conflicting or half-set credentials in the provider block.
func (p *vpcepProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(cfg.Endpoint) {
		if _, d := parseEndpoint(cfg.Endpoint.ValueString(), "the "+attrEndpoint+" argument"); d != nil {
			resp.Diagnostics.AddAttributeError(path.Root(attrEndpoint), d.summary, d.detail)
		}
	}
	if known(cfg.Region) {
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
	if cfg.AuthToken.IsUnknown() || cfg.AccessKey.IsUnknown() || cfg.SecretKey.IsUnknown() ||
		(cfg.AuthToken.IsNull() && cfg.AccessKey.IsNull() && cfg.SecretKey.IsNull()) {
		return
	}
	_, d := credentialsFrom(cfg, func(string) string { return "" })
	if d != nil {
		resp.Diagnostics.AddAttributeError(path.Root(d.attr), d.summary, d.detail)
	}
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
	if cfg.Region.IsUnknown() || cfg.Endpoint.IsUnknown() || cfg.ProjectID.IsUnknown() ||
		cfg.AuthToken.IsUnknown() || cfg.AccessKey.IsUnknown() || cfg.SecretKey.IsUnknown() ||
		cfg.MaxRetries.IsUnknown() || cfg.Insecure.IsUnknown() {
		tflog.Info(ctx, "vpcep provider configuration has unknown values; not configuring it during this plan")
		return
	}

	settings, diags := resolveSettings(cfg, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings.UserAgent = fmt.Sprintf("terraform-provider-vpcep/%s terraform/%s", p.version, req.TerraformVersion)

	c, err := client.New(settings)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create the VPCEP API client",
			"Check the provider configuration.\n\nOriginal Error: "+err.Error())
		return
	}
	tflog.Debug(ctx, "vpcep provider configured", map[string]any{
		"endpoint": settings.Endpoint, "project_id": settings.ProjectID,
		"auth": authKind(settings), "max_retries": settings.MaxRetries,
	})
	pd := &providerData{Client: c, Reader: newConnectionReader(c)}
	resp.ResourceData = pd
	resp.DataSourceData = pd
	resp.ActionData = pd
}

func (p *vpcepProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewConnectionApprovalResource}
}

func (p *vpcepProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewConnectionDataSource, NewConnectionsDataSource}
}


// authKind names the auth method for logs, never the secret itself.
func authKind(c client.Config) string {
	if c.AuthToken != "" {
		return "token"
	}
	return "aksk"
}

// known reports whether v is set to a known, non-null value.
func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

// configError is one configuration problem; attr is the provider attribute it
// belongs to ("" for none).
type configError struct{ attr, summary, detail string }

// lookupFirst returns the first non-empty value among the env vars, with the
// name of the variable it came from.
func lookupFirst(getenv func(string) string, names ...string) (value, from string) {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v, n
		}
	}
	return "", ""
}

// resolveSettings turns the provider block plus the environment into the
// client's configuration. Every problem is an attribute error naming the
// attribute, its environment variables and the fix.
func resolveSettings(cfg providerModel, getenv func(string) string) (client.Config, diag.Diagnostics) {
	var diags diag.Diagnostics
	var out client.Config

	region, regionFrom := cfg.Region.ValueString(), attrRegion
	if cfg.Region.IsNull() {
		region, regionFrom = lookupFirst(getenv, envRegion, envRegionHW)
	}
	if region != "" || !cfg.Region.IsNull() {
		var d *configError
		if region, d = normalizeRegion(region, regionFrom); d != nil {
			diags.AddAttributeError(path.Root(attrRegion), d.summary, d.detail)
			region = ""
		}
	}

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
		base, d := parseEndpoint(endpoint, endpointFrom)
		if d != nil {
			diags.AddAttributeError(path.Root(attrEndpoint), d.summary, d.detail)
		}
		out.Endpoint = base
	}

	out.ProjectID = cfg.ProjectID.ValueString()
	if out.ProjectID == "" {
		out.ProjectID, _ = lookupFirst(getenv, envProjectID, envProjectIDHW)
	}
	if out.ProjectID == "" {
		diags.AddAttributeError(path.Root(attrProjectID), "Missing project_id",
			fmt.Sprintf("The VPCEP API addresses endpoint services by project. Set %s in the provider block, "+
				"or the environment variable %s (or %s), to the ID of the project that owns the endpoint services.",
				attrProjectID, envProjectID, envProjectIDHW))
	}

	creds, d := credentialsFrom(cfg, getenv)
	if d != nil {
		if d.attr != "" {
			diags.AddAttributeError(path.Root(d.attr), d.summary, d.detail)
		} else {
			diags.AddError(d.summary, d.detail)
		}
	}
	out.AuthToken, out.AccessKey, out.SecretKey = creds.token, creds.accessKey, creds.secretKey

	out.MaxRetries = defaultMaxRetries
	if !cfg.MaxRetries.IsNull() {
		n, d := maxRetriesFrom(cfg.MaxRetries)
		if d != nil {
			diags.AddAttributeError(path.Root(attrMaxRetries), d.summary, d.detail)
		}
		out.MaxRetries = n
	}
	out.Insecure = cfg.Insecure.ValueBool()
	return out, diags
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

// credentials is one resolved auth method: a token, or an AK/SK pair.
type credentials struct{ token, accessKey, secretKey string }

// credentialSource is where credentials were looked for, with the names a
// user sees for each of them there (attributes or environment variables).
type credentialSource struct {
	name                        string
	token, accessKey, secretKey string
	tokenName, akName, skName   string
}

// credentialsFrom picks the credentials: from the provider block if it sets
// any, else from the environment (VPCEP_* first, then HW_*). Taking them from
// one place avoids mixing a token from one source with keys from another.
func credentialsFrom(cfg providerModel, getenv func(string) string) (credentials, *configError) {
	if !cfg.AuthToken.IsNull() || !cfg.AccessKey.IsNull() || !cfg.SecretKey.IsNull() {
		for _, v := range []struct {
			value     types.String
			attr, env string
		}{{cfg.AuthToken, attrAuthToken, envAuthToken}, {cfg.AccessKey, attrAccessKey, envAccessKey}, {cfg.SecretKey, attrSecretKey, envSecretKey}} {
			if v.value.IsNull() {
				continue
			}
			if d := checkCredentialValue(v.value.ValueString(), v.attr, fmt.Sprintf("%s (environment: %s)", v.attr, v.env)); d != nil {
				return credentials{}, d
			}
		}
		return resolveCredentials(credentialSource{
			name:  "the provider configuration",
			token: cfg.AuthToken.ValueString(), accessKey: cfg.AccessKey.ValueString(), secretKey: cfg.SecretKey.ValueString(),
			tokenName: attrAuthToken, akName: attrAccessKey, skName: attrSecretKey,
		})
	}
	token := getenv(envAuthToken)
	ak, akFrom := lookupFirst(getenv, envAccessKey, envAccessKeyHW)
	sk, skFrom := lookupFirst(getenv, envSecretKey, envSecretKeyHW)
	if akFrom == "" {
		akFrom = envAccessKey
	}
	if skFrom == "" {
		skFrom = envSecretKey
	}
	for _, v := range []struct{ value, attr, from string }{{token, attrAuthToken, envAuthToken}, {ak, attrAccessKey, akFrom}, {sk, attrSecretKey, skFrom}} {
		if v.value == "" {
			continue
		}
		if d := checkCredentialValue(v.value, v.attr, fmt.Sprintf("The environment variable %s (attribute: %s)", v.from, v.attr)); d != nil {
			return credentials{}, d
		}
	}
	return resolveCredentials(credentialSource{
		name: "the environment", token: token, accessKey: ak, secretKey: sk,
		tokenName: envAuthToken, akName: akFrom, skName: skFrom,
	})
}

// resolveCredentials checks that src holds exactly one complete auth method.
// Errors are attribute errors wherever the credentials came from: the
// attribute is where a fix in the configuration goes, and the detail names
// the environment variables too.
func resolveCredentials(src credentialSource) (credentials, *configError) {
	hasToken := src.token != ""
	hasAK, hasSK := src.accessKey != "", src.secretKey != ""
	switch {
	case hasToken && (hasAK || hasSK):
		return credentials{}, &configError{attr: attrAuthToken, summary: "Conflicting credentials",
			detail: fmt.Sprintf("%s sets both a token (%s) and an access key (%s/%s). Exactly one auth method is allowed: "+
				"remove either %s, or %s and %s. (Attributes: %s, or %s and %s; environment: %s, or %s/%s and %s/%s.)",
				capitalize(src.name), src.tokenName, src.akName, src.skName, src.tokenName, src.akName, src.skName,
				attrAuthToken, attrAccessKey, attrSecretKey, envAuthToken, envAccessKey, envAccessKeyHW, envSecretKey, envSecretKeyHW)}
	case hasAK && !hasSK:
		return credentials{}, &configError{attr: attrSecretKey, summary: "Missing secret_key",
			detail: fmt.Sprintf("%s sets an access key (%s) but no secret key. Set %s in the provider block, or the environment "+
				"variable %s (or %s), to the secret key that belongs to the access key.", capitalize(src.name), src.akName,
				attrSecretKey, envSecretKey, envSecretKeyHW)}
	case hasSK && !hasAK:
		return credentials{}, &configError{attr: attrAccessKey, summary: "Missing access_key",
			detail: fmt.Sprintf("%s sets a secret key (%s) but no access key. Set %s in the provider block, or the environment "+
				"variable %s (or %s), to the access key that belongs to the secret key.", capitalize(src.name), src.skName,
				attrAccessKey, envAccessKey, envAccessKeyHW)}
	case !hasToken && !hasAK:
		return credentials{}, &configError{attr: attrAuthToken, summary: "Missing credentials",
			detail: fmt.Sprintf("No credentials were found in %s. Set either %s (environment: %s), or %s and %s "+
				"(environment: %s or %s, and %s or %s).", src.name, attrAuthToken, envAuthToken,
				attrAccessKey, attrSecretKey, envAccessKey, envAccessKeyHW, envSecretKey, envSecretKeyHW)}
	}
	return credentials{token: src.token, accessKey: src.accessKey, secretKey: src.secretKey}, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
//
// Diagnostics show the endpoint without the password of any user
// information in it: they end up in logs and CI output.
func parseEndpoint(raw, from string) (string, *configError) {
	u, err := url.Parse(raw)
	// Redacted covers parsed user information; anything else with an "@"
	// (an unparsable URL, or "user:pw@host" read as scheme "user") is cut.
	shown := redactEndpoint(raw)
	if err == nil && u.User != nil {
		shown = u.Redacted()
	}
	bad := func(why string) *configError {
		return &configError{attr: attrEndpoint, summary: "Invalid endpoint",
			detail: fmt.Sprintf("The endpoint %q (from %s) %s. Set %s (or %s) to the API's base URL, "+
				"e.g. https://vpcep.eu-west-101.myhuaweicloud.eu, or leave it unset to derive it from %s.",
				shown, from, why, attrEndpoint, envEndpoint, attrRegion)}
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
		return "", &configError{attr: attrEndpoint, summary: "Insecure endpoint",
			detail: fmt.Sprintf("The endpoint %q (from %s) uses plain http:// to a host that is not a loopback address, "+
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
