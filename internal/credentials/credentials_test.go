package credentials

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// countingSource issues numbered temporary keys living ttl, slowly.
type countingSource struct {
	n   atomic.Int32
	ttl time.Duration
	now func() time.Time
}

func (s *countingSource) Name() string { return "counting" }

func (s *countingSource) Retrieve(context.Context) (client.Credentials, error) {
	n := s.n.Add(1)
	time.Sleep(10 * time.Millisecond) // long enough for every caller to pile up
	return client.Credentials{AccessKey: fmt.Sprintf("AK%d", n), SecretKey: "sk", SecurityToken: "st", ExpiresAt: s.now().Add(s.ttl)}, nil
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestUnitCacheSharesOneRenewal catches concurrent callers that each
// retrieve keys (at first use, at renewal before expiry, after a refusal)
// instead of sharing one retrieval, and keys renewed while more than a
// tenth of their life is left.
func TestUnitCacheSharesOneRenewal(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	src := &countingSource{ttl: time.Hour, now: clock.Now}
	c := NewCache(src)
	c.now = clock.Now
	burst := func() []client.Credentials {
		var wg sync.WaitGroup
		out := make([]client.Credentials, 20)
		for i := range out {
			wg.Add(1)
			go func() {
				defer wg.Done()
				creds, err := c.Credentials(context.Background())
				if err != nil {
					t.Error(err)
				}
				out[i] = creds
			}()
		}
		wg.Wait()
		return out
	}
	check := func(step string, wantFetches int32, wantAK string) {
		t.Helper()
		for _, creds := range burst() {
			if creds.AccessKey != wantAK {
				t.Fatalf("%s: a caller got %s, want %s", step, creds.AccessKey, wantAK)
			}
		}
		if n := src.n.Load(); n != wantFetches {
			t.Fatalf("%s: %d retrievals, want %d", step, n, wantFetches)
		}
	}
	check("first use", 1, "AK1")
	clock.Add(50 * time.Minute)
	check("50 of 60 minutes", 1, "AK1")
	clock.Add(5 * time.Minute) // 5 minutes left: within the margin
	check("renewal before expiry", 2, "AK2")

	// Twenty calls refused with AK2 renew once; a late Renew(AK2) reuses AK3.
	var wg sync.WaitGroup
	refused := client.Credentials{AccessKey: "AK2", SecretKey: "sk", SecurityToken: "st"}
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = c.Renew(context.Background(), refused) }()
	}
	wg.Wait()
	if got, _ := c.Renew(context.Background(), refused); got.AccessKey != "AK3" || src.n.Load() != 3 {
		t.Fatalf("after a shared renewal: %s with %d retrievals, want AK3 with 3", got.AccessKey, src.n.Load())
	}
}

// fakeIAM records the ID tokens it was given.
type fakeIAM struct {
	mu       sync.Mutex
	idTokens []string
	agencies []string
}

func (f *fakeIAM) AssumeAgency(_ context.Context, base client.Credentials, a client.AssumeAgency) (client.Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.agencies = append(f.agencies, a.AgencyName+" with "+base.AccessKey)
	return client.Credentials{AccessKey: "AGENCY", SecretKey: "s", SecurityToken: "t", ExpiresAt: time.Now().Add(time.Hour)}, nil
}

func (f *fakeIAM) TokenFromIDToken(_ context.Context, idp, idToken string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.idTokens = append(f.idTokens, idToken)
	return "subject-" + idToken, nil
}

func (f *fakeIAM) CredentialsFromToken(_ context.Context, token string, _ int) (client.Credentials, error) {
	return client.Credentials{AccessKey: "FED-" + token, SecretKey: "s", SecurityToken: "t", ExpiresAt: time.Now().Add(time.Hour)}, nil
}

// TestUnitOIDCRereadsTokenFile catches an ID token file read once and
// reused (CI systems rotate it), and a named agency not assumed with the
// federated keys.
func TestUnitOIDCRereadsTokenFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "id_token")
	iam := &fakeIAM{}
	src := OIDC{IAM: iam, IdpID: "ci", IDTokenFile: file, Agency: client.AssumeAgency{AgencyName: "ops", DomainID: "d"}}
	for _, tok := range []string{"first.jwt.x", "second.jwt.x"} {
		if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if creds, err := src.Retrieve(context.Background()); err != nil || creds.AccessKey != "AGENCY" {
			t.Fatalf("retrieve: %v %+v", err, creds)
		}
	}
	if strings.Join(iam.idTokens, ",") != "first.jwt.x,second.jwt.x" {
		t.Errorf("ID tokens sent: %v, want the file's content at each retrieval", iam.idTokens)
	}
	if strings.Join(iam.agencies, ",") != "ops with FED-subject-first.jwt.x,ops with FED-subject-second.jwt.x" {
		t.Errorf("agencies assumed: %v", iam.agencies)
	}
}
