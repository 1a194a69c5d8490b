// Package credentials obtains the provider's credentials from one source
// (fixed keys or token, an agency, OIDC federation, ECS metadata),
// exchanging them through IAM where the source asks for it, and keeps
// temporary ones fresh. It knows nothing of Terraform; which source applies
// is decided by package settings.
package credentials

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Source obtains credentials; Retrieve is called once at first use and
// again for every renewal.
type Source interface {
	// Name says what the source is, for logs and errors ("agency ops-approver").
	Name() string
	Retrieve(ctx context.Context) (client.Credentials, error)
}

// Renewal timing: temporary credentials are renewed when a tenth of their
// lifetime (at most maxRenewMargin) is left, so that no request is signed
// with keys about to expire.
const maxRenewMargin = 5 * time.Minute

// Cache serves the credentials of a Source to concurrent calls: one
// retrieval at a time, shared by every caller waiting for it (so a long
// apply renews once per expiry, not once per resource). It implements
// client.CredentialProvider.
type Cache struct {
	src Source
	now func() time.Time
	// retrieval joins the callers that need the source into one call.
	retrieval singleflight.Group

	mu       sync.Mutex
	current  client.Credentials
	obtained time.Time
	valid    bool
	fetches  int
}

var _ client.CredentialProvider = (*Cache)(nil)

// NewCache returns a cache over src.
func NewCache(src Source) *Cache { return &Cache{src: src, now: time.Now} }

// Name is the source's name.
func (c *Cache) Name() string { return c.src.Name() }

// Retrievals counts the calls made to the source (for tests and logs).
func (c *Cache) Retrievals() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches
}

// Credentials returns the cached credentials, renewing them first when they
// are temporary and close to expiry.
func (c *Cache) Credentials(ctx context.Context) (client.Credentials, error) {
	c.mu.Lock()
	if c.valid && !c.due() {
		creds := c.current
		c.mu.Unlock()
		return creds, nil
	}
	retrieval := c.join()
	c.mu.Unlock()
	return await(ctx, retrieval)
}

// Renew replaces refused credentials; when they were replaced already (by
// another caller's renewal), the replacement is returned without a call.
func (c *Cache) Renew(ctx context.Context, refused client.Credentials) (client.Credentials, error) {
	c.mu.Lock()
	if c.valid && !c.current.Same(refused) {
		creds := c.current
		c.mu.Unlock()
		return creds, nil
	}
	c.valid = false
	retrieval := c.join()
	c.mu.Unlock()
	return await(ctx, retrieval)
}

// due reports whether temporary credentials should be renewed now; c.mu is held.
func (c *Cache) due() bool {
	if !c.current.Temporary() {
		return false
	}
	margin := c.current.ExpiresAt.Sub(c.obtained) / 10
	margin = min(max(margin, 0), maxRenewMargin)
	return !c.now().Before(c.current.ExpiresAt.Add(-margin))
}

// retrievalKey is the one key of Cache.retrieval: a cache has one source.
const retrievalKey = ""

// join joins the retrieval in progress or starts one; c.mu is held. Joining
// and ending a retrieval both happen under c.mu, so a caller that found the
// credentials stale joins the retrieval that replaces them, and a caller
// that comes after it ended starts a new one rather than take its result.
func (c *Cache) join() <-chan singleflight.Result {
	return c.retrieval.DoChan(retrievalKey, func() (any, error) { return c.retrieve() })
}

// retrieve calls the source with a context of its own, so that one caller
// giving up does not fail the others waiting for the same renewal.
func (c *Cache) retrieve() (client.Credentials, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c.mu.Lock()
	c.fetches++
	c.mu.Unlock()
	obtained := c.now()
	creds, err := c.src.Retrieve(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.current, c.obtained, c.valid = creds, obtained, true
	}
	c.retrieval.Forget(retrievalKey)
	return creds, err
}

// await waits for a retrieval, or for ctx to end.
func await(ctx context.Context, retrieval <-chan singleflight.Result) (client.Credentials, error) {
	select {
	case r := <-retrieval:
		creds, _ := r.Val.(client.Credentials)
		return creds, r.Err
	case <-ctx.Done():
		return client.Credentials{}, ctx.Err()
	}
}
