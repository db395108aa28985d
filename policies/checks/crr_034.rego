# METADATA
# title: Replication role trust policy has no confused-deputy guard
# description: >-
#   The replication role's trust policy lets s3.amazonaws.com perform sts:AssumeRole
#   in a statement without an aws:SourceAccount or aws:SourceArn condition. AWS
#   recommends these global condition keys so that S3 assumes the role only on behalf
#   of your own buckets (the confused-deputy problem). A condition whose only value is
#   "*" guards nothing.
# custom:
#   id: CRR-034
#   severity: low
#   guide: "Step 2 — the replication role's trust policy (confused-deputy prevention)"
#   remediation: >-
#     Add aws:SourceAccount (the source bucket's account) and aws:SourceArn (the source
#     bucket ARN) conditions to the statement that lets s3.amazonaws.com assume the role.
#     If other buckets share the role, list their ARNs in aws:SourceArn too.
#   requires: [replication, role]
#   applies_when: [replicates]
package crr.checks.crr_034

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.iam
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.shared
import data.crr.lib.terraform as tf

service := "s3.amazonaws.com"

action := "sts:AssumeRole"

guard_keys := {"aws:sourceaccount", "aws:sourcearn"}

applies if {
	repl.has_config
	judgeable
}

applies if errors.unreadable("replication")

judgeable if {
	input.role.Exists == true
	is_object(input.role.AssumeRolePolicyDocument)
}

judgeable if errors.unreadable("role")

role_arn := ip.role_arn(input.role, repl.config.Role)

role_name := ip.role_name(input.role, role_arn)

# guarded is true for a statement with an aws:SourceAccount or aws:SourceArn condition
# that names something more specific than "*".
guarded(s) if {
	some _, keys in s.Condition
	is_object(keys)
	some key, values in keys
	lower(key) in guard_keys
	some v in iam.as_set(values)
	v != "*"
}

# unguarded are the statements that let S3 assume the role without the guard. A trust
# policy that does not let S3 assume the role at all is CRR-031's.
unguarded := [s |
	some s in iam.allowing(input.role.AssumeRolePolicyDocument, service, action)
	not guarded(s)
]

deny contains f if {
	repl.has_config
	input.role.Exists == true
	trust := input.role.AssumeRolePolicyDocument
	iam.allows(trust, service, action)
	count(unguarded) > 0
	f := {
		"msg": sprintf("The trust policy of replication role %s (bucket %s) lets %s assume it without an aws:SourceAccount or aws:SourceArn condition (%s): S3 acting for another account's bucket could assume it (confused deputy)", [
			role_name, input.bucket.Name, service, concat(", ", [ip.sid(s) | some s in unguarded]),
		]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "AssumeRolePolicyDocument": trust},
		"commands": [cli.update_assume_role_policy(role_name, "trust-policy.json")],
		"documents": {"trust-policy.json": fixed(trust)},
		"terraform": tf.role("replication", role_name, fixed(trust)),
	}
}

# guard is the condition AWS recommends: the accounts and ARNs of every source bucket
# of the role (shared.source_guard), so that a shared role stays usable by all.
guard := shared.source_guard

# fixed is the trust policy with the guard added to every unguarded S3 statement (its
# other conditions kept) and every other statement unchanged.
fixed(trust) := {
	"Version": object.get(trust, "Version", "2012-10-17"),
	"Statement": [with_guard(s) | some s in ip.statements(trust)],
}

with_guard(s) := object.union(s, {"Condition": object.union(conditions(s), guard)}) if {
	s in unguarded
} else := s

conditions(s) := s.Condition if is_object(s.Condition)
else := {}
