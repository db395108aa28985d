package crr.checks.crr_032

import data.crr.lib.action
import data.crr.lib.iampolicy as ip

# remediation_actions: the least-privilege inline policy for every bucket of the role
# (additive), then the rewrites that take a blocking Deny or boundary away (manual: a
# person put them there, and they may guard more than replication).
remediation_actions(f) := array.concat(grant_actions(f), array.concat(deny_actions(f), boundary_actions(f)))

grant_actions(f) := [action.put_role_policy(role_arn, role_name, policy_name, f.documents["crr-permissions.json"], "additive", "crr-permissions.json")] if needs_grant
else := []

deny_actions(f) := array.concat(
	[entry_action(f, x[0], x[1]) | some x in blocked_entries],
	[action.put_bucket_policy(b, f.documents[file], "manual", file) |
		some i, b in blocked_buckets
		file := sprintf("bucket-policy-%d.json", [i + 1])
	],
)

entry_action(f, i, e) := action.put_role_policy(role_arn, role_name, e.name, f.documents[entry_file(i, e)], "manual", entry_file(i, e)) if {
	e.kind == "inline"
} else := action.new("iam:DetachRolePolicy", action.account_of(role_arn), "", role_arn, {"RoleName": role_name, "PolicyArn": e.arn}, "manual", "") if {
	ip.aws_managed(e.arn)
} else := policy_version(e.arn, f.documents[entry_file(i, e)], entry_file(i, e))

policy_version(policy_arn, doc, file) := action.new(
	"iam:CreatePolicyVersion", action.account_of(policy_arn), "", policy_arn,
	{"PolicyArn": policy_arn, "PolicyDocument": doc, "SetAsDefault": true}, "manual", file,
)

boundary_actions(f) := [action.new("iam:DeleteRolePermissionsBoundary", action.account_of(role_arn), "", role_arn, {"RoleName": role_name}, "manual", "")] if {
	boundary_blocked
	ip.aws_managed(policies.boundary.arn)
} else := [policy_version(policies.boundary.arn, f.documents["permissions-boundary.json"], "permissions-boundary.json")] if {
	boundary_blocked
} else := []
