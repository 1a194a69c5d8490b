# A policy is imported by the id of its endpoint service. The import reads
# no rules (the API has none): the next plan shows the configuration's rules
# and the connections they would change.
terraform import vpcep_connection_policy.orders 4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b
