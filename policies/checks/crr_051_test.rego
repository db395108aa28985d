package crr.checks.crr_051_test

import data.crr.checks.crr_051

rule(id, act) := object.union(
	{"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst", "Account": "444455556666"}},
	act,
)

override := {"Destination": {"AccessControlTranslation": {"Owner": "Destination"}}}

destination(account, controls) := {"Arn": "arn:aws:s3:::dst", "Name": "dst", "AccountId": account, "Exists": true, "Region": "eu-west-1", "InScan": false, "Versioning": {"Status": "Enabled"}, "OwnershipControls": controls}

owned(o) := {"Rules": [{"ObjectOwnership": o}]}

inp(rules, dest) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"role": null,
	"destinations": {"arn:aws:s3:::dst": dest},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_object_writer_destination_without_override if {
	i := inp([rule("to-dr", {})], destination("444455556666", owned("ObjectWriter")))
	f := only(crr_051.deny) with input as i
	f.msg == `Rule "to-dr" of bucket src replicates into dst (account 444455556666), but the replicas stay owned by the source account 111122223333: the rule has no AccessControlTranslation owner override and the destination's Object Ownership is ObjectWriter`
	f.rule_id == "to-dr"
	f.destination == "arn:aws:s3:::dst"
	f.commands == ["aws s3api put-bucket-ownership-controls --bucket dst --ownership-controls file://ownership-controls.json"]
	f.documents == {"ownership-controls.json": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}
	f.terraform == "resource \"aws_s3_bucket_ownership_controls\" \"replication_destination\" {\n  bucket = \"dst\"\n\n  rule {\n    object_ownership = \"BucketOwnerEnforced\"\n  }\n}"
	crr_051.applies with input as i
}

test_deny_preferred_or_unset_ownership if {
	count(crr_051.deny) == 1 with input as inp([rule("a", {})], destination("444455556666", owned("BucketOwnerPreferred")))
	some f in crr_051.deny with input as inp([rule("a", {})], destination("444455556666", {"Rules": []}))
	endswith(f.msg, "Object Ownership is not set (ObjectWriter: the uploader owns each object)")
}

test_deny_each_rule_without_override if {
	i := inp([rule("a", {}), rule("b", override), object.remove(rule("", {}), ["ID"])], destination("", owned("ObjectWriter")))
	fs := crr_051.deny with input as i
	{f.key | some f in fs} == {`"a"`, "#3"}
}

test_allow_override_or_bucket_owner_enforced if {
	count(crr_051.deny) == 0 with input as inp([rule("a", override)], destination("444455556666", owned("ObjectWriter")))
	count(crr_051.deny) == 0 with input as inp([rule("a", override)], destination("444455556666", null))
	crr_051.applies with input as inp([rule("a", override)], destination("444455556666", null))
	count(crr_051.deny) == 0 with input as inp([rule("a", {})], destination("444455556666", owned("BucketOwnerEnforced")))
	crr_051.applies with input as inp([rule("a", {})], destination("444455556666", owned("BucketOwnerEnforced")))
}

test_allow_same_account_does_not_apply if {
	same := object.union(rule("a", {}), {"Destination": {"Account": "111122223333"}})
	i := inp([same], destination("111122223333", owned("ObjectWriter")))
	count(crr_051.deny) == 0 with input as i
	not crr_051.applies with input as i
}

test_allow_disabled_rule_or_deleted_destination if {
	count(crr_051.deny) == 0 with input as inp([rule("a", {"Status": "Disabled"})], destination("444455556666", owned("ObjectWriter")))
	gone := {"Arn": "arn:aws:s3:::dst", "Name": "dst", "Exists": false, "InScan": false, "Versioning": null}
	count(crr_051.deny) == 0 with input as inp([rule("a", {})], gone)
}

test_allow_unknown_ownership_is_not_judged if {
	i := inp([rule("a", {})], destination("444455556666", null))
	count(crr_051.deny) == 0 with input as i
	not crr_051.applies with input as i
}

test_allow_unreadable_ownership_applies_for_the_error_outcome if {
	i := object.union(inp([rule("a", {})], destination("444455556666", null)), {"errors": [{"Operation": "GetBucketOwnershipControls", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::dst", "Component": "ownership"}]})
	count(crr_051.deny) == 0 with input as i
	crr_051.applies with input as i
}
