// Package vpcepmock is an in-memory, stateful mock of the VPCEP v1 API
// (see docs/api-notes.md): endpoint services, endpoints and their
// connections, the connection state machine, token and AK/SK authentication
// bound to projects, the nested or flat error forms, injected
// faults, and test controls as Go methods and under /_mock/ over HTTP.
//
// Transitions (creating -> accepted, deleting -> gone) are timers kept per
// service and applied lazily when the service is next read, so the mock runs
// no goroutine per connection and a fake clock (Config.Now) drives them.
// One RWMutex guards the store; reads that find nothing due share it.
package vpcepmock
