# METADATA
# title: Replication role cannot use the KMS keys
# description: >-
#   A rule replicates SSE-KMS objects (SseKmsEncryptedObjects Enabled), so the
#   replication role needs kms:Decrypt on the source bucket's default KMS key and
#   kms:Encrypt and kms:GenerateDataKey on the rule's replica key (ReplicaKmsKeyID).
#   Its policies must allow them (a kms:ViaService or encryption-context condition is
#   fine) with no explicit Deny or permissions boundary taking them away, and a key
#   owned by another account must grant them to the role (or its account) in its key
#   policy. Otherwise the objects fail to replicate. Missing, disabled or unreadable
#   keys are CRR-063's.
# custom:
#   id: CRR-062
#   severity: high
#   guide: "Pitfall — encrypted objects fail to replicate (SSE-KMS permissions for the replication role)"
#   remediation: >-
#     Allow the replication role kms:Decrypt on the source key and kms:Encrypt and
#     kms:GenerateDataKey on the replica key, with the kms:ViaService and
#     kms:EncryptionContext:aws:s3:arn conditions AWS documents; for a key in another
#     account, also grant the role these actions in the key policy (with that
#     account's credentials).
#   requires: [replication, role, encryption, kms]
#   applies_when: [replicates]
package crr.checks.crr_062

import data.crr.lib.arn
import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.iampolicy as ip
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	count(kms_rules) > 0
	judgeable
}

applies if errors.unreadable("replication")

applies if {
	count(kms_rules) > 0
	some c in ["role", "encryption", "kms"]
	errors.unreadable(c)
}

judgeable if count(deny) > 0

judgeable if {
	ip.role_known(input.role)
	is_object(input.bucket.ServerSideEncryptionConfiguration)
	every ref in wanted_refs {
		settled(ref)
	}
}

# kms_rules are the enabled rules that replicate SSE-KMS objects.
kms_rules := [r |
	some r in repl.enabled_rules
	r.SourceSelectionCriteria.SseKmsEncryptedObjects.Status == "Enabled"
]

# source_refs are the source's default KMS keys as configured (a default of aws:kms
# without a key id is the AWS managed aws/s3 key, which needs no grant).
source_refs := {ref |
	count(kms_rules) > 0
	some r in input.bucket.ServerSideEncryptionConfiguration.Rules
	by_default := r.ApplyServerSideEncryptionByDefault
	by_default.SSEAlgorithm in {"aws:kms", "aws:kms:dsse"}
	ref := by_default.KMSMasterKeyID
	is_string(ref)
	ref != ""
}

replica_refs := {ref |
	some r in kms_rules
	ref := r.Destination.EncryptionConfiguration.ReplicaKmsKeyID
	is_string(ref)
	ref != ""
}

wanted_refs := source_refs | replica_refs

# key_arn resolves a configured key reference through input.kms_keys.
key_arn(ref) := a if {
	a := input.kms_keys[ref].KeyMetadata.Arn
	is_string(a)
	a != ""
} else := a if {
	a := input.kms_keys[ref].Arn
	is_string(a)
	a != ""
}

gone(ref) if input.kms_keys[ref].Exists == false

settled(ref) if gone(ref)

settled(ref) if {
	key_arn(ref)
	not other_account(ref)
}

settled(ref) if {
	other_account(ref)
	is_object(input.kms_keys[ref].KeyPolicy)
}

role_arn := ip.role_arn(input.role, repl.config.Role)

role_name := ip.role_name(input.role, role_arn)

role_account := arn.parse(role_arn).account

key_account(ref) := arn.parse(key_arn(ref)).account

other_account(ref) if key_account(ref) != role_account

# wanted are [rank, which, ref, action] in message order: the source key first.
wanted contains [0, "source", ref, "kms:Decrypt"] if some ref in source_refs

wanted contains [1, "replica", ref, a] if {
	some ref in replica_refs
	some a in ["kms:Encrypt", "kms:GenerateDataKey"]
}

# unmet are the permissions the role cannot use: {Action, Resource (the key ARN), Key
# (source or replica), Policy (role or key: which one to fix), Reason, By}. A grant
# under a Condition counts: AWS documents kms:ViaService and encryption-context
# conditions for these keys. With the key policy known, the decision is
# crr.lib.iampolicy's key_status (a same-account key policy naming the role grants it
# without an IAM policy; one naming neither the role nor the account makes IAM grants
# ineffective); without it, a same-account key is judged on the role's policies alone.
unmet := [n |
	some w in sort(wanted)
	not gone(w[2])
	k := key_arn(w[2])
	some n in problems(w[1], w[2], k, w[3])
]

problems(which, ref, k, action) := [n |
	doc := input.kms_keys[ref].KeyPolicy
	is_object(doc)
	st := ip.key_status(ip.role_policies(input.role), doc, role_arn, action, k)
	st in {"missing", "denied", "boundary", "key_policy"}
	some n in key_problem(which, ref, doc, k, action, st)
] if {
	is_object(input.kms_keys[ref].KeyPolicy)
} else := role_problems(which, k, action)

key_problem(which, _, doc, k, action, "denied") := array.concat(
	[object.union(n, {"Key": which, "Policy": "role"}) |
		n := ip.need(ip.role_policies(input.role), null, "", role_arn, action, k)
		n.Reason == "denied"
	],
	[{"Action": action, "Resource": k, "Key": which, "Policy": "key", "Reason": "denied", "By": by} |
		denying := ip.resource_denying(doc, role_arn, action, k)
		count(denying) > 0
		by := [sprintf("its key policy (%s)", [ip.sid(s)]) | some s in denying]
	],
)

key_problem(which, ref, _, k, action, "key_policy") := [{"Action": action, "Resource": k, "Key": which, "Policy": "key", "Reason": "not_granted_by", "By": [by]}] if {
	other_account(ref)
	by := sprintf("its key policy (account %s)", [key_account(ref)])
} else := [{"Action": action, "Resource": k, "Key": which, "Policy": "key", "Reason": "not_granted_by", "By": [by]}] if {
	by := "its key policy, which names neither the role nor its account (so IAM policies cannot grant it)"
}

key_problem(which, _, _, k, action, "missing") := [object.union(n, {"Key": which, "Policy": "role", "Reason": "missing", "By": []}) |
	n := ip.need(ip.role_policies(input.role), null, "", role_arn, action, k)
]

key_problem(which, _, _, k, action, "boundary") := [{"Action": action, "Resource": k, "Key": which, "Policy": "role", "Reason": "boundary", "By": [ip.label(ip.role_policies(input.role).boundary)]}]

role_problems(which, k, action) := [object.union(n, {"Key": which, "Policy": "role"}) |
	n := ip.need(ip.role_policies(input.role), null, "", role_arn, action, k)
	n.Reason in {"missing", "denied", "boundary"}
]

deny contains f if {
	count(kms_rules) > 0
	ip.role_known(input.role)
	count(unmet) > 0
	labelled := [object.union(n, {"Resource": sprintf("the %s key %s", [n.Key, n.Resource])}) | some n in unmet]
	f := {
		"msg": sprintf("Replication role %s of bucket %s cannot use the KMS keys that SSE-KMS replication needs: %s", [
			role_name, input.bucket.Name, ip.summary(labelled),
		]),
		"resource_arn": role_arn,
		"evidence": {"Role": role_arn, "Missing": unmet},
		"commands": array.concat(iam_commands, key_policy_commands),
		"documents": object.union(iam_documents, key_policy_documents),
		"terraform": tf.resources(array.concat(iam_terraform, key_policy_terraform)),
	}
}

# The role's KMS policy in the shape AWS documents for replicating SSE-KMS objects.
iam_unmet if {
	some n in unmet
	n.Policy == "role"
}

kms_policy := {"Version": "2012-10-17", "Statement": array.concat(
	[decrypt_statement(k) | some k in sort({key_arn(ref) | some ref in source_refs; not gone(ref)})],
	sort({encrypt_statement(r, k) | some r in kms_rules; ref := r.Destination.EncryptionConfiguration.ReplicaKmsKeyID; not gone(ref); k := key_arn(ref)}),
)}

decrypt_statement(k) := {
	"Effect": "Allow",
	"Action": ["kms:Decrypt"],
	"Resource": k,
	"Condition": {"StringLike": {
		"kms:ViaService": sprintf("s3.%s.amazonaws.com", [arn.parse(k).region]),
		"kms:EncryptionContext:aws:s3:arn": [input.bucket.Arn, sprintf("%s/*", [input.bucket.Arn])],
	}},
}

encrypt_statement(rule, k) := {
	"Effect": "Allow",
	"Action": ["kms:Encrypt", "kms:GenerateDataKey"],
	"Resource": k,
	"Condition": {"StringLike": {
		"kms:ViaService": sprintf("s3.%s.amazonaws.com", [arn.parse(k).region]),
		"kms:EncryptionContext:aws:s3:arn": [d, sprintf("%s/*", [d])],
	}},
} if {
	d := repl.destination_of(rule)
}

iam_commands := [cli.put_role_policy(role_name, "crr-kms", "crr-kms-policy.json")] if iam_unmet
else := []

iam_documents := {"crr-kms-policy.json": kms_policy} if iam_unmet
else := {}

iam_terraform := [tf.role_policy("crr_kms", role_name, "crr-kms", kms_policy)] if iam_unmet
else := []

# Keys whose key policy does not grant the role (another account's) or denies it: the
# policy without the blocking Deny statements and with a statement for the role, put
# with the key owner's credentials.
key_refs := sort({ref |
	some n in unmet
	n.Policy == "key"
	some ref in wanted_refs
	key_arn(ref) == n.Resource
})

key_actions(ref) := sort({n.Action | some n in unmet; n.Policy == "key"; n.Resource == key_arn(ref)})

key_policy(ref) := ip.adding(ip.without(doc, drop), [{
	"Sid": "AllowReplicationRole",
	"Effect": "Allow",
	"Principal": {"AWS": role_arn},
	"Action": key_actions(ref),
	"Resource": "*",
}]) if {
	doc := input.kms_keys[ref].KeyPolicy
	drop := {s |
		some s in ip.statements(doc)
		blocks_or_replaced(s, ref)
	}
}

blocks_or_replaced(s, _) if s.Sid == "AllowReplicationRole"

blocks_or_replaced(s, ref) if {
	some a in key_actions(ref)
	s in ip.resource_denying(input.kms_keys[ref].KeyPolicy, role_arn, a, key_arn(ref))
}

key_policy_commands := [sprintf("aws kms put-key-policy --key-id %s --policy-name default --policy file://key-policy-%d.json%s", [cli.arg(key_arn(ref)), i + 1, cli.region_flag(arn.parse(key_arn(ref)).region)]) | some i, ref in key_refs]

key_policy_documents := {sprintf("key-policy-%d.json", [i + 1]): key_policy(ref) | some i, ref in key_refs}

key_policy_terraform := [tf.key_policy(sprintf("replication_%d", [i + 1]), key_arn(ref), key_policy(ref)) | some i, ref in key_refs]
