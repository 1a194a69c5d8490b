//go:build loopbackguard

package main

import "github.com/vpcep/terraform-provider-vpcep/internal/testguard"

// The provider binaries that tests and benchmarks build (devprovider.Build)
// refuse every connection outside loopback and note it for the test run.
func init() { testguard.Install() }
