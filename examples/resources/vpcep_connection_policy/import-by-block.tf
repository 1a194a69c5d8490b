# Terraform 1.5 and later: adopt the policy of an endpoint service with an
# import block. The first apply imports it and decides the connections the
# rules name; `terraform plan` shows which first.
import {
  to = vpcep_connection_policy.analytics
  id = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
}

resource "vpcep_connection_policy" "analytics" {
  service_id        = "4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b"
  accept_domain_ids = ["aaaa1111aaaa1111aaaa1111aaaa1111", "bbbb2222bbbb2222bbbb2222bbbb2222"]
}
