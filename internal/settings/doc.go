// Package settings turns the provider block and the environment into the
// provider's settings (endpoints, project, retries) and its choice of
// credentials, in one documented order of precedence, and connects the API
// client with them. Every problem is an *Error naming the attribute, its
// environment variables and the fix. It knows nothing of Terraform.
package settings
