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

# Read only for the undecidable output: the API's errors of failed connections.
data "vpcep_connections" "all" {
  service_id = var.service_id
}

locals {
  # Statuses no action can change: a failed endpoint must be recreated by its
  # owner, a deleting one is on its way out. The policy skips them with a
  # warning instead of failing the apply for every other consumer.
  undecidable_statuses = ["failed", "deleting"]

  # endpoint id => the policy's view, for the connections it can decide
  decided = {
    for id, c in vpcep_connection_policy.this.connections : id => c
    if !contains(local.undecidable_statuses, c.status)
  }
}
