# Every connection of the service, whatever its status: a decided connection
# must stay in for_each, or the next plan would destroy (reject) it.
data "vpcep_connections" "all" {
  service_id = var.service_id
}

locals {
  # endpoint id => account id of its owner
  connections = {
    for c in data.vpcep_connections.all.connections : c.endpoint_id => c.domain_id
  }
}

resource "vpcep_connection_approval" "this" {
  for_each = local.connections

  service_id  = var.service_id
  endpoint_id = each.key
  action      = contains(var.allowed_domain_ids, each.value) ? "receive" : "reject"
  description = contains(var.allowed_domain_ids, each.value) ? var.description : null

  timeouts {
    create = var.timeout
    update = var.timeout
    delete = var.timeout
  }
}
