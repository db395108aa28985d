# METADATA
# title: A rule replicates SSE-KMS objects without a replica key
# description: >-
#   An enabled rule selects SSE-KMS objects (SourceSelectionCriteria
#   SseKmsEncryptedObjects Enabled) but its destination has no
#   EncryptionConfiguration.ReplicaKmsKeyID. S3 needs that key to encrypt the replicas
#   in the destination; without it KMS-encrypted objects do not replicate.
# custom:
#   id: CRR-061
#   severity: high
#   guide: "Pitfall — encrypted objects fail to replicate: select SSE-KMS objects and name a replica key"
#   remediation: >-
#     Give the rule a ReplicaKmsKeyID: a symmetric KMS key in the destination bucket's
#     region (the destination's own default key when it has one; otherwise create one
#     and replace REPLICA-KEY-ID). put-bucket-replication replaces the whole
#     configuration, so the document keeps every other rule and field. The role needs
#     kms:Encrypt on that key (CRR-062).
#   requires: [replication]
#   applies_when: [replicates]
package crr.checks.crr_061

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.kms
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

applies if {
	some r in repl.enabled_rules
	kms.selects_kms(r)
}

applies if errors.unreadable("replication")

deny contains f if {
	some i, rule in repl.rules
	offending(rule)
	dest := object.get(rule.Destination, "Bucket", "")
	key := suggested(rule)
	fixed := fix(rule, key)
	doc := object.union(repl.config, {"Rules": [r2 |
		some j, r in repl.rules
		r2 := fixed_if(j == i, r, fixed)
	]})
	f := {
		"msg": sprintf("Rule %s of bucket %s replicates SSE-KMS objects to %s but names no ReplicaKmsKeyID: S3 has no key to encrypt the replicas with, so KMS-encrypted objects do not replicate", [
			repl.label(i, rule), input.bucket.Name, repl.destination_name(dest),
		]),
		"rule_id": rule_id(rule),
		"key": repl.label(i, rule),
		"destination": dest,
		"evidence": {"Rule": object.filter(rule, {"ID", "Status", "SourceSelectionCriteria", "Destination"})},
		"commands": array.concat(create_key(rule, key), [cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json")]),
		"documents": {"replication.json": doc},
		"terraform": tf.replication_configuration(input.bucket.Name, doc),
	}
}

offending(rule) if {
	repl.enabled(rule)
	kms.selects_kms(rule)
	not kms.replica_key(rule)
}

rule_id(rule) := rule.ID if is_string(rule.ID)
else := ""

suggested(rule) := k if {
	k := kms.suggested_replica_key(repl.destination_of(rule), rule)
} else := kms.placeholder("", "")

fix(rule, key) := object.union(rule, {"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": key}}})

fixed_if(true, _, fixed) := fixed

fixed_if(false, r, _) := r

create_key(rule, key) := [kms.create_key(region, "Replica key for S3 replication")] if {
	kms.is_placeholder(key)
	region := repl.destination_region(repl.destination_of(rule))
	region != ""
} else := []
