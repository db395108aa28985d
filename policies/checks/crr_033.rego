# METADATA
# title: Replication role is broader than least privilege
# description: >-
#   The replication role's identity policies allow more than replication needs: every
#   S3 action (s3:*), every action (*, or an Allow with NotAction), or S3 write actions
#   (PutObject, DeleteObject, Replicate*, PutBucketPolicy, ...) on Resource "*". Anyone
#   who can pass the role, or abuse S3 as a confused deputy, gets that much. A
#   permissions boundary that is itself narrow keeps the role least privilege.
# custom:
#   id: CRR-033
#   severity: medium
#   guide: "Step 2 — the replication role's least-privilege permissions policy"
#   remediation: >-
#     Give the role the guide's least-privilege permissions policy, naming the source
#     bucket, its objects and the destination objects, then remove the broad
#     statements (or detach the broad managed policies). If other buckets share the
#     role, add their ARNs to the least-privilege policy before removing anything.
#   requires: [replication, role]
#   applies_when: [replicates]
package crr.checks.crr_033

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.iam
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	repl.has_config
	judgeable
}

applies if errors.unreadable("replication")

judgeable if ip.role_known(input.role)

judgeable if errors.unreadable("role")

policy_name := "crr-replication"

# write_actions are S3 actions that change data or configuration; an Allow that covers
# one of them on Resource "*" is too broad for a replication role.
write_actions := [
	"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl",
	"s3:PutObjectTagging", "s3:PutObjectRetention", "s3:PutObjectLegalHold",
	"s3:BypassGovernanceRetention", "s3:RestoreObject", "s3:ReplicateObject",
	"s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner",
	"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:DeleteBucket", "s3:PutBucketAcl",
	"s3:PutReplicationConfiguration", "s3:PutBucketVersioning", "s3:PutLifecycleConfiguration",
	"s3:PutEncryptionConfiguration", "s3:PutBucketOwnershipControls",
]

role_arn := ip.role_arn(input.role, repl.config.Role)

role_name := ip.role_name(input.role, role_arn)

policies := ip.role_policies(input.role)

# why is the reason a statement is broad; undefined for a statement that is not.
why(s) := sprintf("allows %s", [concat(", ", sort(all_actions(s)))]) if {
	count(all_actions(s)) > 0
} else := sprintf("allows every action except %s (NotAction)", [concat(", ", sort(iam.as_set(s.NotAction)))]) if {
	not ip.has_key(s, "Action")
	ip.has_key(s, "NotAction")
} else := sprintf("allows %s on Resource \"*\"", [concat(", ", sort(write_patterns(s)))]) if {
	all_resources(s)
	count(write_patterns(s)) > 0
}

all_actions(s) := {p |
	some p in iam.as_set(s.Action)
	lower(p) in {"*", "s3:*"}
}

all_resources(s) if "*" in iam.as_set(s.Resource)

all_resources(s) if {
	not ip.has_key(s, "Resource")
	ip.has_key(s, "NotResource")
}

write_patterns(s) := {p |
	some p in iam.as_set(s.Action)
	some a in write_actions
	ip.action_match(p, a)
}

# broad are the broad Allow statements of the identity policies, by policy position.
broad := [{"Index": i, "Policy": ip.label(e), "Statement": s, "Reason": r} |
	some i, e in policies.identity
	not narrow_document(e.document)
	some s in ip.statements(e.document)
	s.Effect == "Allow"
	r := why(s)
]

# narrow_document is true for a document in which why finds nothing, told from its
# text alone (Rego's formatting of the value: every string quoted, keys included): a
# statement is broad only with an action "*" or "s3:*" (any case), a NotAction, a
# Resource "*" or a NotResource, and each of these leaves its mark in the text.
narrow_document(doc) if {
	text := lower(sprintf("%v", [doc]))
	not contains(text, `"*"`)
	not contains(text, `"s3:*"`)
	not contains(text, `"notaction"`)
	not contains(text, `"notresource"`)
}

# A permissions boundary without broad statements of its own keeps the role narrow.
bounded if {
	b := policies.boundary
	b != null
	count([s |
		some s in ip.statements(b.document)
		s.Effect == "Allow"
		why(s)
	]) == 0
}

deny contains f if {
	repl.has_config
	ip.role_known(input.role)
	not bounded
	count(broad) > 0
	f := {
		"msg": sprintf("Replication role %s of bucket %s is broader than least privilege: %s", [
			role_name, input.bucket.Name, concat("; ", [sprintf("%s (%s) %s", [b.Policy, ip.sid(b.Statement), b.Reason]) | some b in broad]),
		]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "Statements": [object.remove(b, ["Index"]) | some b in broad]},
		"commands": array.concat([cli.put_role_policy(role_name, policy_name, "crr-permissions.json")], narrowing_commands),
		"documents": object.union({"crr-permissions.json": permissions}, narrowing_documents),
		"terraform": tf.role_policy("crr_replication", role_name, policy_name, permissions),
	}
}

least_privilege := cli.permissions_policy(input.bucket.Arn, repl.enabled_destination_arns)

broad_in(i) := {b.Statement | some b in broad; b.Index == i}

own := [i, e] if {
	some i, e in policies.identity
	e.kind == "inline"
	e.name == policy_name
}

# permissions is the least-privilege policy, added to what the role's crr-replication
# policy keeps once its broad statements are gone.
permissions := ip.adding(ip.without(own[1].document, broad_in(own[0])), least_privilege.Statement) if own
else := least_privilege

# Every other policy with broad statements: an inline policy loses them (or is deleted
# when nothing else is left), a managed policy is detached from the role.
narrowed := [[i, e] |
	some i, e in policies.identity
	count(broad_in(i)) > 0
	not own_index(i)
]

own_index(i) if own[0] == i

kept(i, e) := ip.without(e.document, broad_in(i))

narrowing_commands := [c |
	some x in narrowed
	c := narrow_command(x[0], x[1])
]

narrow_command(i, e) := sprintf("aws iam detach-role-policy --role-name %s --policy-arn %s", [cli.arg(role_name), cli.arg(e.arn)]) if {
	e.kind == "managed"
} else := sprintf("aws iam delete-role-policy --role-name %s --policy-name %s", [cli.arg(role_name), cli.arg(e.name)]) if {
	count(kept(i, e).Statement) == 0
} else := cli.put_role_policy(role_name, e.name, sprintf("policy-narrowed-%d.json", [i + 1]))

narrowing_documents := {sprintf("policy-narrowed-%d.json", [i + 1]): kept(i, e) |
	some x in narrowed
	i := x[0]
	e := x[1]
	e.kind == "inline"
	count(kept(i, e).Statement) > 0
}
