package crr.checks.crr_030

import data.crr.lib.action

# remediation_actions: create the role with S3's trust for every bucket of the role, then give it
# the least-privilege policy for all of them.
remediation_actions(f) := [
	action.create_role(f.resource_arn, role_name(f.resource_arn), role_path(f.resource_arn), f.documents["trust-policy.json"]),
	action.put_role_policy(f.resource_arn, role_name(f.resource_arn), "crr-replication", f.documents["permissions-policy.json"], "additive", "permissions-policy.json"),
]
