package crr.checks.crr_060_test

import data.crr.checks.crr_060

dst := "arn:aws:s3:::dst"

src_key := "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"

dst_key := "arn:aws:kms:us-east-1:111122223333:key/5555eeee-6666-ffff-7777-000088889999"

kms_sse(key) := {"Rules": [{
	"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key},
	"BucketKeyEnabled": true,
}]}

aes_sse := {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}]}

rule(id, status) := {
	"ID": id, "Priority": 1, "Status": status, "Filter": {},
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"Destination": {"Bucket": dst, "StorageClass": "STANDARD_IA"},
}

doc(sse, rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ServerSideEncryptionConfiguration": sse,
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {dst: {
		"Arn": dst, "Name": "dst", "AccountId": "111122223333", "Exists": true, "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ServerSideEncryptionConfiguration": kms_sse(dst_key),
	}},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

test_deny_kms_default_without_selection if {
	paused := rule("old", "Disabled")
	inp := doc(kms_sse(src_key), [rule("dr", "Enabled"), paused])
	fs := crr_060.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src encrypts new objects with aws:kms by default but no enabled rule ("dr") selects SseKmsEncryptedObjects: its KMS-encrypted objects are silently not replicated`
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"]

	# The current configuration with only the enabled rule fixed; the destination's
	# own KMS key is the suggested replica key.
	conf := f.documents["replication.json"]
	conf.Role == "arn:aws:iam::111122223333:role/crr"
	conf.Rules[0] == object.union(rule("dr", "Enabled"), {
		"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
		"Destination": {"Bucket": dst, "StorageClass": "STANDARD_IA", "EncryptionConfiguration": {"ReplicaKmsKeyID": dst_key}},
	})
	conf.Rules[1] == paused
	contains(f.terraform, `resource "aws_s3_bucket_replication_configuration" "src" {`)
	contains(f.terraform, "sse_kms_encrypted_objects {")
	contains(f.terraform, sprintf(`replica_kms_key_id = "%s"`, [dst_key]))
	# Terraform owns the whole configuration: the snippet keeps the other rules.
	contains(f.terraform, `"old"`)
	crr_060.applies with input as inp
}

test_deny_dsse_keeps_existing_replica_key_and_replica_modifications if {
	r := object.union(rule("dr", "Enabled"), {
		"SourceSelectionCriteria": {"ReplicaModifications": {"Status": "Enabled"}},
		"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-1:111122223333:alias/replicas"}},
	})
	sse := {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms:dsse", "KMSMasterKeyID": src_key}}]}
	fs := crr_060.deny with input as doc(sse, [r])
	count(fs) == 1
	some f in fs
	contains(f.msg, "with aws:kms:dsse by default")
	fixed := f.documents["replication.json"].Rules[0]
	fixed.SourceSelectionCriteria == {"ReplicaModifications": {"Status": "Enabled"}, "SseKmsEncryptedObjects": {"Status": "Enabled"}}
	fixed.Destination.EncryptionConfiguration.ReplicaKmsKeyID == "arn:aws:kms:us-east-1:111122223333:alias/replicas"
}

test_deny_placeholder_key_when_the_destination_has_none if {
	inp := json.patch(doc(kms_sse(src_key), [rule("dr", "Enabled")]), [{
		"op": "replace", "path": "/destinations/arn:aws:s3:::dst/ServerSideEncryptionConfiguration", "value": aes_sse,
	}])
	some f in crr_060.deny with input as inp
	f.documents["replication.json"].Rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID == "arn:aws:kms:us-east-1:111122223333:key/REPLICA-KEY-ID"
	f.commands[0] == "aws kms create-key --description 'Replica key for S3 replication' --region us-east-1"
}

test_deny_unknown_destination_gives_a_full_placeholder if {
	inp := object.union(doc(kms_sse(src_key), [rule("dr", "Enabled")]), {"destinations": {dst: null}})
	some f in crr_060.deny with input as inp
	f.documents["replication.json"].Rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID == "arn:aws:kms:DESTINATION-REGION:DESTINATION-ACCOUNT:key/REPLICA-KEY-ID"
	count(f.commands) == 1
}

test_allow_a_rule_selects_kms_objects if {
	r := object.union(rule("dr", "Enabled"), {"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}})
	inp := doc(kms_sse(src_key), [r, rule("other", "Enabled")])
	count(crr_060.deny) == 0 with input as inp
	crr_060.applies with input as inp
}

test_allow_selection_disabled_still_fires if {
	r := object.union(rule("dr", "Enabled"), {"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Disabled"}}})
	count(crr_060.deny) == 1 with input as doc(kms_sse(src_key), [r])
}

test_allow_sse_s3_and_no_encryption_rule if {
	count(crr_060.deny) == 0 with input as doc(aes_sse, [rule("dr", "Enabled")])
	crr_060.applies with input as doc(aes_sse, [rule("dr", "Enabled")])
	count(crr_060.deny) == 0 with input as doc({"Rules": []}, [rule("dr", "Enabled")])
	count(crr_060.deny) == 0 with input as doc({"Rules": null}, [rule("dr", "Enabled")])
}

test_allow_no_enabled_rule_is_crr_011s if {
	inp := doc(kms_sse(src_key), [rule("dr", "Disabled")])
	count(crr_060.deny) == 0 with input as inp
	not crr_060.applies with input as inp
}

test_allow_unknown_encryption_is_not_judged if {
	inp := doc(null, [rule("dr", "Enabled")])
	count(crr_060.deny) == 0 with input as inp
	not crr_060.applies with input as inp
}

test_allow_unreadable_encryption_applies_for_the_error_outcome if {
	inp := object.union(doc(null, [rule("dr", "Enabled")]), {"errors": [{
		"Operation": "GetBucketEncryption", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "encryption",
	}]})
	count(crr_060.deny) == 0 with input as inp
	crr_060.applies with input as inp
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc(null, []), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_060.deny) == 0 with input as inp
	crr_060.applies with input as inp
}
