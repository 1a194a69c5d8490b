# Terraform 1.14 and later. Save as a *.tfquery.hcl file next to your
# configuration, then run `terraform query` to list the connections, or
# `terraform query -generate-config-out=adopt.tf` to write import and resource
# blocks for them.
variable "service_id" {
  type = string
}

# Every connection waiting for your decision.
list "vpcep_connection_approval" "pending" {
  provider = vpcep
  config {
    service_id = var.service_id
    status     = "pendingAcceptance"
  }
}

# The accepted connections of two consumer accounts, with the full resource
# object (needed by -generate-config-out). `limit` defaults to 100.
list "vpcep_connection_approval" "partners" {
  provider         = vpcep
  include_resource = true
  limit            = 5000
  config {
    service_id = var.service_id
    status     = "accepted"
    domain_ids = ["0a1b2c3d4e5f40718293a4b5c6d7e8f9", "1b2c3d4e5f6a40718293a4b5c6d7e8f0"]
  }
}
