package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// inspect prints what a check needs to know of the image in an OCI layout,
// one fact a line, after validating every digest and size in it:
//
//	image VERSION
//	config linux/amd64 entrypoint=["/vpcep-mock","-listen",":8080"] user=65532:65532
//	file linux/amd64 /vpcep-mock 0755 SHA256
func inspect(dir string, w io.Writer) error {
	l, err := layout.FromPath(dir)
	if err != nil {
		return err
	}
	top, err := l.ImageIndex()
	if err != nil {
		return err
	}
	tm, err := top.IndexManifest()
	if err != nil {
		return err
	}
	if len(tm.Manifests) != 1 {
		return fmt.Errorf("index.json lists %d entries, want the one image index", len(tm.Manifests))
	}
	idx, err := top.ImageIndex(tm.Manifests[0].Digest)
	if err != nil {
		return err
	}
	if err := validate.Index(idx); err != nil {
		return fmt.Errorf("invalid image index: %w", err)
	}
	fmt.Fprintf(w, "image %s\n", tm.Manifests[0].Annotations[refNameAnnotation])
	im, err := idx.IndexManifest()
	if err != nil {
		return err
	}
	for _, desc := range im.Manifests {
		if desc.Platform == nil {
			return fmt.Errorf("manifest %s has no platform", desc.Digest)
		}
		img, err := idx.Image(desc.Digest)
		if err != nil {
			return err
		}
		if err := describe(w, desc.Platform.OS+"/"+desc.Platform.Architecture, img); err != nil {
			return fmt.Errorf("%s: %w", desc.Platform, err)
		}
	}
	return nil
}

// describe prints one platform's configuration and files.
func describe(w io.Writer, platform string, img v1.Image) error {
	cfg, err := img.ConfigFile()
	if err != nil {
		return err
	}
	if cfg.OS+"/"+cfg.Architecture != platform {
		return fmt.Errorf("configuration is for %s/%s", cfg.OS, cfg.Architecture)
	}
	ep, err := json.Marshal(cfg.Config.Entrypoint)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "config %s entrypoint=%s user=%s\n", platform, ep, cfg.Config.User)
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, layer := range layers {
		rc, err := layer.Uncompressed()
		if err != nil {
			return err
		}
		err = listFiles(w, platform, rc)
		_ = rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// listFiles prints the regular files of a layer with their mode and hash.
func listFiles(w io.Writer, platform string, r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		sum := sha256.New()
		if _, err := io.Copy(sum, tr); err != nil { //nolint:gosec // our own layer, of known size
			return err
		}
		fmt.Fprintf(w, "file %s /%s %04o %s\n", platform, h.Name, h.Mode, hex.EncodeToString(sum.Sum(nil)))
	}
}
