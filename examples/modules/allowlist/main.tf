# One policy decides every connection of the service: the endpoints of the
# allowed accounts are accepted, every other endpoint is rejected, including
# consumers that connect after this apply (the next apply decides them).
resource "vpcep_connection_policy" "this" {
  service_id        = var.service_id
  accept_domain_ids = var.allowed_domain_ids
  others            = "reject"

  timeouts {
    create = var.timeout
    update = var.timeout
    delete = var.timeout
  }
}

# Read for the accounts of the endpoints and the API's errors of failed
# connections; the policy keeps only each endpoint's status.
data "vpcep_connections" "all" {
  service_id = var.service_id
}

locals {
  # Statuses no action can change: a failed endpoint must be recreated by its
  # owner, a deleting one is on its way out. The policy skips them with a
  # warning instead of failing the apply for every other consumer.
  undecidable_statuses = ["failed", "deleting"]

  # endpoint id => status after the apply, for the connections the policy can decide
  decided = {
    for id, status in vpcep_connection_policy.this.connections : id => status
    if !contains(local.undecidable_statuses, status)
  }

  # endpoint id => the account that owns it
  accounts = { for c in data.vpcep_connections.all.connections : c.endpoint_id => c.domain_id }
}
