package settings

import (
	"os"
	"path/filepath"
	"testing"
)

// writeProfile writes an hcloud config file holding one AKSK profile with
// the given region and project, and returns its path.
func writeProfile(t *testing.T, region, projectID string, mode os.FileMode) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config.json")
	doc := `{"current":"p","profiles":[{"name":"p","mode":"AKSK","accessKeyId":"AK","secretAccessKey":"SK","region":"` +
		region + `","projectId":"` + projectID + `"}]}`
	if err := os.WriteFile(file, []byte(doc), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return file
}

// TestUnitProfileProjectOnlyInItsRegion catches a profile's projectId being
// sent with another region (its project does not exist there): it applies
// only when the region in effect is the profile's.
func TestUnitProfileProjectOnlyInItsRegion(t *testing.T) {
	t.Parallel()
	file := writeProfile(t, "eu-west-101", "eeee", 0o600)
	tests := []struct {
		name        string
		region      *string
		env         map[string]string
		wantRegion  string
		wantProject string // "" = looked up for the region
	}{
		{name: "the profile's region", wantRegion: "eu-west-101", wantProject: "eeee"},
		{name: "the same region in the block, other case", region: str(" EU-West-101"), wantRegion: "eu-west-101", wantProject: "eeee"},
		{name: "another region in the block", region: str("ap-southeast-3"), wantRegion: "ap-southeast-3"},
		{name: "another region in VPCEP_REGION", env: map[string]string{Region.Env[0]: "ap-southeast-3"}, wantRegion: "ap-southeast-3"},
		{name: "another region in HW_REGION_NAME", env: map[string]string{Region.Env[1]: "ap-southeast-3"}, wantRegion: "ap-southeast-3"},
	}
	for _, tt := range tests {
		s, errs := Resolve(Config{Region: tt.region, SharedConfigFile: &file}, func(k string) string { return tt.env[k] })
		if len(errs) != 0 {
			t.Errorf("%s: %v", tt.name, errs)
			continue
		}
		if s.Region != tt.wantRegion || s.Client.ProjectID != tt.wantProject {
			t.Errorf("%s: region %q, project %q; want %q, %q", tt.name, s.Region, s.Client.ProjectID, tt.wantRegion, tt.wantProject)
		}
	}
}

// fsMode is a permission mode.
func fsMode(m uint32) os.FileMode { return os.FileMode(m) }
