package client

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// refuseRedirect makes http.Client hand back a 3xx answer instead of
// following it; classify turns that answer into a *RedirectError.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// RedirectError is a 3xx answer from the configured endpoint. The client never
// follows it (no credential or body leaves for the Location) and never retries
// it: the VPCEP API does not redirect, so the endpoint setting points at
// something else (a proxy, a load balancer, a web page).
type RedirectError struct {
	// Service is the API that answered: "" for VPCEP, ServiceIAM for IAM.
	Service     string
	Method, URL string
	// StatusCode is the 3xx status; Location the target as the server gave
	// it, resolved against the request URL, without any userinfo.
	StatusCode int
	Location   string
}

// Error implements error.
func (e *RedirectError) Error() string {
	loc := e.Location
	if loc == "" {
		loc = "(no Location header)"
	}
	api := firstNonEmpty(e.Service, "VPCEP")
	return fmt.Sprintf("%s API request %s %s was answered with HTTP %d %s to %s; "+
		"the %s API never redirects, so the redirect was not followed and nothing was sent there: "+
		"check that the endpoint setting is the %s API's own URL",
		api, e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode), loc, api, api)
}

// redactURL drops any userinfo from u for error messages.
func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

// redirectTarget resolves a Location header against the request URL for an
// error message, dropping userinfo; an unparsable one is quoted as given.
func redirectTarget(base *url.URL, location string) string {
	if location == "" {
		return ""
	}
	u, err := base.Parse(location)
	if err != nil {
		return strconv.Quote(location)
	}
	return redactURL(u)
}
