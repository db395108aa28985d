# METADATA
# title: Replication role does not exist
# description: >-
#   The IAM role named in the replication configuration does not exist. S3 checks the
#   role only when the configuration is written; once the role is deleted, every object
#   fails to replicate.
# custom:
#   id: CRR-030
#   severity: critical
#   guide: "Step 2 — create an IAM role that S3 can assume, with the replication permissions"
#   remediation: >-
#     Create the role again with the same name, a trust policy that lets
#     s3.amazonaws.com assume it, and a permissions policy for the source and
#     destination buckets; or point the configuration at an existing replication role.
#   requires: [replication, role]
package crr.checks.crr_030

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.shared

applies if {
	repl.has_config
	judgeable
}

applies if errors.unreadable("replication")

judgeable if is_boolean(input.role.Exists)

judgeable if errors.unreadable("role")

deny contains f if {
	repl.has_config
	input.role.Exists == false
	role_arn := repl.config.Role
	name := role_name(role_arn)
	f := {
		"msg": sprintf("Replication role %s of bucket %s does not exist: objects fail to replicate", [role_arn, input.bucket.Name]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "Exists": false},
		"commands": [
			cli.create_role(name, role_path(role_arn), "trust-policy.json"),
			cli.put_role_policy(name, "crr-replication", "permissions-policy.json"),
		],
		"documents": {
			"trust-policy.json": shared.trust_policy,
			"permissions-policy.json": shared.permissions_policy,
		},
	}
}

role_name(role_arn) := input.role.RoleName if {
	is_string(input.role.RoleName)
	input.role.RoleName != ""
} else := arn.role_name(role_arn)

role_path(role_arn) := p if {
	p := arn.role_path(role_arn)
} else := "/"
