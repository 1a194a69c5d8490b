package settings

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/vpcep/terraform-provider-vpcep/internal/client"
)

// Profile modes of the hcloud CLI's config file that are supported.
const (
	ModeAKSK = "AKSK"
	ModeSSO  = "SSO"
)

// hcloudConfig is the hcloud CLI's ~/.hcloud/config.json.
type hcloudConfig struct {
	Current  string          `json:"current"`
	Profiles []hcloudProfile `json:"profiles"`
}

type hcloudProfile struct {
	Name             string `json:"name"`
	Mode             string `json:"mode"`
	AccessKeyID      string `json:"accessKeyId"`
	SecretAccessKey  string `json:"secretAccessKey"`
	SecurityToken    string `json:"securityToken"`
	Region           string `json:"region"`
	ProjectID        string `json:"projectId"`
	DomainID         string `json:"domainId"`
	AgencyDomainID   string `json:"agencyDomainId"`
	AgencyDomainName string `json:"agencyDomainName"`
	AgencyName       string `json:"agencyName"`
	SSOAuth          struct {
		STSToken struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SecurityToken   string `json:"securityToken"`
		} `json:"stsToken"`
	} `json:"ssoAuth"`
}

// HcloudProfile is what a profile of the hcloud CLI gives: its keys, the agency it names (if any),
// and its region and project as defaults for the provider's own.
type HcloudProfile struct {
	Name              string
	Keys              client.Credentials
	Agency            *client.AssumeAgency
	Region, ProjectID string
}

// LoadProfile reads profile name ("" = the file's current, else "default")
// from the hcloud config file.
func LoadProfile(file, name string) (HcloudProfile, *Error) {
	bad := func(format string, args ...any) (HcloudProfile, *Error) {
		return HcloudProfile{}, &Error{Attr: SharedConfigFile.Attr, Summary: "Unusable hcloud profile",
			Detail: fmt.Sprintf(format, args...) + fmt.Sprintf(" Fix the file, or choose another profile with %s "+
				"(environment: %s) or file with %s (%s).", Profile.Attr, strings.Join(Profile.Env, " or "),
				SharedConfigFile.Attr, strings.Join(SharedConfigFile.Env, " or "))}
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return bad("The shared config file %s cannot be read: %v.", file, err)
	}
	var cfg hcloudConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return bad("The shared config file %s is not valid JSON: %v.", file, err)
	}
	if name == "" {
		name = cfg.Current
	}
	if name == "" {
		name = "default"
	}
	var p *hcloudProfile
	var names []string
	for i := range cfg.Profiles {
		names = append(names, cfg.Profiles[i].Name)
		if cfg.Profiles[i].Name == name {
			p = &cfg.Profiles[i]
		}
	}
	if p == nil {
		return bad("The shared config file %s has no profile %q (it has: %s).", file, name, strings.Join(names, ", "))
	}
	out := HcloudProfile{Name: name, Region: p.Region, ProjectID: p.ProjectID}
	switch p.Mode {
	case ModeAKSK, "":
		out.Keys = client.Credentials{AccessKey: p.AccessKeyID, SecretKey: p.SecretAccessKey, SecurityToken: p.SecurityToken}
	case ModeSSO:
		s := p.SSOAuth.STSToken
		out.Keys = client.Credentials{AccessKey: s.AccessKeyID, SecretKey: s.SecretAccessKey, SecurityToken: s.SecurityToken}
	default:
		return bad("Profile %q in %s has mode %q; only %s and %s are supported.", name, file, p.Mode, ModeAKSK, ModeSSO)
	}
	if out.Keys.AccessKey == "" || out.Keys.SecretKey == "" {
		return bad("Profile %q in %s (mode %s) has no access key and secret key (for SSO: sign in with the hcloud CLI again).",
			name, file, p.Mode)
	}
	for _, v := range []string{out.Keys.AccessKey, out.Keys.SecretKey, out.Keys.SecurityToken} {
		if strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return bad("Profile %q in %s has a key or token with whitespace or a control character.", name, file)
		}
	}
	if p.AgencyName != "" {
		out.Agency = &client.AssumeAgency{AgencyName: p.AgencyName, DomainName: p.AgencyDomainName, DomainID: p.AgencyDomainID}
		if p.AgencyDomainName == "" && p.AgencyDomainID == "" {
			return bad("Profile %q in %s names agency %q but neither agencyDomainName nor agencyDomainId.", name, file, p.AgencyName)
		}
	}
	return out, nil
}

// inRegion reports whether region is the profile's own, so that its project
// id applies.
func (p *HcloudProfile) inRegion(region string) bool {
	return strings.EqualFold(strings.TrimSpace(p.Region), region)
}

// permissionWarning warns when the hcloud config file, which holds keys, may
// be read or changed by other users, as ssh and the hcloud CLI do; nil when
// it may not, or on Windows, where the mode bits do not say.
func permissionWarning(file string) *Error {
	st, err := os.Stat(file)
	if err != nil {
		return nil //nolint:nilerr // an unreadable file is reported where it is read; here there is nothing to warn about
	}
	if runtime.GOOS == "windows" || st.Mode().Perm()&0o066 == 0 {
		return nil
	}
	return &Error{Attr: SharedConfigFile.Attr, Summary: "Credentials file open to other users",
		Detail: fmt.Sprintf("The hcloud config file %s holds keys and has mode %s: other users of this machine can read "+
			"or change it. Restrict it to its owner, e.g. chmod 600 %s.", file, st.Mode().Perm(), file)}
}
