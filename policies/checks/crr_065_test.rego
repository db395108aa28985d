package crr.checks.crr_065_test

import data.crr.checks.crr_065

dst := "arn:aws:s3:::dst"

dst_key := "arn:aws:kms:us-east-1:111122223333:key/5555eeee-6666-ffff-7777-000088889999"

blocking := {"Rules": [{
	"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": dst_key},
	"BucketKeyEnabled": true,
	"BlockedEncryptionTypes": ["SSE-C"],
}]}

open := {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}]}

rule(id, status) := {
	"ID": id, "Priority": 1, "Status": status, "Filter": {},
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"Destination": {"Bucket": dst},
}

doc(src_sse, dst_sse, rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ServerSideEncryptionConfiguration": src_sse,
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {dst: {
		"Arn": dst, "Name": "dst", "AccountId": "111122223333", "Exists": true, "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"}, "ServerSideEncryptionConfiguration": dst_sse,
	}},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

test_deny_destination_blocks_sse_c if {
	inp := doc(open, blocking, [rule("dr", "Enabled")])
	fs := crr_065.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Destination bucket dst of bucket src (rule "dr") blocks SSE-C: replicas of the source's SSE-C objects are refused`
	f.destination == dst
	f.resource_arn == dst
	f.commands == ["aws s3api put-bucket-encryption --bucket dst --server-side-encryption-configuration file://destination-encryption.json --region us-east-1"]
	f.documents == {"destination-encryption.json": {"Rules": [{
		"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": dst_key},
		"BucketKeyEnabled": true,
		"BlockedEncryptionTypes": {"EncryptionType": ["NONE"]},
	}]}}
	f.terraform == concat("\n", [
		`resource "aws_s3_bucket_server_side_encryption_configuration" "dst" {`,
		`  bucket = "dst"`,
		`  rule {`,
		`    apply_server_side_encryption_by_default {`,
		`      sse_algorithm = "aws:kms"`,
		sprintf(`      kms_master_key_id = "%s"`, [dst_key]),
		`    }`,
		`    bucket_key_enabled = true`,
		`    blocked_encryption_types = ["NONE"]`,
		`  }`,
		`}`,
	])
	crr_065.applies with input as inp
}

test_deny_when_the_source_encryption_is_unknown if {
	count(crr_065.deny) == 1 with input as doc(null, blocking, [rule("dr", "Enabled")])
}

test_allow_source_blocks_sse_c_too if {
	inp := doc(blocking, blocking, [rule("dr", "Enabled")])
	count(crr_065.deny) == 0 with input as inp
	crr_065.applies with input as inp
}

test_allow_destination_accepts_sse_c if {
	inp := doc(open, open, [rule("dr", "Enabled")])
	count(crr_065.deny) == 0 with input as inp
	crr_065.applies with input as inp
	none := doc(open, {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BlockedEncryptionTypes": ["NONE"]}]}, [rule("dr", "Enabled")])
	count(crr_065.deny) == 0 with input as none
	not_configured := doc(open, {"Rules": null}, [rule("dr", "Enabled")])
	count(crr_065.deny) == 0 with input as not_configured
	crr_065.applies with input as not_configured
}

test_allow_disabled_rule if {
	inp := doc(open, blocking, [rule("dr", "Disabled")])
	count(crr_065.deny) == 0 with input as inp
	not crr_065.applies with input as inp
}

test_allow_unknown_destination_encryption_is_not_judged if {
	inp := doc(open, null, [rule("dr", "Enabled")])
	count(crr_065.deny) == 0 with input as inp
	not crr_065.applies with input as inp
	absent := object.union(doc(open, null, [rule("dr", "Enabled")]), {"destinations": {dst: null}})
	not crr_065.applies with input as absent
}

test_allow_missing_destination_is_crr_020s if {
	inp := object.union(doc(open, blocking, [rule("dr", "Enabled")]), {"destinations": {dst: {"Exists": false}}})
	count(crr_065.deny) == 0 with input as inp
	not crr_065.applies with input as inp
}

test_allow_unreadable_destination_encryption_applies_for_the_error_outcome if {
	inp := object.union(doc(open, null, [rule("dr", "Enabled")]), {"errors": [{
		"Operation": "GetBucketEncryption", "Code": "AccessDenied", "Message": "", "Resource": dst, "Component": "encryption",
	}]})
	count(crr_065.deny) == 0 with input as inp
	crr_065.applies with input as inp
}

test_allow_source_blocks_sse_c_with_unread_destination_encryption if {
	inp := doc(blocking, null, [rule("dr", "Enabled")])
	count(crr_065.deny) == 0 with input as inp
	crr_065.applies with input as inp
}
