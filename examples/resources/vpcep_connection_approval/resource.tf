# Accept one consumer's endpoint.
resource "vpcep_connection_approval" "payments" {
  service_id  = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
  endpoint_id = "a1000000-0000-4000-8000-000000000001"
  description = "payments team, production"
}

# Reject another one, and allow more time than the default to settle.
resource "vpcep_connection_approval" "unknown" {
  service_id  = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
  endpoint_id = "c3000000-0000-4000-8000-000000000004"
  action      = "reject"

  timeouts {
    create = "5m"
    update = "5m"
    delete = "5m"
  }
}

# Decide every other connection of the service from an allow-list of
# accounts: one resource per endpoint, keyed by endpoint id. A connection must
# be managed by one resource only (two would undo each other on every apply),
# so the endpoints decided above are left out. So are failed and deleting
# connections, which no action can change.
variable "allowed_domain_ids" {
  type    = set(string)
  default = ["aaaa1111aaaa1111aaaa1111aaaa1111"]
}

data "vpcep_connections" "all" {
  service_id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
}

locals {
  decided_above = [
    vpcep_connection_approval.payments.endpoint_id,
    vpcep_connection_approval.unknown.endpoint_id,
  ]
}

resource "vpcep_connection_approval" "by_account" {
  for_each = {
    for c in data.vpcep_connections.all.connections : c.endpoint_id => c.domain_id
    if !contains(local.decided_above, c.endpoint_id) && !contains(["failed", "deleting"], c.status)
  }

  service_id  = data.vpcep_connections.all.service_id
  endpoint_id = each.key
  action      = contains(var.allowed_domain_ids, each.value) ? "receive" : "reject"
}
