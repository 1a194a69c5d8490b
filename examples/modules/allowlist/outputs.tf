output "statuses" {
  description = "Status of every decided connection after the apply, by endpoint ID."
  value       = tomap(local.decided)
}

output "accepted_endpoint_ids" {
  description = "Endpoints that were accepted, sorted."
  value       = sort([for id, status in local.decided : id if status == "accepted"])
}

output "rejected_endpoint_ids" {
  description = "Endpoints that were rejected, sorted."
  value       = sort([for id, status in local.decided : id if status == "rejected"])
}

output "unknown_domain_ids" {
  description = "Accounts that asked to connect but are not in allowed_domain_ids, sorted."
  value       = sort(distinct([for id, status in local.decided : lookup(local.accounts, id, "") if status == "rejected"]))
}

output "undecidable" {
  description = "Connections left undecided because no action can change them (failed, deleting), by endpoint ID: the owner's account, the status and the API's errors, as read before the apply. A failed endpoint must be deleted and recreated by its owner; it is decided on the next apply after that."
  value = tomap({
    for c in data.vpcep_connections.all.connections : c.endpoint_id => {
      domain_id = c.domain_id
      status    = c.status
      errors    = c.error
    } if contains(local.undecidable_statuses, c.status)
  })
}
