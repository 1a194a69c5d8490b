package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/credentials"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// providerEnvVars are every variable the provider reads; tests that depend
// on the environment clear them all first.
var providerEnvVars = []string{
	envRegion, envRegionHW, envEndpoint, envProjectID, envProjectIDHW, envProjectName, envProjectNameHW,
	envIAMEndpoint, envIAMEndpointHW, envIAMEndpointSDK, envAuthToken, envAuthTokenHW, envAccessKey, envAccessKeyHW,
	envSecretKey, envSecretKeyHW, envSecurityToken, envSecurityTokenHW, envSharedConfig, envSharedConfigHW, envProfile,
	envProfileHW, envAgencyName, envAgencyNameHW, envAgencyDomain, envAgencyDomainHW, envAgencyDomainID,
	envAgencyDomainIDHW, envDuration, envDurationHW, envIdpID, envIdpIDHW, envIdpIDSDK, envIDToken, envIDTokenHW,
	envIDTokenFile, envIDTokenFileHW, envIDTokenFileSDK, envMetadataEndpoint,
}

// closedMetadataEndpoint is a loopback port nothing listens on: no test
// reaches the real ECS metadata address, and the probe fails at once.
const closedMetadataEndpoint = "http://127.0.0.1:1"

func init() { defaultMetadataEndpoint = closedMetadataEndpoint }

// clearProviderEnv unsets the provider's variables for the test (t.Setenv
// restores them afterwards; such tests cannot be parallel).
func clearProviderEnv(t *testing.T) {
	t.Helper()
	for _, name := range providerEnvVars {
		t.Setenv(name, "")
	}
}

func TestUnitProviderSchemaDescriptions(t *testing.T) {
	t.Parallel()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for name, a := range resp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no description", name)
		}
	}
	for _, name := range []string{attrAuthToken, attrAccessKey, attrSecretKey} {
		if !resp.Schema.Attributes[name].IsSensitive() {
			t.Errorf("attribute %s is not sensitive", name)
		}
	}
}

func TestUnitDefaultEndpoint(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"ap-southeast-3": "https://vpcep.ap-southeast-3.myhuaweicloud.com",
		"eu-west-101":    "https://vpcep.eu-west-101.myhuaweicloud.eu",
		"eu-de":          "https://vpcep.eu-de.otc.t-systems.com",
		"eu-nl":          "https://vpcep.eu-nl.otc.t-systems.com",
	}
	for region, want := range tests {
		if got := defaultEndpoint(region); got != want {
			t.Errorf("defaultEndpoint(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestUnitParseEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "https://vpcep.example.com", want: "https://vpcep.example.com"},
		{in: "https://vpcep.example.com/", want: "https://vpcep.example.com"},
		{in: "https://vpcep.example.com/v1", want: "https://vpcep.example.com"},
		{in: "https://proxy.example.com/vpcep/", want: "https://proxy.example.com/vpcep"},
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		{in: "http://127.3.4.5:80", want: "http://127.3.4.5:80"},
		{in: "http://[::1]:9000", want: "http://[::1]:9000"},
		{in: "http://localhost:9000", want: "http://localhost:9000"},
		{in: "http://LOCALHOST", want: "http://LOCALHOST"},
		{in: "http://vpcep.example.com", wantErr: "Insecure endpoint"},
		{in: "http://10.0.0.1", wantErr: "Insecure endpoint"},
		{in: "http://localhost.example.com", wantErr: "Insecure endpoint"},
		{in: "ftp://vpcep.example.com", wantErr: "must start with https://"},
		{in: "vpcep.example.com", wantErr: "must start with https://"},
		{in: "https://", wantErr: "has no host"},
		{in: "https://vpcep.example.com/?x=1", wantErr: "query"},
		{in: "https://user:pw@vpcep.example.com", wantErr: "user information"},
		{in: "https://vpc ep.example.com", wantErr: "not a valid URL"},
		{in: "::", wantErr: "not a valid URL"},
	}
	for _, tt := range tests {
		got, err := parseEndpoint(tt.in, "test")
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("parseEndpoint(%q): unexpected error %s: %s", tt.in, err.summary, err.detail)
		case tt.wantErr == "" && got != tt.want:
			t.Errorf("parseEndpoint(%q) = %q, want %q", tt.in, got, tt.want)
		case tt.wantErr != "" && err == nil:
			t.Errorf("parseEndpoint(%q) = %q, want an error containing %q", tt.in, got, tt.wantErr)
		case tt.wantErr != "" && !strings.Contains(err.summary+err.detail, tt.wantErr):
			t.Errorf("parseEndpoint(%q) error %q / %q, want it to contain %q", tt.in, err.summary, err.detail, tt.wantErr)
		case err != nil && err.attr != attrEndpoint:
			t.Errorf("parseEndpoint(%q) error is on %q, want %q", tt.in, err.attr, attrEndpoint)
		}
	}
}

// TestUnitParseEndpointRedactsPassword: an endpoint with user information is
// refused without its password appearing in the diagnostic, whether or not
// url.Parse accepts it.
func TestUnitParseEndpointRedactsPassword(t *testing.T) {
	t.Parallel()
	const secret = "s3cretPW"
	for _, in := range []string{
		"https://user:" + secret + "@vpcep.example.com",
		"http://user:" + secret + "@10.0.0.1",
		"https://user:" + secret + "@vpc ep.example.com",   // url.Parse fails
		"https://user:" + secret + "@vpcep.example.com:8x", // bad port
		"user:" + secret + "@vpcep.example.com",            // no scheme
	} {
		_, err := parseEndpoint(in, "test")
		if err == nil {
			t.Errorf("parseEndpoint(%q) accepted user information", in)
			continue
		}
		if strings.Contains(err.summary+err.detail, secret) {
			t.Errorf("parseEndpoint(%q) diagnostic shows the password: %s: %s", in, err.summary, err.detail)
		}
		if !strings.Contains(err.detail, "example.com") && !strings.Contains(err.detail, "10.0.0.1") {
			t.Errorf("parseEndpoint(%q) diagnostic does not name the host: %s", in, err.detail)
		}
	}
}

// TestUnitResolveSettings covers precedence (configuration, then VPCEP_*,
// then HW_*) and every configuration error, without touching the process
// environment.
func TestUnitResolveSettings(t *testing.T) {
	t.Parallel()
	str := types.StringValue
	null := types.StringNull()
	base := func() providerModel {
		return providerModel{Region: null, Endpoint: null, ProjectID: null, AuthToken: null, AccessKey: null,
			SecretKey: null, MaxRetries: types.NumberNull(), Insecure: types.BoolNull()}
	}
	with := func(f func(*providerModel)) providerModel { m := base(); f(&m); return m }
	tests := []struct {
		name    string
		cfg     providerModel
		env     map[string]string
		want    client.Config // compared on Endpoint, ProjectID, credentials, MaxRetries, Insecure
		wantErr []string      // attribute path and words the error must contain
	}{
		{
			name: "all from config",
			cfg: with(func(m *providerModel) {
				m.Region, m.ProjectID, m.AuthToken = str("eu-west-101"), str("p1"), str("tok")
				m.MaxRetries, m.Insecure = types.NumberValue(big.NewFloat(2)), types.BoolValue(true)
			}),
			env:  map[string]string{envAccessKey: "ignored", envSecretKey: "ignored", envProjectID: "ignored"},
			want: client.Config{Endpoint: "https://vpcep.eu-west-101.myhuaweicloud.eu", ProjectID: "p1", AuthToken: "tok", MaxRetries: 2, Insecure: true},
		},
		{
			name: "VPCEP env",
			cfg:  base(),
			env: map[string]string{envRegion: "eu-de", envRegionHW: "ap-southeast-1", envProjectID: "p2", envProjectIDHW: "hw",
				envAuthToken: "tok2"},
			want: client.Config{Endpoint: "https://vpcep.eu-de.otc.t-systems.com", ProjectID: "p2", AuthToken: "tok2", MaxRetries: defaultMaxRetries},
		},
		{
			name: "HW env as second fallback",
			cfg:  base(),
			env:  map[string]string{envRegionHW: "ap-southeast-3", envProjectIDHW: "p3", envAccessKeyHW: "ak", envSecretKeyHW: "sk"},
			want: client.Config{Endpoint: "https://vpcep.ap-southeast-3.myhuaweicloud.com", ProjectID: "p3", AccessKey: "ak", SecretKey: "sk", MaxRetries: defaultMaxRetries},
		},
		{
			name: "VPCEP keys win over HW keys; endpoint env wins over region",
			cfg:  base(),
			env: map[string]string{envEndpoint: "http://127.0.0.1:1", envRegion: "eu-de", envProjectID: "p", envAccessKey: "ak1",
				envAccessKeyHW: "ak2", envSecretKey: "sk1", envSecretKeyHW: "sk2"},
			want: client.Config{Endpoint: "http://127.0.0.1:1", ProjectID: "p", AccessKey: "ak1", SecretKey: "sk1", MaxRetries: defaultMaxRetries},
		},
		{
			name:    "missing region and endpoint",
			cfg:     with(func(m *providerModel) { m.ProjectID, m.AuthToken = str("p"), str("t") }),
			wantErr: []string{attrRegion, "Missing region or endpoint", envRegion, envRegionHW, envEndpoint},
		},
		{
			name:    "missing project and no region to look it up",
			cfg:     with(func(m *providerModel) { m.Endpoint, m.AuthToken = str("https://vpcep.example.com"), str("t") }),
			wantErr: []string{attrProjectID, "Missing project_id", envProjectID, envProjectIDHW, attrProjectName},
		},
		{
			name: "project looked up from the region",
			cfg:  with(func(m *providerModel) { m.Region, m.AuthToken = str("eu-de"), str("t") }),
			want: client.Config{Endpoint: "https://vpcep.eu-de.otc.t-systems.com", AuthToken: "t", MaxRetries: defaultMaxRetries},
		},
		{
			name: "token and keys in config",
			cfg: with(func(m *providerModel) {
				m.Region, m.ProjectID, m.AuthToken, m.AccessKey = str("eu-de"), str("p"), str("t"), str("ak")
			}),
			wantErr: []string{attrAuthToken, "Conflicting credentials", "remove either auth_token, or access_key and secret_key"},
		},
		{
			name: "temporary keys from HW env",
			cfg:  with(func(m *providerModel) { m.Region, m.ProjectID = str("eu-de"), str("p") }),
			env:  map[string]string{envAccessKeyHW: "ak", envSecretKeyHW: "sk", envSecurityTokenHW: "st"},
			want: client.Config{Endpoint: "https://vpcep.eu-de.otc.t-systems.com", ProjectID: "p", AccessKey: "ak", SecretKey: "sk",
				SecurityToken: "st", MaxRetries: defaultMaxRetries},
		},
		{
			name:    "token and keys in env",
			cfg:     with(func(m *providerModel) { m.Region, m.ProjectID = str("eu-de"), str("p") }),
			env:     map[string]string{envAuthToken: "t", envAccessKeyHW: "ak", envSecretKeyHW: "sk"},
			wantErr: []string{attrAuthToken, "Conflicting credentials", "remove either VPCEP_AUTH_TOKEN, or HW_ACCESS_KEY and HW_SECRET_KEY"},
		},
		{
			name:    "access key without secret in config",
			cfg:     with(func(m *providerModel) { m.Region, m.ProjectID, m.AccessKey = str("eu-de"), str("p"), str("ak") }),
			wantErr: []string{attrSecretKey, "Missing secret_key", envSecretKey, envSecretKeyHW},
		},
		{
			name:    "secret without access key in env",
			cfg:     with(func(m *providerModel) { m.Region, m.ProjectID = str("eu-de"), str("p") }),
			env:     map[string]string{envSecretKey: "sk"},
			wantErr: []string{attrAccessKey, "Missing access_key", envAccessKey, envAccessKeyHW},
		},
		{
			name:    "plain http to a remote host from env",
			cfg:     with(func(m *providerModel) { m.ProjectID, m.AuthToken = str("p"), str("t") }),
			env:     map[string]string{envEndpoint: "http://vpcep.example.com"},
			wantErr: []string{attrEndpoint, "Insecure endpoint", "environment variable VPCEP_ENDPOINT"},
		},
		{
			name: "negative max_retries",
			cfg: with(func(m *providerModel) {
				m.Region, m.ProjectID, m.AuthToken, m.MaxRetries = str("eu-de"), str("p"), str("t"), types.NumberValue(big.NewFloat(-1))
			}),
			wantErr: []string{attrMaxRetries, "Invalid max_retries", "got: -1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, diags := resolveSettings(tt.cfg, func(k string) string { return tt.env[k] })
			got := s.client
			if len(tt.wantErr) == 0 {
				if diags.HasError() {
					t.Fatalf("unexpected errors: %v", diags)
				}
				got.UserAgent = ""
				if got != tt.want {
					t.Fatalf("got %+v\nwant %+v", got, tt.want)
				}
				return
			}
			if diags.ErrorsCount() != 1 {
				t.Fatalf("got %d errors (%v), want 1", diags.ErrorsCount(), diags)
			}
			d := diags.Errors()[0]
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok {
				t.Fatalf("error %q is not an attribute error", d.Summary())
			}
			text := fmt.Sprintf("%s %s %s", withPath.Path(), d.Summary(), d.Detail())
			for _, w := range tt.wantErr {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not contain %q", text, w)
				}
			}
		})
	}
}

// TestAccProvider_accessKeyAuth applies with AK/SK; the mock verifies each
// request's SDK-HMAC-SHA256 signature.
func TestAccProvider_accessKeyAuth(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-aksk")
	cfg := fmt.Sprintf(`
provider "vpcep" {
  endpoint   = %q
  project_id = %q
  access_key = %q
  secret_key = %q
}
resource "vpcep_connection_approval" "test" {
  service_id  = %q
  endpoint_id = %q
}
`, e.URL, e.ProjectID, e.AccessKey, e.SecretKey, svc, ep)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{{
			Config:           cfg,
			ConfigPlanChecks: emptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
				func(*terraform.State) error {
					if n := e.Mock.RequestCounts()[vpcepmock.CountUnauthorized]; n != 0 {
						return fmt.Errorf("mock refused %d requests as unauthorized", n)
					}
					return nil
				},
			),
		}},
	})
}

// providerOnlyConfig is a provider block with the given body and one
// approval, so that Terraform configures the provider.
func providerOnlyConfig(body string) string {
	return fmt.Sprintf(`
provider "vpcep" {
%s
}
resource "vpcep_connection_approval" "test" {
  service_id  = "svc"
  endpoint_id = "ep"
}
`, body)
}

// TestAccProvider_configErrors: configuration errors in the provider block
// are attribute errors at plan time, naming the attribute, its environment
// variable and the fix. None depends on the environment.
func TestAccProvider_configErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"token and keys", `
  endpoint   = "https://vpcep.example.com"
  project_id = "p"
  auth_token = "t"
  access_key = "ak"
  secret_key = "sk"`, `Conflicting credentials.*sets both a token \(auth_token\) and an access key \(access_key/secret_key\).*VPCEP_AUTH_TOKEN`},
		{"access key alone", `
  endpoint   = "https://vpcep.example.com"
  project_id = "p"
  access_key = "ak"`, `Missing secret_key.*Set secret_key in the provider block, or the environment variable VPCEP_SECRET_KEY \(or HW_SECRET_KEY\)`},
		{"secret key alone", `
  endpoint   = "https://vpcep.example.com"
  project_id = "p"
  secret_key = "sk"`, `Missing access_key.*VPCEP_ACCESS_KEY \(or HW_ACCESS_KEY\)`},
		{"malformed endpoint", `
  endpoint   = "https://vpc ep.example.com"
  project_id = "p"
  auth_token = "t"`, `Invalid endpoint.*is not a valid URL`},
		{"endpoint without scheme", `
  endpoint   = "vpcep.example.com"
  project_id = "p"
  auth_token = "t"`, `Invalid endpoint.*must start with https://`},
		{"plain http to a remote host", `
  endpoint   = "http://vpcep.example.com"
  project_id = "p"
  auth_token = "t"`, `Insecure endpoint.*credentials in clear text.*Use https://`},
		{"negative max_retries", `
  endpoint    = "https://vpcep.example.com"
  project_id  = "p"
  auth_token  = "t"
  max_retries = -1`, `Attribute max_retries value must be at least 0, got: -1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerOnlyConfig(tt.body),
					PlanOnly:    true,
					ExpectError: expectErr(tt.want),
				}},
			})
		})
	}
}

// TestAccProvider_wrongToken: the API's 401 reaches the user with its code
// and request id.
func TestAccProvider_wrongToken(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-x")
	e.Token = "not-the-token"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      approvalConfig(e, svc, ep, ""),
			ExpectError: expectErr(`Original Error: .*APIGW.0301`),
		}},
	})
}

// TestAccProvider_unknownConfig: a provider argument unknown at plan time
// (from a resource in the same configuration) does not fail the plan; the
// provider is configured at apply, when the value is known.
func TestAccProvider_unknownConfig(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-u")
	config := func(trigger int) string {
		return fmt.Sprintf(`
resource "terraform_data" "token" {
  input            = %q
  triggers_replace = %d
}
provider "vpcep" {
  endpoint   = %q
  project_id = %q
  auth_token = terraform_data.token.output
}
resource "vpcep_connection_approval" "test" {
  service_id  = %q
  endpoint_id = %q
}
`, e.Token, trigger, e.URL, e.ProjectID, svc, ep)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyRejected(e, svc, ep),
		Steps: []resource.TestStep{
			{ // the approval is created while the token is unknown at plan time
				Config:           config(1),
				ConfigPlanChecks: emptyPlanAfterApply,
				Check:            checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
			},
			{ // replacing the token's source makes it unknown while the approval is in state
				Config: config(2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("vpcep_connection_approval.test", plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
			},
		},
	})
}

// TestAccProvider_envFallbacks configures the provider from the environment
// only (VPCEP_* and HW_* variants). It sets process environment variables,
// so it cannot run in parallel.
func TestAccProvider_envFallbacks(t *testing.T) {
	e := newTestEnv(t)
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"VPCEP token", map[string]string{envEndpoint: e.URL, envProjectID: e.ProjectID, envAuthToken: e.Token}},
		{"VPCEP keys", map[string]string{envEndpoint: e.URL, envProjectID: e.ProjectID, envAccessKey: e.AccessKey, envSecretKey: e.SecretKey}},
		{"HW keys and project", map[string]string{envEndpoint: e.URL, envProjectIDHW: e.ProjectID, envAccessKeyHW: e.AccessKey, envSecretKeyHW: e.SecretKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			svc := e.NewService(t, true)
			ep := e.NewEndpoint(t, svc, "domain-env")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkDestroyRejected(e, svc, ep),
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
resource "vpcep_connection_approval" "test" {
  service_id  = %q
  endpoint_id = %q
}
`, svc, ep),
					ConfigPlanChecks: emptyPlanAfterApply,
					Check:            checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, ""),
				}},
			})
		})
	}
}

// TestAccProvider_envErrors: configuration errors that depend on the
// environment. Not parallel: it sets process environment variables.
func TestAccProvider_envErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		env  map[string]string
		want string
	}{
		{"no region or endpoint", `  project_id = "p"
  auth_token = "t"`, nil, `Missing region or endpoint.*Set region \(or VPCEP_REGION, or HW_REGION_NAME\).*VPCEP_ENDPOINT`},
		{"no project and no region to look it up", `  endpoint   = "https://vpcep.example.com"
  auth_token = "t"`, nil, `Missing project_id.*VPCEP_PROJECT_ID \(or HW_PROJECT_ID\).*project_name`},
		{"no credentials", `  region     = "eu-de"
  project_id = "p"`, nil, `(?s)Missing credentials.*Set either auth_token \(environment: VPCEP_AUTH_TOKEN\).*Sources tried, in order:.*the provider configuration: sets no credentials.*the environment: sets no credentials.*ECS instance metadata at http://127.0.0.1:1`},
		{"token and HW keys in env", `  region = "eu-de"`, map[string]string{envProjectID: "p", envAuthToken: "t", envAccessKeyHW: "ak", envSecretKeyHW: "sk"},
			`Conflicting credentials.*The environment sets both a token \(VPCEP_AUTH_TOKEN\) and an access key \(HW_ACCESS_KEY/HW_SECRET_KEY\)`},
		{"secret key alone in env", `  region = "eu-de"`, map[string]string{envProjectIDHW: "p", envSecretKeyHW: "sk"},
			`Missing access_key.*The environment sets a secret key \(HW_SECRET_KEY\) but no access key`},
		{"plain http endpoint in env", `  project_id = "p"
  auth_token = "t"`, map[string]string{envEndpoint: "http://vpcep.example.com"}, `Insecure endpoint.*from the environment variable VPCEP_ENDPOINT`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      providerOnlyConfig(tt.body),
					PlanOnly:    true,
					ExpectError: expectErr(tt.want),
				}},
			})
		})
	}
}

// TestUnitRegionNormalised: an upper-case or padded region derives the same
// host as its lower-case form (it derived .com for EU-WEST-101), and a region
// with characters that would change the host name is refused.
func TestUnitRegionNormalised(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"EU-WEST-101":    "https://vpcep.eu-west-101.myhuaweicloud.eu",
		" eu-de ":        "https://vpcep.eu-de.otc.t-systems.com",
		"Ap-Southeast-3": "https://vpcep.ap-southeast-3.myhuaweicloud.com",
	} {
		cfg := providerModel{Region: types.StringValue(in), Endpoint: types.StringNull(), ProjectID: types.StringValue("p"),
			AuthToken: types.StringValue("t"), AccessKey: types.StringNull(), SecretKey: types.StringNull(),
			MaxRetries: types.NumberNull(), Insecure: types.BoolNull()}
		got, diags := resolveSettings(cfg, func(string) string { return "" })
		if diags.HasError() || got.client.Endpoint != want {
			t.Errorf("region %q: endpoint %q (%v), want %q", in, got.client.Endpoint, diags, want)
		}
	}
	for _, in := range []string{"eu/west-101", "evil.com", "eu-west-101.evil.com", "eu west", "-eu", "eu-", "eu-west-101/../x", ""} {
		if _, d := normalizeRegion(in, attrRegion); d == nil || d.attr != attrRegion || !strings.Contains(d.detail, "region") {
			t.Errorf("region %q was accepted (%v)", in, d)
		}
	}
}

// TestUnitMaxRetriesRange: max_retries must be a whole number from 0 to the
// cap; a value above the cap was silently lowered to 20.
func TestUnitMaxRetriesRange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   float64
		want int
		err  string
	}{
		{0, 0, ""}, {6, 6, ""}, {20, 20, ""},
		{21, 0, "must be at most 20, got: 21"}, {1e9, 0, "must be at most 20"},
		{-1, 0, "must be at least 0, got: -1"}, {1.5, 0, "must be a whole number, got: 1.5"},
	} {
		got, d := maxRetriesFrom(types.NumberValue(big.NewFloat(tt.in)))
		switch {
		case tt.err == "" && (d != nil || got != tt.want):
			t.Errorf("max_retries %v: got %d, %v", tt.in, got, d)
		case tt.err != "" && (d == nil || !strings.Contains(d.detail, tt.err) || !strings.Contains(d.detail, "from 0 (no retries) to 20")):
			t.Errorf("max_retries %v: error %v, want one containing %q and the range", tt.in, d, tt.err)
		}
	}
}

// TestUnitCredentialValues: an empty token is an error about the empty token
// (it was "no credentials found"), and a credential with a trailing newline
// or other whitespace is refused before any request (it made the client
// retry a request net/http could never send).
func TestUnitCredentialValues(t *testing.T) {
	t.Parallel()
	null := types.StringNull()
	base := providerModel{Region: types.StringValue("eu-de"), Endpoint: null, ProjectID: types.StringValue("p"),
		AuthToken: null, AccessKey: null, SecretKey: null, MaxRetries: types.NumberNull(), Insecure: types.BoolNull()}
	tests := []struct {
		name string
		cfg  func(*providerModel)
		env  map[string]string
		want []string
	}{
		{"empty auth_token", func(m *providerModel) { m.AuthToken = types.StringValue("") }, nil,
			[]string{attrAuthToken, "Empty auth_token", envAuthToken}},
		{"auth_token with a newline", func(m *providerModel) { m.AuthToken = types.StringValue("tok\n") }, nil,
			[]string{attrAuthToken, "Invalid auth_token", envAuthToken, "trailing newline"}},
		{"secret_key with a space", func(m *providerModel) {
			m.AccessKey, m.SecretKey = types.StringValue("ak"), types.StringValue("s k")
		}, nil, []string{attrSecretKey, "Invalid secret_key", envSecretKey}},
		{"VPCEP_AUTH_TOKEN with a newline", nil, map[string]string{envAuthToken: "tok\n"},
			[]string{attrAuthToken, "Invalid auth_token", "environment variable " + envAuthToken}},
		{"HW_ACCESS_KEY with a tab", nil, map[string]string{envAccessKeyHW: "ak\t", envSecretKeyHW: "sk"},
			[]string{attrAccessKey, "Invalid access_key", "environment variable " + envAccessKeyHW}},
	}
	for _, tt := range tests {
		cfg := base
		if tt.cfg != nil {
			tt.cfg(&cfg)
		}
		_, diags := resolveSettings(cfg, func(k string) string { return tt.env[k] })
		if diags.ErrorsCount() != 1 {
			t.Errorf("%s: got %d errors (%v), want 1", tt.name, diags.ErrorsCount(), diags)
			continue
		}
		d := diags.Errors()[0]
		text := fmt.Sprintf("%v %s %s", d.(diag.DiagnosticWithPath).Path(), d.Summary(), d.Detail())
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: error %q does not contain %q", tt.name, text, w)
			}
		}
	}
}

// TestAccProvider_argumentErrors: bad provider arguments are refused at plan
// time with the argument's name and the fix. Before: max_retries = 1.5 gave
// the framework's "Value Conversion Error", 21 was silently capped, a region
// with a slash reached the host name and auth_token = "" said "Missing
// credentials".
func TestAccProvider_argumentErrors(t *testing.T) {
	t.Parallel()
	const remote = "  endpoint   = \"https://vpcep.example.com\"\n  project_id = \"p\"\n"
	tests := []struct{ name, body, want string }{
		{"fractional max_retries", remote + "  auth_token = \"t\"\n  max_retries = 1.5",
			`Invalid max_retries.*Attribute max_retries value must be a whole number, got: 1.5.*from 0 \(no retries\) to 20`},
		{"max_retries above the cap", remote + "  auth_token = \"t\"\n  max_retries = 1000",
			`Invalid max_retries.*must be at most 20, got: 1000`},
		{"region with a slash", "  region = \"eu/west-101\"\n  project_id = \"p\"\n  auth_token = \"t\"",
			`Invalid region.*"eu/west-101".*letters, digits and dashes`},
		{"region with dots", "  region = \"eu-west-101.evil.example\"\n  project_id = \"p\"\n  auth_token = \"t\"",
			`Invalid region`},
		{"empty auth_token", remote + "  auth_token = \"\"", `Empty auth_token.*auth_token \(environment: VPCEP_AUTH_TOKEN\) is set to an empty string`},
		{"auth_token with a trailing newline", remote + "  auth_token = \"tok\\n\"",
			`Invalid auth_token.*auth_token \(environment: VPCEP_AUTH_TOKEN\) contains whitespace or a control character`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: providerOnlyConfig(tt.body), PlanOnly: true, ExpectError: expectErr(tt.want)}},
			})
		})
	}
}

// TestAccProvider_tokenWithNewlineNeverSent: a token with a trailing newline
// from the environment is refused at configure time and no request reaches
// the API (before, the client retried for seconds and tainted the resource).
// Not parallel: it sets process environment variables.
func TestAccProvider_tokenWithNewlineNeverSent(t *testing.T) {
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-nl")
	clearProviderEnv(t)
	t.Setenv(envAuthToken, e.Token+"\n")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "vpcep" {
  endpoint   = %q
  project_id = %q
}
resource "vpcep_connection_approval" "test" {
  service_id  = %q
  endpoint_id = %q
}
`, e.URL, e.ProjectID, svc, ep),
			ExpectError: expectErr(`Invalid auth_token.*environment variable VPCEP_AUTH_TOKEN.*trailing newline`),
		}},
	})
	if n := len(e.Mock.RequestCounts()); n != 0 {
		t.Errorf("the mock received requests: %v", e.Mock.RequestCounts())
	}
	if c, _ := e.Mock.Connection(svc, ep); c.Status != vpcepmock.StatusPendingAcceptance {
		t.Errorf("connection is %s, want it untouched", c.Status)
	}
}

// failingSource counts its retrievals and always fails.
type failingSource struct{ calls int }

func (s *failingSource) Name() string { return "failing" }

func (s *failingSource) Retrieve(context.Context) (client.Credentials, error) {
	s.calls++
	return client.Credentials{}, fmt.Errorf("no metadata service")
}

// TestUnitMetadataTriedOncePerInstance: a failed ECS metadata probe is not
// repeated by the same provider instance (a laptop pays the timeout once).
func TestUnitMetadataTriedOncePerInstance(t *testing.T) {
	t.Parallel()
	p := &vpcepProvider{}
	src := &failingSource{}
	for range 3 {
		if err := p.probeMetadata(context.Background(), "http://127.0.0.1:1", credentials.NewCache(src)); err == nil {
			t.Fatal("the probe succeeded")
		}
	}
	if src.calls != 1 {
		t.Errorf("metadata was asked %d times, want once", src.calls)
	}
}
