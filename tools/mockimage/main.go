// Command mockimage writes the vpcep-mock container image as an OCI image
// layout, offline, from the linux binaries a release build produced, and
// reads one back for checks. The image is scratch-like: the binary, the CA
// certificates of the build machine, and a non-root user; it listens on
// every interface at port 8080. It is a module of its own so that its
// dependencies stay out of the provider's and the developer tools' graphs.
//
//	mockimage build -out DIR -version V -binary linux/amd64=PATH [-binary linux/arm64=PATH]
//	mockimage inspect DIR
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mockimage:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("want a command: build or inspect")
	}
	switch args[0] {
	case "build":
		spec, err := parseBuildFlags(args[1:])
		if err != nil {
			return err
		}
		return build(spec)
	case "inspect":
		if len(args) != 2 {
			return errors.New("inspect: want one OCI layout directory")
		}
		return inspect(args[1], stdout)
	default:
		return fmt.Errorf("unknown command %q: want build or inspect", args[0])
	}
}
