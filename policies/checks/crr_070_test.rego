package crr.checks.crr_070_test

import data.crr.checks.crr_070

dst := "arn:aws:s3:::dst"

locked := {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 30}}}

unlocked := {"ObjectLockEnabled": ""}

rule(id, status) := {
	"ID": id, "Priority": 1, "Status": status, "Filter": {},
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"Destination": {"Bucket": dst},
}

doc(src_lock, dst_lock, rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ObjectLockConfiguration": src_lock,
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {dst: {
		"Arn": dst, "Name": "dst", "AccountId": "111122223333", "Exists": true, "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"}, "ObjectLockConfiguration": dst_lock,
	}},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

test_deny_locked_source_unlocked_destination if {
	inp := doc(locked, unlocked, [rule("dr", "Enabled")])
	fs := crr_070.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src has Object Lock enabled but its destination dst (rule "dr") does not: objects fail to replicate with DstBucketObjectLockConfigMissing`
	f.destination == dst
	f.commands == ["aws s3api put-object-lock-configuration --bucket dst --object-lock-configuration file://object-lock.json --region us-east-1"]
	f.documents == {"object-lock.json": {"ObjectLockEnabled": "Enabled"}}
	f.terraform == concat("\n", [
		`resource "aws_s3_bucket_object_lock_configuration" "dst" {`,
		`  bucket = "dst"`,
		`  object_lock_enabled = "Enabled"`,
		`}`,
	])
	f.evidence.DestinationObjectLockConfiguration == unlocked
	crr_070.applies with input as inp
}

test_deny_unversioned_destination_gets_versioning_first if {
	inp := json.patch(doc(locked, unlocked, [rule("dr", "Enabled")]), [{
		"op": "replace", "path": "/destinations/arn:aws:s3:::dst/Versioning", "value": {"Status": "Suspended"},
	}])
	some f in crr_070.deny with input as inp
	f.commands[0] == "aws s3api put-bucket-versioning --bucket dst --versioning-configuration Status=Enabled --region us-east-1"
	count(f.commands) == 2
}

test_allow_both_locked if {
	inp := doc(locked, {"ObjectLockEnabled": "Enabled"}, [rule("dr", "Enabled")])
	count(crr_070.deny) == 0 with input as inp
	crr_070.applies with input as inp
}

test_allow_unlocked_source_is_judged_without_the_destination if {
	inp := doc(unlocked, null, [rule("dr", "Enabled")])
	count(crr_070.deny) == 0 with input as inp
	crr_070.applies with input as inp
}

test_allow_unknown_lock_is_not_judged if {
	unknown_dst := doc(locked, null, [rule("dr", "Enabled")])
	count(crr_070.deny) == 0 with input as unknown_dst
	not crr_070.applies with input as unknown_dst
	unknown_src := doc(null, unlocked, [rule("dr", "Enabled")])
	count(crr_070.deny) == 0 with input as unknown_src
	not crr_070.applies with input as unknown_src
}

test_allow_disabled_rule_and_missing_destination if {
	paused := doc(locked, unlocked, [rule("dr", "Disabled")])
	count(crr_070.deny) == 0 with input as paused
	not crr_070.applies with input as paused
	gone := object.union(doc(locked, unlocked, [rule("dr", "Enabled")]), {"destinations": {dst: {"Exists": false}}})
	count(crr_070.deny) == 0 with input as gone
}

test_allow_unreadable_lock_applies_for_the_error_outcome if {
	inp := object.union(doc(locked, null, [rule("dr", "Enabled")]), {"errors": [{
		"Operation": "GetObjectLockConfiguration", "Code": "AccessDenied", "Message": "", "Resource": dst, "Component": "objectlock",
	}]})
	count(crr_070.deny) == 0 with input as inp
	crr_070.applies with input as inp
}
