# The demo that `make demo` runs against vpcep-mock: one endpoint service with
# five consumer endpoints waiting for approval, from four different accounts.
# The endpoints of the allowed accounts are accepted, all others are rejected.
#
# The provider is configured from the environment (VPCEP_ENDPOINT,
# VPCEP_PROJECT_ID, VPCEP_AUTH_TOKEN), which scripts/demo.sh points at the mock.

terraform {
  required_version = ">= 1.5.7"

  required_providers {
    vpcep = {
      source = "vpcep/vpcep"
    }
  }
}

provider "vpcep" {}

variable "service_id" {
  description = "The endpoint service whose connections are decided (the one in examples/demo/fixtures.json)."
  type        = string
  default     = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
}

variable "allowed_domain_ids" {
  description = "Account (domain) ids whose endpoints are accepted; every other endpoint is rejected."
  type        = set(string)
  default = [
    "aaaa1111aaaa1111aaaa1111aaaa1111", # the payments team: two endpoints
    "bbbb2222bbbb2222bbbb2222bbbb2222", # the analytics team: one endpoint
  ]
}

# One policy decides the whole service: the endpoints of the allowed accounts
# are accepted, every other endpoint is rejected, now and whenever a new
# consumer connects (the next plan names it, the next apply decides it).
resource "vpcep_connection_policy" "this" {
  service_id        = var.service_id
  accept_domain_ids = var.allowed_domain_ids
  others            = "reject"
}

output "statuses" {
  description = "The status of every connection of the service after the apply, by endpoint id."
  value       = vpcep_connection_policy.this.connections
}
