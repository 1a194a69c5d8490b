// Command vpcep-mock serves the mock VPCEP v1 API of internal/vpcepmock on
// a local port, for trying the provider and Terraform modules offline. Every
// flag has a working default, so `vpcep-mock` alone is usable; the first
// line it prints is "listening on http://HOST:PORT". docs/vpcep-mock.md
// documents the flags, the fixtures format and the /_mock/ controls.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// version is set at release (-X main.version); a build from source is "dev".
var version = "dev"

// shutdownTimeout bounds how long in-flight requests may finish on exit.
const shutdownTimeout = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A mock started with -detach outlives the reader of its output; a later
	// line (such as "stopped") must then fail quietly rather than kill it.
	signal.Ignore(syscall.SIGPIPE)
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "vpcep-mock:", err)
		}
		os.Exit(2)
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// options are the parsed flags.
type options struct {
	listen          string
	projectID       string
	tokens          stringList
	accessKey       string
	secretKey       string
	credentials     stringList
	fixtures        string
	transitionDelay time.Duration
	errorFormat     string
	faultRate       float64
	rateLimit       int
	latency         time.Duration
	seed            int64
	region          string
	tlsCert         string
	tlsKey          string
	tlsSelfSigned   bool
	iam             vpcepmock.IAMConfig
	agencies        stringList
	idps            stringList
	metadata        bool
	detach          bool
	pidFile         string
	version         bool
}

// credentialFlags are the flags that replace the built-in credentials.
var credentialFlags = map[string]bool{"token": true, "access-key": true, "secret-key": true, "credential": true}

// parseFlags reads args into options, applying the documented defaults.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("vpcep-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on (port 0 = any free port)")
	fs.StringVar(&o.projectID, "project-id", vpcepmock.DefaultProjectID, "project id the -token and -access-key credentials are bound to")
	fs.Var(&o.tokens, "token", "accepted X-Auth-Token for -project-id (repeatable; default "+vpcepmock.DefaultToken+" unless a credential flag is given)")
	fs.StringVar(&o.accessKey, "access-key", "", "accepted AK for -project-id (default "+vpcepmock.DefaultAccessKey+" unless a credential flag is given)")
	fs.StringVar(&o.secretKey, "secret-key", "", "SK of -access-key (default "+vpcepmock.DefaultSecretKey+" unless a credential flag is given)")
	fs.Var(&o.credentials, "credential", "credential PROJECT_ID:TOKEN or PROJECT_ID:AK:SK (repeatable), e.g. for project isolation")
	fs.StringVar(&o.fixtures, "fixtures", "", "JSON fixtures file of services and connections to load at start (and on /_mock/reset)")
	fs.DurationVar(&o.transitionDelay, "transition-delay", 0, "duration of creating->accepted and deleting->gone (0 = instant)")
	fs.StringVar(&o.errorFormat, "error-format", vpcepmock.ErrorFormatNested, "error body form: nested ({\"error\":{\"code\",\"message\"}}) or flat ({\"error_code\",\"error_msg\"})")
	fs.Float64Var(&o.faultRate, "fault-rate", 0, "share of API requests, 0..1, answered with 429 APIGW.0308, 503 EndPoint.0001 or 400 EndPoint.0022")
	fs.IntVar(&o.rateLimit, "rate-limit", 0, "API requests served in any second; the others answer 429 APIGW.0308 with Retry-After (0 = unlimited)")
	fs.DurationVar(&o.latency, "latency", 0, "upper bound of a random delay added to each API request")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the fault and latency sequence")
	fs.StringVar(&o.region, "region", vpcepmock.DefaultRegion, "region written into service names, and the project name IAM's project list returns for -project-id")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (with -tls-key)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "PEM private key of -tls-cert")
	fs.BoolVar(&o.tlsSelfSigned, "tls-self-signed", false, "serve HTTPS with a fresh self-signed certificate for 127.0.0.1, ::1 and localhost")
	fs.StringVar(&o.iam.DomainName, "domain-name", vpcepmock.DefaultDomainName, "account (domain) name the mock's credentials belong to")
	fs.StringVar(&o.iam.DomainID, "domain-id", "", "account (domain) id the mock's credentials belong to (default: derived from -project-id)")
	fs.Var(&o.agencies, "agency", "agency in that account the mock's credentials may assume (repeatable); any other answers 403")
	fs.Var(&o.idps, "idp", "identity provider id whose ID tokens (any well-formed JWT with a future exp) are accepted (repeatable)")
	fs.DurationVar(&o.iam.CredentialTTL, "credential-ttl", vpcepmock.DefaultCredentialTTL, "lifetime of every temporary credential and IAM token the mock issues")
	fs.BoolVar(&o.metadata, "metadata", true, "serve ECS instance metadata (temporary keys of the default credential)")
	fs.BoolVar(&o.detach, "detach", false, "run in the background: print only the URL once the mock listens and exit 0, or exit non-zero with the mock's error")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.pidFile, "pid-file", "", "write the process id to this file once the mock listens (removed when it stops)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.iam.Agencies, o.iam.IdentityProviders, o.iam.DisableMetadata = o.agencies, o.idps, !o.metadata
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	// Any credential flag replaces every built-in credential: a mock started
	// with -token must not also let in the published example AK/SK.
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || credentialFlags[f.Name] })
	if !given {
		o.tokens = stringList{vpcepmock.DefaultToken}
		o.accessKey, o.secretKey = vpcepmock.DefaultAccessKey, vpcepmock.DefaultSecretKey
	}
	switch {
	case o.errorFormat != vpcepmock.ErrorFormatNested && o.errorFormat != vpcepmock.ErrorFormatFlat:
		return o, fmt.Errorf("-error-format %q: want nested or flat", o.errorFormat)
	case o.faultRate < 0 || o.faultRate > 1:
		return o, fmt.Errorf("-fault-rate %v: want 0..1", o.faultRate)
	case o.rateLimit < 0:
		return o, fmt.Errorf("-rate-limit %d: want requests per second >= 0 (0 = unlimited)", o.rateLimit)
	case o.latency < 0 || o.transitionDelay < 0:
		return o, errors.New("-latency and -transition-delay must not be negative")
	case (o.tlsCert == "") != (o.tlsKey == ""):
		return o, errors.New("-tls-cert and -tls-key go together")
	case o.tlsSelfSigned && o.tlsCert != "":
		return o, errors.New("-tls-self-signed excludes -tls-cert")
	case o.projectID == "":
		return o, errors.New("-project-id must not be empty")
	case o.iam.CredentialTTL <= 0:
		return o, errors.New("-credential-ttl must be positive")
	case (o.accessKey == "") != (o.secretKey == ""):
		return o, errors.New("-access-key and -secret-key go together")
	case len(o.tokens) == 0 && o.accessKey == "" && len(o.credentials) == 0:
		return o, errors.New("no credential left: give -token, -access-key with -secret-key, or -credential (a credential flag replaces all the built-in ones)")
	}
	return o, nil
}

// config turns options into the mock's configuration.
func (o options) config() (vpcepmock.Config, error) {
	cfg := vpcepmock.Config{
		TransitionDelay: o.transitionDelay,
		ErrorFormat:     o.errorFormat,
		Faults:          vpcepmock.Faults{Rate: o.faultRate, Latency: o.latency, Seed: o.seed},
		RateLimit:       o.rateLimit,
		Region:          o.region,
		IAM:             o.iam,
	}
	for _, t := range o.tokens {
		cfg.Credentials = append(cfg.Credentials, vpcepmock.Credential{ProjectID: o.projectID, Token: t})
	}
	if o.accessKey != "" {
		cfg.Credentials = append(cfg.Credentials, vpcepmock.Credential{ProjectID: o.projectID, AccessKey: o.accessKey, SecretKey: o.secretKey})
	}
	for _, spec := range o.credentials {
		parts := strings.Split(spec, ":")
		switch {
		case len(parts) == 2 && parts[0] != "" && parts[1] != "":
			cfg.Credentials = append(cfg.Credentials, vpcepmock.Credential{ProjectID: parts[0], Token: parts[1]})
		case len(parts) == 3 && parts[0] != "" && parts[1] != "" && parts[2] != "":
			cfg.Credentials = append(cfg.Credentials, vpcepmock.Credential{ProjectID: parts[0], AccessKey: parts[1], SecretKey: parts[2]})
		default:
			// The value may hold a secret, so it is not repeated.
			return cfg, errors.New("-credential: want PROJECT_ID:TOKEN or PROJECT_ID:AK:SK")
		}
	}
	if o.fixtures != "" {
		data, err := os.ReadFile(o.fixtures)
		if err != nil {
			return cfg, err
		}
		f, err := vpcepmock.ParseFixtures(data)
		if err != nil {
			return cfg, fmt.Errorf("%s: %w", o.fixtures, err)
		}
		// Load once into a scratch mock to report a bad document as an
		// error here; New panics on one.
		if err := vpcepmock.New(vpcepmock.Config{Credentials: cfg.Credentials}).LoadFixtures(f); err != nil {
			return cfg, fmt.Errorf("%s: %w", o.fixtures, err)
		}
		cfg.Fixtures = &f
	}
	return cfg, nil
}

// run serves the mock until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.version {
		_, err := fmt.Fprintln(stdout, "vpcep-mock", version)
		return err
	}
	if o.detach {
		return detach(args, stdout, stderr)
	}
	cfg, err := o.config()
	if err != nil {
		return err
	}
	var tlsConfig *tls.Config
	switch {
	case o.tlsCert != "":
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			return err
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	case o.tlsSelfSigned:
		cert, err := selfSignedCertificate(time.Now())
		if err != nil {
			return err
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
		scheme = "https"
	}
	srv := &http.Server{
		Handler:           vpcepmock.New(cfg),
		ReadHeaderTimeout: 10 * time.Second,
	}
	host, exposed := reachableHost(ln.Addr())
	if exposed != "" {
		fmt.Fprintf(stderr, "vpcep-mock: warning: listening on %s: the unauthenticated /_mock/ controls "+
			"(state, reset, fixtures, forced statuses) are reachable by anyone who can reach this port; "+
			"use -listen 127.0.0.1:PORT unless that is what you want\n", exposed)
	}
	fmt.Fprintf(stderr, "vpcep-mock %s: project %s, %d credential(s), transition delay %s, errors %s\n",
		version, o.projectID, len(cfg.Credentials), o.transitionDelay, o.errorFormat)
	if o.pidFile != "" {
		if err := os.WriteFile(o.pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil { //nolint:gosec // a pid is no secret
			_ = ln.Close()
			return fmt.Errorf("-pid-file: %w", err)
		}
		defer os.Remove(o.pidFile)
	}
	// The first stdout line is a contract: scripts (and -detach) read the URL
	// from it, so everything said on stderr before it precedes it.
	fmt.Fprintf(stdout, "%s%s://%s\n", listeningPrefix, scheme, host)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(stderr, "vpcep-mock: stopped")
	return nil
}

// reachableHost is the HOST:PORT a client on this machine can use for addr
// (127.0.0.1 for an unspecified address such as 0.0.0.0 or [::], which no
// client can dial), and, when addr is not loopback-only, where else the mock
// can be reached, for a warning.
func reachableHost(addr net.Addr) (host, exposed string) {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String(), ""
	}
	switch {
	case tcp.IP.IsUnspecified():
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port)), "every interface (" + addr.String() + ")"
	case tcp.IP.IsLoopback():
		return addr.String(), ""
	default:
		return addr.String(), addr.String()
	}
}

// selfSignedCertificate makes a throwaway certificate for local HTTPS.
func selfSignedCertificate(now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "vpcep-mock"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
