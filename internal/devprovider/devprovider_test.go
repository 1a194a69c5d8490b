package devprovider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Catches: an override written for another address, or without the direct
// block that lets other providers install.
func TestUnitWriteCLIConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cli.tfrc")
	if err := WriteCLIConfig(path, "/opt/bin"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"vpcep/vpcep" = "/opt/bin"`, "direct {}"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("CLI configuration lacks %q:\n%s", want, got)
		}
	}
}

// Catches: an override order that changes from run to run.
func TestUnitCLIConfigSorted(t *testing.T) {
	got := CLIConfig(map[string]string{"z/z": "/z", "a/a": "/a"})
	if strings.Index(got, `"a/a"`) > strings.Index(got, `"z/z"`) {
		t.Errorf("overrides are not sorted by address:\n%s", got)
	}
}
