# METADATA
# title: Source or replica KMS key is disabled, pending deletion, or missing
# description: >-
#   The KMS key of the source bucket's default encryption, or the ReplicaKmsKeyID of an
#   enabled rule, does not exist (DescribeKey answers NotFoundException), is disabled,
#   pending deletion, or unavailable (KeyState Disabled, PendingDeletion,
#   PendingReplicaDeletion, Unavailable, or Enabled false). S3 accepts the
#   configuration regardless; objects then fail to replicate with
#   SrcKmsKeyInvalidState, DstKmsKeyInvalidState or DstKmsKeyNotFound.
# custom:
#   id: CRR-063
#   severity: critical
#   guide: "Pitfall — encrypted objects fail to replicate: the keys must exist and be enabled"
#   remediation: >-
#     Enable a disabled key; cancel the deletion of a key pending deletion (it is then
#     disabled: enable it too), with credentials of the account that owns the key. A key
#     in a disconnected custom key store needs the store reconnected. A deleted key
#     cannot come back: create a new symmetric key in the same region, replace
#     NEW-KEY-ID with its id and point the configuration at it (objects already
#     encrypted with a deleted key cannot be decrypted any more). Objects that failed
#     meanwhile need S3 Batch Replication.
#   requires: [replication, encryption, kms]
#   applies_when: [replicates]
package crr.checks.crr_063

import data.crr.lib.cli
import data.crr.lib.errors
import data.crr.lib.kms
import data.crr.lib.replication as repl
import data.crr.lib.terraform as tf

replicates if count(repl.enabled_rules) > 0

# source_refs are the keys of the source's SSE-KMS default encryption.
source_refs := kms.default_key_refs(input.bucket) if replicates
else := set()

# replica_refs are the replica keys of the enabled rules.
replica_refs := {k | some r in repl.enabled_rules; k := kms.replica_key(r)}

refs := source_refs | replica_refs

applies if {
	count(refs) > 0
	judgeable
}

applies if {
	count(refs) > 0
	errors.unreadable("kms")
}

applies if {
	replicates
	not kms.sse_known(input.bucket)
	kms.unreadable_at("encryption", input.bucket.Arn)
}

applies if errors.unreadable("replication")

judgeable if count(deny) > 0

judgeable if {
	kms.sse_known(input.bucket)
	every ref in refs {
		kms.known(ref)
	}
}

deny contains f if {
	some ref in refs
	problem := kms.problem(ref)
	key_arn := arn_of(ref)
	f := {
		"msg": sprintf("KMS key %s (%s) %s: %s", [key_arn, concat("; ", uses(ref)), problem, effect(ref)]),
		"resource_arn": key_arn,
		"key": ref,
		"evidence": {
			"Key": ref,
			"Exists": kms.key(ref).Exists,
			"KeyMetadata": object.get(kms.key(ref), "KeyMetadata", null),
			"UsedAs": uses(ref),
		},
		"commands": commands(ref),
		"documents": documents(ref),
		"terraform": terraform(ref),
	}
}

arn_of(ref) := a if {
	a := kms.arn_of(ref)
} else := ref

region_of(ref) := r if {
	r := kms.region(ref)
} else := ""

uses(ref) := array.concat(
	[sprintf("the default encryption key of bucket %s", [input.bucket.Name]) | ref in source_refs],
	[sprintf("the replica key of rule %s to %s", [repl.label(i, r), repl.destination_name(repl.destination_of(r))]) |
		some i, r in repl.rules
		repl.enabled(r)
		kms.replica_key(r) == ref
	],
)

effect(ref) := "the source's objects cannot be decrypted for replication (SrcKmsKeyInvalidState)" if {
	ref in source_refs
	kms.key(ref).Exists == true
} else := "new objects encrypted with it cannot be written and existing ones cannot be read or replicated" if {
	ref in source_refs
} else := "replicas cannot be encrypted, objects fail with DstKmsKeyNotFound" if {
	kms.key(ref).Exists == false
} else := "replicas cannot be encrypted, objects fail with DstKmsKeyInvalidState"

state(ref) := kms.metadata(ref).KeyState if kms.key(ref).Exists == true
else := "NotFound"

commands(ref) := [kms.enable_key(arn_of(ref), region_of(ref))] if {
	state(ref) in {"Disabled", "Enabled"}
} else := [
	kms.cancel_key_deletion(arn_of(ref), region_of(ref)),
	kms.enable_key(arn_of(ref), region_of(ref)),
] if {
	state(ref) in {"PendingDeletion", "PendingReplicaDeletion"}
} else := array.concat(
	[kms.create_key(region_of(ref), "Replaces a deleted key used by S3 replication")],
	array.concat(
		[kms.put_bucket_encryption(input.bucket.Name, repl.bucket_region, "encryption.json") | ref in source_refs],
		[cli.put_bucket_replication(input.bucket.Name, repl.bucket_region, "replication.json") | ref in replica_refs],
	),
) if {
	state(ref) == "NotFound"
} else := []

# new_key is the ARN the replacement of a deleted key will have, once NEW-KEY-ID is filled in.
new_key(ref) := sprintf("arn:%s:kms:%s:%s:key/NEW-KEY-ID", [
	kms.partition,
	kms.or_else(region_of(ref), "KEY-REGION"),
	kms.or_else(account_of(ref), "KEY-ACCOUNT"),
])

account_of(ref) := a if {
	a := kms.account(ref)
} else := ""

documents(ref) := object.union(
	{"encryption.json": encryption_doc(ref) | ref in source_refs},
	{"replication.json": replication_doc(ref) | ref in replica_refs},
) if {
	state(ref) == "NotFound"
} else := {}

encryption_doc(ref) := {"Rules": [kms.api_rule(replace_default_key(r, ref)) | some r in kms.sse_rules(input.bucket)]}

replace_default_key(rule, ref) := object.union(rule, {"ApplyServerSideEncryptionByDefault": {"KMSMasterKeyID": new_key(ref)}}) if {
	rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID == ref
} else := rule

replication_doc(ref) := object.union(repl.config, {"Rules": [replace_replica_key(r, ref) | some r in repl.rules]})

replace_replica_key(rule, ref) := object.union(rule, {"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": new_key(ref)}}}) if {
	repl.enabled(rule)
	kms.replica_key(rule) == ref
} else := rule

terraform(ref) := tf.resource("aws_kms_key", key_label(ref), [tf.attr("is_enabled", true)]) if {
	state(ref) in {"Disabled", "Enabled"}
} else := ""

key_label(ref) := id if {
	id := kms.key_id(ref)
} else := "replication_key"
