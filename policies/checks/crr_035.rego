# METADATA
# title: Replication role belongs to another account
# description: >-
#   The role in the replication configuration is in another AWS account than the
#   source bucket. Replication runs as a role of the source bucket owner's account:
#   writing the configuration needs iam:PassRole on the role, which a role of another
#   account cannot be passed with, and cross-account destinations are granted through
#   the destination bucket policy instead.
# custom:
#   id: CRR-035
#   severity: medium
#   guide: "Step 2 — create the IAM role in the source bucket's account"
#   remediation: >-
#     Create the replication role in the source bucket's account (trust policy for
#     s3.amazonaws.com, the least-privilege permissions policy) and write the
#     replication configuration again with the new role's ARN. For a destination in
#     another account, grant that role in the destination bucket policy.
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_035

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	repl.has_config
	role_account
	source_account
}

applies if errors.unreadable("replication")

role_arn := repl.config.Role

role_account := a if {
	p := arn.parse(role_arn)
	p.service == "iam"
	a := p.account
	regex.match(`^[0-9]{12}$`, a)
}

source_account := a if {
	a := input.bucket.AccountId
	is_string(a)
	a != ""
}

role_name := n if {
	n := arn.role_name(role_arn)
} else := cli.role_name_for(input.bucket.Name)

role_path := p if {
	p := arn.role_path(role_arn)
} else := "/"

partition := arn.parse(input.bucket.Arn).partition if arn.parse(input.bucket.Arn)
else := "aws"

# new_role_arn is the same role name and path in the source bucket's account.
new_role_arn := sprintf("arn:%s:iam::%s:role%s%s", [partition, source_account, role_path, role_name])

deny contains f if {
	role_account != source_account
	trust := cli.trust_policy(source_account)
	permissions := cli.permissions_policy(input.bucket.Arn, repl.enabled_destination_arns)
	f := {
		"msg": sprintf("Replication role %s of bucket %s belongs to account %s, not the bucket's account %s: replication needs a role of the source bucket's account", [
			role_arn, input.bucket.Name, role_account, source_account,
		]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "RoleAccount": role_account, "BucketAccount": source_account},
		"commands": [
			cli.create_role(role_name, role_path, "trust-policy.json"),
			cli.put_role_policy(role_name, "crr-replication", "crr-permissions.json"),
			cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json"),
		],
		"documents": {
			"trust-policy.json": trust,
			"crr-permissions.json": permissions,
			"replication.json": object.union(repl.config, {"Role": new_role_arn}),
		},
		"terraform": tf.resources([
			tf.role("replication", role_name, trust),
			tf.role_policy("crr_replication", role_name, "crr-replication", permissions),
		]),
	}
}
