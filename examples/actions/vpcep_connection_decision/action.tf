# Terraform 1.14 and later. Break glass: reject one consumer's endpoint at once,
# without touching state or the rest of the configuration:
#
#   terraform apply -invoke=action.vpcep_connection_decision.cut_off
action "vpcep_connection_decision" "cut_off" {
  config {
    service_id  = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
    endpoint_id = "b2000000-0000-4000-8000-000000000003"
    action      = "reject"
    timeout     = "5m"
  }
}
