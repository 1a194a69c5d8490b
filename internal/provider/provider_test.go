package provider

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpcep/terraform-provider-vpcep/internal/settings"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// closedMetadataEndpoint is a loopback port nothing listens on: no test
// reaches the real ECS metadata address, and the probe fails at once.
const closedMetadataEndpoint = "http://127.0.0.1:1"

// clearProviderEnv unsets the provider's variables for the test, but keeps
// metadata on the closed port (t.Setenv restores them afterwards; such tests
// cannot be parallel).
func clearProviderEnv(t *testing.T) {
	t.Helper()
	for _, name := range settings.EnvNames() {
		t.Setenv(name, "")
	}
	t.Setenv(settings.MetadataEndpoint.Env[0], closedMetadataEndpoint)
}

// envProviderFactories serve a provider whose environment is env alone (and
// metadata on the closed port unless env names another), so that a test of
// environment variables runs in parallel with the others.
func envProviderFactories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	getenv := func(name string) string {
		if v, ok := env[name]; ok || name != settings.MetadataEndpoint.Env[0] {
			return v
		}
		return closedMetadataEndpoint
	}
	return map[string]func() (tfprotov6.ProviderServer, error){
		"vpcep": providerserver.NewProtocol6WithError(&vpcepProvider{version: "test", getenv: getenv}),
	}
}

// TestUnitProviderSchemaDescriptions catches a provider argument without a
// description (the docs would show it bare), and a token or AK/SK argument
// not marked sensitive (its value would show in plans).
func TestUnitProviderSchemaDescriptions(t *testing.T) {
	t.Parallel()
	var resp provider.SchemaResponse
	New("test")().Schema(context.Background(), provider.SchemaRequest{}, &resp)
	for name, a := range resp.Schema.Attributes {
		if a.GetMarkdownDescription() == "" {
			t.Errorf("attribute %s has no description", name)
		}
	}
	for _, name := range []string{settings.AuthToken.Attr, settings.AccessKey.Attr, settings.SecretKey.Attr} {
		if !resp.Schema.Attributes[name].IsSensitive() {
			t.Errorf("attribute %s is not sensitive", name)
		}
	}
}

// TestAccProvider_accessKeyAuth catches an apply with AK/SK whose requests
// the mock refuses (it verifies each SDK-HMAC-SHA256 signature).
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

// TestAccProvider_configErrors catches a configuration error in the
// provider block that is not an attribute error at plan time naming the
// attribute, its environment variable and the fix. None depends on the
// environment.
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
  access_key = "ak"`, `Missing secret_key.*Set secret_key in the provider block, or the environment variable VPCEP_SECRET_KEY \(or HW_SECRET_KEY, or HUAWEICLOUD_SDK_SK\)`},
		{"secret key alone", `
  endpoint   = "https://vpcep.example.com"
  project_id = "p"
  secret_key = "sk"`, `Missing access_key.*VPCEP_ACCESS_KEY \(or HW_ACCESS_KEY, or HUAWEICLOUD_SDK_AK\)`},
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

// TestAccProvider_wrongToken catches the API's 401 reaching the user
// without its code or request id.
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

// TestAccProvider_unknownConfig catches a provider argument unknown at plan
// time (from a resource in the same configuration) failing the plan instead
// of being configured at apply, when the value is known.
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

// TestAccProvider_envFallbacks catches a VPCEP_* or HW_* variable that does
// not configure the provider when the block sets nothing.
func TestAccProvider_envFallbacks(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"VPCEP token", map[string]string{settings.Endpoint.Env[0]: e.URL, settings.ProjectID.Env[0]: e.ProjectID, settings.AuthToken.Env[0]: e.Token}},
		{"VPCEP keys", map[string]string{settings.Endpoint.Env[0]: e.URL, settings.ProjectID.Env[0]: e.ProjectID, settings.AccessKey.Env[0]: e.AccessKey, settings.SecretKey.Env[0]: e.SecretKey}},
		{"HW keys and project", map[string]string{settings.Endpoint.Env[0]: e.URL, settings.ProjectID.Env[1]: e.ProjectID, settings.AccessKey.Env[1]: e.AccessKey, settings.SecretKey.Env[1]: e.SecretKey}},
		{"SDK keys and project", map[string]string{settings.Endpoint.Env[0]: e.URL, "HUAWEICLOUD_SDK_PROJECT_ID": e.ProjectID,
			"HUAWEICLOUD_SDK_AK": e.AccessKey, "HUAWEICLOUD_SDK_SK": e.SecretKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := e.NewService(t, true)
			ep := e.NewEndpoint(t, svc, "domain-env")
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: envProviderFactories(tt.env),
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

// TestAccProvider_envErrors catches a configuration error that depends on
// the environment accepted, or refused without naming the variable and the
// fix.
func TestAccProvider_envErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		env  map[string]string
		want string
	}{
		{"no region or endpoint", `  project_id = "p"
  auth_token = "t"`, nil, `Missing region or endpoint.*Set region \(or VPCEP_REGION, or HW_REGION_NAME, or HUAWEICLOUD_SDK_REGION\).*VPCEP_ENDPOINT`},
		{"no project and no region to look it up", `  endpoint   = "https://vpcep.example.com"
  auth_token = "t"`, nil, `Missing project_id.*VPCEP_PROJECT_ID \(or HW_PROJECT_ID, or HUAWEICLOUD_SDK_PROJECT_ID\).*project_name`},
		{"no credentials", `  region     = "eu-de"
  project_id = "p"`, nil, `(?s)Missing credentials.*Set either auth_token \(environment: VPCEP_AUTH_TOKEN\).*Sources tried, in order:.*the provider configuration: sets no credentials.*the environment: sets no credentials.*ECS instance metadata at http://127.0.0.1:1`},
		{"token and HW keys in env", `  region = "eu-de"`, map[string]string{settings.ProjectID.Env[0]: "p", settings.AuthToken.Env[0]: "t", settings.AccessKey.Env[1]: "ak", settings.SecretKey.Env[1]: "sk"},
			`Conflicting credentials.*The environment sets both a token \(VPCEP_AUTH_TOKEN\) and an access key \(HW_ACCESS_KEY/HW_SECRET_KEY\)`},
		{"secret key alone in env", `  region = "eu-de"`, map[string]string{settings.ProjectID.Env[1]: "p", settings.SecretKey.Env[1]: "sk"},
			`Missing access_key.*The environment sets a secret key \(HW_SECRET_KEY\) but no access key`},
		{"plain http endpoint in env", `  project_id = "p"
  auth_token = "t"`, map[string]string{settings.Endpoint.Env[0]: "http://vpcep.example.com"}, `Insecure endpoint.*from the environment variable VPCEP_ENDPOINT`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: envProviderFactories(tt.env),
				Steps: []resource.TestStep{{
					Config:      providerOnlyConfig(tt.body),
					PlanOnly:    true,
					ExpectError: expectErr(tt.want),
				}},
			})
		})
	}
}

// TestAccProvider_argumentErrors catches a bad provider argument not
// refused at plan time with its name and the fix. Before: max_retries = 1.5
// gave the framework's "Value Conversion Error", 21 was silently capped, a
// region with a slash reached the host name and auth_token = "" said
// "Missing credentials".
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

// TestAccProvider_tokenWithNewlineNeverSent catches a token with a trailing
// newline from the environment that is not refused at configure time, or
// that lets a request reach the API (before, the client retried for seconds
// and tainted the resource).
func TestAccProvider_tokenWithNewlineNeverSent(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	svc := e.NewService(t, true)
	ep := e.NewEndpoint(t, svc, "domain-nl")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envProviderFactories(map[string]string{settings.AuthToken.Env[0]: e.Token + "\n"}),
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

// TestAccProvider_skipMetadata catches skip_metadata still asking ECS
// metadata: without credentials the plan fails at once with "Missing
// credentials", and the metadata service (here the mock's) is never asked.
// Not parallel: it sets process environment variables.
func TestAccProvider_skipMetadata(t *testing.T) {
	e := newIAMTestEnv(t, time.Hour)
	clearProviderEnv(t)
	t.Setenv("HOME", t.TempDir())
	t.Setenv(settings.MetadataEndpoint.Env[0], e.URL)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      providerOnlyConfig(fmt.Sprintf("  endpoint      = %q\n  project_id    = %q\n  skip_metadata = true", e.URL, e.ProjectID)),
			PlanOnly:    true,
			ExpectError: expectErr(`Missing credentials.*ECS instance metadata: skipped \(skip_metadata = true`),
		}},
	})
	if n := countOf(e, vpcepmock.OpMetadataSecurityKey) + countOf(e, vpcepmock.OpMetadataSessionToken); n != 0 {
		t.Errorf("metadata was asked %d times", n)
	}
}
