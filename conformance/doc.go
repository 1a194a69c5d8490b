// Package conformance runs the official Huawei Cloud Go SDK against
// vpcep-mock and holds our SDK-HMAC-SHA256 signer to the SDK's. It is a
// module of its own so that the SDK stays out of the provider's dependency
// graph; `make conformance` runs it.
package conformance
