package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/vpcep/terraform-provider-vpcep/internal/aksk"
)

// SettingError is a Config value New refuses. Field is the Config field's Go
// name ("AuthToken", "AccessKey", "SecretKey", "ProjectID") so that a caller
// can name its own setting for it.
type SettingError struct {
	Field, Name string
	Err         error
}

// Error implements error.
func (e *SettingError) Error() string {
	return "VPCEP client: the " + e.Name + " cannot be used: " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *SettingError) Unwrap() error { return e.Err }

// NotSentError is a request that never left this process: it could not be
// encoded, built or signed, one of its header values is one HTTP cannot carry,
// the context had ended before the first attempt, or no attempt could open a
// connection (refused, unknown host, failed TLS handshake; Err is then the
// last attempt's *TransportError). The API cannot have
// acted on it, so a caller may report it as a local error and leave its state
// as it was; the client never retries it. Test for it with IsNotSent.
type NotSentError struct {
	// Method and Path name the call (the path without host or query).
	Method, Path string
	// Setting is the Config field at fault ("AuthToken", "AccessKey",
	// "ProjectID", "UserAgent", ...), or "" when no setting is (e.g. the
	// context ended).
	Setting string
	// Err is the cause; errors.Is(err, context.Canceled) and
	// context.DeadlineExceeded still work through it.
	Err error
}

// Error implements error.
func (e *NotSentError) Error() string {
	// A connection that could not be opened names the URL it was for once.
	var transportErr *TransportError
	if errors.As(e.Err, &transportErr) {
		cause := transportErr.Err
		var urlErr *url.Error
		if errors.As(cause, &urlErr) {
			cause = urlErr.Err
		}
		return "VPCEP API request " + transportErr.Method + " " + transportErr.URL + " was not sent: " + cause.Error()
	}
	return "VPCEP API request " + e.Method + " " + e.Path + " was not sent: " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *NotSentError) Unwrap() error { return e.Err }

// IsNotSent reports whether err (or an error it wraps) is a *NotSentError:
// the request was never sent, so the API cannot have acted on it, whatever
// the call was. It is false for every error that came after a request was
// sent, including a lost answer or an ended context during a retry, where the
// API may have acted. Use errors.As with *NotSentError to read the Setting at
// fault.
func IsNotSent(err error) bool {
	var ns *NotSentError
	return errors.As(err, &ns)
}

// headerSettings maps the headers carrying a setting to that Config field.
var headerSettings = map[string]struct{ field, name string }{
	headerAuthToken:          {"AuthToken", "auth token"},
	headerSecurityToken:      {"SecurityToken", "security token"},
	aksk.AuthorizationHeader: {"AccessKey", "access key"},
	headerProjectID:          {"ProjectID", "project id"},
	headerUserAgent:          {"UserAgent", "user agent"},
}

// checkHeaders finds a header value net/http would refuse to send (it would
// fail the request before writing anything, and the failure looks like any
// other transport error).
func checkHeaders(h http.Header) (field string, err error) {
	for name, values := range h {
		for _, v := range values {
			if err := checkHeaderValue(v); err != nil {
				if s, ok := headerSettings[name]; ok {
					return s.field, fmt.Errorf("the %s cannot be sent in the %s header: %w", s.name, name, err)
				}
				return "", fmt.Errorf("the %s header cannot be sent: %w", name, err)
			}
		}
	}
	return "", nil
}

// checkHeaderValue refuses the control characters RFC 9110 forbids in a field
// value (all below 0x20 except tab, and DEL), naming the first one and where
// it is, since it is usually a newline at the end of a pasted or file-read
// secret. The value itself is never quoted.
func checkHeaderValue(v string) error {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			what := fmt.Sprintf("control character 0x%02x", b)
			switch b {
			case '\n':
				what = "line feed (0x0a)"
			case '\r':
				what = "carriage return (0x0d)"
			}
			hint := ""
			if strings.TrimRight(v, "\r\n") != v {
				hint = " (a trailing newline, e.g. from a file or a shell command?)"
			}
			return fmt.Errorf("character %d of %d is a %s, which an HTTP header cannot carry; remove it%s", i+1, len(v), what, hint)
		}
	}
	return nil
}
