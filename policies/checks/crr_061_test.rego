package crr.checks.crr_061_test

import data.crr.checks.crr_061

dst := "arn:aws:s3:::dst"

other := "arn:aws:s3:::other"

dst_key := "arn:aws:kms:us-east-1:444455556666:key/5555eeee-6666-ffff-7777-000088889999"

rule(id, dest, key) := object.union(base(id, dest), {"Destination": {"EncryptionConfiguration": {"ReplicaKmsKeyID": key}}}) if key != ""
else := base(id, dest)

base(id, dest) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "docs/"},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
	"Destination": {"Bucket": dest, "Account": "444455556666"},
}

doc(rules, dests) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": dests,
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

linked(arn, name, region, sse) := {
	"Arn": arn, "Name": name, "AccountId": "444455556666", "Exists": true, "Region": region,
	"Versioning": {"Status": "Enabled"}, "ServerSideEncryptionConfiguration": sse,
}

test_deny_rule_without_replica_key if {
	keyed := rule("keyed", other, "arn:aws:kms:us-west-2:444455556666:key/abcd")
	inp := doc([rule("docs", dst, ""), keyed], {dst: linked(dst, "dst", "us-east-1", {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": dst_key}}]})})
	fs := crr_061.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Rule "docs" of bucket src replicates SSE-KMS objects to dst but names no ReplicaKmsKeyID: S3 has no key to encrypt the replicas with, so KMS-encrypted objects do not replicate`
	f.rule_id == "docs"
	f.destination == dst
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"]
	rules := f.documents["replication.json"].Rules
	rules[0].Destination == {"Bucket": dst, "Account": "444455556666", "EncryptionConfiguration": {"ReplicaKmsKeyID": dst_key}}
	rules[0].Filter == {"Prefix": "docs/"}
	rules[1] == keyed
	contains(f.terraform, sprintf(`replica_kms_key_id = "%s"`, [dst_key]))
	contains(f.terraform, `account = "444455556666"`)
	# Terraform owns the whole configuration: the snippet keeps the other rules.
	contains(f.terraform, `"keyed"`)
	crr_061.applies with input as inp
}

test_deny_placeholder_in_the_destination_region_and_account if {
	inp := doc([rule("docs", dst, "")], {dst: linked(dst, "dst", "us-east-1", {"Rules": []})})
	some f in crr_061.deny with input as inp
	f.documents["replication.json"].Rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID == "arn:aws:kms:us-east-1:444455556666:key/REPLICA-KEY-ID"
	f.commands[0] == "aws kms create-key --description 'Replica key for S3 replication' --region us-east-1"
}

test_deny_rule_without_id_is_labelled_by_position if {
	r := object.remove(rule("x", dst, ""), ["ID"])
	inp := doc([rule("keyed", other, dst_key), r], {})
	some f in crr_061.deny with input as inp
	startswith(f.msg, "Rule #2 of bucket src")
	f.rule_id == ""
	f.key == "#2"
	# Unknown destination: the account comes from the rule, the region is a placeholder.
	f.documents["replication.json"].Rules[1].Destination.EncryptionConfiguration.ReplicaKmsKeyID == "arn:aws:kms:DESTINATION-REGION:444455556666:key/REPLICA-KEY-ID"
	count(f.commands) == 1
}

test_allow_rule_with_replica_key if {
	inp := doc([rule("docs", dst, dst_key)], {})
	count(crr_061.deny) == 0 with input as inp
	crr_061.applies with input as inp
}

test_allow_rule_not_selecting_kms if {
	r := object.remove(rule("docs", dst, ""), ["SourceSelectionCriteria"])
	inp := doc([r], {})
	count(crr_061.deny) == 0 with input as inp
	not crr_061.applies with input as inp
}

test_allow_disabled_rule if {
	r := object.union(rule("docs", dst, ""), {"Status": "Disabled"})
	count(crr_061.deny) == 0 with input as doc([r], {})
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_061.deny) == 0 with input as inp
	crr_061.applies with input as inp
}

test_allow_unknown_configuration if {
	inp := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_061.deny) == 0 with input as inp
	not crr_061.applies with input as inp
}
