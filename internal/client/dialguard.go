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
				return nil, err
			}
		}
		return dial(ctx, network, address)
	}
}
