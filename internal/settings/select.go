package settings

import (
	"fmt"
	"strings"
)

// Value is a setting's value and where it came from (an attribute or an
// environment variable name); empty V means unset.
type Value struct{ V, From string }

// Set reports whether the value is set.
func (v Value) Set() bool { return v.V != "" }

// Layer is one place settings come from: the provider block, or the
// environment. A layer may hold at most one kind of source.
type Layer struct {
	Name                                           string // "the provider configuration", "the environment"
	AuthToken, AccessKey, SecretKey, SecurityToken Value
	OIDC                                           *OIDCSettings
	SharedConfigFile, Profile                      Value
}

// AssumeRoleSettings is the agency to assume with the selected keys.
type AssumeRoleSettings struct {
	AgencyName, DomainName, DomainID string
	DurationSeconds                  int
	// FromEnv is set when the environment names the agency, not the block.
	FromEnv bool
}

// OIDCSettings is an OIDC federation: ID token (or its file) to temporary keys.
type OIDCSettings struct {
	IdpID, IDToken, IDTokenFile, AgencyName, DomainID string
	DurationSeconds                                   int
	From                                              string // where it was set, e.g. "the assume_role_with_oidc block"
}

// Kind is a kind of credential source.
type Kind string

// The kinds, in the order they are looked for within one layer.
const (
	KindToken    Kind = "token"
	KindKeys     Kind = "access keys"
	KindOIDC     Kind = "OIDC"
	KindProfile  Kind = "hcloud profile"
	KindMetadata Kind = "ECS metadata"
)

// Chain is everything the selection of credentials looks at.
type Chain struct {
	// Layers in precedence order: the provider block, then the environment.
	Layers []Layer
	// AssumeRole, when set, is assumed with the keys of the selected source.
	AssumeRole *AssumeRoleSettings
	// DefaultSharedConfigFile is tried after the layers when it exists
	// ("" = none).
	DefaultSharedConfigFile string
	// Metadata is tried last unless DisableMetadata.
	MetadataEndpoint string
	DisableMetadata  bool
}

// Choice is the selected source and what was passed over to reach it.
type Choice struct {
	Kind  Kind
	Layer Layer // the layer it came from (zero for the default file and metadata)
	// ProfileFile and ProfileName for KindProfile ("" name = the file's current).
	ProfileFile, ProfileName string
	// Tried says, for each source passed over, why it did not apply.
	Tried []string
}

// Select picks the source: the first layer that sets one (a layer setting
// two kinds is an error), then the default hcloud file if it exists, then
// ECS metadata. fileExists is consulted for the default file only.
func Select(s Chain, fileExists func(string) bool) (Choice, *Error) {
	var ch Choice
	for _, l := range s.Layers {
		kinds := l.kinds()
		if len(kinds) == 0 {
			ch.Tried = append(ch.Tried, l.Name+": sets no credentials")
			continue
		}
		if err := l.check(kinds); err != nil {
			return ch, err
		}
		ch.Kind, ch.Layer = kinds[0], l
		if ch.Kind == KindProfile {
			ch.ProfileFile, ch.ProfileName = l.SharedConfigFile.V, l.Profile.V
			if ch.ProfileFile == "" {
				ch.ProfileFile = s.DefaultSharedConfigFile
			}
		}
		return ch, s.checkAssumeRole(ch)
	}
	if f := s.DefaultSharedConfigFile; f != "" {
		if fileExists(f) {
			ch.Kind, ch.ProfileFile = KindProfile, f
			return ch, s.checkAssumeRole(ch)
		}
		ch.Tried = append(ch.Tried, "the hcloud CLI's shared config file "+f+": not found")
	}
	if s.DisableMetadata {
		ch.Tried = append(ch.Tried, fmt.Sprintf("ECS instance metadata: skipped (%s = true, or %s=off)", SkipMetadata.Attr, MetadataEndpoint.Env[0]))
		return ch, missing(ch.Tried)
	}
	ch.Kind = KindMetadata
	return ch, s.checkAssumeRole(ch)
}

// kinds lists the kinds of source a layer sets.
func (l Layer) kinds() []Kind {
	var out []Kind
	if l.AuthToken.Set() {
		out = append(out, KindToken)
	}
	if l.AccessKey.Set() || l.SecretKey.Set() || l.SecurityToken.Set() {
		out = append(out, KindKeys)
	}
	if l.OIDC != nil {
		out = append(out, KindOIDC)
	}
	if l.SharedConfigFile.Set() || l.Profile.Set() {
		out = append(out, KindProfile)
	}
	return out
}

// check refuses a layer with two kinds of source, or incomplete keys.
func (l Layer) check(kinds []Kind) *Error {
	hasAK, hasSK := l.AccessKey.Set(), l.SecretKey.Set()
	switch {
	case len(kinds) == 2 && kinds[0] == KindToken && kinds[1] == KindKeys && !hasAK && !hasSK:
		return &Error{Attr: SecurityToken.Attr, Summary: "Conflicting credentials",
			Detail: fmt.Sprintf("%s sets both a token (%s) and a security token (%s), which belongs to temporary "+
				"access keys. Exactly one auth method is allowed: remove %s, or use the temporary keys it belongs to "+
				"instead of the token.", capitalize(l.Name), l.AuthToken.From, l.SecurityToken.From, l.SecurityToken.From)}
	case len(kinds) > 1 && kinds[0] == KindToken && kinds[1] == KindKeys && len(kinds) == 2:
		return &Error{Attr: AuthToken.Attr, Summary: "Conflicting credentials",
			Detail: fmt.Sprintf("%s sets both a token (%s) and an access key (%s/%s). Exactly one auth method is allowed: "+
				"remove either %s, or %s and %s. (Attributes: %s, or %s and %s; environment: %s, or %s/%s and %s/%s.)",
				capitalize(l.Name), l.AuthToken.From, from(l.AccessKey, AccessKey.Env[0]), from(l.SecretKey, SecretKey.Env[0]),
				l.AuthToken.From, from(l.AccessKey, AccessKey.Env[0]), from(l.SecretKey, SecretKey.Env[0]),
				AuthToken.Attr, AccessKey.Attr, SecretKey.Attr, AuthToken.Env[0], AccessKey.Env[0], AccessKey.Env[1], SecretKey.Env[0], SecretKey.Env[1])}
	case len(kinds) > 1:
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		return &Error{Attr: AuthToken.Attr, Summary: "Conflicting credentials",
			Detail: fmt.Sprintf("%s sets more than one kind of credentials (%s). Keep one: a token, access keys, an "+
				"%s block, or an hcloud profile (%s/%s).", capitalize(l.Name), strings.Join(names, ", "), OIDC.Attr,
				SharedConfigFile.Attr, Profile.Attr)}
	case kinds[0] == KindKeys && hasAK && !hasSK:
		return &Error{Attr: SecretKey.Attr, Summary: "Missing secret_key",
			Detail: fmt.Sprintf("%s sets an access key (%s) but no secret key. Set %s in the provider block, or the environment "+
				"variable %s, to the secret key that belongs to the access key.", capitalize(l.Name), l.AccessKey.From,
				SecretKey.Attr, SecretKey.or())}
	case kinds[0] == KindKeys && !hasAK && hasSK:
		return &Error{Attr: AccessKey.Attr, Summary: "Missing access_key",
			Detail: fmt.Sprintf("%s sets a secret key (%s) but no access key. Set %s in the provider block, or the environment "+
				"variable %s, to the access key that belongs to the secret key.", capitalize(l.Name), l.SecretKey.From,
				AccessKey.Attr, AccessKey.or())}
	case kinds[0] == KindKeys && !hasAK:
		return &Error{Attr: SecurityToken.Attr, Summary: "Security token without keys",
			Detail: fmt.Sprintf("%s sets a security token (%s) but no access key and secret key. A security token is the "+
				"third part of temporary keys: set %s and %s (environment: %s and %s) to the temporary AK and SK too.",
				capitalize(l.Name), l.SecurityToken.From, AccessKey.Attr, SecretKey.Attr, AccessKey.Env[0], SecretKey.Env[0])}
	case kinds[0] == KindOIDC:
		o := l.OIDC
		if o.IdpID == "" || (o.IDToken == "") == (o.IDTokenFile == "") {
			return &Error{Attr: OIDC.Attr, Summary: "Incomplete assume_role_with_oidc",
				Detail: fmt.Sprintf("%s needs %s and exactly one of %s or %s (environment: %s, and %s or %s).", o.From,
					IdpID.Attr, IDToken.Attr, IDTokenFile.Attr, IdpID.or(), IDToken.or(), IDTokenFile.or())}
		}
	}
	return nil
}

// checkAssumeRole refuses an agency on top of a source without keys.
func (s Chain) checkAssumeRole(ch Choice) *Error {
	if s.AssumeRole == nil {
		return nil
	}
	a := s.AssumeRole
	if a.AgencyName == "" || (a.DomainName == "") == (a.DomainID == "") {
		if a.FromEnv {
			return &Error{Attr: AssumeRole.Attr, Summary: "Incomplete assume_role",
				Detail: fmt.Sprintf("The environment names an agency to assume, but not completely: it needs %s and exactly "+
					"one of %s or %s.", AgencyName.or(), DomainName.or(), DomainID.or())}
		}
		return &Error{Attr: AssumeRole.Attr, Summary: "Incomplete assume_role",
			Detail: fmt.Sprintf("The %s block needs %s and exactly one of %s or %s. The block is used as written: it is "+
				"not merged with the environment variables (%s, %s, %s), so set the missing arguments in the block, or "+
				"remove the block to take the agency from the environment.", AssumeRole.Attr, AgencyName.Attr, DomainName.Attr,
				DomainID.Attr, AgencyName.Env[0], DomainName.Env[0], DomainID.Env[0])}
	}
	switch ch.Kind {
	case KindToken:
		return &Error{Attr: AssumeRole.Attr, Summary: "assume_role needs access keys",
			Detail: fmt.Sprintf("An agency is assumed with an access key and secret key, but %s gives a token (%s). Use "+
				"access_key and secret_key, or remove assume_role.", ch.Layer.Name, ch.Layer.AuthToken.From)}
	case KindOIDC:
		return &Error{Attr: AssumeRole.Attr, Summary: "assume_role with OIDC",
			Detail: "To assume an agency with OIDC federation, set agency_name (and domain_id) inside the " +
				"assume_role_with_oidc block instead of an assume_role block."}
	}
	return nil
}

// summaryMissingCredentials titles the error when no source applies.
const summaryMissingCredentials = "Missing credentials"

// missing is the error when no source applies, listing each one tried.
func missing(tried []string) *Error {
	return &Error{Attr: AuthToken.Attr, Summary: summaryMissingCredentials, Detail: missingDetail(tried)}
}

// missingDetail says how to configure credentials and why each source tried
// did not apply.
func missingDetail(tried []string) string {
	return fmt.Sprintf("No credentials were found. Set either %s (environment: %s), or %s and %s "+
		"(environment: %s, and %s), with %s for temporary keys, or use an %s block, an hcloud profile "+
		"(%s, %s), or run on ECS with an agency attached.\n\nSources tried, in order:\n- %s",
		AuthToken.Attr, AuthToken.Env[0], AccessKey.Attr, SecretKey.Attr, AccessKey.or(), SecretKey.or(),
		SecurityToken.Attr, OIDC.Attr, SharedConfigFile.Attr, Profile.Attr, strings.Join(tried, "\n- "))
}

// from is v's origin, or a default name when v is unset.
func from(v Value, dflt string) string {
	if v.From != "" {
		return v.From
	}
	return dflt
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
