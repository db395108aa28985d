# METADATA
# title: Replication role lacks a permission replication needs
# description: >-
#   The replication role must be allowed s3:GetReplicationConfiguration and
#   s3:ListBucket on the source bucket; s3:GetObjectVersionForReplication,
#   s3:GetObjectVersionAcl and s3:GetObjectVersionTagging on the source objects; and
#   s3:ReplicateObject, s3:ReplicateDelete and s3:ReplicateTags on the objects of every
#   enabled rule's destination. A permission no statement grants, one granted only
#   under a Condition, one an explicit Deny removes (in the role's policies, its
#   permissions boundary, or the bucket policy of a bucket in the same account) and one
#   the permissions boundary leaves out all make objects fail to replicate
#   (Src*NotPermitted / Dst*NotPermitted). A same-account bucket policy that names the
#   role counts as a grant. Cross-account destination grants are CRR-050's.
# custom:
#   id: CRR-032
#   severity: high
#   guide: "Step 2 — create an IAM role that S3 can assume, with the replication permissions"
#   remediation: >-
#     Give the role the guide's least-privilege permissions policy for the source and
#     destination buckets (a separate inline policy, so the role's other grants stay),
#     and remove the Deny statements or widen the permissions boundary that take a
#     replication permission away. If other buckets share the role, keep their ARNs in
#     the policy too.
#   requires: [replication, role]
#   applies_when: [replicates]
#   compliance:
#     aws-securityhub: [S3.7]
#     nist-800-53-r5: [AU-9(2), CP-6, CP-6(1), CP-6(2), CP-9, CP-10, SC-5(2), SC-36(2), SI-13(5)]
#     pci-dss-v3.2.1: ["2.2"]
package crr.checks.crr_032

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.shared
import data.crr.lib.terraform as tf

applies if {
	repl.has_config
	count(repl.enabled_rules) > 0
	judgeable
}

applies if errors.unreadable("replication")

judgeable if ip.role_known(input.role)

judgeable if errors.unreadable("role")

policy_name := "crr-replication"

source_actions := ["s3:GetReplicationConfiguration", "s3:ListBucket"]

object_actions := ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]

destination_actions := ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]

source := input.bucket.Arn

role_arn := ip.role_arn(input.role, repl.config.Role)

role_name := ip.role_name(input.role, role_arn)

policies := ip.role_policies(input.role)

# wanted are [rank, resource, action rank, action, bucket ARN] in the order messages
# list them: the source bucket, the source objects, then the destination objects.
wanted contains [0, source, i, a, source] if some i, a in source_actions

wanted contains [1, ip.objects_of(source, ip.rule_prefix(r)), i, a, source] if {
	some r in repl.enabled_rules
	some i, a in object_actions
}

wanted contains [2, ip.objects_of(d, ip.rule_prefix(r)), i, a, d] if {
	some r in repl.enabled_rules
	d := repl.destination_of(r)
	some i, a in destination_actions
}

# needs are the decisions for every wanted permission, in order.
needs := [n |
	some w in sort(wanted)
	n := ip.need(policies, bucket_policy(w[4]), bucket_label(w[4]), role_arn, w[3], w[1])
]

unmet := [n | some n in needs; n.Reason != "allowed"]

# plainly_met is true when the role plainly holds every wanted permission
# (ip.plain_grants) and no bucket policy has a say: then every need is allowed and
# unmet is empty, without deciding each need.
plainly_met if {
	grants := ip.plain_grants(policies)
	every w in wanted {
		[lower(w[3]), w[1]] in grants
	}
	every b in {w[4] | some w in wanted} {
		count(ip.statements(bucket_policy(b))) == 0
	}
}

# bucket_policy is the policy of the source bucket or of a destination in the same
# account (null: none, unknown, or another account's).
bucket_policy(b) := input.bucket.Policy.Document if {
	b == source
	is_object(input.bucket.Policy.Document)
} else := repl.destination(b).Policy.Document if {
	b != source
	same_account(b)
	is_object(repl.destination(b).Policy.Document)
} else := null

same_account(d) if {
	acct := repl.destination(d).AccountId
	is_string(acct)
	acct == input.bucket.AccountId
}

bucket_label(b) := sprintf("the bucket policy of %s", [name_of(b)])

name_of(b) := input.bucket.Name if b == source
else := repl.destination_name(b)

deny contains f if {
	repl.has_config
	count(repl.enabled_rules) > 0
	ip.role_known(input.role)
	not plainly_met
	count(unmet) > 0
	f := {
		"msg": sprintf("Replication role %s of bucket %s lacks permissions replication needs: %s", [
			role_name, input.bucket.Name, ip.summary(unmet),
		]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "Missing": unmet},
		"commands": array.concat(grant_commands, array.concat(deny_commands, boundary_commands)),
		"documents": object.union_n([grant_documents, deny_documents, boundary_documents]),
		"terraform": tf.role_policy("crr_replication", role_name, policy_name, permissions),
	}
}

# The guide's least-privilege policy for this source and its enabled destinations,
# merged into the role's crr-replication policy when it has one (without the Deny
# statements of that policy that remove a needed permission).
least_privilege := shared.permissions_policy

own_entry := e if {
	some e in policies.identity
	e.kind == "inline"
	e.name == policy_name
}

permissions := ip.adding(ip.without(own_entry.document, blocking(own_entry)), least_privilege.Statement) if own_entry
else := ip.adding(null, least_privilege.Statement)

needs_grant if {
	some n in unmet
	n.Reason in {"missing", "conditional"}
}

grant_commands := [cli.put_role_policy(role_name, policy_name, "crr-permissions.json")] if needs_grant
else := []

grant_documents := {"crr-permissions.json": permissions} if needs_grant
else := {}

# Deny statements that remove a needed permission, per policy of the role and per
# bucket policy.
blocking(e) := {d.statement |
	some n in unmet
	n.Reason == "denied"
	some d in ip.denying(policies, n.Action, n.Resource)
	d.entry == e
}

blocking_in_bucket(b) := {s |
	some n in unmet
	n.Reason == "denied"
	some w in wanted
	w[4] == b
	w[3] == n.Action
	w[1] == n.Resource
	some s in ip.resource_denying(bucket_policy(b), role_arn, n.Action, n.Resource)
}

# blocked_entries are the identity policies (by position) to rewrite without their
# blocking Deny statements; the crr-replication policy is rewritten by the grant
# command when there is one, the boundary by the boundary command.
blocked_entries := [[i, e] |
	some i, e in policies.identity
	count(blocking(e)) > 0
	not rewritten_by_grant(e)
]

rewritten_by_grant(e) if {
	needs_grant
	e == own_entry
}

blocked_buckets := sort({b |
	some w in wanted
	b := w[4]
	count(blocking_in_bucket(b)) > 0
})

deny_commands := array.concat(
	[c | some x in blocked_entries; c := entry_command(x[0], x[1])],
	[c | some i, b in blocked_buckets; c := sprintf("aws s3api put-bucket-policy --bucket %s --policy file://bucket-policy-%d.json", [cli.arg(name_of(b)), i + 1])],
)

deny_documents := object.union(
	{file: doc | some x in blocked_entries; file := entry_file(x[0], x[1]); doc := ip.without(x[1].document, blocking(x[1]))},
	{sprintf("bucket-policy-%d.json", [i + 1]): ip.without(bucket_policy(b), blocking_in_bucket(b)) | some i, b in blocked_buckets},
)

entry_file(i, e) := sprintf("policy-without-deny-%d.json", [i + 1]) if {
	e.kind == "inline"
} else := sprintf("policy-without-deny-%d.json", [i + 1]) if {
	not ip.aws_managed(e.arn)
}

entry_command(i, e) := cli.put_role_policy(role_name, e.name, entry_file(i, e)) if {
	e.kind == "inline"
} else := sprintf("aws iam detach-role-policy --role-name %s --policy-arn %s", [cli.arg(role_name), cli.arg(e.arn)]) if {
	ip.aws_managed(e.arn)
} else := sprintf("aws iam create-policy-version --policy-arn %s --policy-document file://%s --set-as-default", [cli.arg(e.arn), entry_file(i, e)])

# A boundary that leaves a needed permission out or denies it: a customer managed
# boundary gets a new version without the Deny and with the least-privilege
# statements; an AWS managed one can only be removed from the role.
boundary_blocked if {
	some n in unmet
	n.Reason == "boundary"
}

boundary_blocked if count(blocking(policies.boundary)) > 0

boundary_commands := [sprintf("aws iam delete-role-permissions-boundary --role-name %s", [cli.arg(role_name)])] if {
	boundary_blocked
	ip.aws_managed(policies.boundary.arn)
} else := [sprintf("aws iam create-policy-version --policy-arn %s --policy-document file://permissions-boundary.json --set-as-default", [cli.arg(policies.boundary.arn)])] if {
	boundary_blocked
} else := []

boundary_documents := {"permissions-boundary.json": ip.adding(ip.without(policies.boundary.document, blocking(policies.boundary)), least_privilege.Statement)} if {
	boundary_blocked
	not ip.aws_managed(policies.boundary.arn)
} else := {}
