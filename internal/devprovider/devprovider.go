// Package devprovider builds the provider binary and writes a Terraform CLI
// configuration whose dev_overrides use it, for the CLI-driven tests and the
// benchmark: no registry is contacted and `terraform init` is not needed.
package devprovider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Address is the provider's source address. The short form works on both
// Terraform and OpenTofu: each expands it with its own default registry host,
// so the override matches whichever CLI runs.
const Address = "vpcep/vpcep"

// BinaryName is the name dev_overrides looks for in the override directory.
const BinaryName = "terraform-provider-vpcep"

// Build compiles the provider (the main package in moduleDir) into binDir,
// creating binDir if needed. The binary is built with the loopbackguard tag:
// it refuses every connection outside loopback (package testguard).
func Build(moduleDir, binDir string) error {
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-tags", "loopbackguard", "-o", filepath.Join(binDir, BinaryName), ".")
	cmd.Dir = moduleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the provider in %s: %w\n%s", moduleDir, err, out)
	}
	return nil
}

// CLIConfig is a CLI configuration whose dev_overrides map each provider
// address to its binary's directory; other providers install as usual.
func CLIConfig(overrides map[string]string) string {
	addrs := make([]string, 0, len(overrides))
	for a := range overrides {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, a := range addrs {
		fmt.Fprintf(&b, "    %q = %q\n", a, overrides[a])
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// WriteCLIConfig writes at path a CLI configuration that overrides Address
// with the binary in binDir.
func WriteCLIConfig(path, binDir string) error {
	return os.WriteFile(path, []byte(CLIConfig(map[string]string{Address: binDir})), 0o600)
}

// Env is the environment a CLI run needs besides the caller's: the CLI
// configuration at cliConfig, no interactive prompts, no version check.
func Env(cliConfig string) []string {
	return []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}
}
