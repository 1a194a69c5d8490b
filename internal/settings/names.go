package settings

import (
	"slices"
	"strings"
)

// Name is one setting as a user sees it: its provider attribute and the
// environment variables read when the attribute is not set, first set wins.
// Ours (VPCEP_*) come first, then the huaweicloud provider's (HW_*), then
// the Huawei Cloud SDKs' (HUAWEICLOUD_SDK_*), so that users keep their
// environment and a setting meant for this provider wins.
type Name struct {
	Attr string
	Env  []string
}

// The settings: attributes of the provider block (and of its assume_role and
// assume_role_with_oidc blocks) with their environment variables.
var (
	Region           = Name{"region", []string{"VPCEP_REGION", "HW_REGION_NAME", "HUAWEICLOUD_SDK_REGION"}}
	Endpoint         = Name{"endpoint", []string{"VPCEP_ENDPOINT"}}
	ProjectID        = Name{"project_id", []string{"VPCEP_PROJECT_ID", "HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"}}
	ProjectName      = Name{"project_name", []string{"VPCEP_PROJECT_NAME", "HW_PROJECT_NAME"}}
	IAMEndpoint      = Name{"iam_endpoint", []string{"VPCEP_IAM_ENDPOINT", "HW_AUTH_URL", "HUAWEICLOUD_SDK_IAM_ENDPOINT"}}
	AuthToken        = Name{"auth_token", []string{"VPCEP_AUTH_TOKEN", "HW_AUTH_TOKEN"}}
	AccessKey        = Name{"access_key", []string{"VPCEP_ACCESS_KEY", "HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"}}
	SecretKey        = Name{"secret_key", []string{"VPCEP_SECRET_KEY", "HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"}}
	SecurityToken    = Name{"security_token", []string{"VPCEP_SECURITY_TOKEN", "HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"}}
	SharedConfigFile = Name{"shared_config_file", []string{"VPCEP_SHARED_CONFIG_FILE", "HW_SHARED_CONFIG_FILE"}}
	Profile          = Name{"profile", []string{"VPCEP_PROFILE", "HW_PROFILE"}}
	MaxRetries       = Name{Attr: "max_retries"}
	Insecure         = Name{Attr: "insecure"}
	SkipMetadata     = Name{Attr: "skip_metadata"}
	// MetadataEndpoint points the ECS metadata source elsewhere (a local
	// vpcep-mock); "off" skips it.
	MetadataEndpoint = Name{Env: []string{"VPCEP_METADATA_ENDPOINT"}}

	AssumeRole = Name{Attr: "assume_role"}
	AgencyName = Name{"agency_name", []string{"VPCEP_ASSUME_ROLE_AGENCY_NAME", "HW_ASSUME_ROLE_AGENCY_NAME"}}
	DomainName = Name{"domain_name", []string{"VPCEP_ASSUME_ROLE_DOMAIN_NAME", "HW_ASSUME_ROLE_DOMAIN_NAME"}}
	DomainID   = Name{"domain_id", []string{"VPCEP_ASSUME_ROLE_DOMAIN_ID", "HW_ASSUME_ROLE_DOMAIN_ID"}}
	Duration   = Name{"duration", []string{"VPCEP_ASSUME_ROLE_DURATION", "HW_ASSUME_ROLE_DURATION"}}

	OIDC = Name{Attr: "assume_role_with_oidc"}
	// OIDCDomainID falls back on the SDK's domain (the identity provider's
	// account) for the agency; assume_role's DomainID does not, since the
	// SDK's domain is the caller's, not necessarily the agency's.
	OIDCDomainID = Name{"domain_id", []string{"VPCEP_ASSUME_ROLE_DOMAIN_ID", "HW_ASSUME_ROLE_DOMAIN_ID", "HUAWEICLOUD_SDK_DOMAIN_ID"}}
	IdpID        = Name{"idp_id", []string{"VPCEP_ASSUME_ROLE_IDP_ID", "HW_ASSUME_ROLE_IDP_ID", "HUAWEICLOUD_SDK_IDP_ID"}}
	IDToken      = Name{"id_token", []string{"VPCEP_ASSUME_ROLE_ID_TOKEN", "HW_ASSUME_ROLE_ID_TOKEN"}}
	IDTokenFile  = Name{"id_token_file", []string{"VPCEP_ASSUME_ROLE_ID_TOKEN_FILE", "HW_ASSUME_ROLE_ID_TOKEN_FILE", "HUAWEICLOUD_SDK_ID_TOKEN_FILE"}}
)

// All is every setting, in the order of the documentation.
var All = []Name{Region, Endpoint, ProjectID, ProjectName, IAMEndpoint, AuthToken, AccessKey, SecretKey, SecurityToken,
	SharedConfigFile, Profile, MaxRetries, Insecure, SkipMetadata, MetadataEndpoint, AssumeRole, AgencyName, DomainName,
	DomainID, Duration, OIDC, OIDCDomainID, IdpID, IDToken, IDTokenFile}

// EnvNames is every environment variable the provider reads.
func EnvNames() []string {
	var out []string
	for _, n := range All {
		for _, e := range n.Env {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// lookup returns the first of n's variables that is set, with its name
// (both "" when none is).
func (n Name) lookup(getenv func(string) string) (value, from string) {
	for _, e := range n.Env {
		if v := getenv(e); v != "" {
			return v, e
		}
	}
	return "", ""
}

// or joins n's variables for an error message: "A (or B, or C)".
func (n Name) or() string {
	if len(n.Env) == 1 {
		return n.Env[0]
	}
	return n.Env[0] + " (or " + strings.Join(n.Env[1:], ", or ") + ")"
}
