package crr.checks.crr_013_test

import data.crr.checks.crr_013

rule(id, filter, status) := {
	"ID": id, "Priority": 1, "Status": status, "Filter": filter,
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": "arn:aws:s3:::dst"},
}

doc(rules, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": settings,
}

full := {"requirements": {"full_coverage": true}}

test_deny_prefix_and_tag_rules_with_full_coverage_required if {
	logs := rule("logs", {"Prefix": "logs/"}, "Enabled")
	tagged := rule("tagged", {"And": {"Prefix": "img/", "Tags": [{"Key": "dr", "Value": "yes"}]}}, "Enabled")
	off := rule("all-off", {"Prefix": ""}, "Disabled")
	inp := doc([off, logs, tagged], full)
	fs := crr_013.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: the enabled rules select only rule "logs": keys under "logs/", rule "tagged": keys under "img/" with tags dr=yes; settings require the whole bucket to replicate`
	rules := f.documents["replication.json"].Rules
	rules[0] == off
	rules[1] == object.union(logs, {"Filter": {"Prefix": ""}})
	rules[2] == tagged
	crr_013.applies with input as inp
}

test_deny_v1_rule_is_widened_as_v1 if {
	v1 := {"ID": "old", "Prefix": "a/", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}
	some f in crr_013.deny with input as doc([v1], full)
	f.documents["replication.json"].Rules == [object.union(v1, {"Prefix": ""})]
}

test_deny_tag_only_rule if {
	some f in crr_013.deny with input as doc([rule("t", {"Tag": {"Key": "k", "Value": "v"}}, "Enabled")], full)
	contains(f.msg, `rule "t": objects tagged k=v`)
	f.documents["replication.json"].Rules[0].Filter == {"Prefix": ""}
}

test_allow_whole_bucket_rule if {
	count(crr_013.deny) == 0 with input as doc([rule("logs", {"Prefix": "logs/"}, "Enabled"), rule("all", {}, "Enabled")], full)
	count(crr_013.deny) == 0 with input as doc([rule("all", {"Prefix": ""}, "Enabled")], full)
	count(crr_013.deny) == 0 with input as doc([{"ID": "v1", "Prefix": "", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}], full)
	crr_013.applies with input as doc([rule("all", {}, "Enabled")], full)
}

test_allow_partial_coverage_without_the_setting if {
	inp := doc([rule("logs", {"Prefix": "logs/"}, "Enabled")], {})
	count(crr_013.deny) == 0 with input as inp
	not crr_013.applies with input as inp
	no_settings := object.remove(inp, ["settings"])
	count(crr_013.deny) == 0 with input as no_settings
	off := doc([rule("logs", {"Prefix": "logs/"}, "Enabled")], {"requirements": {"full_coverage": false}})
	count(crr_013.deny) == 0 with input as off
}

test_allow_no_enabled_rule_or_unknown_configuration if {
	paused := doc([rule("logs", {"Prefix": "logs/"}, "Disabled")], full)
	count(crr_013.deny) == 0 with input as paused
	not crr_013.applies with input as paused
	unknown := object.union(doc([], full), {"bucket": {"ReplicationConfiguration": null}})
	not crr_013.applies with input as unknown
	unreadable := object.union(unknown, {"errors": [{"Operation": "GetBucketReplication", "Code": "AccessDenied", "Resource": "arn:aws:s3:::src", "Component": "replication"}]})
	crr_013.applies with input as unreadable
	count(crr_013.deny) == 0 with input as unreadable
}
