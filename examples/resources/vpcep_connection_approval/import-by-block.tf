# Terraform 1.5 and later: adopt an existing connection with an import block,
# then `terraform plan` shows what would change and `terraform apply` imports it.
# The id is <service_id>/<endpoint_id>.
import {
  to = vpcep_connection_approval.analytics
  id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b/b2000000-0000-4000-8000-000000000003"
}

resource "vpcep_connection_approval" "analytics" {
  service_id  = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
  endpoint_id = "b2000000-0000-4000-8000-000000000003"
  action      = "receive"
}
