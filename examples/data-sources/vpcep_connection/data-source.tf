# Everything the API says about one endpoint's connection to a service.
data "vpcep_connection" "payments" {
  service_id  = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
  endpoint_id = "a1000000-0000-4000-8000-000000000001"
}

output "payments_status" {
  value = data.vpcep_connection.payments.status
}

# Only set when the connection failed: every error code and message.
output "payments_errors" {
  value = [for e in data.vpcep_connection.payments.error : "${e.error_code}: ${e.error_message}"]
}
