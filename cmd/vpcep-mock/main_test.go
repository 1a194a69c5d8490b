package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

var listeningLine = regexp.MustCompile(`^listening on (https?://127\.0\.0\.1:[0-9]+)$`)

// start runs run() with args and returns the base URL from its first line,
// and a stop function that cancels it and returns run's error.
func start(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	return startWithStderr(t, io.Discard, args...)
}

// startWithStderr is start with run's stderr written to stderr.
func startWithStderr(t *testing.T, stderr io.Writer, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, pw, stderr)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err != nil {
		cancel()
		t.Fatalf("no first line: %v (run: %v)", err, <-done)
	}
	m := listeningLine.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
	if m == nil {
		cancel()
		t.Fatalf("first line %q", line)
	}
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return after cancel")
			return nil
		}
	}
	return m[1], stop
}

// get sends GET with a token and returns status and body.
func get(t *testing.T, client *http.Client, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Auth-Token", token)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestUnitRunDefaults catches a mock that, without flags, does not serve
// the default project with the default token, or accepts a wrong token, or
// does not stop cleanly on cancel.
func TestUnitRunDefaults(t *testing.T) {
	t.Parallel()
	url, stop := start(t)
	status, body := get(t, http.DefaultClient, url+"/v1/"+vpcepmock.DefaultProjectID+"/vpc-endpoint-services", vpcepmock.DefaultToken)
	if status != 200 || !strings.Contains(body, `"total_count":0`) {
		t.Errorf("list services: %d %s", status, body)
	}
	if status, _ := get(t, http.DefaultClient, url+"/v1/"+vpcepmock.DefaultProjectID+"/vpc-endpoint-services", "wrong"); status != 401 {
		t.Errorf("wrong token: %d", status)
	}
	if err := stop(); err != nil {
		t.Errorf("run after cancel: %v", err)
	}
}

// TestUnitRunWithFlags catches a flag that does not reach the mock:
// repeated -token, -project-id, -fixtures, -credential bound to another
// project (403), -error-format flat; and the default token still working
// once -token is given.
func TestUnitRunWithFlags(t *testing.T) {
	t.Parallel()
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	doc := `{"services":[{"id":"svc","service_name":"demo","connections":[{"id":"e1","status":"pendingAcceptance"}]}]}`
	if err := os.WriteFile(fixtures, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop := start(t, "-project-id", "p1", "-token", "t1", "-token", "t2", "-fixtures", fixtures,
		"-error-format", "flat", "-transition-delay", "1h", "-credential", "p2:t3", "-seed", "9")
	path := url + "/v1/p1/vpc-endpoint-services/svc/connections"
	for _, tok := range []string{"t1", "t2"} {
		if status, body := get(t, http.DefaultClient, path, tok); status != 200 || !strings.Contains(body, `"id":"e1"`) {
			t.Errorf("token %s: %d %s", tok, status, body)
		}
	}
	if status, body := get(t, http.DefaultClient, path, "t3"); status != 403 || !strings.Contains(body, `"error_code":"EndPoint.0004"`) {
		t.Errorf("other project's token: %d %s", status, body)
	}
	if status, body := get(t, http.DefaultClient, url+"/v1/p1/vpc-endpoint-services/nope", "t1"); status != 404 || !strings.Contains(body, `"error_code":"EndPoint.0005"`) {
		t.Errorf("flat error: %d %s", status, body)
	}
	if status, _ := get(t, http.DefaultClient, path, vpcepmock.DefaultToken); status != 401 {
		t.Errorf("the default token must not work when -token is given: %d", status)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

// TestUnitRunSelfSignedTLS catches -tls-self-signed serving plain http, or
// a certificate a verifying client accepts.
func TestUnitRunSelfSignedTLS(t *testing.T) {
	t.Parallel()
	url, stop := start(t, "-tls-self-signed")
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %s", url)
	}
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a throwaway self-signed certificate
	if status, _ := get(t, insecure, url+"/_mock/state", ""); status != 200 {
		t.Errorf("https: %d", status)
	}
	if resp, err := http.Get(url + "/_mock/state"); err == nil {
		_ = resp.Body.Close()
		t.Error("a verifying client accepted the self-signed certificate")
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

// TestUnitRunRefusesBadFlags catches a bad flag value, an unreadable or
// invalid fixtures file, or a stray argument accepted, or a listening line
// printed before the failure (a script would take it for a running mock).
func TestUnitRunRefusesBadFlags(t *testing.T) {
	t.Parallel()
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"services":[{"id":"a"},{"id":"a"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-error-format", "xml"},
		{"-fault-rate", "1.5"},
		{"-latency", "-1s"},
		{"-rate-limit", "-1"},
		{"-rate-limit", "1.5"},
		{"-tls-cert", "x"},
		{"-tls-self-signed", "-tls-cert", "a", "-tls-key", "b"},
		{"-access-key", "a", "-secret-key", ""},
		{"-project-id", ""},
		{"-credential", "justone"},
		{"-fixtures", filepath.Join(t.TempDir(), "missing.json")},
		{"-fixtures", bad},
		{"-listen", "256.0.0.1:1"},
		{"-nope"},
		{"extra"},
	} {
		var out strings.Builder
		if err := run(context.Background(), args, &out, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
		if out.Len() != 0 {
			t.Errorf("%v printed %q before failing", args, out.String())
		}
	}
}

// Catches: started without -project-id, the mock loaded fixtures of another
// project without complaint, and every provider request then met a 403 that
// blamed the credentials' permissions.
func TestUnitRunRefusesFixturesOfAnotherProject(t *testing.T) {
	t.Parallel()
	const fixturesProject = "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
	fixtures := filepath.Join(t.TempDir(), "fixtures.json")
	doc := `{"services":[{"id":"svc","project_id":"` + fixturesProject + `","connections":[{"id":"e1"}]}]}`
	if err := os.WriteFile(fixtures, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err := run(context.Background(), []string{"-fixtures", fixtures}, &out, io.Discard)
	if err == nil {
		t.Fatal("fixtures of another project loaded")
	}
	for _, want := range []string{fixtures, fixturesProject, "project " + vpcepmock.DefaultProjectID + " only", "-project-id " + fixturesProject} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before failing", out.String())
	}
	// The flag the error names fixes it.
	url, stop := start(t, "-project-id", fixturesProject, "-fixtures", fixtures)
	path := url + "/v1/" + fixturesProject + "/vpc-endpoint-services/svc/connections"
	if status, body := get(t, http.DefaultClient, path, vpcepmock.DefaultToken); status != 200 || !strings.Contains(body, `"id":"e1"`) {
		t.Errorf("with -project-id %s: %d %s", fixturesProject, status, body)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

// TestUnitBinaryExitsCleanlyOnSignal catches the built command exiting
// non-zero (or not at all) on SIGINT or SIGTERM, which a script stopping
// its mock would report as a failure.
func TestUnitBinaryExitsCleanlyOnSignal(t *testing.T) {
	t.Parallel()
	bin := builtMock(t)
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		cmd := exec.Command(bin)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || !listeningLine.MatchString(strings.TrimSpace(line)) {
			_ = cmd.Process.Kill()
			t.Fatalf("first line %q: %v", line, err)
		}
		url := listeningLine.FindStringSubmatch(strings.TrimSpace(line))[1]
		if status, _ := get(t, http.DefaultClient, url+"/v1/"+vpcepmock.DefaultProjectID+"/vpc-endpoint-services", vpcepmock.DefaultToken); status != 200 {
			t.Errorf("request: %d", status)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("exit after %v: %v", sig, err)
		}
	}
}

// lockedBuffer is a strings.Builder safe to write from run's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Catches: -listen 0.0.0.0:0 printed http://[::]:PORT, a URL the provider
// refuses, and said nothing of the unauthenticated /_mock/ controls being
// reachable from other hosts.
func TestUnitRunUnspecifiedListenPrintsUsableURL(t *testing.T) {
	t.Parallel()
	for _, listen := range []string{"0.0.0.0:0", ":0", "127.0.0.1:0"} {
		t.Run(listen, func(t *testing.T) {
			t.Parallel()
			var stderr lockedBuffer
			// start fails the test unless the URL is http://127.0.0.1:PORT.
			url, stop := startWithStderr(t, &stderr, "-listen", listen)
			if status, _ := get(t, http.DefaultClient, url+"/_mock/state", ""); status != 200 {
				t.Errorf("GET %s/_mock/state: %d", url, status)
			}
			if err := stop(); err != nil {
				t.Error(err)
			}
			warned := strings.Contains(stderr.String(), "warning") && strings.Contains(stderr.String(), "/_mock/") &&
				strings.Contains(stderr.String(), "every interface")
			if loopback := strings.HasPrefix(listen, "127."); warned == loopback {
				t.Errorf("-listen %s: warning about exposed /_mock/ controls = %v, want %v; stderr:\n%s", listen, warned, !loopback, stderr.String())
			}
		})
	}
}

// signedGet sends GET signed with SDK-HMAC-SHA256 and returns the status.
func signedGet(t *testing.T, url, accessKey, secretKey string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := aksk.Sign(req, nil, accessKey, secretKey, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// Catches: giving -token (or -credential, or an AK/SK) still let in the
// built-in example AK/SK, whose secret is published in the docs.
func TestUnitRunCredentialFlagsReplaceAllDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		token     string
		ak, sk    string
		projectID string
	}{
		{"token", []string{"-token", "t1"}, "t1", "", "", vpcepmock.DefaultProjectID},
		{"credential", []string{"-credential", "p2:t2"}, "t2", "", "", "p2"},
		{"access key", []string{"-access-key", "AK1", "-secret-key", "SK1"}, "", "AK1", "SK1", vpcepmock.DefaultProjectID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, stop := start(t, tt.args...)
			defer func() {
				if err := stop(); err != nil {
					t.Error(err)
				}
			}()
			path := func(project string) string { return url + "/v1/" + project + "/vpc-endpoint-services" }
			if tt.token != "" {
				if status, body := get(t, http.DefaultClient, path(tt.projectID), tt.token); status != 200 {
					t.Errorf("the given token: %d %s", status, body)
				}
			} else if status := signedGet(t, path(tt.projectID), tt.ak, tt.sk); status != 200 {
				t.Errorf("the given AK/SK: %d", status)
			}
			if status, _ := get(t, http.DefaultClient, path(vpcepmock.DefaultProjectID), vpcepmock.DefaultToken); status != 401 {
				t.Errorf("the built-in token answered %d, want 401", status)
			}
			if status := signedGet(t, path(vpcepmock.DefaultProjectID), vpcepmock.DefaultAccessKey, vpcepmock.DefaultSecretKey); status != 401 {
				t.Errorf("the built-in AK/SK answered %d, want 401", status)
			}
		})
	}
	for _, args := range [][]string{{"-access-key", "AK1"}, {"-secret-key", "SK1"}, {"-access-key", ""}} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted: it leaves a half or no credential", args)
		}
	}
}

// Catches: /_mock/ bodies had no size limit (a 3.6 MB fixtures document
// grew the mock by over 200 MB), unlike API bodies.
func TestUnitRunControlBodiesAreCapped(t *testing.T) {
	t.Parallel()
	url, stop := start(t)
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	var doc strings.Builder
	doc.WriteString(`{"services":[{"id":"big","connections":[`)
	for i := 0; doc.Len() <= 1<<20; i++ {
		if i > 0 {
			doc.WriteByte(',')
		}
		doc.WriteString(`{"id":"e` + strconv.Itoa(i) + `","description":"` + strings.Repeat("x", 200) + `"}`)
	}
	doc.WriteString(`]}]}`)
	resp, err := http.Post(url+"/_mock/fixtures", "application/json", strings.NewReader(doc.String()))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "1 MiB") || !strings.Contains(string(body), "-fixtures") {
		t.Errorf("a %d-byte fixtures body: %d %s, want 413 naming the 1 MiB cap and -fixtures", doc.Len(), resp.StatusCode, body)
	}
	if status, state := get(t, http.DefaultClient, url+"/_mock/state", ""); status != 200 || strings.Contains(state, `"big"`) {
		t.Errorf("state after a refused body: %d %.200s", status, state)
	}
	resp, err = http.Post(url+"/_mock/fixtures", "application/json", strings.NewReader(`{"services":[{"id":"small","connections":[{"id":"e1"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("a small fixtures body: %d", resp.StatusCode)
	}
}

// Catches: -rate-limit not reaching the mock, or a throttled answer without
// the gateway code and Retry-After.
func TestUnitRunRateLimit(t *testing.T) {
	t.Parallel()
	url, stop := start(t, "-rate-limit", "1")
	path := url + "/v1/" + vpcepmock.DefaultProjectID + "/vpc-endpoint-services"
	// One request per second is served; 20 in a row cannot all be.
	for i := 0; i < 20; i++ {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("X-Auth-Token", vpcepmock.DefaultToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			if !strings.Contains(string(body), `"error_code":"APIGW.0308"`) || resp.Header.Get("Retry-After") != "1" {
				t.Errorf("throttled answer: %v %s", resp.Header, body)
			}
			if err := stop(); err != nil {
				t.Error(err)
			}
			return
		}
	}
	t.Error("20 requests in a row at -rate-limit 1 were all served")
	_ = stop()
}

// TestUnitRunVersion catches -version starting a server, or printing
// anything but the version a release sets.
func TestUnitRunVersion(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run(context.Background(), []string{"-version", "-listen", "256.0.0.1:1"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if out.String() != "vpcep-mock "+version+"\n" {
		t.Errorf("-version printed %q", out.String())
	}
}
