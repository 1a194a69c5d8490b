package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/vpcep/terraform-provider-vpcep/internal/policy"
	"github.com/vpcep/terraform-provider-vpcep/internal/settings"
	"github.com/vpcep/terraform-provider-vpcep/internal/sharedread"
)

// providerModel is the provider block.
type providerModel struct {
	Region           types.String     `tfsdk:"region"`
	Endpoint         types.String     `tfsdk:"endpoint"`
	ProjectID        types.String     `tfsdk:"project_id"`
	ProjectName      types.String     `tfsdk:"project_name"`
	IAMEndpoint      types.String     `tfsdk:"iam_endpoint"`
	AuthToken        types.String     `tfsdk:"auth_token"`
	AccessKey        types.String     `tfsdk:"access_key"`
	SecretKey        types.String     `tfsdk:"secret_key"`
	SecurityToken    types.String     `tfsdk:"security_token"`
	SharedConfigFile types.String     `tfsdk:"shared_config_file"`
	Profile          types.String     `tfsdk:"profile"`
	AssumeRole       *assumeRoleModel `tfsdk:"assume_role"`
	OIDC             *oidcModel       `tfsdk:"assume_role_with_oidc"`
	MaxRetries       types.Number     `tfsdk:"max_retries"`
	Insecure         types.Bool       `tfsdk:"insecure"`
	SkipMetadata     types.Bool       `tfsdk:"skip_metadata"`
}

// assumeRoleModel is the assume_role block.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	DomainID   types.String `tfsdk:"domain_id"`
	Duration   types.Int64  `tfsdk:"duration"`
}

// oidcModel is the assume_role_with_oidc block.
type oidcModel struct {
	IdpID       types.String `tfsdk:"idp_id"`
	IDToken     types.String `tfsdk:"id_token"`
	IDTokenFile types.String `tfsdk:"id_token_file"`
	AgencyName  types.String `tfsdk:"agency_name"`
	DomainID    types.String `tfsdk:"domain_id"`
	Duration    types.Int64  `tfsdk:"duration"`
}

// ValidateConfig reports, at plan time, the errors of the provider block
// that do not depend on the environment.
func (p *vpcepProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(settingsDiags(settings.Check(cfg.settings(), !cfg.hasUnknown()))...)
}

// Configure resolves the provider block and the environment into settings,
// and connects the API client with them.
func (p *vpcepProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A value unknown at plan time (e.g. from another resource) cannot be
	// resolved now; the framework's advice is to leave the provider
	// unconfigured. Resources then report it only if they need the API.
	if cfg.hasUnknown() {
		tflog.Info(ctx, "vpcep provider configuration has unknown values; not configuring it during this plan")
		return
	}
	s, errs := settings.Resolve(cfg.settings(), p.getenv)
	if resp.Diagnostics.Append(settingsDiags(errs)...); resp.Diagnostics.HasError() {
		return
	}
	for _, w := range s.Warnings {
		resp.Diagnostics.AddAttributeWarning(path.Root(w.Attr), w.Summary, w.Detail)
	}
	userAgent := fmt.Sprintf("terraform-provider-vpcep/%s terraform/%s", p.version, req.TerraformVersion)
	c, err := s.Connect(ctx, userAgent, &p.probes)
	if err != nil {
		resp.Diagnostics.Append(settingsDiags([]*settings.Error{err})...)
		return
	}
	pd := &providerData{Client: c, Reader: sharedread.New(c), Claims: &policy.Claims{}}
	resp.ResourceData = pd
	resp.DataSourceData = pd
	resp.ListResourceData = pd
	resp.ActionData = pd
}

// settingsDiags are the settings' errors as diagnostics on their attributes.
func settingsDiags(errs []*settings.Error) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, e := range errs {
		if e.Attr == "" {
			diags.AddError(e.Summary, e.Detail)
		} else {
			diags.AddAttributeError(path.Root(e.Attr), e.Summary, e.Detail)
		}
	}
	return diags
}

// settings is the provider block for package settings: null and unknown
// values are nil.
func (m providerModel) settings() settings.Config {
	cfg := settings.Config{Region: stringPtr(m.Region), Endpoint: stringPtr(m.Endpoint), ProjectID: stringPtr(m.ProjectID),
		ProjectName: stringPtr(m.ProjectName), IAMEndpoint: stringPtr(m.IAMEndpoint), AuthToken: stringPtr(m.AuthToken),
		AccessKey: stringPtr(m.AccessKey), SecretKey: stringPtr(m.SecretKey), SecurityToken: stringPtr(m.SecurityToken),
		SharedConfigFile: stringPtr(m.SharedConfigFile), Profile: stringPtr(m.Profile), Insecure: m.Insecure.ValueBool(),
		SkipMetadata: m.SkipMetadata.ValueBool()}
	if isKnown(m.MaxRetries) {
		cfg.MaxRetries = m.MaxRetries.ValueBigFloat()
	}
	if a := m.AssumeRole; a != nil {
		cfg.AssumeRole = &settings.AssumeRoleSettings{AgencyName: a.AgencyName.ValueString(), DomainName: a.DomainName.ValueString(),
			DomainID: a.DomainID.ValueString(), DurationSeconds: int(a.Duration.ValueInt64())}
	}
	if o := m.OIDC; o != nil {
		cfg.OIDC = &settings.OIDCConfig{IdpID: o.IdpID.ValueString(), IDToken: stringPtr(o.IDToken), IDTokenFile: o.IDTokenFile.ValueString(),
			AgencyName: o.AgencyName.ValueString(), DomainID: o.DomainID.ValueString(), DurationSeconds: int(o.Duration.ValueInt64())}
	}
	return cfg
}

// stringPtr is a known value, or nil.
func stringPtr(v types.String) *string {
	if !isKnown(v) {
		return nil
	}
	return v.ValueStringPointer()
}

// hasUnknown reports a value not known yet (plan time, from another resource).
func (m providerModel) hasUnknown() bool {
	for _, v := range []types.String{m.Region, m.Endpoint, m.ProjectID, m.ProjectName, m.IAMEndpoint, m.AuthToken,
		m.AccessKey, m.SecretKey, m.SecurityToken, m.SharedConfigFile, m.Profile} {
		if v.IsUnknown() {
			return true
		}
	}
	if a := m.AssumeRole; a != nil && (a.AgencyName.IsUnknown() || a.DomainName.IsUnknown() || a.DomainID.IsUnknown() || a.Duration.IsUnknown()) {
		return true
	}
	if o := m.OIDC; o != nil && (o.IdpID.IsUnknown() || o.IDToken.IsUnknown() || o.IDTokenFile.IsUnknown() ||
		o.AgencyName.IsUnknown() || o.DomainID.IsUnknown() || o.Duration.IsUnknown()) {
		return true
	}
	return m.MaxRetries.IsUnknown() || m.Insecure.IsUnknown() || m.SkipMetadata.IsUnknown()
}
