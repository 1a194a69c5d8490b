// Command terraform-provider-vpcep is the Terraform and OpenTofu provider that
// approves or rejects the VPC endpoints connecting to a VPCEP endpoint service.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vpcep/terraform-provider-vpcep/internal/provider"
)

// version comes from the VERSION file through -ldflags "-X main.version=...",
// set by `make build`, `make install` and goreleaser; a plain `go build` is "dev".
var version = "dev"

func main() {
	var debugMode, printVersion bool
	flag.BoolVar(&debugMode, "debug", false, "start the provider with support for debuggers such as delve")
	flag.BoolVar(&printVersion, "version", false, "print the version and exit")
	flag.Parse()
	if printVersion {
		fmt.Println("terraform-provider-vpcep", version)
		return
	}
	if !debugMode {
		quietUnlessLogging(os.Environ(), os.Setenv)
	}
	tuneGC(os.Getenv)

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/vpcep/vpcep",
		Debug:           debugMode,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// quietUnlessLogging turns the provider's and the SDK's logs off when no
// TF_LOG variable asks Terraform to keep them: Terraform would parse and drop
// every line, at a cost to both processes on every resource (bench/RESULTS.md).
func quietUnlessLogging(environ []string, setenv func(key, value string) error) {
	for _, kv := range environ {
		if strings.HasPrefix(kv, "TF_LOG") && !strings.HasPrefix(kv, "TF_LOG_PATH") {
			return
		}
	}
	for _, key := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_VPCEP"} {
		_ = setenv(key, "off")
	}
}

// defaultGCPercent lets the heap grow to three times what is live between
// collections, not twice: the provider's live heap is a few megabytes, so at
// Go's default it collects every few requests, a fifth of its CPU time in the
// benchmark's applies of hundreds of approvals (bench/RESULTS.md), and a peak
// heap half as large again costs little beside that.
const defaultGCPercent = 200

// tuneGC sets the collector's target to defaultGCPercent unless the user
// chose one with GOGC, which Go has then applied already.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
