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

	mu       sync.Mutex
	current  client.Credentials
	obtained time.Time
	valid    bool
	flight   *flight
	fetches  int
}

// flight is one retrieval in progress.
type flight struct {
	done  chan struct{}
	creds client.Credentials
	err   error
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
	if c.valid && !c.dueLocked() {
		creds := c.current
		c.mu.Unlock()
		return creds, nil
	}
	return c.fetchLocked(ctx)
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
	return c.fetchLocked(ctx)
}

// dueLocked reports whether temporary credentials should be renewed now.
func (c *Cache) dueLocked() bool {
	if !c.current.Temporary() {
		return false
	}
	margin := c.current.ExpiresAt.Sub(c.obtained) / 10
	margin = min(max(margin, 0), maxRenewMargin)
	return !c.now().Before(c.current.ExpiresAt.Add(-margin))
}

// fetchLocked joins the retrieval in progress or starts one; c.mu is held
// on entry and released before waiting.
func (c *Cache) fetchLocked(ctx context.Context) (client.Credentials, error) {
	f := c.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		c.flight = f
		c.fetches++
		go c.run(f)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.creds, f.err
	case <-ctx.Done():
		return client.Credentials{}, ctx.Err()
	}
}

// run retrieves with a context of its own, so that one caller giving up
// does not fail the others waiting for the same renewal.
func (c *Cache) run(f *flight) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	obtained := c.now()
	f.creds, f.err = c.src.Retrieve(ctx)
	c.mu.Lock()
	if f.err == nil {
		c.current, c.obtained, c.valid = f.creds, obtained, true
	}
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}
