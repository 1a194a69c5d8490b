# The allowlist module against vpcep-mock. scripts/tftest.sh starts the mock
# with tests/fixtures.json and points the provider at it through the
# environment (VPCEP_ENDPOINT, VPCEP_PROJECT_ID, VPCEP_AUTH_TOKEN), so this file
# holds no connection details. The fixtures hold four connections:
#   e1... account aaaa...  pendingAcceptance
#   e2... account bbbb...  pendingAcceptance
#   e3... account cccc...  accepted (by hand, earlier)
#   e4... account aaaa...  rejected (by hand, earlier)
#   e5... account aaaa...  failed (its owner must recreate it)
#   e6... account bbbb...  deleting (held there by the mock)
# Runs share one state, in order; Terraform destroys (rejects) everything at the end.
# Between runs, new consumers connect (e7, e8), as they do between real applies.

provider "vpcep" {}

variables {
  service_id         = "7e1d0c9b-2a3f-4b5c-8d6e-9f0a1b2c3d4e"
  allowed_domain_ids = ["aaaa1111aaaa1111aaaa1111aaaa1111"]
}

run "accepts_the_allowed_account_and_rejects_the_others" {
  assert {
    condition = output.statuses == tomap({
      "e1000000-0000-4000-8000-000000000001" = "accepted"
      "e2000000-0000-4000-8000-000000000002" = "rejected"
      "e3000000-0000-4000-8000-000000000003" = "rejected"
      "e4000000-0000-4000-8000-000000000004" = "accepted"
    })
    error_message = "Unexpected statuses: ${jsonencode(output.statuses)}"
  }

  assert {
    condition     = output.accepted_endpoint_ids == tolist(["e1000000-0000-4000-8000-000000000001", "e4000000-0000-4000-8000-000000000004"])
    error_message = "Unexpected accepted endpoints: ${jsonencode(output.accepted_endpoint_ids)}"
  }

  assert {
    condition     = output.unknown_domain_ids == tolist(["bbbb2222bbbb2222bbbb2222bbbb2222", "cccc3333cccc3333cccc3333cccc3333"])
    error_message = "Unexpected unknown accounts: ${jsonencode(output.unknown_domain_ids)}"
  }

  assert {
    condition     = vpcep_connection_policy.this.connections["e3000000-0000-4000-8000-000000000003"] == "rejected"
    error_message = "The policy should show the status of every connection it decided: ${jsonencode(vpcep_connection_policy.this.connections)}"
  }
}

# A failed endpoint of an allowed account, and one being deleted, must not fail
# the apply for everyone else (the run above applied with both present); they
# are reported instead of decided.
run "a_failed_or_deleting_consumer_is_reported_not_decided" {
  assert {
    condition     = !contains(keys(output.statuses), "e5000000-0000-4000-8000-000000000005") && !contains(keys(output.statuses), "e6000000-0000-4000-8000-000000000006")
    error_message = "Failed and deleting connections must not be counted as decided: ${jsonencode(output.statuses)}"
  }

  assert {
    condition     = vpcep_connection_policy.this.connections["e5000000-0000-4000-8000-000000000005"] == "failed"
    error_message = "The policy should still show the failed connection it would accept: ${jsonencode(vpcep_connection_policy.this.connections)}"
  }

  assert {
    condition     = keys(output.undecidable) == tolist(["e5000000-0000-4000-8000-000000000005", "e6000000-0000-4000-8000-000000000006"])
    error_message = "Unexpected undecidable connections: ${jsonencode(output.undecidable)}"
  }

  assert {
    condition = (
      output.undecidable["e5000000-0000-4000-8000-000000000005"].status == "failed" &&
      output.undecidable["e5000000-0000-4000-8000-000000000005"].domain_id == "aaaa1111aaaa1111aaaa1111aaaa1111" &&
      length(output.undecidable["e5000000-0000-4000-8000-000000000005"].errors) == 1 &&
      output.undecidable["e5000000-0000-4000-8000-000000000005"].errors[0].error_code == "Endpoint.2056" &&
      output.undecidable["e5000000-0000-4000-8000-000000000005"].errors[0].error_message == "The endpoint's port could not be created."
    )
    error_message = "The failed connection should show its status and the API's errors: ${jsonencode(output.undecidable)}"
  }

  assert {
    condition     = output.undecidable["e6000000-0000-4000-8000-000000000006"].status == "deleting"
    error_message = "The deleting connection should show its status: ${jsonencode(output.undecidable)}"
  }
}

run "new_consumers_connect" {
  module {
    source = "./tests/new-consumers"
  }

  variables {
    endpoints = {
      "e7000000-0000-4000-8000-000000000007" = "aaaa1111aaaa1111aaaa1111aaaa1111"
      "e8000000-0000-4000-8000-000000000008" = "dddd4444dddd4444dddd4444dddd4444"
    }
  }
}

# The configuration is unchanged: the plan finds the new pending connections
# and the apply decides them by the same rules, leaving the others alone.
run "new_consumers_are_decided_by_the_next_apply" {
  assert {
    condition = output.statuses == tomap({
      "e1000000-0000-4000-8000-000000000001" = "accepted"
      "e2000000-0000-4000-8000-000000000002" = "rejected"
      "e3000000-0000-4000-8000-000000000003" = "rejected"
      "e4000000-0000-4000-8000-000000000004" = "accepted"
      "e7000000-0000-4000-8000-000000000007" = "accepted"
      "e8000000-0000-4000-8000-000000000008" = "rejected"
    })
    error_message = "Unexpected statuses: ${jsonencode(output.statuses)}"
  }

  assert {
    condition     = output.unknown_domain_ids == tolist(["bbbb2222bbbb2222bbbb2222bbbb2222", "cccc3333cccc3333cccc3333cccc3333", "dddd4444dddd4444dddd4444dddd4444"])
    error_message = "Unexpected unknown accounts: ${jsonencode(output.unknown_domain_ids)}"
  }
}

run "a_changed_allow_list_flips_the_decisions" {
  variables {
    allowed_domain_ids = ["bbbb2222bbbb2222bbbb2222bbbb2222", "cccc3333cccc3333cccc3333cccc3333"]
  }

  assert {
    condition = output.statuses == tomap({
      "e1000000-0000-4000-8000-000000000001" = "rejected"
      "e2000000-0000-4000-8000-000000000002" = "accepted"
      "e3000000-0000-4000-8000-000000000003" = "accepted"
      "e4000000-0000-4000-8000-000000000004" = "rejected"
      "e7000000-0000-4000-8000-000000000007" = "rejected"
      "e8000000-0000-4000-8000-000000000008" = "rejected"
    })
    error_message = "Unexpected statuses: ${jsonencode(output.statuses)}"
  }
}

run "an_empty_allow_list_rejects_everything" {
  variables {
    allowed_domain_ids = []
  }

  assert {
    condition     = length(output.accepted_endpoint_ids) == 0 && length(output.rejected_endpoint_ids) == 6
    error_message = "Every endpoint should be rejected: ${jsonencode(output.statuses)}"
  }

  assert {
    condition     = alltrue([for s in values(output.statuses) : s == "rejected"])
    error_message = "Unexpected statuses: ${jsonencode(output.statuses)}"
  }
}

run "an_empty_account_id_is_refused_before_anything_changes" {
  command = plan

  variables {
    allowed_domain_ids = [""]
  }

  expect_failures = [var.allowed_domain_ids]
}
