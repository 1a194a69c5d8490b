output "statuses" {
  description = "Status of every connection of the service after the apply, by endpoint ID."
  value       = tomap({ for id, c in vpcep_connection_approval.this : id => c.status })
}

output "accepted_endpoint_ids" {
  description = "Endpoints that were accepted, sorted."
  value       = sort([for id, c in vpcep_connection_approval.this : id if c.action == "receive"])
}

output "rejected_endpoint_ids" {
  description = "Endpoints that were rejected, sorted."
  value       = sort([for id, c in vpcep_connection_approval.this : id if c.action == "reject"])
}

output "unknown_domain_ids" {
  description = "Accounts that asked to connect but are not in allowed_domain_ids, sorted."
  value       = sort(distinct([for id, domain in local.connections : domain if !contains(var.allowed_domain_ids, domain)]))
}
