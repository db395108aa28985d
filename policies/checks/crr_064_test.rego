package crr.checks.crr_064_test

import data.crr.checks.crr_064

dst := "arn:aws:s3:::dst"

src_region_key := "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"

dst_region_key := "arn:aws:kms:us-east-1:111122223333:key/5555eeee-6666-ffff-7777-000088889999"

mrk := "arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef"

rule(id, key) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {},
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
	"Destination": {"Bucket": dst, "EncryptionConfiguration": {"ReplicaKmsKeyID": key}},
}

linked(region, sse) := {
	"Arn": dst, "Name": "dst", "AccountId": "111122223333", "Exists": true, "Region": region,
	"Versioning": {"Status": "Enabled"}, "ServerSideEncryptionConfiguration": sse,
}

doc(rules, dest, keys) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {dst: dest},
	"kms_keys": keys,
	"errors": [],
	"facts": {"in_scope": true},
}

resolved(ref, key_arn, multi) := {
	"Ref": ref, "Arn": key_arn, "Exists": true,
	"KeyMetadata": {"KeyId": "k", "Arn": key_arn, "Enabled": true, "KeyState": "Enabled", "MultiRegion": multi},
}

dst_default := {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": dst_region_key}}]}

test_deny_key_in_the_source_region if {
	other := object.union(rule("ok", dst_region_key), {"Priority": 2})
	inp := doc([rule("dr", src_region_key), other], linked("us-east-1", dst_default), {})
	fs := crr_064.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == sprintf(`Rule "dr" of bucket src encrypts replicas in dst (us-east-1) with KMS key %s in eu-west-1: S3 needs a key in the destination bucket's region, so KMS-encrypted objects fail to replicate`, [src_region_key])
	f.rule_id == "dr"
	f.destination == dst
	f.evidence.KeyRegion == "eu-west-1"
	f.evidence.DestinationRegion == "us-east-1"
	# The destination's own default key is in its region: suggested as the replica key.
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"]
	rules := f.documents["replication.json"].Rules
	rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID == dst_region_key
	rules[1] == other
	contains(f.terraform, sprintf(`replica_kms_key_id = "%s"`, [dst_region_key]))
	crr_064.applies with input as inp
}

test_deny_region_from_the_resolved_arn_of_an_alias if {
	alias := "arn:aws:kms:us-east-1:111122223333:alias/replicas"
	inp := doc([rule("dr", alias)], linked("us-east-1", {"Rules": []}), {alias: resolved(alias, src_region_key, false)})
	some f in crr_064.deny with input as inp
	contains(f.msg, sprintf("with KMS key %s in eu-west-1", [src_region_key]))
	f.documents["replication.json"].Rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID == "arn:aws:kms:us-east-1:111122223333:key/REPLICA-KEY-ID"
	f.commands[0] == "aws kms create-key --description 'Replica key for S3 replication' --region us-east-1"
}

test_deny_multi_region_key_names_its_replica if {
	inp := doc([rule("dr", mrk)], linked("us-east-1", {"Rules": []}), {mrk: resolved(mrk, mrk, true)})
	some f in crr_064.deny with input as inp
	replica := "arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef"
	contains(f.msg, sprintf("(a multi-Region key: its replica in us-east-1 is another key, %s)", [replica]))
	f.commands == [
		sprintf("aws kms replicate-key --key-id %s --replica-region us-east-1 --region eu-west-1", [mrk]),
		"aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1",
	]
	f.documents["replication.json"].Rules[0].Destination.EncryptionConfiguration.ReplicaKmsKeyID == replica
}

test_deny_multi_region_key_id_without_metadata if {
	count(crr_064.deny) == 1 with input as doc([rule("dr", mrk)], linked("us-east-1", null), {})
}

test_allow_key_in_the_destination_region if {
	inp := doc([rule("dr", dst_region_key)], linked("us-east-1", null), {})
	count(crr_064.deny) == 0 with input as inp
	crr_064.applies with input as inp
	eu := doc([rule("dr", src_region_key)], linked("EU", null), {})
	count(crr_064.deny) == 0 with input as eu
}

test_allow_multi_region_replica_in_the_destination_region if {
	replica := "arn:aws:kms:us-east-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef"
	count(crr_064.deny) == 0 with input as doc([rule("dr", replica)], linked("us-east-1", null), {replica: resolved(replica, replica, true)})
}

test_allow_unknown_regions_are_not_judged if {
	bare := doc([rule("dr", "1111aaaa-2222-bbbb-3333-cccc4444dddd")], linked("us-east-1", null), {})
	count(crr_064.deny) == 0 with input as bare
	not crr_064.applies with input as bare
	unknown_dest := doc([rule("dr", src_region_key)], linked("", null), {})
	count(crr_064.deny) == 0 with input as unknown_dest
	not crr_064.applies with input as unknown_dest
	absent := object.union(doc([rule("dr", src_region_key)], null, {}), {"destinations": {}})
	count(crr_064.deny) == 0 with input as absent
	not crr_064.applies with input as absent
}

test_allow_no_replica_key_or_disabled_rule if {
	r := object.remove(rule("dr", src_region_key), ["Destination"])
	plain := object.union(r, {"Destination": {"Bucket": dst}})
	not crr_064.applies with input as doc([plain], linked("us-east-1", null), {})
	paused := object.union(rule("dr", src_region_key), {"Status": "Disabled"})
	count(crr_064.deny) == 0 with input as doc([paused], linked("us-east-1", null), {})
}

test_allow_unreadable_destination_applies_for_the_error_outcome if {
	inp := object.union(doc([rule("dr", src_region_key)], linked("", null), {}), {"errors": [{
		"Operation": "HeadBucket", "Code": "Forbidden", "Message": "", "Resource": dst, "Component": "destination",
	}]})
	count(crr_064.deny) == 0 with input as inp
	crr_064.applies with input as inp
}
