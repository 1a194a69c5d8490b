package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnitBuildImage catches an image that lacks the binary or its CA
// certificates, runs as root, listens only on the container's loopback,
// misses a platform, or whose digests do not match its blobs.
func TestUnitBuildImage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	amd, arm := write("amd64", "amd64 binary"), write("arm64", "arm64 binary")
	certs := write("certs.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	out := filepath.Join(dir, "image")
	if err := run([]string{"build", "-out", out, "-version", "1.2.3", "-ca-certs", certs, "-created", "0",
		"-binary", "linux/amd64=" + amd, "-binary", "linux/arm64=" + arm}, os.Stdout); err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	if err := run([]string{"inspect", out}, &got); err != nil {
		t.Fatal(err)
	}
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	for _, want := range []string{
		"image 1.2.3\n",
		`config linux/amd64 entrypoint=["/vpcep-mock","-listen",":8080"] user=65532:65532` + "\n",
		`config linux/arm64 entrypoint=["/vpcep-mock","-listen",":8080"] user=65532:65532` + "\n",
		"file linux/amd64 /vpcep-mock 0755 " + sum("amd64 binary") + "\n",
		"file linux/arm64 /vpcep-mock 0755 " + sum("arm64 binary") + "\n",
		"file linux/amd64 /etc/ssl/certs/ca-certificates.crt 0644 ",
		"file linux/amd64 /etc/passwd 0644 ",
	} {
		if !strings.Contains(got.String(), want) {
			t.Errorf("inspect lacks %q:\n%s", want, got.String())
		}
	}

	// The same inputs give the same image, byte for byte.
	again := filepath.Join(dir, "again")
	if err := run([]string{"build", "-out", again, "-version", "1.2.3", "-ca-certs", certs, "-created", "0",
		"-binary", "linux/amd64=" + amd, "-binary", "linux/arm64=" + arm}, os.Stdout); err != nil {
		t.Fatal(err)
	}
	a, errA := os.ReadFile(filepath.Join(out, "index.json"))
	b, errB := os.ReadFile(filepath.Join(again, "index.json"))
	if errA != nil || errB != nil || string(a) != string(b) {
		t.Errorf("two builds differ:\n%s\n%s", a, b)
	}
}

// TestUnitBuildRefusesBadInput catches an image built without a binary, a
// version or CA certificates, or for a platform nobody runs it on.
func TestUnitBuildRefusesBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	notPEM := filepath.Join(dir, "empty.pem")
	for _, p := range []string{bin, notPEM} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"build", "-out", out, "-version", "1", "-binary", "linux/amd64=" + filepath.Join(dir, "missing"), "-ca-certs", notPEM},
		{"build", "-out", out, "-version", "1", "-binary", "linux/amd64=" + bin, "-ca-certs", notPEM},
		{"build", "-out", out, "-version", "1", "-binary", "linux/amd64=" + bin, "-ca-certs", filepath.Join(dir, "none.pem")},
		{"build", "-out", out, "-version", " ", "-binary", "linux/amd64=" + bin},
		{"build", "-out", out, "-version", "1"},
		{"build", "-version", "1", "-binary", "linux/amd64=" + bin},
		{"build", "-out", out, "-version", "1", "-binary", "windows/amd64=" + bin},
		{"build", "-out", out, "-version", "1", "-binary", "linux/amd64"},
		{"inspect"},
		{"inspect", filepath.Join(dir, "no-layout")},
		{"push"},
		{},
	} {
		if err := run(args, os.Stdout); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}
