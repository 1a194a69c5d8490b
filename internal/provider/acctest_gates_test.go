package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TestUnitAcceptanceCLINeverDownloads catches acceptance tests that, with
// TF_ACC set and no CLI at hand, skip as if they had passed, or let
// terraform-plugin-testing download a Terraform release: each case without a
// usable CLI is an error naming the variable to set.
func TestUnitAcceptanceCLINeverDownloads(t *testing.T) {
	t.Parallel()
	onPath := func(name string) (string, error) {
		if name == "terraform" || name == "/opt/tf" {
			return "/usr/bin/" + strings.TrimPrefix(name, "/opt/"), nil
		}
		return "", errors.New("not found")
	}
	nowhere := func(string) (string, error) { return "", errors.New("not found") }
	for _, tc := range []struct {
		name     string
		env      map[string]string
		lookPath func(string) (string, error)
		want     string
		wantErr  string // "" for no error
	}{
		{"unit tests only", map[string]string{}, nowhere, "", ""},
		{"exact path", map[string]string{envAcc: "1", envTerraformPath: "/opt/tf"}, onPath, "/usr/bin/tf", ""},
		{"path that is no executable", map[string]string{envAcc: "1", envTerraformPath: "/opt/none"}, onPath, "", "TF_ACC_TERRAFORM_PATH=/opt/none is not an executable"},
		{"terraform on PATH", map[string]string{envAcc: "1"}, onPath, "/usr/bin/terraform", ""},
		{"no CLI anywhere", map[string]string{envAcc: "1"}, nowhere, "", "never download one: set TF_ACC_TERRAFORM_PATH"},
		{"a version to download", map[string]string{envAcc: "1", envTerraformVersion: "1.15.0"}, onPath, "", "TF_ACC_TERRAFORM_VERSION=1.15.0 asks terraform-plugin-testing to download"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := acceptanceCLI(func(k string) string { return tc.env[k] }, tc.lookPath)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error %v, want the CLI %q", err, tc.want)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error %v, want one containing %q", err, tc.wantErr)
			case got != tc.want:
				t.Errorf("CLI %q, want %q", got, tc.want)
			}
		})
	}
}

// TestUnitVersionGateFailsWhenAllGatesRequired catches a version gate that
// skips on the CI leg whose CLI must run every gated test
// (VPCEP_REQUIRE_ALL_GATES): there its skip becomes an error, elsewhere it
// stays a skip, and a new enough CLI passes either way.
func TestUnitVersionGateFailsWhenAllGatesRequired(t *testing.T) {
	t.Parallel()
	check := tfversion.SkipBelow(tfversion.Version1_14_0)
	for _, tc := range []struct {
		name      string
		required  bool
		old       bool
		wantSkip  bool
		wantError bool
	}{
		{"old CLI, gates may skip", false, true, true, false},
		{"old CLI, every gate required", true, true, false, true},
		{"new CLI, every gate required", true, false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := tfversion.CheckTerraformVersionRequest{TerraformVersion: tfversion.Version1_15_0}
			if tc.old {
				req.TerraformVersion = tfversion.Version1_11_0
			}
			var resp tfversion.CheckTerraformVersionResponse
			versionGate{check, func() bool { return tc.required }}.CheckTerraformVersion(context.Background(), req, &resp)
			if (resp.Skip != "") != tc.wantSkip || (resp.Error != nil) != tc.wantError {
				t.Errorf("skip %q, error %v; want skip %v, error %v", resp.Skip, resp.Error, tc.wantSkip, tc.wantError)
			}
			if tc.wantError && !strings.Contains(resp.Error.Error(), envRequireAllGates) {
				t.Errorf("error %q does not name %s", resp.Error, envRequireAllGates)
			}
		})
	}
}
