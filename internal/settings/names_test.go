package settings

import (
	"strings"
	"testing"
)

// TestUnitSDKEnvironmentNames catches the Huawei Cloud SDKs' variables being
// ignored (HUAWEICLOUD_SDK_AK/_SK alone gave "Missing credentials") and
// their place in the order: after VPCEP_* and HW_*, never before.
func TestUnitSDKEnvironmentNames(t *testing.T) {
	t.Parallel()
	sdk := map[string]string{"HUAWEICLOUD_SDK_AK": "sdk-ak", "HUAWEICLOUD_SDK_SK": "sdk-sk",
		"HUAWEICLOUD_SDK_SECURITY_TOKEN": "sdk-st", "HUAWEICLOUD_SDK_PROJECT_ID": "sdk-p", "HUAWEICLOUD_SDK_REGION": "eu-de"}
	s, errs := Resolve(Config{}, func(k string) string { return sdk[k] })
	l := s.Choice.Layer
	if len(errs) != 0 || s.Choice.Kind != KindKeys || l.AccessKey != (Value{"sdk-ak", "HUAWEICLOUD_SDK_AK"}) ||
		l.SecretKey.V != "sdk-sk" || l.SecurityToken.V != "sdk-st" || s.Client.ProjectID != "sdk-p" || s.Region != "eu-de" {
		t.Errorf("SDK variables alone: %+v %+v region %q project %q %v", s.Choice.Kind, l, s.Region, s.Client.ProjectID, errs)
	}
	for _, n := range []Name{AccessKey, SecretKey, SecurityToken, ProjectID, Region} {
		if got := n.Env[len(n.Env)-1]; !strings.HasPrefix(got, "HUAWEICLOUD_SDK_") {
			t.Errorf("%s: the SDK's variable is not last: %v", n.Attr, n.Env)
		}
	}
	both := map[string]string{"HW_ACCESS_KEY": "hw-ak", "HW_SECRET_KEY": "hw-sk", "VPCEP_PROJECT_ID": "p", "HW_REGION_NAME": "eu-nl"}
	for k, v := range sdk {
		both[k] = v
	}
	s, errs = Resolve(Config{}, func(k string) string { return both[k] })
	if len(errs) != 0 || s.Choice.Layer.AccessKey.V != "hw-ak" || s.Client.ProjectID != "p" || s.Region != "eu-nl" {
		t.Errorf("HW_* and VPCEP_* beside the SDK's: %+v region %q project %q %v", s.Choice.Layer, s.Region, s.Client.ProjectID, errs)
	}
}

// TestUnitSDKDomainOnlyForOIDC catches the SDK's domain id, which is the
// caller's account, turning into an agency to assume: it is the account of
// an agency assumed with OIDC keys only, and alone it does nothing.
func TestUnitSDKDomainOnlyForOIDC(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HUAWEICLOUD_SDK_DOMAIN_ID": "d1", "HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk"}
	s, errs := Resolve(Config{Region: str("eu-de")}, func(k string) string { return env[k] })
	if len(errs) != 0 || s.Chain.AssumeRole != nil {
		t.Errorf("the SDK's domain with keys: assume %+v, %v", s.Chain.AssumeRole, errs)
	}
	env = map[string]string{"HUAWEICLOUD_SDK_DOMAIN_ID": "d1", "HUAWEICLOUD_SDK_IDP_ID": "idp",
		"HUAWEICLOUD_SDK_ID_TOKEN_FILE": "/run/token", AgencyName.Env[0]: "ops"}
	s, errs = Resolve(Config{Region: str("eu-de")}, func(k string) string { return env[k] })
	if o := s.Choice.Layer.OIDC; len(errs) != 0 || o == nil || o.DomainID != "d1" || o.AgencyName != "ops" || o.IDTokenFile != "/run/token" {
		t.Errorf("the SDK's OIDC variables: %+v %v", o, errs)
	}
}

// TestUnitSkipMetadata catches skip_metadata still probing ECS metadata: the
// chain ends without it and says why.
func TestUnitSkipMetadata(t *testing.T) {
	t.Parallel()
	_, errs := Resolve(Config{Region: str("eu-de"), SkipMetadata: true}, func(string) string { return "" })
	if len(errs) != 1 || errs[0].Summary != "Missing credentials" || !strings.Contains(errs[0].Detail, "ECS instance metadata: skipped (skip_metadata = true") {
		t.Errorf("skip_metadata without credentials: %v", errs)
	}
	s, _ := Resolve(Config{Region: str("eu-de")}, func(string) string { return "" })
	if s.Chain.DisableMetadata {
		t.Error("metadata is skipped without skip_metadata")
	}
}
