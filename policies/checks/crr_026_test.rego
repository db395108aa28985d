package crr.checks.crr_026_test

import data.crr.checks.crr_026

role := "arn:aws:iam::111122223333:role/crr"

dst := "arn:aws:s3:::dst"

rule(id, prefix) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": prefix},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": dst},
}

linked(lifecycle) := object.union(
	{"Arn": dst, "Name": "dst", "AccountId": "111122223333", "Exists": true, "Region": "eu-west-1", "Versioning": {"Status": "Enabled"}},
	lifecycle,
)

lc(rules) := {"LifecycleConfiguration": {"Rules": rules}}

doc(rules, d, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": {dst: d},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": settings,
}

keep90 := {"requirements": {"min_retention_days": 90}}

expire := {
	"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""},
	"Expiration": {"Days": 30},
	"NoncurrentVersionExpiration": {"NoncurrentDays": 7, "NewerNoncurrentVersions": 3},
	"Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}],
}

tmp := {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}

test_deny_short_expiration if {
	inp := doc([rule("dr", "")], linked(lc([tmp, expire])), keep90)
	fs := crr_026.deny with input as inp
	count(fs) == 2
	some f in fs
	f.key == `"expire"`
	f.msg == `Destination bucket dst of bucket src (rule "dr"): lifecycle rule "expire" expires current versions after 30 days and noncurrent versions after 7 days, sooner than the required 90 days`
	f.destination == dst
	f.commands == [
		"aws s3api get-bucket-lifecycle-configuration --bucket dst --region eu-west-1 > lifecycle-backup.json",
		"aws s3api put-bucket-lifecycle-configuration --bucket dst --lifecycle-configuration file://lifecycle.json --region eu-west-1",
	]
	f.documents["lifecycle.json"] == {"Rules": [tmp, object.union(expire, {
		"Expiration": {"Days": 90},
		"NoncurrentVersionExpiration": {"NoncurrentDays": 90, "NewerNoncurrentVersions": 3},
	})]}
	contains(f.terraform, `resource "aws_s3_bucket_lifecycle_configuration" "dst" {`)
	contains(f.terraform, "      noncurrent_days = 90\n")
	crr_026.applies with input as inp
}

test_deny_only_noncurrent_versions_and_legacy_prefix if {
	lr := {"ID": "nc", "Status": "Enabled", "Prefix": "logs/", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}
	some f in crr_026.deny with input as doc([rule("dr", "logs/2024/")], linked(lc([lr])), keep90)
	contains(f.msg, "expires noncurrent versions after 30 days, sooner")
	f.documents["lifecycle.json"].Rules == [object.union(lr, {"NoncurrentVersionExpiration": {"NoncurrentDays": 90}})]
}

test_allow_long_enough_disabled_or_unrelated_rules if {
	long := {"ID": "long", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 365}, "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}
	off := object.union(expire, {"Status": "Disabled"})
	inp := doc([rule("dr", "data/")], linked(lc([long, off, tmp])), keep90)
	count(crr_026.deny) == 0 with input as inp
	crr_026.applies with input as inp
	count(crr_026.deny) == 0 with input as doc([rule("dr", "")], linked(lc([])), keep90)
}

test_allow_without_the_setting if {
	inp := doc([rule("dr", "")], linked(lc([expire])), {})
	count(crr_026.deny) == 0 with input as inp
	not crr_026.applies with input as inp
}

test_allow_unknown_lifecycle if {
	inp := doc([rule("dr", "")], linked({}), keep90)
	count(crr_026.deny) == 0 with input as inp
	not crr_026.applies with input as inp
	unreadable := object.union(inp, {"errors": [{"Operation": "GetBucketLifecycleConfiguration", "Code": "AccessDenied", "Resource": dst, "Component": "lifecycle"}]})
	crr_026.applies with input as unreadable
	gone := doc([rule("dr", "")], {"Arn": dst, "Name": "dst", "Exists": false}, keep90)
	crr_026.applies with input as gone
	count(crr_026.deny) == 0 with input as gone
}
