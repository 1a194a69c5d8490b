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

# Every connection of the service, whatever its status. Filtering on
# status = "pendingAcceptance" here would be a mistake: after the first apply
# the decided connections would drop out of for_each and the next plan would
# want to destroy (reject) them. Only failed and deleting connections are left
# out below: no action can change them, and trying would fail the apply for
# every other consumer.
data "vpcep_connections" "all" {
  service_id = var.service_id
}

resource "vpcep_connection_approval" "this" {
  for_each = {
    for c in data.vpcep_connections.all.connections : c.endpoint_id => c.domain_id
    if !contains(["failed", "deleting"], c.status)
  }

  service_id  = var.service_id
  endpoint_id = each.key
  action      = contains(var.allowed_domain_ids, each.value) ? "receive" : "reject"
}

output "statuses" {
  description = "The status of every connection after the apply, by endpoint id."
  value       = { for id, c in vpcep_connection_approval.this : id => c.status }
}

output "accepted_domains" {
  description = "The accounts whose endpoints were accepted."
  value       = sort(distinct([for c in vpcep_connection_approval.this : c.domain_id if c.status == "accepted"]))
}

output "rejected_domains" {
  description = "The accounts whose endpoints were rejected."
  value       = sort(distinct([for c in vpcep_connection_approval.this : c.domain_id if c.status == "rejected"]))
}
