package crr.checks.crr_063_test

import data.crr.checks.crr_063

dst := "arn:aws:s3:::dst"

src_key := "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"

dst_key := "arn:aws:kms:us-east-1:111122223333:key/5555eeee-6666-ffff-7777-000088889999"

dst_alias := "arn:aws:kms:us-east-1:111122223333:alias/replicas"

kms_sse(key) := {"Rules": [{
	"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
	"BucketKeyEnabled": true,
	"BlockedEncryptionTypes": ["SSE-C"],
}]}

rule(id, status, key) := {
	"ID": id, "Priority": 1, "Status": status, "Filter": {},
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
	"Destination": {"Bucket": dst, "EncryptionConfiguration": {"ReplicaKmsKeyID": key}},
}

key(ref, key_arn, state, enabled) := {
	"Ref": ref, "Arn": key_arn, "Exists": true,
	"KeyMetadata": {"KeyId": "k", "Arn": key_arn, "Enabled": enabled, "KeyState": state, "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT"},
}

missing(ref) := {"Ref": ref, "Exists": false}

doc(sse, rules, keys) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ServerSideEncryptionConfiguration": sse,
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {dst: {"Arn": dst, "Name": "dst", "Exists": true, "Region": "us-east-1", "Versioning": {"Status": "Enabled"}}},
	"kms_keys": keys,
	"errors": [],
	"facts": {"in_scope": true},
}

healthy := {
	src_key: key(src_key, src_key, "Enabled", true),
	dst_alias: key(dst_alias, dst_key, "Enabled", true),
}

test_deny_disabled_replica_key_resolved_from_an_alias if {
	keys := object.union(healthy, {dst_alias: key(dst_alias, dst_key, "Disabled", false)})
	inp := doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], keys)
	fs := crr_063.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == sprintf(`KMS key %s (the replica key of rule "dr" to dst) is disabled (KeyState Disabled): replicas cannot be encrypted, objects fail with DstKmsKeyInvalidState`, [dst_key])
	f.resource_arn == dst_key
	f.key == dst_alias
	f.commands == [sprintf("aws kms enable-key --key-id %s --region us-east-1", [dst_key])]
	f.documents == {}
	f.terraform == "resource \"aws_kms_key\" \"r_5555eeee-6666-ffff-7777-000088889999\" {\n  is_enabled = true\n}"
	f.evidence.UsedAs == [`the replica key of rule "dr" to dst`]
	crr_063.applies with input as inp
}

test_deny_source_key_pending_deletion if {
	keys := object.union(healthy, {src_key: object.union(key(src_key, src_key, "PendingDeletion", false), {"KeyMetadata": {"DeletionDate": "2026-12-01T00:00:00Z"}})})
	inp := doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], keys)
	some f in crr_063.deny with input as inp
	f.msg == sprintf("KMS key %s (the default encryption key of bucket src) is pending deletion (KeyState PendingDeletion, deleted on 2026-12-01T00:00:00Z): the source's objects cannot be decrypted for replication (SrcKmsKeyInvalidState)", [src_key])
	f.commands == [
		sprintf("aws kms cancel-key-deletion --key-id %s --region eu-west-1", [src_key]),
		sprintf("aws kms enable-key --key-id %s --region eu-west-1", [src_key]),
	]
	f.terraform == ""
}

test_deny_pending_replica_deletion_and_unavailable if {
	keys := {
		src_key: key(src_key, src_key, "Unavailable", false),
		dst_alias: key(dst_alias, dst_key, "PendingReplicaDeletion", false),
	}
	fs := crr_063.deny with input as doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], keys)
	count(fs) == 2
	some f1 in fs
	f1.key == src_key
	contains(f1.msg, "is unavailable (KeyState Unavailable: its custom key store is disconnected)")
	f1.commands == []
	some f2 in fs
	f2.key == dst_alias
	contains(f2.msg, "is pending deletion (KeyState PendingReplicaDeletion)")
	startswith(f2.commands[0], "aws kms cancel-key-deletion --key-id ")
}

test_deny_enabled_false_whatever_the_state_says if {
	keys := object.union(healthy, {dst_alias: key(dst_alias, dst_key, "Enabled", false)})
	some f in crr_063.deny with input as doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], keys)
	contains(f.msg, "is not enabled (Enabled false, KeyState Enabled)")
	f.commands == [sprintf("aws kms enable-key --key-id %s --region us-east-1", [dst_key])]
}

test_deny_missing_replica_key_points_the_rule_at_a_new_key if {
	other := object.union(rule("other", "Enabled", src_key), {"Destination": {"Bucket": "arn:aws:s3:::other"}})
	keys := {src_key: healthy[src_key], dst_alias: missing(dst_alias)}
	inp := doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias), other], keys)
	fs := crr_063.deny with input as inp
	count(fs) == 1
	some f in fs
	contains(f.msg, "does not exist (DescribeKey answered NotFoundException): replicas cannot be encrypted, objects fail with DstKmsKeyNotFound")
	f.resource_arn == dst_alias
	f.commands == [
		"aws kms create-key --description 'Replaces a deleted key used by S3 replication' --region us-east-1",
		"aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1",
	]
	rules := f.documents["replication.json"].Rules
	rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID == "arn:aws:kms:us-east-1:111122223333:key/NEW-KEY-ID"
	rules[1] == other
}

test_deny_missing_source_key_rewrites_the_default_encryption if {
	keys := {src_key: missing(src_key), dst_alias: healthy[dst_alias]}
	some f in crr_063.deny with input as doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], keys)
	f.commands[1] == "aws s3api put-bucket-encryption --bucket src --server-side-encryption-configuration file://encryption.json --region eu-west-1"
	f.documents == {"encryption.json": {"Rules": [{
		"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "arn:aws:kms:eu-west-1:111122223333:key/NEW-KEY-ID"},
		"BucketKeyEnabled": true,
		"BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]},
	}]}}
}

test_allow_enabled_keys if {
	inp := doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], healthy)
	count(crr_063.deny) == 0 with input as inp
	crr_063.applies with input as inp
}

test_allow_disabled_rule_and_non_kms_default if {
	keys := {
		src_key: key(src_key, src_key, "Disabled", false),
		dst_alias: key(dst_alias, dst_key, "Disabled", false),
	}
	aes := {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": src_key}}]}
	inp := doc(aes, [rule("dr", "Disabled", dst_alias)], keys)
	count(crr_063.deny) == 0 with input as inp
	not crr_063.applies with input as inp
}

test_allow_unknown_keys_are_not_judged if {
	unknown := {"Ref": dst_alias, "Exists": null, "Errors": []}
	inp := doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], object.union(healthy, {dst_alias: unknown}))
	count(crr_063.deny) == 0 with input as inp
	not crr_063.applies with input as inp
	absent := doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], {src_key: healthy[src_key]})
	not crr_063.applies with input as absent
	unknown_sse := doc(null, [rule("dr", "Enabled", dst_alias)], healthy)
	count(crr_063.deny) == 0 with input as unknown_sse
	not crr_063.applies with input as unknown_sse
}

test_allow_unreadable_key_applies_for_the_error_outcome if {
	err := {"Operation": "DescribeKey", "Code": "AccessDeniedException", "Message": "", "Resource": dst_alias, "Component": "kms"}
	inp := object.union(doc(kms_sse(src_key), [rule("dr", "Enabled", dst_alias)], {src_key: healthy[src_key], dst_alias: {"Ref": dst_alias, "Exists": null}}), {"errors": [err]})
	count(crr_063.deny) == 0 with input as inp
	crr_063.applies with input as inp
}

test_allow_unreadable_encryption_applies_for_the_error_outcome if {
	err := {"Operation": "GetBucketEncryption", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::src", "Component": "encryption"}
	inp := object.union(doc(null, [rule("dr", "Enabled", dst_alias)], healthy), {"errors": [err]})
	count(crr_063.deny) == 0 with input as inp
	crr_063.applies with input as inp
}
