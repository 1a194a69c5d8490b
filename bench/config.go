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

// terraformConfig is the root module under test: the provider pointed at the
// mock and one approval per endpoint id through for_each, as a user would
// write it for a set of consumers.
func terraformConfig(endpoint string, ids []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
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

locals {
  endpoint_ids = [
`, providerSource, endpoint, benchProjectID, benchToken)
	for _, id := range ids {
		fmt.Fprintf(&b, "    %q,\n", id)
	}
	fmt.Fprintf(&b, `  ]
}

resource %q "bench" {
  for_each    = toset(local.endpoint_ids)
  service_id  = %q
  endpoint_id = each.value
  action      = %q
}
`, resourceType, benchServiceID, actionReceive)
	return b.String()
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
