# METADATA
# title: Replication role does not exist
# description: >-
#   The IAM role named in the replication configuration does not exist. S3 checks the
#   role only when the configuration is written; once the role is deleted, every object
#   fails to replicate. A Role that is not an IAM role ARN at all (arn:aws:iam, a bare
#   name, a user ARN) names no role S3 could ever assume: reported here too, from the
#   configuration alone.
# custom:
#   id: CRR-030
#   severity: critical
#   guide: "Step 2 — create an IAM role that S3 can assume, with the replication permissions"
#   remediation: >-
#     Create the role again with the same name, a trust policy that lets
#     s3.amazonaws.com assume it, and a permissions policy for the source and
#     destination buckets; or point the configuration at an existing replication role.
#   requires: [replication, role]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
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

judgeable if malformed

judgeable if errors.unreadable("role")

# malformed: the configuration's Role is not an IAM role ARN.
malformed if {
	repl.has_config
	not arn.valid_role(object.get(repl.config, "Role", ""))
}

deny contains f if {
	malformed
	configured := object.get(repl.config, "Role", "")
	name := cli.role_name_for(input.bucket.Name)
	f := {
		"msg": sprintf("Replication role %q of bucket %s is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): S3 can never assume it, so no object replicates", [configured, input.bucket.Name]),
		"resource_arn": input.bucket.Arn,
		"evidence": {"Role": configured, "ValidRoleArn": false},
		"commands": [
			cli.create_role(name, "/", "trust-policy.json"),
			cli.put_role_policy(name, "crr-replication", "permissions-policy.json"),
			cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json"),
		],
		"documents": {
			"trust-policy.json": cli.trust_policy(input.bucket.AccountId),
			"permissions-policy.json": cli.permissions_policy(input.bucket.Arn, repl.destination_arns),
			"replication.json": object.union(repl.config, {"Role": sprintf("arn:%s:iam::%s:role/%s", [partition, input.bucket.AccountId, name])}),
		},
	}
}

partition := p if {
	p := arn.parse(input.bucket.Arn).partition
} else := "aws"

deny contains f if {
	repl.has_config
	not malformed
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
