# Test helper: consumers create endpoints on the service between two applies
# of the module, through vpcep-mock's /_mock/endpoints control (as a consumer's
# own create would). VPCEP_ENDPOINT is the mock's URL, set by scripts/tftest.sh.
# The suite's provider "vpcep" block is handed to every run's module, this one
# included, so the name must mean the same provider here.
terraform {
  required_providers {
    vpcep = {
      source = "vpcep/vpcep"
    }
  }
}

variable "service_id" {
  type = string
}

variable "endpoints" {
  description = "endpoint id => owner's account id"
  type        = map(string)
}

resource "terraform_data" "endpoint" {
  for_each = var.endpoints

  input = each.key

  provisioner "local-exec" {
    command = "curl -sSf -X POST \"$VPCEP_ENDPOINT/_mock/endpoints\" -d '${jsonencode({ service_id = var.service_id, id = each.key, domain_id = each.value })}'"
  }
}
