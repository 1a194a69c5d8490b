package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/credentials"
	"github.com/vpcep/terraform-provider-vpcep/internal/settings"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Acceptance tests of every credential source, through the Terraform CLI
// against a mock that serves IAM and ECS metadata on the same listener.

const (
	testAgency = "ops-approver"
	testDomain = "acme"
	testIdP    = "ci-idp"
)

// newIAMTestEnv is newTestEnv with IAM: one agency, one identity provider,
// temporary credentials living ttl.
func newIAMTestEnv(t *testing.T, ttl time.Duration, opts ...func(*vpcepmock.Config)) *testEnv {
	t.Helper()
	return newTestEnv(t, append([]func(*vpcepmock.Config){func(c *vpcepmock.Config) {
		c.IAM = vpcepmock.IAMConfig{DomainName: testDomain, Agencies: []string{testAgency},
			IdentityProviders: []string{testIdP}, CredentialTTL: ttl}
	}}, opts...)...)
}

// approvals creates n pending endpoints on a new service and returns the
// service id and the endpoint ids.
func (e *testEnv) approvals(t *testing.T, n int) (string, []string) {
	t.Helper()
	svc := e.NewService(t, true)
	eps := make([]string, n)
	for i := range eps {
		eps[i] = e.NewEndpoint(t, svc, fmt.Sprintf("domain-%d", i))
	}
	return svc, eps
}

// authConfig is a provider block reaching the mock for the API and IAM,
// with no project_id (looked up from the region) and the given credential
// lines, plus one approval per endpoint.
func (e *testEnv) authConfig(credentialLines, svc string, eps []string) string {
	quoted, _ := json.Marshal(eps)
	return fmt.Sprintf(`
provider "vpcep" {
  endpoint     = %q
  iam_endpoint = %q
  region       = %q
%s
}
locals {
  endpoints = %s
}
resource "vpcep_connection_approval" "test" {
  count       = length(local.endpoints)
  service_id  = %q
  endpoint_id = local.endpoints[count.index]
}
`, e.URL, e.URL, vpcepmock.DefaultRegion, credentialLines, quoted, svc)
}

// checkAllAccepted checks every endpoint's connection in the mock and that
// no API request was refused.
func checkAllAccepted(e *testEnv, svc string, eps []string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, ep := range eps {
			if c, ok := e.Mock.Connection(svc, ep); !ok || c.Status != vpcepmock.StatusAccepted {
				return fmt.Errorf("connection %s is %q, want accepted", ep, c.Status)
			}
		}
		if n := e.Mock.RequestCounts()[vpcepmock.CountUnauthorized]; n != 0 {
			return fmt.Errorf("the mock refused %d requests as unauthorized", n)
		}
		return nil
	}
}

// agencyKeys assumes the test agency with the env's permanent keys.
func (e *testEnv) agencyKeys(t *testing.T) client.Credentials {
	t.Helper()
	iam, err := client.NewIAM(client.IAMConfig{Endpoint: e.URL})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := iam.AssumeAgency(context.Background(), client.Credentials{AccessKey: e.AccessKey, SecretKey: e.SecretKey},
		client.AssumeAgency{AgencyName: testAgency, DomainName: testDomain})
	if err != nil {
		t.Fatal(err)
	}
	return creds
}

// jwt is an unsigned, well-formed ID token for subject, valid for an hour.
func jwt(subject string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc([]byte(fmt.Sprintf(`{"sub":%q,"exp":%d}`, subject, time.Now().Add(time.Hour).Unix()))) + "." + enc([]byte("signature"))
}

// runAuthTest applies one approval per endpoint with the credential lines,
// checks them accepted, and runs check on the mock afterwards.
func runAuthTest(t *testing.T, e *testEnv, lines string, n int, check func(t *testing.T)) {
	t.Helper()
	svc, eps := e.approvals(t, n)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:           e.authConfig(lines, svc, eps),
			ConfigPlanChecks: emptyPlanAfterApply,
			Check:            checkAllAccepted(e, svc, eps),
		}},
	})
	if check != nil {
		check(t)
	}
}

// countOf is one request count of the mock.
func countOf(e *testEnv, op string) int { return e.Mock.RequestCounts()[op] }

// TestAccAuth_securityToken catches temporary keys that sign a call without
// their security token (the mock refuses a temporary AK without it), and a
// project id not taken from the region through IAM's project list.
func TestAccAuth_securityToken(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	k := e.agencyKeys(t)
	runAuthTest(t, e, fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  security_token = %q", k.AccessKey, k.SecretKey, k.SecurityToken), 2,
		func(t *testing.T) {
			if countOf(e, vpcepmock.OpKeystoneListProjects) == 0 || countOf(e, vpcepmock.OpCreateTemporaryAccessKeyByAgency) != 1 {
				t.Errorf("IAM requests %v: want project lookups and no exchange by the provider", e.Mock.RequestCounts())
			}
		})
}

// TestAccAuth_temporaryKeyWithoutToken catches a temporary AK/SK configured
// without its security token failing with an error that does not say so.
func TestAccAuth_temporaryKeyWithoutToken(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	k := e.agencyKeys(t)
	svc, eps := e.approvals(t, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: strings.Replace(e.authConfig(fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  project_id = %q",
				k.AccessKey, k.SecretKey, e.ProjectID), svc, eps), "  region ", "  # region ", 1),
			ExpectError: expectErr(`APIGW.0301.*x-security-token not found`),
		}},
	})
}

// TestAccAuth_assumeRole catches a call made with the permanent keys
// instead of the agency's, and more than one exchange or project lookup per
// provider instance.
func TestAccAuth_assumeRole(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	lines := fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  assume_role {\n    agency_name = %q\n    domain_name = %q\n    duration = 900\n  }",
		e.AccessKey, e.SecretKey, testAgency, testDomain)
	runAuthTest(t, e, lines, 3, func(t *testing.T) {
		lookups, exchanges := countOf(e, vpcepmock.OpKeystoneListProjects), countOf(e, vpcepmock.OpCreateTemporaryAccessKeyByAgency)
		if exchanges == 0 || exchanges != lookups {
			t.Errorf("%d agency exchanges and %d project lookups, want one of each per provider instance", exchanges, lookups)
		}
		for _, c := range e.Mock.IssuedCredentials() {
			if c.Method != "assume_role" || c.ProjectID != e.ProjectID {
				t.Errorf("issued %+v, want agency keys for project %s", c.Method, e.ProjectID)
			}
		}
	})
}

// TestAccAuth_assumeRoleRefused catches an agency the keys may not assume
// reported otherwise than as a configuration error carrying IAM's 403.
func TestAccAuth_assumeRoleRefused(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	svc, eps := e.approvals(t, 1)
	lines := fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  assume_role {\n    agency_name = \"root\"\n    domain_name = %q\n  }",
		e.AccessKey, e.SecretKey, testDomain)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{Config: e.authConfig(lines, svc, eps),
			ExpectError: expectErr(`Cannot obtain credentials.*agency root.*HTTP 403 IAM.0003`)}},
	})
}

// TestAccAuth_oidcTokenFile catches a CI pipeline's ID token file read
// once: the keys live 3 s, shorter than the apply, the file is rewritten
// after each exchange, and every exchange must show a new subject, renewals
// included.
func TestAccAuth_oidcTokenFile(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, 3*time.Second, func(c *vpcepmock.Config) { c.TransitionDelay = 1500 * time.Millisecond })
	file := filepath.Join(t.TempDir(), "id-token")
	if err := os.WriteFile(file, []byte(jwt("gen-0")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Rotate the token after each exchange, as a CI system does over time.
	done := make(chan struct{})
	var rotations atomic.Int32
	go func() {
		seen := 0
		for {
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if n := len(e.Mock.IssuedCredentials()); n > seen {
				seen = n
				_ = os.WriteFile(file, []byte(jwt(fmt.Sprintf("gen-%d", n))+"\n"), 0o600)
				rotations.Add(1)
			}
		}
	}()
	lines := fmt.Sprintf("  assume_role_with_oidc {\n    idp_id = %q\n    id_token_file = %q\n  }", testIdP, file)
	runAuthTest(t, e, lines, 20, func(t *testing.T) {
		close(done)
		issued := e.Mock.IssuedCredentials()
		subjects := map[string]bool{}
		for _, c := range issued {
			if c.Method != "token" {
				t.Errorf("issued a %s credential, want only OIDC-federated ones", c.Method)
			}
			subjects[c.Subject] = true
		}
		if len(subjects) != len(issued) || len(issued) < 3 {
			t.Errorf("%d exchanges with %d distinct ID tokens (%v): want the file read again at every exchange, and a renewal during the apply",
				len(issued), len(subjects), subjects)
		}
	})
}

// TestAccAuth_projectName catches project_name not picking the sub-project
// through IAM's project list, or approvals landing in another project.
func TestAccAuth_projectName(t *testing.T) {
	t.Parallel()
	sub := vpcepmock.RandomHex(16)
	subName := vpcepmock.DefaultRegion + "_dev"
	e := newIAMTestEnv(t, time.Hour, func(c *vpcepmock.Config) {
		c.Credentials = append(c.Credentials, vpcepmock.Credential{ProjectID: sub, AccessKey: "SUBAK", SecretKey: "SUBSK"})
		c.IAM.Projects = map[string]string{subName: sub}
	})
	svc := vpcepmock.NewID()
	e.Mock.CreateService(sub, vpcepmock.ServiceSpec{ID: svc, Name: "sub"})
	ep := vpcepmock.NewID()
	if _, err := e.Mock.CreateEndpoint(sub, vpcepmock.EndpointSpec{ID: ep, ServiceID: svc, DomainID: "d"}); err != nil {
		t.Fatal(err)
	}
	lines := fmt.Sprintf("  project_name = %q\n  access_key = \"SUBAK\"\n  secret_key = \"SUBSK\"", subName)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{Config: e.authConfig(lines, svc, []string{ep}), ConfigPlanChecks: emptyPlanAfterApply,
			Check: checkAllAccepted(e, svc, []string{ep})}},
	})
}

// TestAccAuth_wrongRegion catches a region IAM lists no project for failing
// on every resource instead of as one error naming the region.
func TestAccAuth_wrongRegion(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	svc, eps := e.approvals(t, 1)
	cfg := strings.Replace(e.authConfig(fmt.Sprintf("  access_key = %q\n  secret_key = %q", e.AccessKey, e.SecretKey), svc, eps),
		fmt.Sprintf("%q", vpcepmock.DefaultRegion), `"xx-nowhere-1"`, 1)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: cfg, ExpectError: expectErr(`Wrong region or project name.*lists 0 projects named "xx-nowhere-1"`)}},
	})
	if n := countOf(e, vpcepmock.OpAcceptOrRejectEndpoint); n != 0 {
		t.Errorf("%d actions were sent with a wrong region", n)
	}
}

// hcloudFile writes an hcloud CLI config file with the given profiles.
func hcloudFile(t *testing.T, dir, current string, profiles ...map[string]any) string {
	t.Helper()
	raw, err := json.Marshal(map[string]any{"current": current, "profiles": profiles})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestAccAuth_profiles catches an hcloud profile mode (AKSK, SSO with
// temporary keys, one naming an agency) that does not give its credentials
// and region, and a default other than the file's current profile.
func TestAccAuth_profiles(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	k := e.agencyKeys(t)
	file := hcloudFile(t, t.TempDir(), "aksk",
		map[string]any{"name": "aksk", "mode": "AKSK", "accessKeyId": e.AccessKey, "secretAccessKey": e.SecretKey, "region": vpcepmock.DefaultRegion},
		map[string]any{"name": "sso", "mode": "SSO", "region": vpcepmock.DefaultRegion,
			"ssoAuth": map[string]any{"stsToken": map[string]any{"accessKeyId": k.AccessKey, "secretAccessKey": k.SecretKey, "securityToken": k.SecurityToken}}},
		map[string]any{"name": "agency", "mode": "AKSK", "accessKeyId": e.AccessKey, "secretAccessKey": e.SecretKey,
			"region": vpcepmock.DefaultRegion, "agencyName": testAgency, "agencyDomainName": testDomain},
	)
	for _, tt := range []struct{ profile, wantMethod string }{{"", ""}, {"sso", ""}, {"agency", "assume_role"}} {
		t.Run("profile "+tt.profile, func(t *testing.T) {
			before := len(e.Mock.IssuedCredentials())
			lines := fmt.Sprintf("  shared_config_file = %q", file)
			if tt.profile != "" {
				lines += fmt.Sprintf("\n  profile = %q", tt.profile)
			}
			// The region comes from the profile: drop it from the block.
			svc, eps := e.approvals(t, 2)
			cfg := strings.Replace(e.authConfig(lines, svc, eps), fmt.Sprintf("  region       = %q\n", vpcepmock.DefaultRegion), "", 1)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: cfg, ConfigPlanChecks: emptyPlanAfterApply, Check: checkAllAccepted(e, svc, eps)}},
			})
			issued := e.Mock.IssuedCredentials()[before:]
			if (tt.wantMethod == "") != (len(issued) == 0) {
				t.Errorf("profile %q: the provider obtained %d credentials, want exchanges only for an agency profile", tt.profile, len(issued))
			}
		})
	}
}

// TestAccAuth_profileProjectOtherRegion catches a profile's projectId sent
// with another region: the block's region wins, and the project is looked up
// for it instead of taking the profile's.
func TestAccAuth_profileProjectOtherRegion(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	file := hcloudFile(t, t.TempDir(), "other", map[string]any{"name": "other", "mode": "AKSK", "accessKeyId": e.AccessKey,
		"secretAccessKey": e.SecretKey, "region": "ap-southeast-3", "projectId": vpcepmock.RandomHex(16)})
	e.Mock.ResetRequestCounts()
	runAuthTest(t, e, fmt.Sprintf("  shared_config_file = %q", file), 1, func(t *testing.T) {
		if countOf(e, vpcepmock.OpKeystoneListProjects) == 0 {
			t.Error("the project was never looked up for the block's region")
		}
	})
}

// TestAccAuth_profileFileOpenToOthersWarns catches an hcloud config file
// holding keys that other users may change being used without a word: the
// run warns, once, and still applies.
func TestAccAuth_profileFileOpenToOthersWarns(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	file := hcloudFile(t, t.TempDir(), "p", map[string]any{"name": "p", "mode": "AKSK", "accessKeyId": e.AccessKey,
		"secretAccessKey": e.SecretKey})
	if err := os.Chmod(file, 0o666); err != nil {
		t.Fatal(err)
	}
	svc, eps := e.approvals(t, 1)
	r := newCLIRun(t, requiredProviders+e.authConfig(fmt.Sprintf("  shared_config_file = %q", file), svc, eps))
	out, code := r.run("apply", "-auto-approve", "-no-color", "-input=false")
	if code != 0 {
		t.Fatalf("apply failed:\n%s", out)
	}
	if n := strings.Count(out, "Warning: Credentials file open to other users"); n != 1 || !strings.Contains(out, "chmod 600") {
		t.Errorf("the apply warned %d times (want once, with the fix):\n%s", n, out)
	}
	if err := checkAllAccepted(e, svc, eps)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccAuth_metadataAndDefaultProfile catches, with nothing configured,
// the hcloud CLI's default file not used when it exists, or ECS metadata
// not used otherwise, with and without its session token. Not parallel: it
// sets HOME and variables.
func TestAccAuth_metadataAndDefaultProfile(t *testing.T) {
	for _, tt := range []struct {
		name         string
		noToken      bool
		defaultFile  bool
		wantSessions int
	}{{name: "metadata with session token"}, {name: "metadata without session token", noToken: true}, {name: "default hcloud file", defaultFile: true}} {
		t.Run(tt.name, func(t *testing.T) {
			clearProviderEnv(t)
			e := newIAMTestEnv(t, time.Hour, func(c *vpcepmock.Config) { c.IAM.MetadataWithoutSessionToken = tt.noToken })
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv(settings.MetadataEndpoint.Env[0], e.URL)
			if tt.defaultFile {
				if err := os.MkdirAll(filepath.Join(home, ".hcloud"), 0o700); err != nil {
					t.Fatal(err)
				}
				hcloudFile(t, filepath.Join(home, ".hcloud"), "default", map[string]any{"name": "default", "mode": "AKSK",
					"accessKeyId": e.AccessKey, "secretAccessKey": e.SecretKey})
			}
			runAuthTest(t, e, "", 2, func(t *testing.T) {
				md := countOf(e, vpcepmock.OpMetadataSecurityKey)
				switch {
				case tt.defaultFile && md != 0:
					t.Errorf("the default hcloud file exists, yet metadata was asked %d times", md)
				case !tt.defaultFile && md == 0:
					t.Error("metadata was never asked")
				case !tt.defaultFile && countOf(e, vpcepmock.OpMetadataSessionToken) != md:
					t.Errorf("%d security key requests but %d session token requests: the session token must be asked first",
						md, countOf(e, vpcepmock.OpMetadataSessionToken))
				}
			})
		})
	}
}

// TestAccAuth_expiryDuringApply catches keys that expire during an apply
// (they live 3 s; 20 approvals outlive them): a failure, a request refused
// because renewal came too late, or more than one renewal per expiry per
// provider instance.
func TestAccAuth_expiryDuringApply(t *testing.T) {
	t.Parallel()
	const ttl = 3 * time.Second
	e := newIAMTestEnv(t, ttl, func(c *vpcepmock.Config) { c.TransitionDelay = 2 * time.Second })
	lines := fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  assume_role {\n    agency_name = %q\n    domain_name = %q\n  }",
		e.AccessKey, e.SecretKey, testAgency, testDomain)
	start := time.Now()
	runAuthTest(t, e, lines, 20, func(t *testing.T) {
		elapsed := time.Since(start)
		instances := countOf(e, vpcepmock.OpKeystoneListProjects) // one lookup per provider instance
		exchanges := countOf(e, vpcepmock.OpCreateTemporaryAccessKeyByAgency)
		// The CLI runs its commands (and so the provider instances) one after
		// another: together they may renew once per 90% of a lifetime
		// (renewal starts in the last tenth), plus each instance's first exchange.
		limit := instances + 1 + int(elapsed/(ttl*9/10))
		t.Logf("%s: %d provider instances, %d agency exchanges (limit %d)", elapsed.Round(time.Millisecond), instances, exchanges, limit)
		if exchanges <= instances {
			t.Errorf("%d exchanges for %d instances: the keys never expired during the apply; the test proves nothing", exchanges, instances)
		}
		if exchanges > limit {
			t.Errorf("%d exchanges, more than one per expiry (limit %d)", exchanges, limit)
		}
	})
}

// TestAccAuth_iamRequestsPerProviderInstance catches IAM requests that grow
// with the number of resources: a test step applying 10 approvals with each
// credential source (plan, apply and the plan after it, each a provider
// instance) must cost each instance the project lookup and its source's
// exchange, once. Not parallel: it sets the environment the in-process
// provider reads.
func TestAccAuth_iamRequestsPerProviderInstance(t *testing.T) {
	// IAM requests per provider instance: the project lookup, plus the
	// exchange (OIDC: ID token, then keys; metadata: session token, then keys).
	const approvals = 10 // any number above 1 tells per instance from per resource
	perInstance := map[string]int{"access keys": 1, "security token": 1, "agency": 2, "oidc": 3, "metadata": 3, "profile": 1}
	for _, source := range []string{"access keys", "security token", "agency", "oidc", "metadata", "profile"} {
		t.Run(source, func(t *testing.T) {
			clearProviderEnv(t)
			t.Setenv("HOME", t.TempDir())
			e := newIAMTestEnv(t, time.Hour)
			var lines string
			switch source {
			case "access keys":
				lines = fmt.Sprintf("  access_key = %q\n  secret_key = %q", e.AccessKey, e.SecretKey)
			case "security token":
				k := e.agencyKeys(t)
				lines = fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  security_token = %q", k.AccessKey, k.SecretKey, k.SecurityToken)
			case "agency":
				lines = fmt.Sprintf("  access_key = %q\n  secret_key = %q\n  assume_role {\n    agency_name = %q\n    domain_name = %q\n  }",
					e.AccessKey, e.SecretKey, testAgency, testDomain)
			case "oidc":
				lines = fmt.Sprintf("  assume_role_with_oidc {\n    idp_id = %q\n    id_token = %q\n  }", testIdP, jwt("ci"))
			case "metadata":
				t.Setenv(settings.MetadataEndpoint.Env[0], e.URL)
			case "profile":
				lines = fmt.Sprintf("  shared_config_file = %q", hcloudFile(t, t.TempDir(), "p", map[string]any{"name": "p", "mode": "AKSK",
					"accessKeyId": e.AccessKey, "secretAccessKey": e.SecretKey}))
			}
			e.Mock.ResetRequestCounts()
			before := e.Mock.IAMRequestCount()
			runAuthTest(t, e, lines, approvals, nil)
			counts := e.Mock.RequestCounts()
			by := map[string]int{}
			for _, op := range vpcepmock.IAMOperations {
				if counts[op] > 0 {
					by[op] = counts[op]
				}
			}
			instances := counts[vpcepmock.OpKeystoneListProjects]
			total := e.Mock.IAMRequestCount() - before
			t.Logf("IAM requests for %d approvals with %s: %d over %d provider instances (%v)", approvals, source, total, instances, by)
			if total != instances*perInstance[source] {
				t.Errorf("%d IAM requests for %d provider instances, want %d each, whatever the number of resources", total, instances, perInstance[source])
			}
		})
	}
}

// TestUnitRenewalRefusedByIAMBlamesIAM catches an ID token that IAM refuses
// during a run reading as the VPCEP API refusing auth_token or access_key:
// the request never reached the VPCEP API, and the error says IAM refused the
// ID token.
func TestUnitRenewalRefusedByIAMBlamesIAM(t *testing.T) {
	t.Parallel()
	e := newIAMTestEnv(t, time.Hour)
	iam, err := client.NewIAM(client.IAMConfig{Endpoint: e.URL})
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	expired := enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(fmt.Sprintf(`{"sub":"ci","exp":%d}`, time.Now().Add(-time.Minute).Unix()))) + ".x"
	src := credentials.OIDC{IAM: iam, IdpID: testIdP, IDToken: expired}
	c, err := client.New(client.Config{Endpoint: e.URL, ProjectID: e.ProjectID, Credentials: credentials.NewCache(src)})
	if err != nil {
		t.Fatal(err)
	}
	e.Mock.ResetRequestCounts()
	_, err = c.GetConnection(context.Background(), vpcepmock.NewID(), vpcepmock.NewID())
	d := apiErrorDiag("Error reading the VPC endpoint connection", "Check service_id and endpoint_id.", err)
	for _, want := range []string{"never reached the VPCEP API", "IAM failed. IAM refused the ID token", "IAM API error: HTTP 401"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("%q does not say %q", d.Detail(), want)
		}
	}
	for _, wrong := range []string{"auth_token", "did not accept the provider's credentials", "VPCEP API error"} {
		if strings.Contains(d.Detail(), wrong) {
			t.Errorf("%q says %q", d.Detail(), wrong)
		}
	}
	if n := countOf(e, vpcepmock.OpListServiceConnections); n != 0 {
		t.Errorf("the VPCEP API was called %d times without credentials", n)
	}
}
