// Package vpcepmock is an in-memory, stateful mock of the VPCEP v1 API
// (see docs/api-notes.md): endpoint services, endpoints and their
// connections, the connection state machine, token and AK/SK authentication
// bound to projects, the nested or flat error forms, injected
// faults, and test controls as Go methods and under /_mock/ over HTTP.
// Transitions are applied lazily at the next read of a service (DESIGN.md).
package vpcepmock
