# Every connection of a service, across all pages of the API.
data "vpcep_connections" "all" {
  service_id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
}

# Only the connections still waiting for a decision, newest first. Terraform
# reads it before it applies the approvals below, so in this configuration it
# lists what was waiting before the apply.
data "vpcep_connections" "pending" {
  service_id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
  status     = "pendingAcceptance"
  sort_key   = "created_at"
  sort_dir   = "desc"
}

# The connections of one consumer account (filtered on the client side).
data "vpcep_connections" "payments_account" {
  service_id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
  domain_id  = "aaaa1111aaaa1111aaaa1111aaaa1111"
}

# Accept the connections whose account is in an allow-list. The for_each reads
# every connection rather than only the pending ones: with a status filter, an
# accepted connection would drop out of the map and the next plan would
# destroy (reject) it. Failed and deleting connections are left out: no action
# can change them, and trying would fail the apply for all the others.
variable "allowed_domain_ids" {
  type    = set(string)
  default = ["aaaa1111aaaa1111aaaa1111aaaa1111", "bbbb2222bbbb2222bbbb2222bbbb2222"]
}

resource "vpcep_connection_approval" "allowed" {
  for_each = {
    for c in data.vpcep_connections.all.connections : c.endpoint_id => c
    if contains(var.allowed_domain_ids, c.domain_id) && !contains(["failed", "deleting"], c.status)
  }

  service_id  = data.vpcep_connections.all.service_id
  endpoint_id = each.key
  action      = "receive"
}

output "payments_account_endpoint_ids" {
  value = data.vpcep_connections.payments_account.ids
}
