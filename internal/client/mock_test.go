package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock/mocktest"
)

// mockEnv is one in-process mock behind an httptest server.
type mockEnv struct {
	mock *vpcepmock.Mock
	url  string
}

const (
	otherProject = "fedcba9876543210fedcba9876543210"
	otherToken   = "other-project-token"
)

func newMockEnv(t *testing.T, cfg vpcepmock.Config) *mockEnv {
	t.Helper()
	if len(cfg.Credentials) == 0 {
		cfg.Credentials = []vpcepmock.Credential{
			{ProjectID: vpcepmock.DefaultProjectID, Token: vpcepmock.DefaultToken,
				AccessKey: vpcepmock.DefaultAccessKey, SecretKey: vpcepmock.DefaultSecretKey},
			{ProjectID: otherProject, Token: otherToken},
		}
	}
	s := mocktest.Start(t, cfg)
	return &mockEnv{mock: s.Mock, url: s.URL}
}

// client returns a token client of the default project; edit tweaks the config.
func (e *mockEnv) client(t *testing.T, edit func(*Config)) *Client {
	t.Helper()
	cfg := Config{Endpoint: e.url, ProjectID: vpcepmock.DefaultProjectID, AuthToken: vpcepmock.DefaultToken,
		RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func akskConfig(cfg *Config) {
	cfg.AuthToken = ""
	cfg.AccessKey, cfg.SecretKey = vpcepmock.DefaultAccessKey, vpcepmock.DefaultSecretKey
}

// service creates an approval-enabled service with n pending connections.
func (e *mockEnv) service(t *testing.T, n int) (string, []string) {
	t.Helper()
	svc := e.mock.CreateService("", vpcepmock.ServiceSpec{Name: "svc"})
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		ep, err := e.mock.CreateEndpoint("", vpcepmock.EndpointSpec{ServiceID: svc.ID})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ep.ID)
	}
	return svc.ID, ids
}

// TestUnitMockAuthMethods catches a token or AK/SK call (a write signed
// over its body included) the mock refuses, a wrong token or key accepted,
// or a 401 that loses the gateway's code, message or request id, or is
// taken for not found or retryable.
func TestUnitMockAuthMethods(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, ids := env.service(t, 1)
	tests := []struct {
		name     string
		edit     func(*Config)
		wantCode string // empty = accepted
	}{
		{"token", nil, ""},
		{"AK/SK", akskConfig, ""},
		{"wrong token", func(c *Config) { c.AuthToken = "nope" }, "APIGW.0301"},
		{"wrong secret key", func(c *Config) { akskConfig(c); c.SecretKey = "wrong" }, "APIGW.0301"},
		{"unknown access key", func(c *Config) { akskConfig(c); c.AccessKey = "UNKNOWN" }, "APIGW.0301"},
	}
	for _, tt := range tests {
		// Sequential: the accepted cases change the shared connection.
		t.Run(tt.name, func(t *testing.T) {
			c := env.client(t, func(cfg *Config) {
				cfg.MaxRetries = 3
				if tt.edit != nil {
					tt.edit(cfg)
				}
			})
			conn, err := c.GetConnection(context.Background(), svcID, ids[0])
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("GetConnection: %v", err)
				}
				if conn.ID != ids[0] || (conn.Status != StatusPendingAcceptance && conn.Status != StatusRejected) {
					t.Errorf("connection = %+v", conn)
				}
				// A write is signed over its body too.
				if _, err := c.AcceptOrReject(context.Background(), svcID, ids[0], ActionReject); err != nil {
					t.Errorf("AcceptOrReject: %v", err)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v, want *APIError", err)
			}
			// The gateway form: flat, with the request id in the body too.
			if apiErr.StatusCode != http.StatusUnauthorized || !HasCode(err, tt.wantCode) || apiErr.RequestID == "" ||
				!strings.Contains(apiErr.Body, `"request_id"`) || apiErr.Message == "" {
				t.Errorf("APIError = %+v", apiErr)
			}
			if IsNotFound(err) || IsRetryable(err) {
				t.Errorf("401 is not-found=%v retryable=%v, want neither", IsNotFound(err), IsRetryable(err))
			}
		})
	}
}

// TestUnitMockProjectIsolationIsNotRetried catches a call to another
// project's service that succeeds or is retried, and a token of one project
// accepted on another project's path.
func TestUnitMockProjectIsolationIsNotRetried(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, ids := env.service(t, 1)
	other := env.client(t, func(c *Config) { c.ProjectID = otherProject; c.AuthToken = otherToken; c.MaxRetries = 3 })
	env.mock.ResetRequestCounts()
	_, err := other.GetConnection(context.Background(), svcID, ids[0])
	var apiErr *APIError
	if !errors.As(err, &apiErr) || (apiErr.StatusCode != 403 && apiErr.StatusCode != 404) {
		t.Fatalf("error %v, want 403 or 404", err)
	}
	if n := env.mock.RequestCounts()[vpcepmock.OpListServiceConnections]; n != 1 {
		t.Errorf("list requests = %d, want 1 (no retry)", n)
	}
	// A token of one project used on another project's path is refused too.
	mixed := env.client(t, func(c *Config) { c.ProjectID = otherProject })
	if _, err := mixed.GetEndpointService(context.Background(), svcID); err == nil || IsRetryable(err) {
		t.Errorf("cross-project call: %v, want a final error", err)
	}
}

// TestUnitMockListAllConnectionsPaginates catches pages that do not add up
// to the service's connections (a row lost or repeated), more list calls
// than pages of 1000, and a filtered walk that pages the whole service.
func TestUnitMockListAllConnectionsPaginates(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	const n = 2345
	svcID, ids := env.service(t, n)
	for _, c := range []struct {
		name string
		edit func(*Config)
	}{{"token", nil}, {"AK/SK", akskConfig}} {
		env.mock.ResetRequestCounts()
		cl := env.client(t, c.edit)
		all, err := cl.ListAllConnections(context.Background(), svcID, ListConnectionsOptions{})
		if err != nil {
			t.Fatalf("%s: ListAllConnections: %v", c.name, err)
		}
		if len(all) != n {
			t.Fatalf("%s: got %d connections, want %d", c.name, len(all), n)
		}
		got := make([]string, 0, n)
		for _, conn := range all {
			got = append(got, conn.ID)
		}
		slices.Sort(got)
		want := slices.Clone(ids)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the pages do not add up to the service's connections", c.name)
		}
		if calls := env.mock.RequestCounts()[vpcepmock.OpListServiceConnections]; calls != 3 {
			t.Errorf("%s: %d list calls, want 3 pages of 1000", c.name, calls)
		}
	}

	// A filter with a smaller page size walks the filtered set only.
	cl := env.client(t, nil)
	for _, id := range ids[:25] {
		if err := env.mock.ForceStatus(svcID, id, vpcepmock.Force{Status: vpcepmock.StatusRejected}); err != nil {
			t.Fatal(err)
		}
	}
	env.mock.ResetRequestCounts()
	rejected, err := cl.ListAllConnections(context.Background(), svcID, ListConnectionsOptions{Status: StatusRejected, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(rejected) != 25 {
		t.Errorf("rejected = %d, want 25", len(rejected))
	}
	if calls := env.mock.RequestCounts()[vpcepmock.OpListServiceConnections]; calls != 3 {
		t.Errorf("%d list calls for 25 rows by 10, want 3", calls)
	}
}

// TestUnitMockListConnectionsFilters catches a filter, sort key (both
// spellings), direction, limit or offset that the client does not send or
// the mock does not apply, a wrong total_count, a marker_id beyond int32
// decoded wrong, and a bad filter that is not a 400 with its code.
func TestUnitMockListConnectionsFilters(t *testing.T) {
	t.Parallel()
	approval := true
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	fx := vpcepmock.Fixtures{Services: []vpcepmock.FixtureService{{
		ID: testService, ProjectID: vpcepmock.DefaultProjectID, ServiceName: "fx", ApprovalEnabled: &approval,
	}}}
	for i := 0; i < 6; i++ {
		status := StatusPendingAcceptance
		if i%2 == 1 {
			status = StatusRejected
		}
		fx.Services[0].Connections = append(fx.Services[0].Connections, vpcepmock.FixtureConnection{
			ID:       fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i),
			Status:   status,
			MarkerID: int64(1)<<40 + int64(i), // beyond int32, as the doc's example
			// created in order 0..5, updated in reverse order.
			CreatedAt: base.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
			UpdatedAt: base.Add(time.Duration(10-i) * time.Hour).Format(time.RFC3339),
		})
	}
	env := newMockEnv(t, vpcepmock.Config{Fixtures: &fx})
	c := env.client(t, nil)
	ctx := context.Background()
	idOf := func(i int) string { return fx.Services[0].Connections[i].ID }

	tests := []struct {
		name  string
		opts  ListConnectionsOptions
		want  []int // indexes of the fixture connections, in order
		total int
	}{
		{"default sort is create_at desc", ListConnectionsOptions{}, []int{5, 4, 3, 2, 1, 0}, 6},
		{"id", ListConnectionsOptions{ID: idOf(3)}, []int{3}, 1},
		{"marker_id", ListConnectionsOptions{MarkerID: strconv.FormatInt(int64(1)<<40+2, 10)}, []int{2}, 1},
		{"status", ListConnectionsOptions{Status: StatusRejected, SortDir: "asc"}, []int{1, 3, 5}, 3},
		{"sort create_at asc", ListConnectionsOptions{SortKey: "create_at", SortDir: "asc"}, []int{0, 1, 2, 3, 4, 5}, 6},
		{"sort created_at asc", ListConnectionsOptions{SortKey: "created_at", SortDir: "asc"}, []int{0, 1, 2, 3, 4, 5}, 6},
		{"sort update_at asc", ListConnectionsOptions{SortKey: "update_at", SortDir: "asc"}, []int{5, 4, 3, 2, 1, 0}, 6},
		{"sort updated_at desc", ListConnectionsOptions{SortKey: "updated_at", SortDir: "desc"}, []int{0, 1, 2, 3, 4, 5}, 6},
		{"limit", ListConnectionsOptions{SortDir: "asc", Limit: 2}, []int{0, 1}, 6},
		{"limit and offset", ListConnectionsOptions{SortDir: "asc", Limit: 2, Offset: 3}, []int{3, 4}, 6},
		{"offset past the end", ListConnectionsOptions{Offset: 6}, nil, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := c.ListConnections(ctx, testService, tt.opts)
			if err != nil {
				t.Fatalf("ListConnections: %v", err)
			}
			var got []string
			for _, conn := range page.Connections {
				got = append(got, conn.ID)
			}
			var want []string
			for _, i := range tt.want {
				want = append(want, idOf(i))
			}
			if !slices.Equal(got, want) || page.TotalCount != tt.total {
				t.Errorf("got %v total %d, want %v total %d", got, page.TotalCount, want, tt.total)
			}
		})
	}

	t.Run("marker_id decodes as int64", func(t *testing.T) {
		t.Parallel()
		conn, err := c.GetConnection(ctx, testService, idOf(4))
		if err != nil {
			t.Fatal(err)
		}
		if conn.MarkerID != int64(1)<<40+4 {
			t.Errorf("MarkerID = %d, want %d", conn.MarkerID, int64(1)<<40+4)
		}
	})

	t.Run("invalid filters are 400 with their codes", func(t *testing.T) {
		t.Parallel()
		for opts, code := range map[*ListConnectionsOptions]string{
			{SortKey: "name"}:   "EndPoint.0017",
			{SortDir: "up"}:     "EndPoint.0018",
			{Status: "bogus"}:   "EndPoint.0019",
			{Limit: 1001}:       "EndPoint.0006",
			{Offset: -1}:        "EndPoint.0010",
			{MarkerID: "m-not"}: "EndPoint.0021",
		} {
			_, err := c.ListConnections(ctx, testService, *opts)
			if !HasCode(err, code) {
				t.Errorf("%+v: error %v, want %s", *opts, err, code)
			}
		}
	})
}

// TestUnitMockGetConnection catches a connection read that differs from the
// mock's, an absent endpoint not reported as ErrConnectionNotFound, an
// absent service reported as a missing endpoint, and a failed connection
// without its error list.
func TestUnitMockGetConnection(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, ids := env.service(t, 3)
	c := env.client(t, nil)
	ctx := context.Background()

	conn, err := c.GetConnection(ctx, svcID, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	want, _ := env.mock.Connection(svcID, ids[1])
	if conn.ID != want.ID || conn.Status != want.Status || conn.MarkerID != want.MarkerID || conn.DomainID != want.DomainID {
		t.Errorf("connection = %+v, mock has %+v", conn, want)
	}

	_, err = c.GetConnection(ctx, svcID, "00000000-0000-4000-8000-000000000000")
	if !IsNotFound(err) || !errors.Is(err, ErrConnectionNotFound) {
		t.Errorf("absent endpoint: %v, want ErrConnectionNotFound", err)
	}
	_, err = c.GetConnection(ctx, "00000000-0000-4000-8000-00000000dead", ids[0])
	if !IsNotFound(err) || errors.Is(err, ErrConnectionNotFound) {
		t.Errorf("absent service: %v, want an API not-found error", err)
	}

	// A failed connection carries its error list.
	if err := env.mock.ForceStatus(svcID, ids[2], vpcepmock.Force{Status: vpcepmock.StatusFailed,
		Errors: []vpcepmock.QueryError{{ErrorCode: "EndPoint.4012", ErrorMessage: "port not found"}}}); err != nil {
		t.Fatal(err)
	}
	failed, err := c.GetConnection(ctx, svcID, ids[2])
	if err != nil {
		t.Fatal(err)
	}
	if failed.Status != StatusFailed || len(failed.Error) != 1 || failed.Error[0].ErrorCode != "EndPoint.4012" {
		t.Errorf("failed connection = %+v", failed)
	}
}

// TestUnitMockAcceptOrReject catches a receive or reject (token or AK/SK)
// not answered with the connection or not applied, a repeated receive that
// fails, an invalid action or unknown endpoint retried, or an unknown
// endpoint not reported as not found.
func TestUnitMockAcceptOrReject(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, ids := env.service(t, 2)
	ctx := context.Background()
	for _, auth := range []struct {
		name string
		edit func(*Config)
		id   string
	}{{"token", nil, ids[0]}, {"AK/SK", akskConfig, ids[1]}} {
		c := env.client(t, auth.edit)
		conn, err := c.AcceptOrReject(ctx, svcID, auth.id, ActionReceive)
		if err != nil {
			t.Fatalf("%s: receive: %v", auth.name, err)
		}
		if conn.ID != auth.id || (conn.Status != StatusCreating && conn.Status != StatusAccepted) {
			t.Errorf("%s: receive answered %+v", auth.name, conn)
		}
		// Accepting again is a no-op in effect.
		if _, err := c.AcceptOrReject(ctx, svcID, auth.id, ActionReceive); err != nil {
			t.Errorf("%s: second receive: %v", auth.name, err)
		}
		conn, err = c.AcceptOrReject(ctx, svcID, auth.id, ActionReject)
		if err != nil || conn.Status != StatusRejected {
			t.Errorf("%s: reject: %+v, %v", auth.name, conn, err)
		}
		if got, _ := env.mock.Connection(svcID, auth.id); got.Status != StatusRejected {
			t.Errorf("%s: mock status %q, want rejected", auth.name, got.Status)
		}
	}
	if n := len(env.mock.Actions()); n != 4 {
		t.Errorf("effective actions = %d, want 4", n)
	}

	c := env.client(t, func(cfg *Config) { cfg.MaxRetries = 3 })
	env.mock.ResetRequestCounts()
	_, err := c.AcceptOrReject(ctx, svcID, ids[0], "approve")
	if !HasCode(err, "EndPoint.0007") || IsRetryable(err) {
		t.Errorf("invalid action: %v, want final EndPoint.0007", err)
	}
	_, err = c.AcceptOrReject(ctx, svcID, "00000000-0000-4000-8000-000000000000", ActionReceive)
	if !IsNotFound(err) {
		t.Errorf("unknown endpoint: %v, want not found", err)
	}
	if n := env.mock.RequestCounts()[vpcepmock.OpAcceptOrRejectEndpoint]; n != 2 {
		t.Errorf("action requests = %d, want 2 (no retries on 400/404)", n)
	}
}

// TestUnitMockUpdateConnectionDescription catches a description (with & and
// non-ASCII characters) not sent or not stored as given, and one with < or
// over 512 characters not refused with EndPoint.0002.
func TestUnitMockUpdateConnectionDescription(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, ids := env.service(t, 1)
	ctx := context.Background()
	for _, edit := range []func(*Config){nil, akskConfig} {
		c := env.client(t, edit)
		desc := "team-a & friends: ünïcode " + strconv.Itoa(time.Now().Nanosecond())
		conn, err := c.UpdateConnectionDescription(ctx, svcID, ids[0], desc)
		if err != nil {
			t.Fatal(err)
		}
		if conn.ID != ids[0] || conn.Description != desc {
			t.Errorf("answer = %+v", conn)
		}
		if got, _ := env.mock.Connection(svcID, ids[0]); got.Description != desc {
			t.Errorf("mock description %q, want %q", got.Description, desc)
		}
	}
	c := env.client(t, nil)
	if _, err := c.UpdateConnectionDescription(ctx, svcID, ids[0], "<b>"); !HasCode(err, "EndPoint.0002") {
		t.Errorf("description with <: %v, want EndPoint.0002", err)
	}
	if _, err := c.UpdateConnectionDescription(ctx, svcID, ids[0], strings.Repeat("x", 513)); !HasCode(err, "EndPoint.0002") {
		t.Errorf("description of 513 characters: %v, want EndPoint.0002", err)
	}
}

// TestUnitMockGetEndpointService catches a service read that loses a field
// (status, approval, connection count, name, ports), and a missing service
// not reported as not found.
func TestUnitMockGetEndpointService(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, _ := env.service(t, 2)
	c := env.client(t, akskConfig)
	svc, err := c.GetEndpointService(context.Background(), svcID)
	if err != nil {
		t.Fatal(err)
	}
	if svc.ID != svcID || svc.Status != vpcepmock.ServiceStatusAvailable || !svc.ApprovalEnabled || svc.ConnectionCount != 2 ||
		!strings.Contains(svc.ServiceName, ".svc.") || len(svc.Ports) == 0 {
		t.Errorf("service = %+v", svc)
	}
	_, err = c.GetEndpointService(context.Background(), "00000000-0000-4000-8000-00000000dead")
	if !IsNotFound(err) {
		t.Errorf("missing service: %v, want not found", err)
	}
}

// TestUnitMockErrorForms catches an error in the nested or the flat form
// that loses its status, code, message or request id on the way to the
// client's message.
func TestUnitMockErrorForms(t *testing.T) {
	t.Parallel()
	for _, format := range []string{vpcepmock.ErrorFormatNested, vpcepmock.ErrorFormatFlat} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			env := newMockEnv(t, vpcepmock.Config{ErrorFormat: format})
			c := env.client(t, nil)
			_, err := c.GetEndpointService(context.Background(), "00000000-0000-4000-8000-00000000dead")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v, want *APIError", err)
			}
			if apiErr.StatusCode != 404 || apiErr.Code != "EndPoint.0005" || apiErr.Message == "" || apiErr.RequestID == "" {
				t.Errorf("APIError = %+v", apiErr)
			}
			wantKey := map[string]string{vpcepmock.ErrorFormatNested: `"error":{`, vpcepmock.ErrorFormatFlat: `"error_code"`}[format]
			if !strings.Contains(apiErr.Body, wantKey) {
				t.Errorf("body %s is not the %s form", apiErr.Body, format)
			}
			if !strings.Contains(err.Error(), "HTTP 404 EndPoint.0005: ") || !strings.Contains(err.Error(), "(request id "+apiErr.RequestID+")") {
				t.Errorf("message %q lacks status, code or request id", err)
			}
		})
	}
}

// TestUnitMockRetriesFaults catches an injected fault kind (429,
// EndPoint.0022, 503) that the client does not treat as retryable, retries
// beyond max_retries, and faults at half the answers that retries do not
// carry through.
func TestUnitMockRetriesFaults(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{Faults: vpcepmock.Faults{Rate: 1, Seed: 7}})
	svcID, _ := env.service(t, 1)

	// Every kind of injected fault is retryable.
	noRetry := env.client(t, nil)
	seen := map[string]bool{}
	for i := 0; i < 60; i++ {
		_, err := noRetry.ListConnections(context.Background(), svcID, ListConnectionsOptions{})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || !IsRetryable(err) {
			t.Fatalf("fault answer %v is not a retryable *APIError", err)
		}
		seen[fmt.Sprintf("%d %s", apiErr.StatusCode, strings.ToLower(apiErr.Code))] = true
	}
	for _, want := range []string{"429 apigw.0308", "400 endpoint.0022", "503 endpoint.0001"} {
		if !seen[want] {
			t.Errorf("fault %s never seen (saw %v)", want, seen)
		}
	}

	// Bounded: all attempts fault.
	env.mock.ResetRequestCounts()
	c := env.client(t, func(cfg *Config) { cfg.MaxRetries = 4 })
	if _, err := c.ListConnections(context.Background(), svcID, ListConnectionsOptions{}); !IsRetryable(err) {
		t.Errorf("error %v, want the last fault", err)
	}
	if n := env.mock.RequestCounts()[vpcepmock.OpListServiceConnections]; n != 5 {
		t.Errorf("requests = %d, want 5", n)
	}

	// With half the answers faulted, retries carry every call through.
	env.mock.SetFaults(vpcepmock.Faults{Rate: 0.5, Seed: 11})
	env.mock.ResetRequestCounts()
	c = env.client(t, func(cfg *Config) { cfg.MaxRetries = MaxRetriesLimit; akskConfig(cfg) })
	for i := 0; i < 30; i++ {
		if _, err := c.AcceptOrReject(context.Background(), svcID, env.mock.Connections(svcID)[0].ID, ActionReceive); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	counts := env.mock.RequestCounts()
	if counts[vpcepmock.CountFaulted] == 0 || counts[vpcepmock.OpAcceptOrRejectEndpoint] <= 30 {
		t.Errorf("counts %v: want faults retried", counts)
	}
}

// TestUnitMockCancellation catches a call that outlives its context: with
// the mock slow to answer (up to an hour), the caller's deadline must end
// the wait and be the error.
func TestUnitMockCancellation(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{})
	svcID, _ := env.service(t, 1)
	env.mock.SetFaults(vpcepmock.Faults{Latency: time.Hour, Seed: 1})
	c := env.client(t, func(cfg *Config) { cfg.MaxRetries = 5 })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := returnsDespite(t, "the call to a slow API", func() error {
		_, err := c.ListAllConnections(ctx, svcID, ListConnectionsOptions{})
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want context.DeadlineExceeded", err)
	}
}

// TestUnitLogsMaskSecrets catches a token, secret key or signature in the
// log of any call under either auth method, and an API call's debug line
// that is missing or lacks method, path, query, status, request id,
// duration or attempt.
func TestUnitLogsMaskSecrets(t *testing.T) {
	t.Parallel()
	const token = "super-secret-token-value-12345"
	const secretKey = "SUPER-SECRET-KEY-VALUE-67890"
	env := newMockEnv(t, vpcepmock.Config{Credentials: []vpcepmock.Credential{
		{ProjectID: vpcepmock.DefaultProjectID, Token: token, AccessKey: "LOGTESTAK", SecretKey: secretKey},
	}})
	svcID, ids := env.service(t, 1)
	for _, auth := range []struct {
		name string
		edit func(*Config)
	}{
		{"token", func(c *Config) { c.AuthToken = token }},
		{"AK/SK", func(c *Config) { c.AuthToken = ""; c.AccessKey, c.SecretKey = "LOGTESTAK", secretKey }},
	} {
		var buf bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &buf)
		c := env.client(t, auth.edit)
		var signatures []string
		c.httpClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if a := r.Header.Get("Authorization"); a != "" {
				signatures = append(signatures, a[strings.Index(a, "Signature=")+len("Signature="):])
			}
			return http.DefaultTransport.RoundTrip(r)
		})}
		if _, err := c.GetConnection(ctx, svcID, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AcceptOrReject(ctx, svcID, ids[0], ActionReceive); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateConnectionDescription(ctx, svcID, ids[0], "d"); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, secret := range append([]string{token, secretKey}, signatures...) {
			if strings.Contains(out, secret) {
				t.Errorf("%s: log output contains a secret %q", auth.name, secret)
			}
		}
		if auth.name == "AK/SK" && len(signatures) != 3 {
			t.Errorf("captured %d signatures, want 3", len(signatures))
		}
		entries, err := tflogtest.MultilineJSONDecode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		debugLines := 0
		for _, e := range entries {
			if e["@message"] != "VPCEP API call" {
				continue
			}
			debugLines++
			for _, key := range []string{"method", "path", "query", "status", "request_id", "duration_ms", "attempt"} {
				if _, ok := e[key]; !ok {
					t.Errorf("%s: debug line lacks %q: %v", auth.name, key, e)
				}
			}
			if e["@level"] != "debug" || e["request_id"] == "" {
				t.Errorf("%s: debug line %v", auth.name, e)
			}
		}
		if debugLines != 3 {
			t.Errorf("%s: %d debug lines, want one per request (3)", auth.name, debugLines)
		}
		if !strings.Contains(out, `"action\":\"receive\"`) && !strings.Contains(out, `{\"action\":\"receive\"`) {
			t.Errorf("%s: trace output lacks the request body", auth.name)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestUnitMockConcurrentUse catches a data race (under -race) or a failed
// call when many calls of one client run at once over faulty answers, as
// Terraform's parallel resources do.
func TestUnitMockConcurrentUse(t *testing.T) {
	t.Parallel()
	env := newMockEnv(t, vpcepmock.Config{Faults: vpcepmock.Faults{Rate: 0.2, Seed: 3}})
	svcID, ids := env.service(t, 16)
	c := env.client(t, func(cfg *Config) { cfg.MaxRetries = MaxRetriesLimit; akskConfig(cfg) })
	errs := make(chan error, len(ids))
	for i, id := range ids {
		go func() {
			action := ActionReceive
			if i%2 == 1 {
				action = ActionReject
			}
			if _, err := c.AcceptOrReject(context.Background(), svcID, id, action); err != nil {
				errs <- err
				return
			}
			_, err := c.GetConnection(context.Background(), svcID, id)
			errs <- err
		}()
	}
	for range ids {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	for i, id := range ids {
		want := StatusAccepted
		if i%2 == 1 {
			want = StatusRejected
		}
		got, _ := env.mock.Connection(svcID, id)
		settling := want == StatusAccepted && got.Status == StatusCreating
		if got.Status != want && !settling {
			t.Errorf("connection %d: %s, want %s", i, got.Status, want)
		}
	}
}
