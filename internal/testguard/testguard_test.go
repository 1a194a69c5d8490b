package testguard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// TestUnitGuardRefusesEverythingOffLoopback catches a guard that lets a test
// probe the real metadata address or resolve a cloud's host name: both are
// refused before any packet leaves, and noted, while loopback still works.
// Not parallel: it sets the guard's log.
func TestUnitGuardRefusesEverythingOffLoopback(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "guard.log")
	t.Setenv(EnvLog, logFile)
	Install()
	ctx := context.Background()

	if _, err := client.NewMetadata(client.DefaultMetadataEndpoint, time.Second).SecurityKey(ctx); err == nil || !strings.Contains(err.Error(), "loopback guard") {
		t.Errorf("metadata at %s: %v, want the guard's refusal", client.DefaultMetadataEndpoint, err)
	}
	iam, err := client.NewIAM(client.IAMConfig{Endpoint: "https://iam.eu-de.otc.t-systems.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iam.ProjectsByName(ctx, client.Credentials{AuthToken: "t"}, "eu-de"); err == nil || !strings.Contains(err.Error(), "loopback guard") {
		t.Errorf("IAM on a cloud host: %v, want the guard's refusal", err)
	}
	resp, err := (&http.Client{}).Get("http://vpcep.invalid/")
	if err == nil {
		resp.Body.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "loopback guard") {
		t.Errorf("a name lookup outside the clients: %v, want the guard's refusal", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }))
	defer srv.Close()
	if _, err := client.NewMetadata(srv.URL, time.Second).SecurityKey(ctx); err != nil && strings.Contains(err.Error(), "loopback guard") {
		t.Errorf("loopback was refused: %v", err)
	}

	noted, _ := os.ReadFile(logFile)
	for _, want := range []string{"dial 169.254.169.254:80", "dial iam.eu-de.otc.t-systems.com:443", "DNS query"} {
		if !strings.Contains(string(noted), want) {
			t.Errorf("the guard's log does not note %q:\n%s", want, noted)
		}
	}
	for _, ok := range []string{"127.0.0.1:9", "[::1]:443", "localhost:80", "LOCALHOST:1"} {
		if err := Loopback(ok); err != nil {
			t.Errorf("Loopback(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"169.254.169.254:80", "10.0.0.1:443", "vpcep.example.com:443", "localhost.example.com:80"} {
		if Loopback(bad) == nil {
			t.Errorf("Loopback(%q) accepted", bad)
		}
	}
}

// TestUnitEveryTestBinaryIsGuarded catches a package whose tests run without
// the guard: every folder with tests has a TestMain that calls Main.
func TestUnitEveryTestBinaryIsGuarded(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root {
			// testdata, hidden folders and other modules (with their own go.mod) are not this module's tests.
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == "." {
			return nil
		}
		dir := filepath.Dir(path)
		if filepath.Base(dir) == "testguard" {
			return nil
		}
		tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go"))
		for _, f := range tests {
			if b, _ := os.ReadFile(f); strings.Contains(string(b), "testguard.Main(m)") {
				return nil
			}
		}
		t.Errorf("%s has tests but no TestMain calling testguard.Main", dir)
		return filepath.SkipDir
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUnitEnvironmentOfTestProcesses catches a Terraform CLI started by a
// test (e.g. `terraform version`) resolving HashiCorp's version-check host,
// and a provider started by a test probing the real metadata address: Main
// sets both variables for every process the tests start, and keeps a value
// a test or the caller set. Not parallel: it sets variables.
func TestUnitEnvironmentOfTestProcesses(t *testing.T) {
	t.Setenv(EnvCheckpointDisable, "")
	t.Setenv(EnvMetadataEndpoint, "")
	setEnv()
	if os.Getenv(EnvCheckpointDisable) != "1" || os.Getenv(EnvMetadataEndpoint) != ClosedEndpoint {
		t.Errorf("CHECKPOINT_DISABLE=%q VPCEP_METADATA_ENDPOINT=%q", os.Getenv(EnvCheckpointDisable), os.Getenv(EnvMetadataEndpoint))
	}
	t.Setenv(EnvMetadataEndpoint, "http://127.0.0.1:18080")
	setEnv()
	if os.Getenv(EnvMetadataEndpoint) != "http://127.0.0.1:18080" {
		t.Errorf("a metadata endpoint set before was replaced: %q", os.Getenv(EnvMetadataEndpoint))
	}
}
