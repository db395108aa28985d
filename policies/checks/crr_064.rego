# METADATA
# title: Replica KMS key is not in the destination bucket's region
# description: >-
#   A rule's ReplicaKmsKeyID names a KMS key in another region than the destination
#   bucket. S3 encrypts replicas with a key in the destination's region and does not
#   check the key when the configuration is written: KMS-encrypted objects then fail
#   to replicate. The key's region comes from its resolved ARN (DescribeKey), else from
#   the configured key or alias ARN. A multi-Region key (mrk-) is no exception: its
#   replica in the destination's region has its own ARN, and the rule must name that.
# custom:
#   id: CRR-064
#   severity: high
#   guide: "Pitfall — encrypted objects fail to replicate: the replica key must be in the destination's region"
#   remediation: >-
#     Point the rule's ReplicaKmsKeyID at a symmetric key in the destination bucket's
#     region: for a multi-Region key, its replica there (replicate it first if it has
#     none); otherwise the destination's own default key, or a new key (replace
#     REPLICA-KEY-ID). put-bucket-replication replaces the whole configuration, so the
#     document keeps every other rule and field. The role needs kms:Encrypt on the new
#     key (CRR-062).
#   requires: [replication, destination]
#   applies_when: [replicates]
package crr.checks.crr_064

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.kms
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

keyed := [r | some r in repl.enabled_rules; kms.replica_key(r)]

applies if {
	count(keyed) > 0
	judgeable
}

applies if errors.unreadable("replication")

# (The body that usually holds comes first: once a body holds, the others are not
# evaluated.)
judgeable if {
	every r in keyed {
		kms.region(kms.replica_key(r))
		repl.destination_region(repl.destination_of(r)) != ""
	}
}

judgeable if count(deny) > 0

judgeable if {
	count(keyed) > 0
	errors.unreadable("destination")
}

deny contains f if {
	some i, rule in repl.rules
	repl.enabled(rule)
	ref := kms.replica_key(rule)
	key_region := kms.region(ref)
	dest := repl.destination_of(rule)
	dest_region := repl.destination_region(dest)
	dest_region != ""
	key_region != dest_region
	new_key := replacement(ref, dest, rule)
	fixed := object.union(rule, {"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": new_key}}})
	doc := object.union(repl.config, {"Rules": [r2 |
		some j, r in repl.rules
		r2 := pick(j == i, r, fixed)
	]})
	f := {
		"msg": sprintf("Rule %s of bucket %s encrypts replicas in %s (%s) with KMS key %s in %s%s: S3 needs a key in the destination bucket's region, so KMS-encrypted objects fail to replicate", [
			repl.label(i, rule), input.bucket.Name, repl.destination_name(dest), dest_region,
			key_name(ref), key_region, mrk_note(ref, dest_region),
		]),
		"rule_id": rule_id(rule),
		"key": repl.label(i, rule),
		"destination": dest,
		"evidence": {
			"Rule": object.filter(rule, {"ID", "Status", "Destination"}),
			"KeyRegion": key_region,
			"DestinationRegion": dest_region,
			"KeyMetadata": object.get(object.get(input.kms_keys, ref, {}), "KeyMetadata", null),
		},
		"commands": array.concat(key_commands(ref, key_region, dest_region, new_key), [
			cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json"),
		]),
		"documents": {"replication.json": doc},
		"terraform": tf.replication_configuration(input.bucket.Name, doc),
	}
}

rule_id(rule) := rule.ID if is_string(rule.ID)
else := ""

pick(true, _, fixed) := fixed

pick(false, r, _) := r

key_name(ref) := a if {
	a := kms.arn_of(ref)
} else := ref

# mrk_replica is the ARN of a multi-Region key's replica in the destination's region.
mrk_replica(ref, region) := sprintf("arn:%s:kms:%s:%s:key/%s", [a.partition, region, a.account, kms.key_id(ref)]) if {
	kms.multi_region(ref)
	a := data.crr.lib.arn.parse(kms.arn_of(ref))
}

mrk_note(ref, region) := sprintf(" (a multi-Region key: its replica in %s is another key, %s)", [region, mrk_replica(ref, region)]) if {
	mrk_replica(ref, region)
} else := ""

replacement(ref, dest, rule) := k if {
	k := mrk_replica(ref, repl.destination_region(dest))
} else := kms.suggested_replica_key(dest, rule)

key_commands(ref, key_region, dest_region, new_key) := [kms.replicate_key(kms.arn_of(ref), key_region, dest_region)] if {
	new_key == mrk_replica(ref, dest_region)
} else := [kms.create_key(dest_region, "Replica key for S3 replication")] if {
	kms.is_placeholder(new_key)
} else := []
