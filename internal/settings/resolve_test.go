package settings

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/credentials"
)

// str is a set string argument.
func str(s string) *string { return &s }

// TestUnitDefaultEndpoint catches a region given the host of another cloud
// (.com, .eu, the OTC regions' t-systems.com).
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

// TestUnitParseBaseURL catches an endpoint accepted that must be refused
// (plain http off loopback, no https, no host, a query, user information,
// not a URL), a loopback one refused, a trailing slash or /v1 kept, a proxy
// path dropped, or an error put on another attribute.
func TestUnitParseBaseURL(t *testing.T) {
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
		got, err := ParseBaseURL(tt.in, "test", Endpoint.Attr)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseBaseURL(%q): unexpected error %s: %s", tt.in, err.Summary, err.Detail)
		case tt.wantErr == "" && got != tt.want:
			t.Errorf("ParseBaseURL(%q) = %q, want %q", tt.in, got, tt.want)
		case tt.wantErr != "" && err == nil:
			t.Errorf("ParseBaseURL(%q) = %q, want an error containing %q", tt.in, got, tt.wantErr)
		case tt.wantErr != "" && !strings.Contains(err.Summary+err.Detail, tt.wantErr):
			t.Errorf("ParseBaseURL(%q) error %q / %q, want it to contain %q", tt.in, err.Summary, err.Detail, tt.wantErr)
		case err != nil && err.Attr != Endpoint.Attr:
			t.Errorf("ParseBaseURL(%q) error is on %q, want %q", tt.in, err.Attr, Endpoint.Attr)
		}
	}
}

// TestUnitParseBaseURLRedactsPassword catches the password of an endpoint
// with user information appearing in the diagnostic that refuses it,
// whether or not url.Parse accepts it.
func TestUnitParseBaseURLRedactsPassword(t *testing.T) {
	t.Parallel()
	const secret = "s3cretPW"
	for _, in := range []string{
		"https://user:" + secret + "@vpcep.example.com",
		"http://user:" + secret + "@10.0.0.1",
		"https://user:" + secret + "@vpc ep.example.com",   // url.Parse fails
		"https://user:" + secret + "@vpcep.example.com:8x", // bad port
		"user:" + secret + "@vpcep.example.com",            // no scheme
	} {
		_, err := ParseBaseURL(in, "test", Endpoint.Attr)
		if err == nil {
			t.Errorf("ParseBaseURL(%q) accepted user information", in)
			continue
		}
		if strings.Contains(err.Summary+err.Detail, secret) {
			t.Errorf("ParseBaseURL(%q) diagnostic shows the password: %s: %s", in, err.Summary, err.Detail)
		}
		if !strings.Contains(err.Detail, "example.com") && !strings.Contains(err.Detail, "10.0.0.1") {
			t.Errorf("ParseBaseURL(%q) diagnostic does not name the host: %s", in, err.Detail)
		}
	}
}

// TestUnitResolveSettings catches a wrong precedence (configuration, then
// VPCEP_*, then HW_*) and a configuration error missed or worded without
// its fix, without touching the process environment.
func TestUnitResolveSettings(t *testing.T) {
	t.Parallel()
	base := func() Config { return Config{} }
	with := func(f func(*Config)) Config { m := base(); f(&m); return m }
	tests := []struct {
		name    string
		cfg     Config
		env     map[string]string
		want    client.Config // compared on Endpoint, ProjectID, credentials, MaxRetries, Insecure
		wantErr []string      // attribute path and words the error must contain
	}{
		{
			name: "all from config",
			cfg: with(func(m *Config) {
				m.Region, m.ProjectID, m.AuthToken = str("eu-west-101"), str("p1"), str("tok")
				m.MaxRetries, m.Insecure = big.NewFloat(2), true
			}),
			env:  map[string]string{AccessKey.Env[0]: "ignored", SecretKey.Env[0]: "ignored", ProjectID.Env[0]: "ignored"},
			want: client.Config{Endpoint: "https://vpcep.eu-west-101.myhuaweicloud.eu", ProjectID: "p1", AuthToken: "tok", MaxRetries: 2, Insecure: true},
		},
		{
			name: "VPCEP env",
			cfg:  base(),
			env: map[string]string{Region.Env[0]: "eu-de", Region.Env[1]: "ap-southeast-1", ProjectID.Env[0]: "p2", ProjectID.Env[1]: "hw",
				AuthToken.Env[0]: "tok2"},
			want: client.Config{Endpoint: "https://vpcep.eu-de.otc.t-systems.com", ProjectID: "p2", AuthToken: "tok2", MaxRetries: DefaultMaxRetries},
		},
		{
			name: "HW env as second fallback",
			cfg:  base(),
			env:  map[string]string{Region.Env[1]: "ap-southeast-3", ProjectID.Env[1]: "p3", AccessKey.Env[1]: "ak", SecretKey.Env[1]: "sk"},
			want: client.Config{Endpoint: "https://vpcep.ap-southeast-3.myhuaweicloud.com", ProjectID: "p3", AccessKey: "ak", SecretKey: "sk", MaxRetries: DefaultMaxRetries},
		},
		{
			name: "VPCEP keys win over HW keys; endpoint env wins over region",
			cfg:  base(),
			env: map[string]string{Endpoint.Env[0]: "http://127.0.0.1:1", Region.Env[0]: "eu-de", ProjectID.Env[0]: "p", AccessKey.Env[0]: "ak1",
				AccessKey.Env[1]: "ak2", SecretKey.Env[0]: "sk1", SecretKey.Env[1]: "sk2"},
			want: client.Config{Endpoint: "http://127.0.0.1:1", ProjectID: "p", AccessKey: "ak1", SecretKey: "sk1", MaxRetries: DefaultMaxRetries},
		},
		{
			name:    "missing region and endpoint",
			cfg:     with(func(m *Config) { m.ProjectID, m.AuthToken = str("p"), str("t") }),
			wantErr: []string{Region.Attr, "Missing region or endpoint", Region.Env[0], Region.Env[1], Endpoint.Env[0]},
		},
		{
			name:    "missing project and no region to look it up",
			cfg:     with(func(m *Config) { m.Endpoint, m.AuthToken = str("https://vpcep.example.com"), str("t") }),
			wantErr: []string{ProjectID.Attr, "Missing project_id", ProjectID.Env[0], ProjectID.Env[1], ProjectName.Attr},
		},
		{
			name: "project looked up from the region",
			cfg:  with(func(m *Config) { m.Region, m.AuthToken = str("eu-de"), str("t") }),
			want: client.Config{Endpoint: "https://vpcep.eu-de.otc.t-systems.com", AuthToken: "t", MaxRetries: DefaultMaxRetries},
		},
		{
			name: "token and keys in config",
			cfg: with(func(m *Config) {
				m.Region, m.ProjectID, m.AuthToken, m.AccessKey = str("eu-de"), str("p"), str("t"), str("ak")
			}),
			wantErr: []string{AuthToken.Attr, "Conflicting credentials", "remove either auth_token, or access_key and secret_key"},
		},
		{
			name: "temporary keys from HW env",
			cfg:  with(func(m *Config) { m.Region, m.ProjectID = str("eu-de"), str("p") }),
			env:  map[string]string{AccessKey.Env[1]: "ak", SecretKey.Env[1]: "sk", SecurityToken.Env[1]: "st"},
			want: client.Config{Endpoint: "https://vpcep.eu-de.otc.t-systems.com", ProjectID: "p", AccessKey: "ak", SecretKey: "sk",
				SecurityToken: "st", MaxRetries: DefaultMaxRetries},
		},
		{
			name:    "token and keys in env",
			cfg:     with(func(m *Config) { m.Region, m.ProjectID = str("eu-de"), str("p") }),
			env:     map[string]string{AuthToken.Env[0]: "t", AccessKey.Env[1]: "ak", SecretKey.Env[1]: "sk"},
			wantErr: []string{AuthToken.Attr, "Conflicting credentials", "remove either VPCEP_AUTH_TOKEN, or HW_ACCESS_KEY and HW_SECRET_KEY"},
		},
		{
			// Was reported as "a token and an access key", with no access key set.
			name:    "token and a stray security token in env",
			cfg:     with(func(m *Config) { m.Region, m.ProjectID = str("eu-de"), str("p") }),
			env:     map[string]string{AuthToken.Env[0]: "t", SecurityToken.Env[1]: "st"},
			wantErr: []string{SecurityToken.Attr, "Conflicting credentials", "a security token (" + SecurityToken.Env[1] + ")", "remove " + SecurityToken.Env[1]},
		},
		{
			name:    "access key without secret in config",
			cfg:     with(func(m *Config) { m.Region, m.ProjectID, m.AccessKey = str("eu-de"), str("p"), str("ak") }),
			wantErr: []string{SecretKey.Attr, "Missing secret_key", SecretKey.Env[0], SecretKey.Env[1]},
		},
		{
			name:    "secret without access key in env",
			cfg:     with(func(m *Config) { m.Region, m.ProjectID = str("eu-de"), str("p") }),
			env:     map[string]string{SecretKey.Env[0]: "sk"},
			wantErr: []string{AccessKey.Attr, "Missing access_key", AccessKey.Env[0], AccessKey.Env[1]},
		},
		{
			name:    "plain http to a remote host from env",
			cfg:     with(func(m *Config) { m.ProjectID, m.AuthToken = str("p"), str("t") }),
			env:     map[string]string{Endpoint.Env[0]: "http://vpcep.example.com"},
			wantErr: []string{Endpoint.Attr, "Insecure endpoint", "environment variable VPCEP_ENDPOINT"},
		},
		{
			name: "negative max_retries",
			cfg: with(func(m *Config) {
				m.Region, m.ProjectID, m.AuthToken, m.MaxRetries = str("eu-de"), str("p"), str("t"), big.NewFloat(-1)
			}),
			wantErr: []string{MaxRetries.Attr, "Invalid max_retries", "got: -1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, errs := Resolve(tt.cfg, func(k string) string { return tt.env[k] })
			got := s.Client
			l := s.Choice.Layer
			got.AuthToken, got.AccessKey, got.SecretKey, got.SecurityToken = l.AuthToken.V, l.AccessKey.V, l.SecretKey.V, l.SecurityToken.V
			if len(tt.wantErr) == 0 {
				if len(errs) != 0 {
					t.Fatalf("unexpected errors: %v", errs)
				}
				if got != tt.want {
					t.Fatalf("got %+v\nwant %+v", got, tt.want)
				}
				return
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors (%v), want 1", len(errs), errs)
			}
			if errs[0].Attr == "" {
				t.Fatalf("error %q names no attribute", errs[0].Summary)
			}
			text := fmt.Sprintf("%s %s %s", errs[0].Attr, errs[0].Summary, errs[0].Detail)
			for _, w := range tt.wantErr {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not contain %q", text, w)
				}
			}
		})
	}
}

// TestUnitRegionNormalised catches an upper-case or padded region deriving
// another host than its lower-case form (it derived .com for EU-WEST-101),
// and a region with characters that would change the host name accepted.
func TestUnitRegionNormalised(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"EU-WEST-101":    "https://vpcep.eu-west-101.myhuaweicloud.eu",
		" eu-de ":        "https://vpcep.eu-de.otc.t-systems.com",
		"Ap-Southeast-3": "https://vpcep.ap-southeast-3.myhuaweicloud.com",
	} {
		cfg := Config{Region: str(in), ProjectID: str("p"), AuthToken: str("t")}
		got, errs := Resolve(cfg, func(string) string { return "" })
		if len(errs) != 0 || got.Client.Endpoint != want {
			t.Errorf("region %q: endpoint %q (%v), want %q", in, got.Client.Endpoint, errs, want)
		}
	}
	for _, in := range []string{"eu/west-101", "evil.com", "eu-west-101.evil.com", "eu west", "-eu", "eu-", "eu-west-101/../x", ""} {
		if _, d := normalizeRegion(in, Region.Attr); d == nil || d.Attr != Region.Attr || !strings.Contains(d.Detail, "region") {
			t.Errorf("region %q was accepted (%v)", in, d)
		}
	}
}

// Catches: region "eu_west_101" (from the block or VPCEP_REGION) gave three
// errors for one mistake: "Invalid region", then "Missing region or endpoint"
// and "Missing project_id" for what the region would have given.
func TestUnitBadRegionIsOneError(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		cfg  Config
		env  map[string]string
		from string
	}{
		"attribute": {cfg: Config{Region: str("eu_west_101"), AuthToken: str("t")}, from: "(from region)"},
		"env":       {cfg: Config{AuthToken: str("t")}, env: map[string]string{"VPCEP_REGION": "eu_west_101"}, from: "(from VPCEP_REGION)"},
	} {
		_, errs := Resolve(tt.cfg, func(k string) string { return tt.env[k] })
		if len(errs) != 1 {
			t.Errorf("%s: %d errors, want 1: %v", name, len(errs), errs)
			continue
		}
		d := errs[0]
		for _, want := range []string{`"eu_west_101"`, tt.from, `probably "eu-west-101"`, "Fix region (or VPCEP_REGION"} {
			if d.Attr != Region.Attr || !strings.Contains(d.Detail, want) {
				t.Errorf("%s: error on %q lacks %q: %s", name, d.Attr, want, d.Detail)
			}
		}
	}
}

// Catches: a project id that is not an id ("../../etc", "my project") was
// sent in request paths with a credential, whatever its source, and came back
// as a 403 about permissions.
func TestUnitProjectIDIsCheckedLocally(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cfg  Config
		env  map[string]string
		want string
	}{
		{cfg: Config{Endpoint: str("https://x"), ProjectID: str("../../etc"), AuthToken: str("t")}, want: `"../../etc" (from project_id) has '.' at position 1`},
		{cfg: Config{Endpoint: str("https://x"), AuthToken: str("t")}, env: map[string]string{"HW_PROJECT_ID": "my project"}, want: `"my project" (from HW_PROJECT_ID) has ' ' at position 3`},
	} {
		_, errs := Resolve(tt.cfg, func(k string) string { return tt.env[k] })
		if len(errs) != 1 || errs[0].Attr != ProjectID.Attr || !strings.Contains(errs[0].Detail, tt.want) || !strings.Contains(errs[0].Detail, "VPCEP_PROJECT_ID") {
			t.Errorf("Resolve: %v, want one error on project_id with %q and VPCEP_PROJECT_ID", errs, tt.want)
		}
		if tt.cfg.ProjectID != nil {
			if errs := Check(tt.cfg, true); len(errs) != 1 || !strings.Contains(errs[0].Detail, tt.want) {
				t.Errorf("Check: %v, want the same error at validate time", errs)
			}
		}
	}
	if _, errs := Resolve(Config{Endpoint: str("https://x"), ProjectID: str("0123456789abcdef0123456789abcdef"), AuthToken: str("t")}, func(string) string { return "" }); len(errs) != 0 {
		t.Errorf("a real project id was refused: %v", errs)
	}
}

// TestUnitMaxRetriesRange catches a max_retries that is not a whole number
// from 0 to the cap accepted; a value above the cap was silently lowered to
// 20.
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
		got, d := maxRetries(big.NewFloat(tt.in))
		switch {
		case tt.err == "" && (d != nil || got != tt.want):
			t.Errorf("max_retries %v: got %d, %v", tt.in, got, d)
		case tt.err != "" && (d == nil || !strings.Contains(d.Detail, tt.err) || !strings.Contains(d.Detail, "from 0 (no retries) to 20")):
			t.Errorf("max_retries %v: error %v, want one containing %q and the range", tt.in, d, tt.err)
		}
	}
}

// TestUnitCredentialValues catches an empty token reported as "no
// credentials found" instead of as the empty token, and a credential with a
// trailing newline or other whitespace not refused before any request (it
// made the client retry a request net/http could never send).
func TestUnitCredentialValues(t *testing.T) {
	t.Parallel()
	base := Config{Region: str("eu-de"), ProjectID: str("p")}
	tests := []struct {
		name string
		cfg  func(*Config)
		env  map[string]string
		want []string
	}{
		{"empty auth_token", func(m *Config) { m.AuthToken = str("") }, nil,
			[]string{AuthToken.Attr, "Empty auth_token", AuthToken.Env[0]}},
		{"auth_token with a newline", func(m *Config) { m.AuthToken = str("tok\n") }, nil,
			[]string{AuthToken.Attr, "Invalid auth_token", AuthToken.Env[0], "trailing newline"}},
		{"secret_key with a space", func(m *Config) {
			m.AccessKey, m.SecretKey = str("ak"), str("s k")
		}, nil, []string{SecretKey.Attr, "Invalid secret_key", SecretKey.Env[0]}},
		{"VPCEP_AUTH_TOKEN with a newline", nil, map[string]string{AuthToken.Env[0]: "tok\n"},
			[]string{AuthToken.Attr, "Invalid auth_token", "environment variable " + AuthToken.Env[0]}},
		{"HW_ACCESS_KEY with a tab", nil, map[string]string{AccessKey.Env[1]: "ak\t", SecretKey.Env[1]: "sk"},
			[]string{AccessKey.Attr, "Invalid access_key", "environment variable " + AccessKey.Env[1]}},
	}
	for _, tt := range tests {
		cfg := base
		if tt.cfg != nil {
			tt.cfg(&cfg)
		}
		_, errs := Resolve(cfg, func(k string) string { return tt.env[k] })
		if len(errs) != 1 {
			t.Errorf("%s: got %d errors (%v), want 1", tt.name, len(errs), errs)
			continue
		}
		text := fmt.Sprintf("%s %s %s", errs[0].Attr, errs[0].Summary, errs[0].Detail)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: error %q does not contain %q", tt.name, text, w)
			}
		}
	}
}

// failingSource counts its retrievals and always fails.
type failingSource struct{ calls int }

func (s *failingSource) Name() string { return "failing" }

func (s *failingSource) Retrieve(context.Context) (client.Credentials, error) {
	s.calls++
	return client.Credentials{}, fmt.Errorf("no metadata service")
}

// TestUnitMetadataTriedOncePerInstance catches a failed ECS metadata probe
// repeated by the same provider instance (a laptop would pay the timeout at
// every call).
func TestUnitMetadataTriedOncePerInstance(t *testing.T) {
	t.Parallel()
	var p MetadataProbes
	src := &failingSource{}
	for range 3 {
		if err := p.probe(context.Background(), "http://127.0.0.1:1", credentials.NewCache(src)); err == nil {
			t.Fatal("the probe succeeded")
		}
	}
	if src.calls != 1 {
		t.Errorf("metadata was asked %d times, want once", src.calls)
	}
}
