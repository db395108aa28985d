# METADATA
# title: SSE-KMS objects are not replicated
# description: >-
#   The source bucket encrypts new objects with a KMS key by default (SSEAlgorithm
#   aws:kms or aws:kms:dsse) but none of its enabled replication rules selects
#   SourceSelectionCriteria.SseKmsEncryptedObjects. S3 replicates KMS-encrypted objects
#   only for rules that select them: every such object is silently skipped, with no
#   FAILED status to notice.
# custom:
#   id: CRR-060
#   severity: high
#   guide: "Pitfall — encrypted objects fail to replicate: select SSE-KMS objects and name a replica key"
#   remediation: >-
#     Write the replication configuration back with SseKmsEncryptedObjects Enabled on
#     every enabled rule and a ReplicaKmsKeyID (a symmetric key in the destination's
#     region) on each of them; replace REPLICA-KEY-ID where no key could be suggested.
#     put-bucket-replication replaces the whole configuration, so the document keeps
#     every other rule and field. The role also needs kms:Decrypt on the source key
#     and kms:Encrypt on the replica key (CRR-062). Objects skipped so far need S3
#     Batch Replication.
#   requires: [replication, encryption]
#   applies_when: [replicates]
package crr.checks.crr_060

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.kms
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

replicates if count(repl.enabled_rules) > 0

applies if {
	replicates
	kms.sse_known(input.bucket)
}

applies if {
	replicates
	not kms.sse_known(input.bucket)
	kms.unreadable_at("encryption", input.bucket.Arn)
}

applies if errors.unreadable("replication")

deny contains f if {
	replicates
	kms.encrypts_with_kms(input.bucket)
	not some_rule_selects_kms
	fixed := [fix(r) | some r in repl.rules]
	f := {
		"msg": sprintf("Bucket %s encrypts new objects with %s by default but no enabled rule (%s) selects SseKmsEncryptedObjects: its KMS-encrypted objects are silently not replicated", [
			input.bucket.Name, kms.algorithm(input.bucket), concat(", ", [repl.label(i, r) | some i, r in repl.rules; repl.enabled(r)]),
		]),
		"evidence": {
			"ServerSideEncryptionConfiguration": input.bucket.ServerSideEncryptionConfiguration,
			"Rules": [object.filter(r, {"ID", "Status", "SourceSelectionCriteria", "Destination"}) | some r in repl.enabled_rules],
		},
		"commands": array.concat(create_keys, [cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json")]),
		"documents": {"replication.json": object.union(repl.config, {"Rules": fixed})},
		"terraform": tf.replication_configuration(input.bucket.Name, object.union(repl.config, {"Rules": fixed})),
	}
}

some_rule_selects_kms if {
	some r in repl.enabled_rules
	kms.selects_kms(r)
}

# fix selects SSE-KMS objects on an enabled rule and gives it a replica key.
fix(rule) := object.union(rule, {
	"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
	"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": replica_key(rule)}},
}) if {
	repl.enabled(rule)
} else := rule

replica_key(rule) := k if {
	k := kms.replica_key(rule)
} else := k if {
	k := kms.suggested_replica_key(repl.destination_of(rule), rule)
} else := kms.placeholder("", "")

# create_keys create the replica keys that could only be suggested as placeholders,
# one per destination region that is known.
create_keys := [kms.create_key(region, "Replica key for S3 replication") |
	some region in {region |
		some r in repl.enabled_rules
		not kms.replica_key(r)
		kms.is_placeholder(replica_key(r))
		region := repl.destination_region(repl.destination_of(r))
		region != ""
	}
]
