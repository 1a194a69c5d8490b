terraform {
  required_providers {
    vpcep = {
      source = "vpcep/vpcep"
    }
  }
}

# Huawei Cloud, signing requests with an access key: the keys come from the
# environment (VPCEP_ACCESS_KEY and VPCEP_SECRET_KEY, or HW_ACCESS_KEY and
# HW_SECRET_KEY), so that no secret is written into the configuration.
provider "vpcep" {
  region     = "eu-west-101"
  project_id = "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
}

# Open Telekom Cloud: the endpoint is derived from the region
# (https://vpcep.eu-de.otc.t-systems.com).
provider "vpcep" {
  alias      = "otc"
  region     = "eu-de"
  project_id = "5e6f7a8b9c0d41e2f3a4b5c6d7e8f9a0"
}

# A local vpcep-mock, for trying things out and for `terraform test`: plain
# http is accepted only on a loopback address.
provider "vpcep" {
  alias      = "mock"
  endpoint   = "http://127.0.0.1:18080"
  project_id = "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
  auth_token = "demo-token"
}
