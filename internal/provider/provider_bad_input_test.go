package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock/mocktest"
)

// minBadInputs is the size the bad-input table must keep, so that it cannot
// shrink silently.
const minBadInputs = 25

// headerRequestID is the header the API (and the mock) carries its request id in.
const headerRequestID = "X-Request-Id"

// badInput is one row of the bad-input table: something a user can get
// wrong, and the diagnostic it must produce. Exactly one of plan, importID
// and apply is set:
//   - plan: a configuration that must fail at plan time, before any API call;
//   - importID: an id that `terraform import` must refuse;
//   - apply: builds a configuration against a server that fails the API call,
//     returning it with the request id the diagnostic must carry ("" for none).
type badInput struct {
	name     string
	plan     func(e *testEnv) string
	importID string
	apply    func(t *testing.T) (config, requestID string)
	want     string // expectErr pattern: the key phrase naming the field and the fix
}

// planResource is an approval with the given arguments, on the mock.
func planResource(args string) func(e *testEnv) string {
	return func(e *testEnv) string {
		return e.ProviderConfig() + hclBlock(approvalHeader, args)
	}
}

// planProvider is a provider block with the given body and a valid approval.
// The endpoint in these bodies is never called: the errors come first.
func planProvider(body string) func(*testEnv) string {
	return func(*testEnv) string { return providerOnlyConfig(body) }
}

// badInputIDs are valid service_id / endpoint_id arguments for the rows that break
// something else.
const badInputIDs = `  service_id  = "svc"
  endpoint_id = "ep"`

// stampRequestID serves h but sets X-Request-Id to id on every answer, so a
// test knows the request id a diagnostic must quote.
func stampRequestID(h http.Handler, id string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&stampingWriter{ResponseWriter: w, id: id}, r)
	})
}

type stampingWriter struct {
	http.ResponseWriter
	id    string
	wrote bool
}

func (w *stampingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Set(headerRequestID, w.id)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *stampingWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// mockBehind starts a second server in front of e's mock that stamps
// request ids, and returns the env pointing at it with the id.
func mockBehind(t *testing.T, e *testEnv) string {
	t.Helper()
	id := "req-" + vpcepmock.RandomHex(12)
	srv := httptest.NewServer(stampRequestID(e.Mock, id))
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return id
}

// failingAPI starts a server that answers every request with status and the
// nested error body {"error":{"code","message"}}, plus an X-Request-Id.
func failingAPI(t *testing.T, status int, code, message string) (url, requestID string) {
	t.Helper()
	requestID = "req-" + vpcepmock.RandomHex(12)
	body, err := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(headerRequestID, requestID)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, requestID
}

// applyConfig is a provider block reaching url with the given credential
// lines, no retries (so 5xx answers fail at once), and one approval.
func applyConfig(url, projectID, credentials, serviceID, endpointID string) string {
	return providerBlock(url, projectID, noRetries, credentials) + approvalBlock(serviceID, endpointID)
}

// failingAPIRow is an apply row against failingAPI.
func failingAPIRow(status int, code, message string) func(t *testing.T) (string, string) {
	return func(t *testing.T) (string, string) {
		url, id := failingAPI(t, status, code, message)
		return applyConfig(url, "p", `  auth_token = "t"`, vpcepmock.NewID(), vpcepmock.NewID()), id
	}
}

// mockRow is an apply row against a fresh mock with a real service and
// endpoint; creds gives the credential lines and the project id to use.
func mockRow(opts func(*vpcepmock.Config), creds func(e *testEnv) (lines, projectID string)) func(t *testing.T) (string, string) {
	return func(t *testing.T) (string, string) {
		var o []func(*vpcepmock.Config)
		if opts != nil {
			o = append(o, opts)
		}
		e := newTestEnv(t, o...)
		svc := e.NewService(t, true)
		ep := e.NewEndpoint(t, svc, "domain-bad")
		id := mockBehind(t, e)
		lines, project := creds(e)
		return applyConfig(e.URL, project, lines, svc, ep), id
	}
}

// badInputs is the table. Plan-time rows come first, then import ids, then
// API-side failures.
func badInputs() []badInput {
	long := strings.Repeat("x", 65)
	timeoutsBlock := func(name, value string) string {
		return badInputIDs + fmt.Sprintf("\n  timeouts {\n    %s = %q\n  }", name, value)
	}
	const remote = `  endpoint   = "https://vpcep.example.com"
  project_id = "p"
`
	return []badInput{
		// The resource's arguments.
		{name: "action not an action", plan: planResource(badInputIDs + "\n  action = \"accept\""),
			want: `Attribute action value must be one of: \["receive" "reject"\], got: "accept"`},
		{name: "action in the wrong case", plan: planResource(badInputIDs + "\n  action = \"Receive\""),
			want: `Attribute action value must be one of: \["receive" "reject"\], got: "Receive"`},
		{name: "empty service_id", plan: planResource(`  service_id  = ""
  endpoint_id = "ep"`), want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "" \(it is empty\)`},
		{name: "over-long service_id", plan: planResource(fmt.Sprintf(`  service_id  = %q
  endpoint_id = "ep"`, long)), want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "` + long + `" \(it has 65 characters\)`},
		{name: "empty endpoint_id", plan: planResource(`  service_id  = "svc"
  endpoint_id = ""`), want: `Attribute endpoint_id must be 1-64 characters without whitespace or "/"; got "" \(it is empty\)`},
		{name: "over-long endpoint_id", plan: planResource(fmt.Sprintf(`  service_id  = "svc"
  endpoint_id = %q`, long)), want: `Attribute endpoint_id must be 1-64 characters without whitespace or "/"; got "` + long + `" \(it has 65 characters\)`},
		{name: "space in endpoint_id", plan: planResource(`  service_id  = "svc"
  endpoint_id = "ep 1"`), want: `Attribute endpoint_id must be 1-64 characters without whitespace or "/"; got "ep 1" \(it contains whitespace\)`},
		{name: "trailing space in service_id", plan: planResource(`  service_id  = "svc "
  endpoint_id = "ep"`), want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "svc " \(it ends with whitespace\)`},
		{name: "tab in endpoint_id", plan: planResource(`  service_id  = "svc"
  endpoint_id = "ep\t1"`), want: `Attribute endpoint_id must be 1-64 characters without whitespace or "/"; got "ep\\t1" \(it contains whitespace\)`},
		{name: "slash in service_id", plan: planResource(`  service_id  = "a/b"
  endpoint_id = "ep"`), want: `Attribute service_id must be 1-64 characters without whitespace or "/"; got "a/b" \(it contains "/"\)`},
		{name: "description with <", plan: planResource(badInputIDs + "\n  description = \"<b>team\""),
			want: `Attribute description must not contain < or >, got: <b>team`},
		{name: "description with >", plan: planResource(badInputIDs + "\n  description = \"a > b\""),
			want: `Attribute description must not contain < or >, got: a > b`},
		{name: "description over 512 characters", plan: planResource(badInputIDs + fmt.Sprintf("\n  description = %q", strings.Repeat("é", 513))),
			want: `Attribute description UTF-8 character count must be between 0 and 512, got: 513`},
		{name: "unparsable create timeout", plan: planResource(timeoutsBlock("create", "soon")),
			want: `create = "soon".*"soon" must be a string containing a sequence of decimal numbers`},
		{name: "unparsable update timeout", plan: planResource(timeoutsBlock("update", "10 minutes")),
			want: `update = "10 minutes".*"10 minutes" must be a string containing a sequence of decimal numbers`},
		{name: "unparsable delete timeout", plan: planResource(timeoutsBlock("delete", "5x")),
			want: `delete = "5x".*"5x" must be a string containing a sequence of decimal numbers`},

		// Import ids.
		{name: "import id without separator", importID: "no-separator",
			want: `Invalid import id.*expected an import id of the form service_id/endpoint_id.*got "no-separator"`},
		{name: "import id with three parts", importID: "svc/ep/extra",
			want: `Invalid import id.*expected an import id of the form service_id/endpoint_id.*got "svc/ep/extra"`},
		{name: "import id without service", importID: "/ep",
			want: `Invalid import id.*expected an import id of the form service_id/endpoint_id.*got "/ep"`},
		{name: "import id without endpoint", importID: "svc/",
			want: `Invalid import id.*expected an import id of the form service_id/endpoint_id.*got "svc/"`},
		{name: "import id with a space", importID: "svc 1/ep",
			want: `Invalid import id.*expected an import id of the form service_id/endpoint_id.*got "svc 1/ep"`},
		{name: "import id with an over-long half", importID: "svc/" + long,
			want: `Invalid import id.*1-64 characters.*got "svc/` + long + `"`},

		// The provider block.
		{name: "missing project_id", plan: planProvider(`  endpoint   = "https://vpcep.example.com"
  auth_token = "t"`), want: `Missing project_id.*Set project_id in the provider block, or the environment variable VPCEP_PROJECT_ID \(or HW_PROJECT_ID, or HUAWEICLOUD_SDK_PROJECT_ID\)`},
		// Defect: project_id = "../../etc" was sent, with a credential, in the
		// path of a request, and the API's 403 read as a permissions problem.
		{name: "project_id with a path", plan: func(e *testEnv) string {
			return providerBlock(e.URL, "../../etc", tokenLine(e.Token)) + hclBlock(`data "vpcep_connections" "all"`, `  service_id = "svc"`)
		}, want: `Invalid project_id.*The project_id "../../etc" \(from project_id\) has '.' at position 1.*letters, digits, dashes and underscores.*Fix project_id \(or VPCEP_PROJECT_ID.*Nothing was sent`},
		{name: "no credentials", plan: planProvider(remote),
			want: `Missing credentials.*Set either auth_token \(environment: VPCEP_AUTH_TOKEN\), or access_key and secret_key`},
		{name: "token and AK/SK together", plan: planProvider(remote + tokenLine("t") + "\n" + keyLines("ak", "sk")),
			want: `Conflicting credentials.*sets both a token \(auth_token\) and an access key \(access_key/secret_key\).*remove either auth_token, or access_key and secret_key`},
		{name: "access_key without secret_key", plan: planProvider(remote + `  access_key = "ak"`),
			want: `Missing secret_key.*Set secret_key in the provider block, or the environment variable VPCEP_SECRET_KEY \(or HW_SECRET_KEY, or HUAWEICLOUD_SDK_SK\)`},
		{name: "secret_key without access_key", plan: planProvider(remote + `  secret_key = "sk"`),
			want: `Missing access_key.*Set access_key in the provider block, or the environment variable VPCEP_ACCESS_KEY \(or HW_ACCESS_KEY, or HUAWEICLOUD_SDK_AK\)`},
		{name: "malformed endpoint URL", plan: planProvider(`  endpoint   = "https://vpc ep.example.com"
  project_id = "p"
  auth_token = "t"`), want: `Invalid endpoint.*"https://vpc ep.example.com".*is not a valid URL.*Set endpoint \(or VPCEP_ENDPOINT\) to the API's base URL`},
		{name: "endpoint without scheme", plan: planProvider(`  endpoint   = "vpcep.example.com"
  project_id = "p"
  auth_token = "t"`), want: `Invalid endpoint.*must start with https://`},
		{name: "endpoint with a query", plan: planProvider(`  endpoint   = "https://vpcep.example.com/?x=1"
  project_id = "p"
  auth_token = "t"`), want: `Invalid endpoint.*must not contain user information, a query or a fragment`},
		{name: "plain http to a remote host", plan: planProvider(`  endpoint   = "http://vpcep.example.com"
  project_id = "p"
  auth_token = "t"`), want: `Insecure endpoint.*plain http:// to a host that is not a loopback address.*Use https://`},
		{name: "negative max_retries", plan: planProvider(remote + `  auth_token  = "t"
  max_retries = -1`), want: `Attribute max_retries value must be at least 0, got: -1`},

		// API-side failures: each diagnostic carries the API's status, code,
		// message and request id.
		{name: "401 wrong token", apply: mockRow(nil, func(e *testEnv) (string, string) {
			return tokenLine("not-the-token"), e.ProjectID
		}), want: `Error sending "receive".*did not accept the provider's credentials \(HTTP 401\).*auth_token \(VPCEP_AUTH_TOKEN\).*Nothing was changed.*Original Error: .*VPCEP API error: HTTP 401 APIGW.0301: Incorrect IAM authentication information: decrypt token fail \(request id REQ\)`},
		{name: "401 wrong secret key", apply: mockRow(nil, func(e *testEnv) (string, string) {
			return keyLines(e.AccessKey, "not-the-secret"), e.ProjectID
		}), want: `HTTP 401 APIGW.0301: Incorrect IAM authentication information: verify aksk signature fail.* \(request id REQ\)`},
		{name: "401 unknown access key", apply: mockRow(nil, func(e *testEnv) (string, string) {
			return keyLines("UNKNOWNAK", e.SecretKey), e.ProjectID
		}), want: `HTTP 401 APIGW.0301: .*ak:UNKNOWNAK.*\(request id REQ\)`},
		{name: "401 expired signature (clock skew over 15 minutes)", apply: mockRow(func(c *vpcepmock.Config) {
			c.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
		}, func(e *testEnv) (string, string) {
			return keyLines(e.AccessKey, e.SecretKey), e.ProjectID
		}), want: `HTTP 401 APIGW.0301: .*signature expired.*\(request id REQ\)`},
		{name: "403 another project", apply: mockRow(nil, func(e *testEnv) (string, string) {
			return tokenLine(e.Token), vpcepmock.RandomHex(16)
		}), want: `Error sending "receive".*credentials are valid, but they lack permission.*HTTP 403 EndPoint.0004: Authentication information is incorrect or you have no permissions. \(request id REQ\)`},
		{name: "404 unknown service", apply: func(t *testing.T) (string, string) {
			e := newTestEnv(t)
			id := mockBehind(t, e)
			return applyConfig(e.URL, e.ProjectID, tokenLine(e.Token), "00000000-0000-4000-8000-000000000000", vpcepmock.NewID()), id
		}, want: `VPC endpoint service not found.*00000000-0000-4000-8000-000000000000 does not exist.*Check service_id.*HTTP 404 EndPoint.0005: The requested resource does not exist. \(request id REQ\)`},
		// Defect: a refused loopback connection said only "no HTTP response was
		// received", neither that nothing was sent nor that no vpcep-mock runs there.
		{name: "failed connection (nothing listening)", apply: func(t *testing.T) (string, string) {
			return applyConfig("http://"+closedAddr(t), "p", tokenLine("t"), "svc", "ep"), ""
		}, want: `Request not sent.*The VPCEP API at http://127.0.0.1:[0-9]+ could not be reached: the connection was refused, so nothing was sent.*is vpcep-mock running at http://127.0.0.1:[0-9]+\?.*Original Error: .*VPCEP API request POST http://127.0.0.1:[0-9]+/v1/p/vpc-endpoint-services/svc/connections/action was not sent:.*connection refused`},
		{name: "400 from the API", apply: failingAPIRow(http.StatusBadRequest, "EndPoint.2012", "You have no permission to connect to the VPC endpoint service."),
			want: `Error sending "receive".*HTTP 400 EndPoint.2012: You have no permission to connect to the VPC endpoint service. \(request id REQ\)`},
		{name: "409 from the API", apply: failingAPIRow(http.StatusConflict, "EndPoint.2015", "The endpoint has been frozen."),
			want: `Error sending "receive".*HTTP 409 EndPoint.2015: The endpoint has been frozen. \(request id REQ\)`},
		// Defect (this row and the next): with max_retries = 0 (applyConfig), the
		// error said the API kept failing or throttling "after every retry".
		{name: "500 from the API", apply: failingAPIRow(http.StatusInternalServerError, "EndPoint.0001", "System error. Please retry."),
			want: `Error sending "receive".*server error \(HTTP 500\), and the request was not retried: max_retries is 0.*HTTP 500 EndPoint.0001: System error. Please retry. \(request id REQ\)`},
		{name: "429 from the API", apply: failingAPIRow(http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached"),
			want: `Error sending "receive".*throttled the request \(too many requests\), and it was not retried: max_retries is 0.*set max_retries in the provider block \(for example 6, the default; up to 20\).*HTTP 429 APIGW.0308: The throttling threshold has been reached \(request id REQ\)`},
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	return mocktest.ClosedAddr(t)
}

// TestAccBadInput catches any row of the bad-input table accepted, or
// refused without the error its row expects. The provider environment
// variables are cleared first (by this test, which is why it is not itself
// parallel; its rows are), so the rows do not depend on the environment of
// the machine running them.
func TestAccBadInput(t *testing.T) {
	clearProviderEnv(t)
	rows := badInputs()
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			switch {
			case row.plan != nil:
				e := newTestEnv(t)
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					Steps: []resource.TestStep{{
						Config:      row.plan(e),
						PlanOnly:    true,
						ExpectError: expectErr(row.want),
					}},
				})
				if n := len(e.Mock.RequestCounts()); n != 0 {
					t.Errorf("the mock was called (%v); the error must come at plan time, before any API call", e.Mock.RequestCounts())
				}
			case row.importID != "":
				e := newTestEnv(t)
				svc := e.NewService(t, true)
				ep := e.NewEndpoint(t, svc, "domain-import")
				cfg := approvalConfig(e, svc, ep, "")
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					Steps: []resource.TestStep{
						{Config: cfg},
						{
							Config: cfg, ResourceName: approvalAddr, ImportState: true, ImportStateId: row.importID,
							ExpectError: expectErr(row.want),
						},
					},
				})
			case row.apply != nil:
				cfg, requestID := row.apply(t)
				want := row.want
				if requestID != "" {
					want = strings.ReplaceAll(want, "REQ", regexp.QuoteMeta(requestID))
				} else if strings.Contains(want, "REQ") {
					t.Fatalf("row %q expects a request id but its server sets none", row.name)
				}
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
					Steps: []resource.TestStep{{
						Config:      cfg,
						ExpectError: expectErr(want),
					}},
				})
			default:
				t.Fatalf("row %q sets none of plan, importID, apply", row.name)
			}
		})
	}
	if len(rows) < minBadInputs {
		t.Errorf("the bad-input table has %d rows, want at least %d", len(rows), minBadInputs)
	}
	t.Logf("bad inputs tried: %d", len(rows))
}
