package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnitSelectPrecedence catches a wrong credential precedence (the
// provider block over the environment, over the default hcloud file, over
// ECS metadata), and two kinds of credential in one place accepted.
func TestUnitSelectPrecedence(t *testing.T) {
	t.Parallel()
	cfg := func(f func(*Layer)) Layer {
		l := Layer{Name: "the provider configuration", AuthToken: Value{From: AuthToken.Attr}, AccessKey: Value{From: AccessKey.Attr},
			SecretKey: Value{From: SecretKey.Attr}, SecurityToken: Value{From: SecurityToken.Attr}}
		if f != nil {
			f(&l)
		}
		return l
	}
	env := func(f func(*Layer)) Layer {
		l := Layer{Name: "the environment", AuthToken: Value{From: AuthToken.Env[0]}, AccessKey: Value{From: AccessKey.Env[0]},
			SecretKey: Value{From: SecretKey.Env[0]}, SecurityToken: Value{From: SecurityToken.Env[0]}}
		if f != nil {
			f(&l)
		}
		return l
	}
	token := func(l *Layer) { l.AuthToken.V = "t" }
	keys := func(l *Layer) { l.AccessKey.V, l.SecretKey.V = "ak", "sk" }
	tempKeys := func(l *Layer) { l.AccessKey.V, l.SecretKey.V, l.SecurityToken.V = "ak", "sk", "st" }
	oidc := func(l *Layer) { l.OIDC = &OIDCSettings{IdpID: "idp", IDTokenFile: "/f", From: "x"} }
	profile := func(l *Layer) { l.Profile.V = "ci" }
	const defaultFile = "/home/u/.hcloud/config.json"
	tests := []struct {
		name       string
		cfg, env   func(*Layer)
		fileExists bool
		noMetadata bool
		assume     bool
		badAssume  bool
		want       Kind
		wantLayer  string
		wantErr    string
	}{
		{name: "config token over env keys", cfg: token, env: keys, want: KindToken, wantLayer: "the provider configuration"},
		{name: "config keys over env token", cfg: keys, env: token, want: KindKeys, wantLayer: "the provider configuration"},
		{name: "config temporary keys", cfg: tempKeys, want: KindKeys, wantLayer: "the provider configuration"},
		{name: "config OIDC over env keys", cfg: oidc, env: keys, want: KindOIDC, wantLayer: "the provider configuration"},
		{name: "config profile over env token", cfg: profile, env: token, want: KindProfile, wantLayer: "the provider configuration"},
		{name: "env keys over default file", env: keys, fileExists: true, want: KindKeys, wantLayer: "the environment"},
		{name: "env OIDC", env: oidc, want: KindOIDC, wantLayer: "the environment"},
		{name: "env profile", env: profile, want: KindProfile, wantLayer: "the environment"},
		{name: "default file over metadata", fileExists: true, want: KindProfile},
		{name: "metadata last", want: KindMetadata},
		{name: "keys with an agency", cfg: keys, assume: true, want: KindKeys, wantLayer: "the provider configuration"},
		{name: "metadata with an agency", assume: true, want: KindMetadata},
		{name: "nothing and metadata off", noMetadata: true, wantErr: "Missing credentials"},
		{name: "token and keys in config", cfg: func(l *Layer) { token(l); keys(l) }, wantErr: "remove either auth_token, or access_key and secret_key"},
		{name: "token and keys in env", env: func(l *Layer) { token(l); keys(l) }, wantErr: "remove either VPCEP_AUTH_TOKEN"},
		{name: "keys and OIDC in env", env: func(l *Layer) { keys(l); oidc(l) }, wantErr: "more than one kind of credentials (access keys, OIDC)"},
		{name: "security token alone", cfg: func(l *Layer) { l.SecurityToken.V = "st" }, wantErr: "Security token without keys"},
		{name: "token with an agency", cfg: token, assume: true, wantErr: "assume_role needs access keys"},
		{name: "OIDC with an agency block", env: oidc, assume: true, wantErr: "inside the assume_role_with_oidc block"},
		{name: "incomplete agency over metadata", badAssume: true, wantErr: "Incomplete assume_role"},
		{name: "OIDC without a token", cfg: func(l *Layer) { l.OIDC = &OIDCSettings{IdpID: "idp", From: "x"} }, wantErr: "exactly one of id_token or id_token_file"},
	}
	for _, tt := range tests {
		s := Chain{Layers: []Layer{cfg(tt.cfg), env(tt.env)}, DefaultSharedConfigFile: defaultFile, DisableMetadata: tt.noMetadata}
		if tt.assume {
			s.AssumeRole = &AssumeRoleSettings{AgencyName: "ops", DomainName: "acme"}
		}
		if tt.badAssume {
			s.AssumeRole = &AssumeRoleSettings{DomainName: "acme"}
		}
		ch, err := Select(s, func(f string) bool { return tt.fileExists && f == defaultFile })
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Summary+": "+err.Detail, tt.wantErr) {
				t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%s: unexpected error %v", tt.name, err)
		case ch.Kind != tt.want || ch.Layer.Name != tt.wantLayer:
			t.Errorf("%s: chose %s from %q, want %s from %q", tt.name, ch.Kind, ch.Layer.Name, tt.want, tt.wantLayer)
		}
	}
	// The error when nothing applies names every source tried.
	_, err := Select(Chain{Layers: []Layer{cfg(nil), env(nil)}, DefaultSharedConfigFile: defaultFile, DisableMetadata: true},
		func(string) bool { return false })
	for _, want := range []string{"the provider configuration: sets no credentials", "the environment: sets no credentials", defaultFile + ": not found"} {
		if err == nil || !strings.Contains(err.Detail, want) {
			t.Errorf("missing-credentials error %v does not say %q", err, want)
		}
	}
}

// TestUnitLoadProfile catches an hcloud profile (AKSK or SSO mode, the
// file's current one, one naming an agency) read wrong, and an unusable
// profile accepted or refused without its error.
func TestUnitLoadProfile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "config.json")
	doc := `{"current":"sso","profiles":[
 {"name":"default","mode":"AKSK","accessKeyId":"AK1","secretAccessKey":"SK1","region":"eu-west-101","projectId":"p1"},
 {"name":"sso","mode":"SSO","region":"ap-southeast-3","ssoAuth":{"stsToken":{"accessKeyId":"AK2","secretAccessKey":"SK2","securityToken":"ST2"}}},
 {"name":"ops","mode":"AKSK","accessKeyId":"AK3","secretAccessKey":"SK3","agencyName":"ops","agencyDomainName":"acme"},
 {"name":"web","mode":"ServerlessToken"},
 {"name":"empty","mode":"AKSK"}]}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProfile(file, "")
	if err != nil || p.Name != "sso" || p.Keys.AccessKey != "AK2" || p.Keys.SecurityToken != "ST2" || p.Region != "ap-southeast-3" {
		t.Errorf("current profile: %+v %v", p, err)
	}
	if p, err := LoadProfile(file, "default"); err != nil || p.Keys.AccessKey != "AK1" || p.ProjectID != "p1" || p.Agency != nil {
		t.Errorf("default profile: %+v %v", p, err)
	}
	if p, err := LoadProfile(file, "ops"); err != nil || p.Agency == nil || p.Agency.AgencyName != "ops" || p.Agency.DomainName != "acme" {
		t.Errorf("agency profile: %+v %v", p, err)
	}
	for name, want := range map[string]string{"web": `mode "ServerlessToken"`, "empty": "no access key", "missing": `no profile "missing"`} {
		if _, err := LoadProfile(file, name); err == nil || !strings.Contains(err.Detail, want) {
			t.Errorf("profile %s: %v, want an error containing %q", name, err, want)
		}
	}
}
