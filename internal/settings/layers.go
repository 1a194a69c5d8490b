package settings

import "fmt"

// configLayer is the provider block's credentials, each value checked.
func configLayer(cfg Config) (Layer, *Error) {
	l := Layer{Name: "the provider configuration"}
	for _, v := range []struct {
		value *string
		name  Name
		dst   *Value
	}{
		{cfg.AuthToken, AuthToken, &l.AuthToken},
		{cfg.AccessKey, AccessKey, &l.AccessKey},
		{cfg.SecretKey, SecretKey, &l.SecretKey},
		{cfg.SecurityToken, SecurityToken, &l.SecurityToken},
	} {
		*v.dst = Value{V: value(v.value), From: v.name.Attr}
		if v.value == nil {
			continue
		}
		if err := checkCredentialValue(*v.value, v.name.Attr, fmt.Sprintf("%s (environment: %s)", v.name.Attr, v.name.Env[0])); err != nil {
			return l, err
		}
	}
	l.SharedConfigFile = Value{V: value(cfg.SharedConfigFile), From: SharedConfigFile.Attr}
	l.Profile = Value{V: value(cfg.Profile), From: Profile.Attr}
	if o := cfg.OIDC; o != nil {
		l.OIDC = &OIDCSettings{IdpID: o.IdpID, IDToken: value(o.IDToken), IDTokenFile: o.IDTokenFile, AgencyName: o.AgencyName,
			DomainID: o.DomainID, DurationSeconds: o.DurationSeconds, From: "The " + OIDC.Attr + " block"}
		if o.IDToken != nil {
			if err := checkCredentialValue(*o.IDToken, OIDC.Attr, OIDC.Attr+"."+IDToken.Attr); err != nil {
				return l, err
			}
		}
	}
	return l, nil
}

// envLayer is the environment's credentials, each value checked. The agency
// variables belong to OIDC when the environment sets an identity provider.
func envLayer(getenv func(string) string) (Layer, *AssumeRoleSettings, *Error) {
	l := Layer{Name: "the environment",
		AuthToken:        envValue(getenv, AuthToken),
		AccessKey:        envValue(getenv, AccessKey),
		SecretKey:        envValue(getenv, SecretKey),
		SecurityToken:    envValue(getenv, SecurityToken),
		SharedConfigFile: envValue(getenv, SharedConfigFile),
		Profile:          envValue(getenv, Profile),
	}
	for _, v := range []struct {
		value Value
		attr  string
	}{{l.AuthToken, AuthToken.Attr}, {l.AccessKey, AccessKey.Attr}, {l.SecretKey, SecretKey.Attr}, {l.SecurityToken, SecurityToken.Attr}} {
		if !v.value.Set() {
			continue
		}
		if err := checkCredentialValue(v.value.V, v.attr, fmt.Sprintf("The environment variable %s (attribute: %s)", v.value.From, v.attr)); err != nil {
			return l, nil, err
		}
	}
	agency, _ := AgencyName.lookup(getenv)
	domainName, _ := DomainName.lookup(getenv)
	domainID, _ := DomainID.lookup(getenv)
	duration, durationFrom := Duration.lookup(getenv)
	seconds := 0
	if duration != "" {
		if _, err := fmt.Sscanf(duration, "%d", &seconds); err != nil || seconds < 900 || seconds > 43200 || fmt.Sprint(seconds) != duration {
			return l, nil, &Error{Attr: AssumeRole.Attr, Summary: "Invalid assume_role duration",
				Detail: fmt.Sprintf("The environment variable %s is %q; it must be a whole number of seconds from 900 to 43200.", durationFrom, duration)}
		}
	}
	idp, _ := IdpID.lookup(getenv)
	token, _ := IDToken.lookup(getenv)
	file, _ := IDTokenFile.lookup(getenv)
	if idp != "" || token != "" || file != "" {
		oidcDomainID, _ := OIDCDomainID.lookup(getenv)
		l.OIDC = &OIDCSettings{IdpID: idp, IDToken: token, IDTokenFile: file, AgencyName: agency, DomainID: oidcDomainID,
			DurationSeconds: seconds, From: "The environment (" + IdpID.Env[0] + ", " + IDToken.Env[0] + ", " + IDTokenFile.Env[0] + ")"}
		return l, nil, nil
	}
	if agency == "" && domainName == "" && domainID == "" {
		return l, nil, nil
	}
	return l, &AssumeRoleSettings{AgencyName: agency, DomainName: domainName, DomainID: domainID, DurationSeconds: seconds, FromEnv: true}, nil
}

// envValue is n's first variable that is set, as a Value that names n's
// first variable when none is.
func envValue(getenv func(string) string, n Name) Value {
	v, from := n.lookup(getenv)
	if from == "" {
		from = n.Env[0]
	}
	return Value{V: v, From: from}
}

// checkCredentialValue refuses an empty credential, or one holding
// whitespace or control characters (a trailing newline from a file or a
// heredoc): net/http cannot send such a header, so nothing would reach the
// API. attr is the attribute the error belongs to; label names the setting
// the value came from and its environment variables.
func checkCredentialValue(value, attr, label string) *Error {
	if value == "" {
		return &Error{Attr: attr, Summary: "Empty " + attr,
			Detail: fmt.Sprintf("%s is set to an empty string. Set it to the credential, or remove it to use another source.", label)}
	}
	for i, r := range value {
		if r <= ' ' || r == 0x7f || r > 0x7e {
			return &Error{Attr: attr, Summary: "Invalid " + attr,
				Detail: fmt.Sprintf("%s contains whitespace or a control character at position %d (e.g. a trailing newline "+
					"from a file or a heredoc), which cannot be sent in an HTTP header. Remove it, e.g. with trimspace(...) "+
					"or by exporting the variable without the newline.", label, i+1)}
		}
	}
	return nil
}
