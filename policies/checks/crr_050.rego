# METADATA
# title: Cross-account destination bucket policy does not grant the replication role
# description: >-
#   The destination bucket is owned by another account, so the source's replication
#   role may write replicas only if the destination bucket policy grants it (by the
#   role ARN or the source account) s3:ReplicateObject and s3:ReplicateDelete, and
#   s3:ReplicateTags when tags replicate (the role can read the source objects' tags),
#   on the destination objects. Without the grant, or with a Deny that removes it,
#   objects fail with DstPutObjectNotPermitted. A destination whose bucket policy could
#   not be read is not judged.
# custom:
#   id: CRR-050
#   severity: critical
#   guide: "Cross-account replication — the destination bucket policy grants the source's replication role"
#   remediation: >-
#     With credentials of the destination account, add a statement to the destination
#     bucket policy that grants the source's replication role s3:ReplicateObject,
#     s3:ReplicateDelete and s3:ReplicateTags on the destination objects, and
#     s3:GetBucketVersioning and s3:PutBucketVersioning on the destination bucket; drop
#     Deny statements that take these away from the role.
#   requires: [replication, destination, policy]
#   applies_when: [replicates]
package crr.checks.crr_050

import data.crr.lib.cli
import data.crr.lib.iam
import data.crr.lib.errors
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	count(cross_account) > 0
	judgeable
}

applies if errors.unreadable("replication")

applies if {
	count(repl.enabled_destination_arns) > 0
	some c in ["destination", "policy"]
	errors.unreadable(c)
}

judgeable if count(deny) > 0

judgeable if {
	every d in repl.enabled_destination_arns {
		settled(d)
	}
}

# settled is true for a destination that is gone (CRR-020's), in the source's account,
# or cross-account with a known bucket policy.
settled(d) if repl.destination(d).Exists == false

settled(d) if account_of(d) == input.bucket.AccountId

settled(d) if policy_known(d)

policy_known(d) if {
	d in cross_account
	is_object(repl.destination(d).Policy)
}

# account_of is the destination's account: as scanned, else as the rules declare it.
account_of(d) := a if {
	a := repl.destination(d).AccountId
	is_string(a)
	a != ""
} else := a if {
	some r in repl.enabled_rules
	repl.destination_of(r) == d
	a := r.Destination.Account
	is_string(a)
	a != ""
}

cross_account := {d |
	some d in repl.enabled_destination_arns
	repl.destination(d).Exists != false
	a := account_of(d)
	is_string(input.bucket.AccountId)
	input.bucket.AccountId != ""
	a != input.bucket.AccountId
}

role_arn := ip.role_arn(input.role, repl.config.Role)

# Tags replicate when the role may read the source objects' tags.
tags_replicate if {
	ip.role_known(input.role)
	ip.granted(ip.role_policies(input.role), "s3:GetObjectVersionTagging", ip.objects_of(input.bucket.Arn, ""))
}

actions := ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"] if tags_replicate
else := ["s3:ReplicateObject", "s3:ReplicateDelete"]

rules_to(d) := [r | some r in repl.enabled_rules; repl.destination_of(r) == d]

resources(d) := sort({ip.objects_of(d, ip.rule_prefix(r)) | some r in rules_to(d)})

# needs are the grants the destination policy must make, with their status (a grant
# under a Condition counts: the destination owner chose it).
needs(d, doc) := [{"Action": a, "Resource": res, "Reason": st, "By": by(doc, st, a, res)} |
	some res in resources(d)
	some a in actions
	st := ip.resource_status(doc, role_arn, a, res)
]

by(doc, "denied", a, res) := [sprintf("the destination bucket policy (%s)", [ip.sid(s)]) | some s in ip.resource_denying(doc, role_arn, a, res)]

by(_, st, _, _) := [] if st != "denied"

deny contains f if {
	some d in cross_account
	dest := repl.destination(d)
	is_object(dest.Policy)
	doc := dest.Policy.Document
	unmet := [n | some n in needs(d, doc); n.Reason in {"missing", "denied"}]
	count(unmet) > 0
	name := repl.destination_name(d)
	fixed := policy_fix(d, doc, unmet)
	f := {
		"msg": sprintf("Destination bucket %s (account %s) of bucket %s does not let replication role %s write replicas: %s", [
			name, account_of(d), input.bucket.Name, role_arn, ip.summary(unmet),
		]),
		"destination": d,
		"resource_arn": d,
		"evidence": {
			"Role": role_arn,
			"DestinationAccount": account_of(d),
			"Missing": unmet,
			"DestinationBucketPolicy": doc,
		},
		"commands": [sprintf("aws s3api put-bucket-policy --bucket %s --policy file://dst-bucket-policy.json", [cli.arg(name)])],
		"documents": {"dst-bucket-policy.json": fixed},
		"terraform": tf.bucket_policy("replication_destination", name, fixed),
	}
}

# policy_fix is the destination policy without the Deny statements that take a needed
# grant away, plus the guide's cross-account statements for the role.
# Statements with the Sids of the added ones are replaced (bucket policy Sids are
# unique), keeping the principals and actions they grant to other sources' roles: a
# destination policy covers every source that replicates into it.
policy_fix(d, doc, unmet) := ip.adding(ip.without(doc, blocking | replaced), [shared_grant(g, doc) | some g in grants(d)]) if {
	is_object(doc)
	blocking := {s |
		some n in unmet
		n.Reason == "denied"
		some s in ip.resource_denying(doc, role_arn, n.Action, n.Resource)
	}
	replaced := {s |
		some s in ip.statements(doc)
		s.Sid in {g.Sid | some g in grants(d)}
	}
} else := ip.adding(null, grants(d))

grants(d) := [
	{
		"Sid": "ReplicationRoleWritesReplicas",
		"Effect": "Allow",
		"Principal": {"AWS": role_arn},
		"Action": array.concat(["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], owner_override(d)),
		"Resource": sprintf("%s/*", [d]),
	},
	{
		"Sid": "ReplicationRoleChecksVersioning",
		"Effect": "Allow",
		"Principal": {"AWS": role_arn},
		"Action": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
		"Resource": d,
	},
]

# shared_grant is grant g merged with the policy's statement of the same Sid: the
# union of their AWS principals and actions (one value stays a string).
shared_grant(g, doc) := object.union(g, {
	"Principal": {"AWS": one_or_list(iam.as_set(g.Principal.AWS) | iam.as_set(s.Principal.AWS))},
	"Action": sort(iam.as_set(g.Action) | iam.as_set(s.Action)),
}) if {
	some s in ip.statements(doc)
	s.Sid == g.Sid
	s.Effect == "Allow"
	iam.as_set(s.Principal.AWS) != iam.as_set(g.Principal.AWS)
} else := g

one_or_list(values) := v if {
	count(values) == 1
	some v in values
} else := sort(values)

owner_override(d) := ["s3:ObjectOwnerOverrideToBucketOwner"] if {
	some r in rules_to(d)
	r.Destination.AccessControlTranslation.Owner == "Destination"
} else := []
