package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's fixed parts.
const (
	binaryPath = "/vpcep-mock"
	caPath     = "/etc/ssl/certs/ca-certificates.crt"
	// uid and gid 65532, the customary "nonroot" of distroless images.
	userID   = 65532
	userName = "vpcep-mock"
	port     = "8080"
	// refNameAnnotation names the image in the layout's index.json.
	refNameAnnotation = "org.opencontainers.image.ref.name"
)

// entrypoint listens on every interface: in a container, the mock is
// reached through the container's network, never its loopback. Arguments
// given to the container are appended, and a later -listen wins.
var entrypoint = []string{binaryPath, "-listen", ":" + port}

// buildSpec is what build needs.
type buildSpec struct {
	out      string
	version  string
	binaries map[string]string // "linux/amd64" -> path
	caCerts  string
	created  time.Time
}

type platformFlag map[string]string

func (p platformFlag) String() string { return fmt.Sprint(map[string]string(p)) }
func (p platformFlag) Set(v string) error {
	platform, path, ok := strings.Cut(v, "=")
	if !ok || path == "" || (platform != "linux/amd64" && platform != "linux/arm64") {
		return fmt.Errorf("%q: want linux/amd64=PATH or linux/arm64=PATH", v)
	}
	p[platform] = path
	return nil
}

func parseBuildFlags(args []string) (buildSpec, error) {
	s := buildSpec{binaries: map[string]string{}}
	fs := flag.NewFlagSet("mockimage build", flag.ContinueOnError)
	fs.StringVar(&s.out, "out", "", "directory to write the OCI image layout to (replaced)")
	fs.StringVar(&s.version, "version", "", "version of the image, as in its archives")
	fs.Var(platformFlag(s.binaries), "binary", "linux/amd64=PATH or linux/arm64=PATH of a vpcep-mock binary (repeatable)")
	fs.StringVar(&s.caCerts, "ca-certs", caPath, "PEM bundle of CA certificates to copy into the image")
	epoch := fs.Int64("created", sourceDateEpoch(), "creation time in Unix seconds (default SOURCE_DATE_EPOCH, else 0) so that builds are reproducible")
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	s.created = time.Unix(*epoch, 0).UTC()
	switch {
	case fs.NArg() > 0:
		return s, fmt.Errorf("unexpected arguments %q", fs.Args())
	case s.out == "":
		return s, errors.New("-out is required")
	case strings.TrimSpace(s.version) == "":
		return s, errors.New("-version is required")
	case len(s.binaries) == 0:
		return s, errors.New("at least one -binary linux/ARCH=PATH is required")
	}
	return s, nil
}

// sourceDateEpoch is SOURCE_DATE_EPOCH, the reproducible-builds convention, or 0.
func sourceDateEpoch() int64 {
	n, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// build writes the multi-platform image to spec.out.
func build(s buildSpec) error {
	certs, err := os.ReadFile(s.caCerts)
	if err != nil {
		return fmt.Errorf("CA certificates: %w (install the ca-certificates package or give -ca-certs)", err)
	}
	if !bytes.Contains(certs, []byte("-----BEGIN CERTIFICATE-----")) {
		return fmt.Errorf("CA certificates: %s holds no PEM certificate", s.caCerts)
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	platforms := make([]string, 0, len(s.binaries))
	for p := range s.binaries {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)
	for _, p := range platforms {
		bin, err := os.ReadFile(s.binaries[p])
		if err != nil {
			return fmt.Errorf("-binary %s: %w", p, err)
		}
		img, err := image(s, strings.TrimPrefix(p, "linux/"), bin, certs)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: "linux", Architecture: strings.TrimPrefix(p, "linux/")},
		}})
	}
	if err := os.RemoveAll(s.out); err != nil {
		return err
	}
	l, err := layout.Write(s.out, empty.Index)
	if err != nil {
		return err
	}
	return l.AppendIndex(idx, layout.WithAnnotations(map[string]string{refNameAnnotation: s.version}))
}

// image is one platform's image: one layer and its configuration.
func image(s buildSpec, arch string, bin, certs []byte) (v1.Image, error) {
	files, err := rootFS(bin, certs, s.created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(files)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	base, err = mutate.ConfigFile(base, &v1.ConfigFile{
		Architecture: arch,
		OS:           "linux",
		Created:      v1.Time{Time: s.created},
		RootFS:       v1.RootFS{Type: "layers"},
		Config: v1.Config{
			Entrypoint:   entrypoint,
			User:         fmt.Sprintf("%d:%d", userID, userID),
			WorkingDir:   "/",
			ExposedPorts: map[string]struct{}{port + "/tcp": {}},
			Labels: map[string]string{
				"org.opencontainers.image.title":       "vpcep-mock",
				"org.opencontainers.image.description": "Stateful offline mock of the Huawei Cloud VPC Endpoint (VPCEP) v1 API",
				"org.opencontainers.image.version":     s.version,
				"org.opencontainers.image.licenses":    "MPL-2.0",
			},
		},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(base, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: s.created}, CreatedBy: "mockimage build " + s.version, Comment: "vpcep-mock, CA certificates, user " + userName,
	}})
}

// rootFS is the image's one layer as a tar: the binary, the CA bundle, and
// passwd and group files naming the non-root user.
func rootFS(bin, certs []byte, created time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dir := func(name string) error {
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: created, Format: tar.FormatPAX})
	}
	file := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), ModTime: created, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\n%s:x:%d:%d:%s:/nonexistent:/sbin/nologin\n", userName, userID, userID, userName)
	group := fmt.Sprintf("root:x:0:\n%s:x:%d:\n", userName, userID)
	err := errors.Join(
		dir("etc/"), dir("etc/ssl/"), dir("etc/ssl/certs/"),
		file("etc/passwd", 0o644, []byte(passwd)),
		file("etc/group", 0o644, []byte(group)),
		file(strings.TrimPrefix(caPath, "/"), 0o644, certs),
		file(strings.TrimPrefix(binaryPath, "/"), 0o755, bin),
	)
	if err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
