// Package mocktest starts the VPCEP mock in-process for a test or benchmark.
package mocktest

import (
	"net"
	"net/http/httptest"
	"testing"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// Server is a mock behind an httptest server, with the credentials of the
// mock's first project (the one fixtures fill).
type Server struct {
	Mock                 *vpcepmock.Mock
	URL, ProjectID       string
	Token                string
	AccessKey, SecretKey string
}

// NewCredentials is one token and one AK/SK credential of a fresh random
// project, so that tests running in parallel do not see each other's
// services and endpoints.
func NewCredentials() []vpcepmock.Credential {
	project := vpcepmock.RandomHex(16)
	return []vpcepmock.Credential{
		{ProjectID: project, Token: "token-" + vpcepmock.RandomHex(16)},
		{ProjectID: project, AccessKey: "AK" + vpcepmock.RandomHex(9), SecretKey: "SK" + vpcepmock.RandomHex(19)},
	}
}

// Start serves a mock made from cfg until the test ends; with no
// cfg.Credentials, it gets NewCredentials.
func Start(tb testing.TB, cfg vpcepmock.Config) *Server {
	tb.Helper()
	if len(cfg.Credentials) == 0 {
		cfg.Credentials = NewCredentials()
	}
	s := &Server{ProjectID: cfg.Credentials[0].ProjectID}
	for _, c := range cfg.Credentials {
		if c.ProjectID != s.ProjectID {
			continue
		}
		if s.Token == "" {
			s.Token = c.Token
		}
		if s.AccessKey == "" {
			s.AccessKey, s.SecretKey = c.AccessKey, c.SecretKey
		}
	}
	s.Mock = vpcepmock.New(cfg)
	srv := httptest.NewServer(s.Mock)
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// ClosedAddr returns a loopback address ("127.0.0.1:PORT") nothing listens
// on, where a dial is refused, as when no mock runs.
func ClosedAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
