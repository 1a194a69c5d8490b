# A connection is imported by its endpoint service id and endpoint id,
# separated by a slash: <service_id>/<endpoint_id>.
terraform import vpcep_connection_approval.payments 4f6b2d1e-8c3a-4e5f-9a7b-0c1d2e3f4a5b/a1000000-0000-4000-8000-000000000001
