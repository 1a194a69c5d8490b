package credentials

import (
	"fmt"
	"strings"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Names of the settings and environment variables, as a user sees them in
// errors. The HW_* names are the huaweicloud provider's, read as fallbacks.
const (
	AttrAuthToken        = "auth_token"
	AttrAccessKey        = "access_key"
	AttrSecretKey        = "secret_key"
	AttrSecurityToken    = "security_token"
	AttrAssumeRole       = "assume_role"
	AttrOIDC             = "assume_role_with_oidc"
	AttrSharedConfigFile = "shared_config_file"
	AttrProfile          = "profile"

	EnvAuthToken       = "VPCEP_AUTH_TOKEN"
	EnvAuthTokenHW     = "HW_AUTH_TOKEN"
	EnvAccessKey       = "VPCEP_ACCESS_KEY"
	EnvAccessKeyHW     = "HW_ACCESS_KEY"
	EnvSecretKey       = "VPCEP_SECRET_KEY"
	EnvSecretKeyHW     = "HW_SECRET_KEY"
	EnvSecurityToken   = "VPCEP_SECURITY_TOKEN"
	EnvSecurityTokenHW = "HW_SECURITY_TOKEN"
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

// Settings are everything the selection looks at.
type Settings struct {
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

// Error is a configuration problem; Attr is the setting it belongs to.
type Error struct{ Attr, Summary, Detail string }

func (e *Error) Error() string { return e.Summary + ": " + e.Detail }

// Select picks the source: the first layer that sets one (a layer setting
// two kinds is an error), then the default hcloud file if it exists, then
// ECS metadata. fileExists is consulted for the default file only.
func Select(s Settings, fileExists func(string) bool) (Choice, *Error) {
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
	case len(kinds) > 1 && kinds[0] == KindToken && kinds[1] == KindKeys && len(kinds) == 2:
		return &Error{Attr: AttrAuthToken, Summary: "Conflicting credentials",
			Detail: fmt.Sprintf("%s sets both a token (%s) and an access key (%s/%s). Exactly one auth method is allowed: "+
				"remove either %s, or %s and %s. (Attributes: %s, or %s and %s; environment: %s, or %s/%s and %s/%s.)",
				capitalize(l.Name), l.AuthToken.From, from(l.AccessKey, EnvAccessKey), from(l.SecretKey, EnvSecretKey),
				l.AuthToken.From, from(l.AccessKey, EnvAccessKey), from(l.SecretKey, EnvSecretKey),
				AttrAuthToken, AttrAccessKey, AttrSecretKey, EnvAuthToken, EnvAccessKey, EnvAccessKeyHW, EnvSecretKey, EnvSecretKeyHW)}
	case len(kinds) > 1:
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = string(k)
		}
		return &Error{Attr: AttrAuthToken, Summary: "Conflicting credentials",
			Detail: fmt.Sprintf("%s sets more than one kind of credentials (%s). Keep one: a token, access keys, an "+
				"%s block, or an hcloud profile (%s/%s).", capitalize(l.Name), strings.Join(names, ", "), AttrOIDC,
				AttrSharedConfigFile, AttrProfile)}
	case kinds[0] == KindKeys && hasAK && !hasSK:
		return &Error{Attr: AttrSecretKey, Summary: "Missing secret_key",
			Detail: fmt.Sprintf("%s sets an access key (%s) but no secret key. Set %s in the provider block, or the environment "+
				"variable %s (or %s), to the secret key that belongs to the access key.", capitalize(l.Name), l.AccessKey.From,
				AttrSecretKey, EnvSecretKey, EnvSecretKeyHW)}
	case kinds[0] == KindKeys && !hasAK && hasSK:
		return &Error{Attr: AttrAccessKey, Summary: "Missing access_key",
			Detail: fmt.Sprintf("%s sets a secret key (%s) but no access key. Set %s in the provider block, or the environment "+
				"variable %s (or %s), to the access key that belongs to the secret key.", capitalize(l.Name), l.SecretKey.From,
				AttrAccessKey, EnvAccessKey, EnvAccessKeyHW)}
	case kinds[0] == KindKeys && !hasAK:
		return &Error{Attr: AttrSecurityToken, Summary: "Security token without keys",
			Detail: fmt.Sprintf("%s sets a security token (%s) but no access key and secret key. A security token is the "+
				"third part of temporary keys: set %s and %s (environment: %s and %s) to the temporary AK and SK too.",
				capitalize(l.Name), l.SecurityToken.From, AttrAccessKey, AttrSecretKey, EnvAccessKey, EnvSecretKey)}
	case kinds[0] == KindOIDC:
		o := l.OIDC
		if o.IdpID == "" || (o.IDToken == "") == (o.IDTokenFile == "") {
			return &Error{Attr: AttrOIDC, Summary: "Incomplete assume_role_with_oidc",
				Detail: fmt.Sprintf("%s needs idp_id and exactly one of id_token or id_token_file (environment: "+
					"VPCEP_ASSUME_ROLE_IDP_ID or HW_ASSUME_ROLE_IDP_ID, and VPCEP_ASSUME_ROLE_ID_TOKEN(_FILE) or "+
					"HW_ASSUME_ROLE_ID_TOKEN(_FILE)).", o.From)}
		}
	}
	return nil
}

// checkAssumeRole refuses an agency on top of a source without keys.
func (s Settings) checkAssumeRole(ch Choice) *Error {
	if s.AssumeRole == nil {
		return nil
	}
	a := s.AssumeRole
	if a.AgencyName == "" || (a.DomainName == "") == (a.DomainID == "") {
		return &Error{Attr: AttrAssumeRole, Summary: "Incomplete assume_role",
			Detail: "assume_role needs agency_name and exactly one of domain_name or domain_id (environment: " +
				"HW_ASSUME_ROLE_AGENCY_NAME, HW_ASSUME_ROLE_DOMAIN_NAME or HW_ASSUME_ROLE_DOMAIN_ID; VPCEP_ASSUME_ROLE_* first)."}
	}
	switch ch.Kind {
	case KindToken:
		return &Error{Attr: AttrAssumeRole, Summary: "assume_role needs access keys",
			Detail: fmt.Sprintf("An agency is assumed with an access key and secret key, but %s gives a token (%s). Use "+
				"access_key and secret_key, or remove assume_role.", ch.Layer.Name, ch.Layer.AuthToken.From)}
	case KindOIDC:
		return &Error{Attr: AttrAssumeRole, Summary: "assume_role with OIDC",
			Detail: "To assume an agency with OIDC federation, set agency_name (and domain_id) inside the " +
				"assume_role_with_oidc block instead of an assume_role block."}
	}
	return nil
}

// missing is the error when no source applies, listing each one tried.
func missing(tried []string) *Error {
	return &Error{Attr: AttrAuthToken, Summary: "Missing credentials", Detail: MissingDetail(tried)}
}

// MissingDetail says how to configure credentials and why each source tried
// did not apply.
func MissingDetail(tried []string) string {
	return fmt.Sprintf("No credentials were found. Set either %s (environment: %s), or %s and %s "+
		"(environment: %s or %s, and %s or %s), with %s for temporary keys, or use an %s block, an hcloud profile "+
		"(%s, %s), or run on ECS with an agency attached.\n\nSources tried, in order:\n- %s",
		AttrAuthToken, EnvAuthToken, AttrAccessKey, AttrSecretKey, EnvAccessKey, EnvAccessKeyHW, EnvSecretKey, EnvSecretKeyHW,
		AttrSecurityToken, AttrOIDC, AttrSharedConfigFile, AttrProfile, strings.Join(tried, "\n- "))
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

// Build makes the Source of a choice. prof is the loaded profile for
// KindProfile; iam may be nil when no kind needs it; md is used for
// KindMetadata.
func Build(ch Choice, s Settings, prof *Profile, iam IAM, md *client.MetadataClient) Source {
	var src Source
	var agency *client.AssumeAgency
	l := ch.Layer
	switch ch.Kind {
	case KindToken:
		src = Static{Label: "the token from " + l.AuthToken.From, Creds: client.Credentials{AuthToken: l.AuthToken.V}}
	case KindKeys:
		label := "the access key from " + l.AccessKey.From
		if l.SecurityToken.Set() {
			label = "the temporary access key from " + l.AccessKey.From
		}
		src = Static{Label: label, Creds: client.Credentials{AccessKey: l.AccessKey.V, SecretKey: l.SecretKey.V, SecurityToken: l.SecurityToken.V}}
	case KindOIDC:
		o := l.OIDC
		return OIDC{IAM: iam, IdpID: o.IdpID, IDToken: o.IDToken, IDTokenFile: o.IDTokenFile, DurationSeconds: o.DurationSeconds,
			Agency: client.AssumeAgency{AgencyName: o.AgencyName, DomainID: o.DomainID, DurationSeconds: o.DurationSeconds}}
	case KindProfile:
		src = Static{Label: fmt.Sprintf("hcloud profile %q (%s)", prof.Name, ch.ProfileFile), Creds: prof.Keys}
		agency = prof.Agency
	case KindMetadata:
		src = Metadata{Client: md}
	}
	if a := s.AssumeRole; a != nil {
		agency = &client.AssumeAgency{AgencyName: a.AgencyName, DomainName: a.DomainName, DomainID: a.DomainID, DurationSeconds: a.DurationSeconds}
	}
	if agency != nil {
		return Agency{Base: src, IAM: iam, Agency: *agency}
	}
	return src
}

// NeedsIAM reports whether the choice calls IAM for credentials.
func NeedsIAM(ch Choice, s Settings, prof *Profile) bool {
	return ch.Kind == KindOIDC || s.AssumeRole != nil || (prof != nil && prof.Agency != nil)
}
