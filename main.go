// Command terraform-provider-vpcep is the Terraform and OpenTofu provider that
// approves or rejects the VPC endpoints connecting to a VPCEP endpoint service.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/vpcep/terraform-provider-vpcep/internal/provider"
)

// version is set at release time by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers such as delve")
	flag.Parse()
	if !debug {
		quietUnlessLogging(os.Environ(), os.Setenv)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/vpcep/vpcep",
		Debug:           debug,
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
