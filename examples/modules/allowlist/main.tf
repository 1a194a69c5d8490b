# Every connection of the service, whatever its status: a decided connection
# must stay in for_each, or the next plan would destroy (reject) it.
data "vpcep_connections" "all" {
  service_id = var.service_id
}

locals {
  # Statuses no action can change: a failed endpoint must be recreated by its
  # owner, a deleting one is on its way out. Deciding them would fail the
  # apply for every other consumer, so they are reported instead.
  undecidable_statuses = ["failed", "deleting"]

  # endpoint id => account id of its owner, for the connections to decide
  connections = {
    for c in data.vpcep_connections.all.connections : c.endpoint_id => c.domain_id
    if !contains(local.undecidable_statuses, c.status)
  }
}

resource "vpcep_connection_approval" "this" {
  for_each = local.connections

  service_id  = var.service_id
  endpoint_id = each.key
  action      = contains(var.allowed_domain_ids, each.value) ? "receive" : "reject"
  # null leaves the connection's description as it is.
  description = contains(var.allowed_domain_ids, each.value) ? var.description : null

  timeouts {
    create = var.timeout
    update = var.timeout
    delete = var.timeout
  }
}
