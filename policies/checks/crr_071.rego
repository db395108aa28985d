# METADATA
# title: Replication role cannot read Object Lock settings
# description: >-
#   The source bucket has Object Lock enabled, so replication copies each object
#   version's retention and legal hold. The replication role then needs
#   s3:GetObjectRetention and s3:GetObjectLegalHold on the source objects (s3:Get*
#   also grants them); without them, or when a Deny, the permissions boundary or a
#   Condition takes them away, locked objects fail to replicate.
# custom:
#   id: CRR-071
#   severity: medium
#   guide: "Object Lock — replicating locked objects needs s3:GetObjectRetention and s3:GetObjectLegalHold"
#   remediation: >-
#     Allow the replication role s3:GetObjectRetention and s3:GetObjectLegalHold on the
#     source bucket's objects, and remove what takes them away.
#   requires: [replication, role, objectlock]
#   applies_when: [replicates]
package crr.checks.crr_071

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

actions := ["s3:GetObjectRetention", "s3:GetObjectLegalHold"]

policy_name := "crr-object-lock"

applies if {
	locked
	count(repl.enabled_rules) > 0
	judgeable
}

applies if errors.unreadable("replication")

applies if {
	count(repl.enabled_rules) > 0
	errors.unreadable("objectlock")
}

judgeable if ip.role_known(input.role)

judgeable if errors.unreadable("role")

locked if input.bucket.ObjectLockConfiguration.ObjectLockEnabled == "Enabled"

source := input.bucket.Arn

role_arn := ip.role_arn(input.role, repl.config.Role)

role_name := ip.role_name(input.role, role_arn)

bucket_policy := input.bucket.Policy.Document if is_object(input.bucket.Policy.Document)
else := null

unmet := [n |
	some res in sort({ip.objects_of(source, ip.rule_prefix(r)) | some r in repl.enabled_rules})
	some a in actions
	n := ip.need(ip.role_policies(input.role), bucket_policy, sprintf("the bucket policy of %s", [input.bucket.Name]), role_arn, a, res)
	n.Reason != "allowed"
]

deny contains f if {
	locked
	count(repl.enabled_rules) > 0
	ip.role_known(input.role)
	count(unmet) > 0
	f := {
		"msg": sprintf("Bucket %s has Object Lock enabled, but its replication role %s lacks %s: locked objects fail to replicate", [
			input.bucket.Name, role_name, ip.summary(unmet),
		]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "ObjectLockConfiguration": input.bucket.ObjectLockConfiguration, "Missing": unmet},
		"commands": [cli.put_role_policy(role_name, policy_name, "crr-object-lock-policy.json")],
		"documents": {"crr-object-lock-policy.json": lock_policy},
		"terraform": tf.role_policy("crr_object_lock", role_name, policy_name, lock_policy),
	}
}

lock_policy := {"Version": "2012-10-17", "Statement": [{
	"Effect": "Allow",
	"Action": actions,
	"Resource": sprintf("%s/*", [source]),
}]}
