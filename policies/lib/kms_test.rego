package crr.lib.kms_test

import data.crr.lib.kms

key_arn := "arn:aws:kms:us-east-1:444455556666:key/5555eeee-6666-ffff-7777-000088889999"

alias_arn := "arn:aws:kms:us-east-1:444455556666:alias/replicas"

mrk := "arn:aws:kms:eu-west-1:444455556666:key/mrk-0123456789abcdef0123456789abcdef"

sse(alg, key, blocked) := {"ServerSideEncryptionConfiguration": {"Rules": [{
	"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": alg, "KMSMasterKeyID": key},
	"BlockedEncryptionTypes": blocked,
}]}}

test_default_encryption if {
	kms.encrypts_with_kms(sse("aws:kms", key_arn, null))
	kms.encrypts_with_kms(sse("aws:kms:dsse", key_arn, null))
	not kms.encrypts_with_kms(sse("AES256", key_arn, null))
	not kms.encrypts_with_kms({"ServerSideEncryptionConfiguration": {"Rules": null}})
	not kms.encrypts_with_kms({})
	kms.default_key_refs(sse("aws:kms", key_arn, null)) == {key_arn}
	kms.default_key_refs(sse("AES256", key_arn, null)) == set()
	kms.algorithm(sse("aws:kms:dsse", key_arn, null)) == "aws:kms:dsse"
	kms.sse_known({"ServerSideEncryptionConfiguration": {"Rules": null}})
	not kms.sse_known({"ServerSideEncryptionConfiguration": null})
}

test_blocks_sse_c if {
	kms.blocks_sse_c(sse("AES256", null, ["SSE-C"]))
	not kms.blocks_sse_c(sse("AES256", null, ["NONE"]))
	not kms.blocks_sse_c(sse("AES256", null, null))
	kms.api_rule({"BlockedEncryptionTypes": ["SSE-C"], "BucketKeyEnabled": true}) == {"BlockedEncryptionTypes": {"EncryptionType": ["SSE-C"]}, "BucketKeyEnabled": true}
	kms.api_rule({"BucketKeyEnabled": true}) == {"BucketKeyEnabled": true}
}

test_rule_selection_and_replica_key if {
	r := {"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}, "Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": key_arn}}}
	kms.selects_kms(r)
	kms.replica_key(r) == key_arn
	not kms.selects_kms({"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Disabled"}}})
	not kms.replica_key({"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": ""}}})
}

test_key_region_from_resolved_arn_then_configured_arn if {
	keys := {alias_arn: {"Ref": alias_arn, "Exists": true, "KeyMetadata": {"Arn": mrk, "Enabled": true, "KeyState": "Enabled"}}}
	kms.region(alias_arn) == "eu-west-1" with input as {"kms_keys": keys}
	kms.region(alias_arn) == "us-east-1" with input as {"kms_keys": {}}
	not kms.region("5555eeee-6666-ffff-7777-000088889999") with input as {"kms_keys": {}}
	kms.account(key_arn) == "444455556666" with input as {}
	kms.key_id(key_arn) == "5555eeee-6666-ffff-7777-000088889999" with input as {}
	not kms.key_id(alias_arn) with input as {}
	kms.multi_region(mrk) with input as {}
	not kms.multi_region(key_arn) with input as {}
}

test_problem if {
	keys := {
		"gone": {"Exists": false},
		"off": {"Exists": true, "KeyMetadata": {"Enabled": false, "KeyState": "Disabled"}},
		"dying": {"Exists": true, "KeyMetadata": {"Enabled": false, "KeyState": "PendingDeletion", "DeletionDate": "2026-12-01T00:00:00Z"}},
		"import": {"Exists": true, "KeyMetadata": {"Enabled": false, "KeyState": "PendingImport"}},
		"ok": {"Exists": true, "KeyMetadata": {"Enabled": true, "KeyState": "Enabled"}},
		"unknown": {"Exists": null},
	}
	kms.problem("gone") == "does not exist (DescribeKey answered NotFoundException)" with input as {"kms_keys": keys}
	kms.problem("off") == "is disabled (KeyState Disabled)" with input as {"kms_keys": keys}
	kms.problem("dying") == "is pending deletion (KeyState PendingDeletion, deleted on 2026-12-01T00:00:00Z)" with input as {"kms_keys": keys}
	kms.problem("import") == "is not enabled (Enabled false, KeyState PendingImport)" with input as {"kms_keys": keys}
	not kms.problem("ok") with input as {"kms_keys": keys}
	not kms.problem("unknown") with input as {"kms_keys": keys}
	not kms.problem("absent") with input as {"kms_keys": keys}
	kms.known("gone") with input as {"kms_keys": keys}
	kms.known("ok") with input as {"kms_keys": keys}
	not kms.known("unknown") with input as {"kms_keys": keys}
	not kms.known("absent") with input as {"kms_keys": keys}
}

test_suggested_replica_key if {
	dst := "arn:aws:s3:::dst"
	inp := {
		"bucket": {"Arn": "arn:aws-cn:s3:::src"},
		"destinations": {dst: {"AccountId": "444455556666", "Region": "us-east-1", "ServerSideEncryptionConfiguration": {"Rules": [
			{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}},
		]}}},
	}
	kms.suggested_replica_key(dst, {}) == key_arn with input as inp
	other_region := json.patch(inp, [{"op": "replace", "path": "/destinations/arn:aws:s3:::dst/Region", "value": "us-west-2"}])
	kms.suggested_replica_key(dst, {}) == "arn:aws-cn:kms:us-west-2:444455556666:key/REPLICA-KEY-ID" with input as other_region
	kms.suggested_replica_key("arn:aws:s3:::gone", {"Destination": {"Account": "777788889999"}}) == "arn:aws-cn:kms:DESTINATION-REGION:777788889999:key/REPLICA-KEY-ID" with input as inp
}

test_commands_quote_values if {
	kms.enable_key(key_arn, "us-east-1") == sprintf("aws kms enable-key --key-id %s --region us-east-1", [key_arn])
	kms.create_key("", "a b") == "aws kms create-key --description 'a b'"
	kms.put_bucket_encryption("b;rm", "eu-west-1", "e.json") == "aws s3api put-bucket-encryption --bucket 'b;rm' --server-side-encryption-configuration file://e.json --region eu-west-1"
}
