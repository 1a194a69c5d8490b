# Terraform 1.14 and later. A decision triggered by another resource's
# lifecycle: accept the partner's endpoint each time the integration that
# needs it is created or replaced. The resource that triggers it is your own;
# terraform_data stands in for it here.
action "vpcep_connection_decision" "partner_on" {
  config {
    service_id  = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
    endpoint_id = "a1000000-0000-4000-8000-000000000001"
    action      = "receive"
  }
}

resource "terraform_data" "partner_integration" {
  input = "v2"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.vpcep_connection_decision.partner_on]
    }
  }
}
