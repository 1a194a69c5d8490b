//go:build !windows

package provider

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/settings"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// examplesRoot is the repository root seen from this package's directory.
const examplesRoot = moduleRoot

// The ids the example configurations use, and the fixtures that create them.
const (
	exampleFixtures       = "examples/demo/fixtures.json"
	exampleModuleFixtures = "examples/modules/allowlist/tests/fixtures.json"
	exampleServiceID      = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
	exampleModuleService  = "7e1d0c9b-2a3f-4b5c-8d6e-9f0a1b2c3d4e"
	exampleAllowedDomain  = "aaaa1111aaaa1111aaaa1111aaaa1111"
)

// exampleConfig is one configuration a user can copy: the files of its
// working directory and the fixtures that hold the ids it uses.
type exampleConfig struct {
	name     string
	files    map[string]string
	fixtures string
	// modules says `terraform get` must install local modules first.
	modules bool
}

// exampleConfigs lists every configuration under examples/ and the README's
// headline example. A documentation page shows each .tf file of a resource
// or data source directory on its own, so each is applied on its own.
func exampleConfigs(t *testing.T) []exampleConfig {
	t.Helper()
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(examplesRoot, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// Documentation snippets leave the source out; versions.tf adds it so that the dev_overrides match.
	snippet := func(rel string) exampleConfig {
		return exampleConfig{name: rel, fixtures: exampleFixtures,
			files: map[string]string{"main.tf": read(rel), "versions.tf": requiredProviders}}
	}
	moduleDir, err := filepath.Abs(filepath.Join(examplesRoot, "examples/modules/allowlist"))
	if err != nil {
		t.Fatal(err)
	}
	return []exampleConfig{
		{name: "examples/provider/provider.tf", fixtures: exampleFixtures,
			files: map[string]string{"main.tf": read("examples/provider/provider.tf")}},
		snippet("examples/resources/vpcep_connection_approval/resource.tf"),
		snippet("examples/resources/vpcep_connection_approval/import-by-block.tf"),
		snippet("examples/resources/vpcep_connection_policy/resource.tf"),
		snippet("examples/resources/vpcep_connection_policy/import-by-block.tf"),
		snippet("examples/data-sources/vpcep_connection/data-source.tf"),
		snippet("examples/data-sources/vpcep_connections/data-source.tf"),
		{name: "examples/demo/main.tf", fixtures: exampleFixtures,
			files: map[string]string{"main.tf": read("examples/demo/main.tf")}},
		{name: "examples/modules/allowlist", fixtures: exampleModuleFixtures, modules: true,
			files: map[string]string{"main.tf": requiredProviders + fmt.Sprintf(`
provider "vpcep" {}

module "allowlist" {
  source = %q

  service_id         = %q
  allowed_domain_ids = [%q]
}

output "undecidable" {
  value = module.allowlist.undecidable
}
`, moduleDir, exampleModuleService, exampleAllowedDomain)}},
		// The README's example is a complete configuration: only its variables' values are added.
		{name: "README.md", fixtures: exampleFixtures,
			files: map[string]string{"main.tf": readmeHeadlineExample(t, read("README.md")), "terraform.tfvars": fmt.Sprintf(
				"service_id = %q\nallowed_domain_ids = [%q]\n", exampleServiceID, exampleAllowedDomain)}},
	}
}

// exampleSkipped are the .tf files under examples/ that exampleConfigs does
// not apply, with the reason.
var exampleSkipped = map[string]string{
	"examples/modules/allowlist/main.tf":      "part of the allowlist module",
	"examples/modules/allowlist/outputs.tf":   "part of the allowlist module",
	"examples/modules/allowlist/variables.tf": "part of the allowlist module",
	"examples/modules/allowlist/versions.tf":  "part of the allowlist module",
	"examples/modules/allowlist/tests/new-consumers/main.tf": "a helper of the allowlist module's terraform test suite; " +
		"needs the standalone mock's /_mock/ controls",
	"examples/actions/vpcep_connection_decision/action.tf": "an action: needs Terraform 1.14 and is " +
		"invoked, not applied; its own CLI test covers it",
	"examples/actions/vpcep_connection_decision/action-trigger.tf": "an action: needs Terraform 1.14; its own CLI test covers it",
}

// readmeHeadlineExample is the first ```terraform block of the README.
func readmeHeadlineExample(t *testing.T, readme string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)```terraform\n(.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```terraform block")
	}
	return m[1]
}

// exampleFixturesFor loads a fixtures file for the mock, re-homed to the
// mock's own project, plus a failed and a deleting connection on every service:
// an example that tries to decide them fails its apply for everyone.
func exampleFixturesFor(t *testing.T, rel string) vpcepmock.Fixtures {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	f, err := vpcepmock.ParseFixtures(data)
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	for i := range f.Services {
		s := &f.Services[i]
		s.ProjectID = "" // the mock's first credential's project
		if !slices.ContainsFunc(s.Connections, func(c vpcepmock.FixtureConnection) bool { return c.Status == client.StatusFailed }) {
			s.Connections = append(s.Connections, vpcepmock.FixtureConnection{
				ID: "f0000000-0000-4000-8000-0000000000f1", DomainID: exampleAllowedDomain, Status: client.StatusFailed,
				Error: []vpcepmock.QueryError{{ErrorCode: "Endpoint.2056", ErrorMessage: "The endpoint's port could not be created"}},
			})
		}
		if !slices.ContainsFunc(s.Connections, func(c vpcepmock.FixtureConnection) bool { return c.Status == client.StatusDeleting }) {
			s.Connections = append(s.Connections, vpcepmock.FixtureConnection{
				ID: "f0000000-0000-4000-8000-0000000000f2", DomainID: exampleAllowedDomain, Status: client.StatusDeleting, Hold: true,
			})
		}
		for j := range s.Connections {
			s.Connections[j].ProjectID = ""
		}
	}
	return f
}

// Catches: an example configuration that does not converge (the resource
// page's Example Usage managed one connection in two resources, so its
// description flipped on every apply; one failed consumer failed every
// allow-list example's apply). Each example is applied with the real CLI
// against a mock seeded with the ids it uses, then planned: the plan must be
// empty, and no connection may be managed twice.
func TestAccExamplesApplyThenPlanEmpty(t *testing.T) {
	base := newCLIRun(t, "")
	examples := exampleConfigs(t)
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, func(c *vpcepmock.Config) {
				f := exampleFixturesFor(t, ex.fixtures)
				c.Fixtures = &f
			})
			dir := t.TempDir()
			for name, content := range ex.files {
				writeFile(t, filepath.Join(dir, name), content)
			}
			r := &cliRun{t: t, terraform: base.terraform, dir: dir, env: exampleEnv(base.env, env)}
			if ex.modules {
				if out, code := r.run("get", "-no-color"); code != 0 {
					t.Fatalf("terraform get exited %d:\n%s", code, out)
				}
			}
			if out, code := r.run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
				t.Fatalf("terraform apply exited %d:\n%s", code, out)
			}
			if out, code := r.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); code != 0 {
				t.Errorf("terraform plan after apply exited %d, want 0 (no changes):\n%s", code, out)
			}
			managed := map[string][]string{}
			for _, a := range r.approvals() {
				key := a.Values.ServiceID + "/" + a.Values.EndpointID
				managed[key] = append(managed[key], a.Address)
			}
			for key, addrs := range managed {
				if len(addrs) > 1 {
					t.Errorf("connection %s is managed by %d resources %v: they undo each other", key, len(addrs), addrs)
				}
				serviceID, endpointID, _ := strings.Cut(key, "/")
				if conn, ok := env.Mock.Connection(serviceID, endpointID); ok && (conn.Status == client.StatusFailed || conn.Status == client.StatusDeleting) {
					t.Errorf("connection %s is %s, which no action can change, yet %v manages it", key, conn.Status, addrs)
				}
			}
		})
	}
}

// exampleEnv is the CLI's environment pointed at env's mock, without any
// VPCEP_*, HW_* or HUAWEICLOUD_SDK_* setting of the machine that would
// change what the provider reads, and with metadata on a closed port.
func exampleEnv(base []string, env *testEnv) []string {
	out := slices.DeleteFunc(slices.Clone(base), func(kv string) bool {
		return strings.HasPrefix(kv, "VPCEP_") || strings.HasPrefix(kv, "HW_") || strings.HasPrefix(kv, "HUAWEICLOUD_SDK_")
	})
	return append(out, "VPCEP_ENDPOINT="+env.URL, "VPCEP_PROJECT_ID="+env.ProjectID, "VPCEP_AUTH_TOKEN="+env.Token,
		settings.MetadataEndpoint.Env[0]+"="+closedMetadataEndpoint)
}

// Catches: an example configuration added under examples/ that the test
// above does not apply, so it could stop converging unnoticed.
func TestUnitEveryExampleConfigurationIsTested(t *testing.T) {
	t.Parallel()
	tested := map[string]bool{}
	for _, ex := range exampleConfigs(t) {
		tested[ex.name] = true
	}
	err := filepath.WalkDir(filepath.Join(examplesRoot, "examples"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") {
			return err
		}
		rel, _ := filepath.Rel(examplesRoot, path)
		rel = filepath.ToSlash(rel)
		if !tested[rel] && exampleSkipped[rel] == "" && !tested[filepath.ToSlash(filepath.Dir(rel))] {
			t.Errorf("%s is not applied by TestAccExamplesApplyThenPlanEmpty: add it to exampleConfigs, or to exampleSkipped with the reason", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Catches: documentation, examples or scripts telling users to run a CLI flag
// that Terraform 1.11 reports as deprecated (-state, -state-out, -backup on
// plan and apply).
func TestUnitDocsUseNoDeprecatedCLIFlags(t *testing.T) {
	t.Parallel()
	deprecated := regexp.MustCompile(`terraform\b[^\n]*\s(-state(-out)?|-backup)[=\s]`)
	for _, dir := range []string{"docs", "templates", "examples", "scripts", "README.md"} {
		err := filepath.WalkDir(filepath.Join(examplesRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(b), "\n") {
				if deprecated.MatchString(line) {
					t.Errorf("%s:%d uses a deprecated CLI flag: %s", path, i+1, strings.TrimSpace(line))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
