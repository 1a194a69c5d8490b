package client

import (
	"context"
	"net"
	"sync/atomic"
)

// dialGuard vets the address ("host:port") of every connection the clients
// open, before any name is resolved; nil lets every address through.
var dialGuard atomic.Pointer[func(address string) error]

// GuardDials makes every client of this package pass the address of each
// connection to guard before dialing, and fail the dial with guard's error.
// Tests use it to keep every request on loopback; the provider never sets it.
func GuardDials(guard func(address string) error) { dialGuard.Store(&guard) }

// guarded wraps dial with the guard, if one is set.
func guarded(dial func(ctx context.Context, network, address string) (net.Conn, error)) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if g := dialGuard.Load(); g != nil && *g != nil {
			if err := (*g)(address); err != nil {
				// A dial error, like a refused connection: nothing was sent,
				// and no retry changes the guard's mind.
				return nil, &net.OpError{Op: "dial", Net: network, Err: &guardRefusal{err}}
			}
		}
		return dial(ctx, network, address)
	}
}

// guardRefusal is a dial the guard refused.
type guardRefusal struct{ err error }

func (g *guardRefusal) Error() string { return g.err.Error() }
func (g *guardRefusal) Unwrap() error { return g.err }
