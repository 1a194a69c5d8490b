package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Names and values the harness writes into fixtures and Terraform configs.
const (
	providerSource  = "vpcep/vpcep" // dev_overrides key for registry.terraform.io/vpcep/vpcep
	resourceType    = "vpcep_connection_approval"
	actionReceive   = "receive"
	statusPending   = "pendingAcceptance"
	benchProjectID  = "0b1e2c3d4e5f60718293a4b5c6d7e8f9"
	benchServiceID  = "5e1f0000-0000-4000-8000-000000000001"
	benchToken      = "bench-token-not-a-secret"
	benchSvcName    = "bench"
	benchDomainBase = "d0ma1n"
)

// fixtures mirrors the JSON that vpcep-mock -fixtures reads.
type fixtures struct {
	Services []fixtureService `json:"services"`
}

type fixtureService struct {
	ID              string              `json:"id"`
	ProjectID       string              `json:"project_id"`
	ServiceName     string              `json:"service_name"`
	ApprovalEnabled bool                `json:"approval_enabled"`
	Connections     []fixtureConnection `json:"connections"`
}

type fixtureConnection struct {
	ID       string `json:"id"`
	DomainID string `json:"domain_id"`
	Status   string `json:"status"`
}

// endpointIDs returns n distinct, deterministic endpoint ids shaped like the
// UUIDs VPCEP issues, so runs are comparable and any id validation passes.
func endpointIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("e0d90000-0000-4000-8000-%012x", i+1)
	}
	return ids
}

// fixtureJSON is one service with every endpoint connected and pending
// acceptance: the state a service owner faces before an apply.
func fixtureJSON(ids []string) ([]byte, error) {
	svc := fixtureService{
		ID:              benchServiceID,
		ProjectID:       benchProjectID,
		ServiceName:     benchSvcName,
		ApprovalEnabled: true,
		Connections:     make([]fixtureConnection, len(ids)),
	}
	for i, id := range ids {
		svc.Connections[i] = fixtureConnection{
			ID:       id,
			DomainID: fmt.Sprintf("%s%026x", benchDomainBase, i+1),
			Status:   statusPending,
		}
	}
	return json.MarshalIndent(fixtures{Services: []fixtureService{svc}}, "", " ")
}

// Shapes of the N resources in a root module.
const (
	// shapeCount expands one resource block with count over a list of ids.
	shapeCount = "count"
	// shapeForEach expands it with for_each over toset(list). It reads best,
	// but Terraform 1.11 itself is quadratic in it: with the built-in
	// terraform_data at N = 1000 on our 2-core machine, apply took 154 s and
	// plan 99 s with for_each, against 7.6 s and 1 s with count. That would
	// drown the provider's figures, so count is the default.
	shapeForEach = "for_each"
)

// expansion is the meta-argument and the endpoint id expression of a shape.
func expansion(shape string) (meta, endpointID string) {
	if shape == shapeForEach {
		return "for_each = toset(local.endpoint_ids)", "each.value"
	}
	return "count = length(local.endpoint_ids)", "local.endpoint_ids[count.index]"
}

// idsLocal is the locals block listing the endpoint ids.
func idsLocal(ids []string) string {
	var b strings.Builder
	b.WriteString("locals {\n  endpoint_ids = [\n")
	for _, id := range ids {
		fmt.Fprintf(&b, "    %q,\n", id)
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

// terraformConfig is the root module under test: the provider pointed at the
// mock and one approval per endpoint id, expanded as shape says.
func terraformConfig(endpoint string, ids []string, shape string) string {
	meta, endpointID := expansion(shape)
	return fmt.Sprintf(`terraform {
  required_providers {
    vpcep = {
      source = %q
    }
  }
}

provider "vpcep" {
  endpoint   = %q
  project_id = %q
  auth_token = %q
}

%s
resource %q "bench" {
  %s
  service_id  = %q
  endpoint_id = %s
  action      = %q
}
`, providerSource, endpoint, benchProjectID, benchToken, idsLocal(ids), resourceType, meta, benchServiceID, endpointID, actionReceive)
}

// floorConfig has the same locals and expansion as terraformConfig but a
// resource of Terraform's built-in provider: no plugin process, no API. Its
// apply time is the CLI's own floor for that N, which no provider can beat.
func floorConfig(ids []string, shape string) string {
	meta, endpointID := expansion(shape)
	return fmt.Sprintf(`%s
resource "terraform_data" "floor" {
  %s
  input = %s
}
`, idsLocal(ids), meta, endpointID)
}

// cliConfig is a TF_CLI_CONFIG_FILE that makes Terraform start the binary in
// overrideDir for our provider, with no terraform init and no registry.
func cliConfig(overrideDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, providerSource, overrideDir)
}
