package settings

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock/mocktest"
)

// idToken is an unsigned, well-formed ID token expiring at exp.
func idToken(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(fmt.Sprintf(`{"sub":"ci","exp":%d}`, exp.Unix()))) + "." + enc([]byte("sig"))
}

// TestUnitConnectNamesWhatFailed catches credential errors that blame the
// wrong thing: an ID token IAM refused read as the VPCEP API refusing
// auth_token and was labelled "VPCEP API error"; expired temporary keys
// refused by IAM's project list advised setting project_id.
func TestUnitConnectNamesWhatFailed(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	srv := mocktest.Start(t, vpcepmock.Config{IAM: vpcepmock.IAMConfig{DomainName: "acme",
		Agencies: []string{"ops"}, IdentityProviders: []string{"ci"}, CredentialTTL: ttl}})
	iam, err := client.NewIAM(client.IAMConfig{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	temporary, err := iam.AssumeAgency(context.Background(), client.Credentials{AccessKey: srv.AccessKey, SecretKey: srv.SecretKey},
		client.AssumeAgency{AgencyName: "ops", DomainName: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(ttl + 100*time.Millisecond) // the temporary keys expire

	base := func() Config {
		return Config{Endpoint: str(srv.URL), IAMEndpoint: str(srv.URL), Region: str(vpcepmock.DefaultRegion)}
	}
	tests := []struct {
		name          string
		cfg           func(*Config)
		attr          string
		want, wantNot []string
	}{
		{name: "ID token refused by IAM", cfg: func(c *Config) {
			c.OIDC = &OIDCConfig{IdpID: "ci", IDToken: str(idToken(time.Now().Add(-time.Hour)))}
		}, attr: OIDC.Attr,
			want:    []string{"Cannot obtain credentials", "IAM failed. IAM refused the ID token", "IAM API error: HTTP 401"},
			wantNot: []string{"VPCEP API error", AuthToken.Attr}},
		{name: "ID token file missing", cfg: func(c *Config) {
			c.OIDC = &OIDCConfig{IdpID: "ci", IDTokenFile: "/nonexistent/id-token"}
		}, attr: OIDC.Attr, want: []string{"the ID token file /nonexistent/id-token failed", "Check that the file exists"},
			wantNot: []string{"IAM endpoint"}},
		{name: "agency refused", cfg: func(c *Config) {
			c.AccessKey, c.SecretKey = str(srv.AccessKey), str(srv.SecretKey)
			c.AssumeRole = &AssumeRoleSettings{AgencyName: "root", DomainName: "acme"}
		}, attr: AuthToken.Attr, want: []string{"IAM failed. IAM refused to assume agency root", "IAM API error: HTTP 403"},
			wantNot: []string{"VPCEP API error"}},
		{name: "expired security token in the project lookup", cfg: func(c *Config) {
			c.AccessKey, c.SecretKey, c.SecurityToken = str(temporary.AccessKey), str(temporary.SecretKey), str(temporary.SecurityToken)
		}, attr: AuthToken.Attr, want: []string{"Credentials refused by IAM", "Temporary keys expire", "security_token together"},
			wantNot: []string{ProjectID.Attr, "VPCEP API error"}},
	}
	for _, tt := range tests {
		cfg := base()
		tt.cfg(&cfg)
		s, errs := Resolve(cfg, func(string) string { return "" })
		if len(errs) != 0 {
			t.Errorf("%s: %v", tt.name, errs)
			continue
		}
		_, err := s.Connect(context.Background(), "test", &MetadataProbes{})
		if err == nil {
			t.Errorf("%s: connected", tt.name)
			continue
		}
		text := err.Summary + ": " + err.Detail
		if err.Attr != tt.attr {
			t.Errorf("%s: error on %q, want %q", tt.name, err.Attr, tt.attr)
		}
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q does not say %q", tt.name, text, w)
			}
		}
		for _, w := range tt.wantNot {
			if strings.Contains(text, w) {
				t.Errorf("%s: %q says %q", tt.name, text, w)
			}
		}
	}
}

// TestUnitIncompleteAssumeRoleSaysNotMerged catches the advice to set the
// variable the user had set: the block is not merged with the environment,
// and the error says so.
func TestUnitIncompleteAssumeRoleSaysNotMerged(t *testing.T) {
	t.Parallel()
	keys := Config{Region: str("eu-de"), ProjectID: str("p"), AccessKey: str("ak"), SecretKey: str("sk")}
	block := keys
	block.AssumeRole = &AssumeRoleSettings{AgencyName: "ops"}
	env := map[string]string{DomainName.Env[1]: "acme"}
	_, errs := Resolve(block, func(k string) string { return env[k] })
	if len(errs) != 1 || !strings.Contains(errs[0].Detail, "not merged with the environment variables") ||
		!strings.Contains(errs[0].Detail, "set the missing arguments in the block") {
		t.Errorf("block without domain: %v", errs)
	}
	env = map[string]string{AgencyName.Env[0]: "ops"}
	_, errs = Resolve(keys, func(k string) string { return env[k] })
	if len(errs) != 1 || !strings.Contains(errs[0].Detail, "The environment names an agency") ||
		!strings.Contains(errs[0].Detail, DomainName.Env[0]) || strings.Contains(errs[0].Detail, "block") {
		t.Errorf("environment without domain: %v", errs)
	}
}

// TestUnitProfileFileOpenToOthersWarns catches an hcloud config file holding
// keys that other users may read or change being used without a word.
func TestUnitProfileFileOpenToOthersWarns(t *testing.T) {
	t.Parallel()
	for mode, want := range map[uint32]bool{0o600: false, 0o400: false, 0o640: true, 0o604: true, 0o666: true} {
		file := writeProfile(t, "eu-de", "p", fsMode(mode))
		s, errs := Resolve(Config{SharedConfigFile: &file}, func(string) string { return "" })
		if len(errs) != 0 {
			t.Fatalf("mode %o: %v", mode, errs)
		}
		if got := len(s.Warnings) == 1; got != want {
			t.Errorf("mode %o: warnings %v, want one: %v", mode, s.Warnings, want)
			continue
		}
		if want && (s.Warnings[0].Attr != SharedConfigFile.Attr || !strings.Contains(s.Warnings[0].Detail, "chmod 600 "+file)) {
			t.Errorf("mode %o: warning %v does not name the file and the fix", mode, s.Warnings[0])
		}
	}
}
