package crr.checks.crr_014_test

import data.crr.checks.crr_014

role := "arn:aws:iam::111122223333:role/crr"

rule(id, filter, dmr) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": filter,
	"DeleteMarkerReplication": {"Status": dmr},
	"Destination": {"Bucket": "arn:aws:s3:::dst"},
}

doc(rules, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": {"arn:aws:s3:::dst": {"Arn": "arn:aws:s3:::dst", "Name": "dst", "Exists": true, "Region": "eu-west-1"}},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": settings,
}

required := {"requirements": {"delete_marker_replication": true}}

tagged := rule("tagged", {"And": {"Prefix": "img/", "Tags": [{"Key": "dr", "Value": "yes"}]}}, "Disabled")

test_allow_v2_rule_with_dmr_disabled_without_the_setting if {
	r := rule("all", {"Prefix": ""}, "Disabled")
	count(crr_014.deny) == 0 with input as doc([r], {})
	not crr_014.applies with input as doc([r], {})
	not crr_014.applies with input as doc([r], {"requirements": {"delete_marker_replication": false}})
}

test_deny_v2_rule_with_dmr_disabled_when_required if {
	r := rule("all", {"Prefix": ""}, "Disabled")
	fs := crr_014.deny with input as doc([r], required)
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "all" has DeleteMarkerReplication Disabled; objects deleted in the source stay visible in dst; settings require delete-marker replication`
	f.rule_id == "all"
	f.destination == "arn:aws:s3:::dst"
	f.evidence.Requirement == {"delete_marker_replication": true}
	f.documents["replication.json"] == {"Role": role, "Rules": [rule("all", {"Prefix": ""}, "Enabled")]}
	contains(f.terraform, "    delete_marker_replication {\n      status = \"Enabled\"\n    }")
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region us-east-1"]
}

test_deny_v2_rule_without_dmr_element if {
	r := object.remove(rule("all", {}, "Disabled"), ["DeleteMarkerReplication"])
	some f in crr_014.deny with input as doc([r], required)
	contains(f.msg, "has DeleteMarkerReplication not set")
}

test_deny_with_the_setting_names_it if {
	some f in crr_014.deny with input as doc([rule("all", {}, "Disabled")], required)
	endswith(f.msg, "; settings require delete-marker replication")
	f.evidence.Requirement == {"delete_marker_replication": true}
}

test_deny_tag_filtered_rule_when_required if {
	other := rule("all", {"Prefix": ""}, "Enabled")
	fs := crr_014.deny with input as doc([other, tagged], required)
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "tagged" filters by tag, which never replicates delete markers; settings require delete-marker replication (the suggested fix drops the tag filter and keeps prefix "img/")`
	f.documents["replication.json"].Rules == [other, object.union(object.remove(tagged, ["Filter"]), {"Filter": {"Prefix": "img/"}, "DeleteMarkerReplication": {"Status": "Enabled"}})]
}

test_allow_tag_filtered_rule_without_the_setting if {
	count(crr_014.deny) == 0 with input as doc([tagged], {})
	count(crr_014.deny) == 0 with input as doc([rule("t", {"Tag": {"Key": "k", "Value": "v"}}, "Disabled")], {"requirements": {"delete_marker_replication": false}})
	not crr_014.applies with input as doc([tagged], {})
}

test_allow_dmr_enabled if {
	count(crr_014.deny) == 0 with input as doc([rule("all", {}, "Enabled")], required)
	count(crr_014.deny) == 0 with input as doc([rule("logs", {"Prefix": "logs/"}, "Enabled")], {})
}

test_allow_v1_and_disabled_rules if {
	v1 := {"ID": "old", "Prefix": "", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}
	count(crr_014.deny) == 0 with input as doc([v1], required)
	off := object.union(rule("all", {}, "Disabled"), {"Status": "Disabled"})
	count(crr_014.deny) == 0 with input as doc([off], required)
}

test_allow_unknown_configuration if {
	unknown := object.union(doc([], required), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_014.deny) == 0 with input as unknown
	not crr_014.applies with input as unknown
	unreadable := object.union(unknown, {"errors": [{"Operation": "GetBucketReplication", "Code": "AccessDenied", "Resource": "arn:aws:s3:::src", "Component": "replication"}]})
	crr_014.applies with input as unreadable
}

# A tag-filtered rule never replicates delete markers, whatever its
# DeleteMarkerReplication says: "If you specify a Filter element that contains a Tag
# ... DeleteMarkerReplication ... must be set to Disabled" and "delete markers are not
# replicated for tag-based rules"
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html).
test_deny_tag_filtered_rule_that_says_enabled if {
	r := rule("tagged", {"Tag": {"Key": "dr", "Value": "yes"}}, "Enabled")
	fs := crr_014.deny with input as doc([r], required)
	count(fs) == 1
	some f in fs
	contains(f.msg, "filters by tag, which never replicates delete markers")
	f.rule_id == "tagged"
}

test_deny_tag_filtered_rule_without_dmr_element if {
	r := object.remove(rule("tagged", {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}}, "Enabled"), ["DeleteMarkerReplication"])
	count(crr_014.deny) == 1 with input as doc([r], required)
}
