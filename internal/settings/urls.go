package settings

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// defaultEndpoint is the VPCEP API for a region (docs/api-notes.md).
func defaultEndpoint(region string) string {
	switch region {
	case "eu-de", "eu-nl": // Open Telekom Cloud
		return "https://vpcep." + region + ".otc.t-systems.com"
	case "eu-west-101":
		return "https://vpcep." + region + ".myhuaweicloud.eu"
	}
	return "https://vpcep." + region + ".myhuaweicloud.com"
}

// defaultIAMEndpoint is IAM for a region (the global endpoint without one).
func defaultIAMEndpoint(region string) string {
	switch region {
	case "":
		return "https://iam.myhuaweicloud.com"
	case "eu-de", "eu-nl": // Open Telekom Cloud
		return "https://iam." + region + ".otc.t-systems.com"
	case "eu-west-101":
		return "https://iam." + region + ".myhuaweicloud.eu"
	}
	return "https://iam." + region + ".myhuaweicloud.com"
}

// ParseBaseURL checks the URL of endpoint or iam_endpoint (attr) and returns
// the base the client expects: no trailing slash, no /v1. from says where the
// value came from.
//
// Errors show the URL without the password of any user information in it:
// they end up in logs and CI output.
func ParseBaseURL(raw, from, attr string) (string, *Error) {
	env, example, summary := Endpoint.Env[0], "https://vpcep.eu-west-101.myhuaweicloud.eu", "Invalid endpoint"
	if attr == IAMEndpoint.Attr {
		env, example, summary = IAMEndpoint.Env[0], "https://iam.eu-west-101.myhuaweicloud.eu", "Invalid iam_endpoint"
	}
	u, err := url.Parse(raw)
	// Redacted covers parsed user information; anything else with an "@"
	// (an unparsable URL, or "user:pw@host" read as scheme "user") is cut.
	shown := redactEndpoint(raw)
	if err == nil && u.User != nil {
		shown = u.Redacted()
	}
	bad := func(why string) *Error {
		return &Error{Attr: attr, Summary: summary,
			Detail: fmt.Sprintf("The %s %q (from %s) %s. Set %s (or %s) to the API's base URL, "+
				"e.g. %s, or leave it unset to derive it from %s.",
				attr, shown, from, why, attr, env, example, Region.Attr)}
	}
	if err != nil {
		// url.Error's text repeats the raw value; its inner error does not.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return "", bad("is not a valid URL: " + err.Error())
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", bad("must start with https://")
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", bad("has no host")
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", bad("must not contain user information, a query or a fragment")
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return "", &Error{Attr: attr, Summary: "Insecure " + attr,
			Detail: fmt.Sprintf("The "+attr+" %q (from %s) uses plain http:// to a host that is not a loopback address, "+
				"which would send credentials in clear text. Use https://; http:// is accepted only for 127.0.0.0/8, ::1 "+
				"and localhost (e.g. a local vpcep-mock).", shown, from)}
	}
	base := strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
	return strings.TrimSuffix(base, "/v1"), nil
}

// redactEndpoint hides any user information in an endpoint that url.Parse
// rejected (so (*url.URL).Redacted is not available): everything between the
// scheme and the last "@" may hold a password.
func redactEndpoint(raw string) string {
	at := strings.LastIndex(raw, "@")
	if at < 0 {
		return raw
	}
	prefix := ""
	if i := strings.Index(raw, "://"); i >= 0 && i < at {
		prefix = raw[:i+len("://")]
	}
	return prefix + redactedUserinfo + "@" + raw[at+1:]
}

// redactedUserinfo stands for removed user information in errors.
const redactedUserinfo = "REDACTED"

// isLoopback reports whether host is localhost or a loopback IP literal.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
