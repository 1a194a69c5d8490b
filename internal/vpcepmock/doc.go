// Package vpcepmock is an in-memory, stateful mock of the VPCEP v1 API, with
// test controls as Go methods and under /_mock/ (docs/vpcep-mock.md).
// Transitions are applied lazily at the next read of a service (DESIGN.md).
package vpcepmock
