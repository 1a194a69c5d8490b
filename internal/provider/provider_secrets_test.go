package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/vpcep/terraform-provider-vpcep/internal/settings"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Lines that prove the log file holds what the test looks through: the
// provider's own debug and trace lines, and Terraform's.
const (
	logProviderDebugLine = "VPCEP API call"    // the client's one debug line per attempt
	logProviderTraceLine = "VPCEP API request" // the client's trace line with (masked) headers
)

// logCLILine matches the CLI's own first log line, from Terraform or OpenTofu.
var logCLILine = regexp.MustCompile(`\[INFO\]\s+(Terraform|OpenTofu) version: `)

// signatureRecorder serves the mock and keeps every request signature it
// sees, so the test knows what must not leak.
type signatureRecorder struct {
	next http.Handler
	mu   sync.Mutex
	sigs map[string]bool
}

func (s *signatureRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Authorization: SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=<hex>
	if _, sig, ok := strings.Cut(r.Header.Get("Authorization"), "Signature="); ok {
		sig, _, _ = strings.Cut(sig, ",")
		s.mu.Lock()
		s.sigs[strings.TrimSpace(sig)] = true
		s.mu.Unlock()
	}
	s.next.ServeHTTP(w, r)
	// The IAM token an ID token was exchanged for is a secret too.
	if tok := w.Header().Get("X-Subject-Token"); tok != "" {
		s.mu.Lock()
		s.sigs[tok] = true
		s.mu.Unlock()
	}
}

func (s *signatureRecorder) signatures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.sigs))
	for sig := range s.sigs {
		out = append(out, sig)
	}
	return out
}

// noSecretsInState is a state check: the whole state, as JSON, contains
// none of the secrets.
type noSecretsInState struct{ secrets func() map[string]string }

func (c noSecretsInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil {
		resp.Error = fmt.Errorf("no state to check")
		return
	}
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if !strings.Contains(string(raw), "vpcep_connection_approval") {
		resp.Error = fmt.Errorf("the state holds no approval; nothing was checked")
		return
	}
	for name, secret := range c.secrets() {
		if strings.Contains(string(raw), secret) {
			resp.Error = fmt.Errorf("the state contains the %s", name)
			return
		}
	}
}

// lineWith returns the first line of text that contains s, cut to a
// readable length around it.
func lineWith(text, s string) string {
	i := strings.Index(text, s)
	if i < 0 {
		return ""
	}
	start := strings.LastIndexByte(text[:i], '\n') + 1
	end := len(text)
	if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
		end = i + j
	}
	if i-start > 400 {
		start = i - 400
	}
	if end-i > 400 {
		end = i + 400
	}
	return text[start:end]
}

// TestAccSecrets_notLogged catches a secret in the TRACE log file
// (Terraform's and the provider's lines) or in state: it applies and
// destroys an approval with each credential source (token, AK/SK, temporary
// keys, agency, OIDC, ECS metadata) and looks for the token, the secret
// keys, the security tokens, the ID token, the IAM token it was exchanged
// for and every request signature the mock saw. It sets process environment
// variables, so it cannot run in parallel.
func TestAccSecrets_notLogged(t *testing.T) {
	for _, auth := range []string{"token", "aksk", "security_token", "agency", "oidc", "metadata"} {
		t.Run(auth, func(t *testing.T) {
			clearProviderEnv(t)
			logFile := filepath.Join(t.TempDir(), "terraform.log")
			// TF_LOG sets the level of the in-process provider's log sink;
			// TF_ACC_LOG_PATH sends both the CLI's log (terraform-plugin-testing
			// passes it on as TF_LOG_PATH) and the provider's into the file.
			t.Setenv("TF_LOG", "TRACE")
			t.Setenv("TF_ACC_LOG", "TRACE") // the CLI's level; without it the CLI logs nothing
			t.Setenv("TF_ACC_LOG_PATH", logFile)
			t.Setenv("TF_LOG_PROVIDER", "TRACE")

			e := newIAMTestEnv(t, time.Hour)
			rec := &signatureRecorder{next: e.Mock, sigs: map[string]bool{}}
			srv := httptest.NewServer(rec)
			t.Cleanup(srv.Close)
			e.URL = srv.URL
			svc := e.NewService(t, true)
			ep := e.NewEndpoint(t, svc, "domain-secrets")

			// The credentials come from the environment, as in a pipeline.
			// Written into the HCL, they would be in the log anyway: the test
			// harness logs each step's configuration at TRACE.
			idToken := jwt("pipeline")
			t.Setenv("HOME", t.TempDir())
			switch auth {
			case "aksk":
				t.Setenv(settings.AccessKey.Env[0], e.AccessKey)
				t.Setenv(settings.SecretKey.Env[0], e.SecretKey)
			case "token":
				t.Setenv(settings.AuthToken.Env[0], e.Token)
			case "security_token":
				k := e.agencyKeys(t)
				t.Setenv(settings.AccessKey.Env[1], k.AccessKey)
				t.Setenv(settings.SecretKey.Env[1], k.SecretKey)
				t.Setenv(settings.SecurityToken.Env[1], k.SecurityToken)
			case "agency":
				t.Setenv(settings.AccessKey.Env[1], e.AccessKey)
				t.Setenv(settings.SecretKey.Env[1], e.SecretKey)
				t.Setenv(settings.AgencyName.Env[1], testAgency)
				t.Setenv(settings.DomainName.Env[1], testDomain)
			case "oidc":
				t.Setenv(settings.IdpID.Env[1], testIdP)
				t.Setenv(settings.IDToken.Env[1], idToken)
			case "metadata":
				t.Setenv(settings.MetadataEndpoint.Env[0], e.URL)
			}
			// No project_id: it is looked up through IAM, which is logged too.
			providerBlock := fmt.Sprintf(`
provider "vpcep" {
  endpoint     = %q
  iam_endpoint = %q
  region       = %q
}
`, e.URL, e.URL, vpcepmock.DefaultRegion)
			secrets := func() map[string]string {
				m := map[string]string{"token": e.Token, "secret key": e.SecretKey, "ID token": idToken}
				for i, sig := range rec.signatures() {
					m[fmt.Sprintf("signature or IAM token #%d", i+1)] = sig
				}
				for i, c := range e.Mock.IssuedCredentials() {
					m[fmt.Sprintf("temporary secret key #%d", i+1)] = c.SecretKey
					m[fmt.Sprintf("security token #%d", i+1)] = c.SecurityToken
				}
				return m
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             checkDestroyRejected(e, svc, ep),
				Steps: []resource.TestStep{{
					Config: providerBlock + fmt.Sprintf(`
resource "vpcep_connection_approval" "test" {
  service_id  = %q
  endpoint_id = %q
  description = "secrets test"
}
`, svc, ep),
					ConfigPlanChecks:  emptyPlanAfterApply,
					ConfigStateChecks: []statecheck.StateCheck{noSecretsInState{secrets: secrets}},
					Check:             checkMockConnection(e, svc, ep, vpcepmock.StatusAccepted, "secrets test"),
				}},
			})

			sigs := rec.signatures()
			if auth != "token" && len(sigs) == 0 {
				t.Fatal("the mock saw no signed request: the AK/SK case signed nothing")
			}
			if issued := len(e.Mock.IssuedCredentials()); (auth == "token" || auth == "aksk") != (issued == 0) {
				t.Errorf("%s: the mock issued %d temporary credentials", auth, issued)
			}
			if auth == "token" && len(sigs) != 0 {
				t.Errorf("the token case sent %d signed requests", len(sigs))
			}
			if auth == "oidc" && len(e.Mock.IssuedCredentials()) == 0 {
				t.Error("the OIDC case exchanged no ID token")
			}
			raw, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatalf("reading the log: %v", err)
			}
			log := string(raw)
			for _, line := range []string{logProviderDebugLine, logProviderTraceLine} {
				if !strings.Contains(log, line) {
					t.Errorf("the log (%d bytes) has no %q line from the provider: the test would prove nothing", len(log), line)
				}
			}
			if !logCLILine.MatchString(log) {
				t.Errorf("the log (%d bytes) has no line from the CLI (%s): the test would prove nothing", len(log), logCLILine)
			}
			if auth == "aksk" && !strings.Contains(log, e.AccessKey) {
				// The access key is not secret; the masked headers keep it,
				// which shows the Authorization header was logged (masked).
				t.Errorf("the log does not show the access key: the Authorization header was not logged at all")
			}
			for name, secret := range secrets() {
				if n := strings.Count(log, secret); n > 0 {
					t.Errorf("the log contains the %s %d times, first in this line (secret replaced):\n%s",
						name, n, strings.ReplaceAll(lineWith(log, secret), secret, "<"+name+">"))
				}
			}
			t.Logf("%s: %d bytes of TRACE log, %d signatures checked, no secret found", auth, len(log), len(sigs))
		})
	}
}
