# Accept every endpoint of one consumer account and one named endpoint of
# another, refuse one endpoint of the trusted account, and reject everyone
# else, now and whenever a new consumer connects (the next apply decides it).
resource "vpcep_connection_policy" "orders" {
  service_id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"

  accept_domain_ids   = ["aaaa1111aaaa1111aaaa1111aaaa1111"]
  accept_endpoint_ids = ["b2000000-0000-4000-8000-000000000003"]
  reject_endpoint_ids = ["a1000000-0000-4000-8000-000000000002"]
  others              = "reject"

  # Destroying the policy rejects the connections it accepted (the default).
  on_destroy = "reject"

  timeouts {
    create = "20m"
    update = "20m"
  }
}

# Which endpoints are accepted now.
output "accepted_endpoints" {
  value = sort([for id, status in vpcep_connection_policy.orders.connections : id if status == "accepted"])
}
