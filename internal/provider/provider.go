// Package provider holds the vpcep provider, its resource and data sources.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// New returns a constructor for the provider at the given version.
// (Skeleton: the real provider replaces this file.)
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &vpcepProvider{version: version} }
}

type vpcepProvider struct{ version string }

func (p *vpcepProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "vpcep"
	resp.Version = p.version
}
func (p *vpcepProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (p *vpcepProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (p *vpcepProvider) Resources(context.Context) []func() resource.Resource       { return nil }
func (p *vpcepProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
