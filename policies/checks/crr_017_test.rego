package crr.checks.crr_017_test

import data.crr.checks.crr_017

role := "arn:aws:iam::111122223333:role/crr"

rule(id, filter) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": filter,
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": "arn:aws:s3:::dst"},
}

doc(rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": {},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": {},
}

test_deny_leading_slash if {
	fs := crr_017.deny with input as doc([rule("logs", {"Prefix": "/logs/"})])
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "logs" has prefix "/logs/", which starts with "/": it likely selects no object (suggested prefix "logs/")`
	f.evidence.PrefixField == "Filter.Prefix"
	f.documents["replication.json"].Rules == [rule("logs", {"Prefix": "logs/"})]
	f.commands == [
		"aws s3api list-objects-v2 --bucket src --prefix logs/ --max-keys 1 --region eu-west-1",
		"aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1",
	]
	f.rule_id == "logs"
}

test_deny_wildcard_in_and_filter if {
	tags := [{"Key": "k", "Value": "v"}]
	fs := crr_017.deny with input as doc([rule("img", {"And": {"Prefix": "/img/*.jpg", "Tags": tags}})])
	some f in fs
	f.msg == `Bucket src: rule "img" has prefix "/img/*.jpg", which starts with "/" and contains "*" (prefixes are literal, not wildcards): it likely selects no object (suggested prefix "img/")`
	f.documents["replication.json"].Rules == [rule("img", {"And": {"Prefix": "img/", "Tags": tags}})]
}

test_deny_v1_prefix_and_hostile_value_quoted if {
	v1 := {"ID": "old", "Prefix": "*; rm -rf ~", "Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}
	some f in crr_017.deny with input as doc([v1])
	f.documents["replication.json"].Rules == [object.union(v1, {"Prefix": ""})]
	f.commands[0] == "aws s3api list-objects-v2 --bucket src --prefix '' --max-keys 1 --region eu-west-1"
}

test_allow_plain_prefixes if {
	count(crr_017.deny) == 0 with input as doc([rule("a", {"Prefix": "logs/"}), rule("b", {}), rule("c", {"Prefix": ""}), rule("d", {"Tag": {"Key": "*", "Value": "/"}})])
	crr_017.applies with input as doc([rule("a", {"Prefix": "logs/"})])
}

# listed is doc(rules) with the scan's listing of the bucket's rule prefixes.
listed(rules, has_objects) := object.union(doc(rules), {"bucket": {"PrefixHasObjects": has_objects}})

test_deny_prefix_that_matches_nothing if {
	inp := listed([rule("logs", {"Prefix": "logs/"})], {"logs/": false})
	fs := crr_017.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "logs" has prefix "logs/", which matches no object in the bucket: it selects no object today (the right prefix is unknown: list the bucket's keys to find it)`
	f.evidence == {"Rule": {"ID": "logs", "Priority": 1, "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}, "Prefix": "logs/", "PrefixField": "Filter.Prefix", "PrefixHasObjects": false}
	f.rule_id == "logs"
	f.destination == "arn:aws:s3:::dst"
	# The right prefix is unknown: the bucket's top-level prefixes, then the
	# configuration as read, for the user to correct.
	f.commands == [
		"aws s3api list-objects-v2 --bucket src --delimiter / --max-items 100 --region eu-west-1",
		"aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1",
	]
	f.documents["replication.json"] == inp.bucket.ReplicationConfiguration
}

test_deny_and_prefix_that_matches_nothing_v1_too if {
	v1 := {"ID": "old", "Prefix": "old/", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}
	tags := [{"Key": "k", "Value": "v"}]
	fs := crr_017.deny with input as listed([v1, rule("img", {"And": {"Prefix": "img/", "Tags": tags}})], {"old/": false, "img/": false})
	{f.rule_id | some f in fs} == {"old", "img"}
}

test_deny_slash_that_matches_nothing_says_so if {
	fs := crr_017.deny with input as listed([rule("logs", {"Prefix": "/logs/"})], {"/logs/": false})
	some f in fs
	f.msg == `Bucket src: rule "logs" has prefix "/logs/", which starts with "/" and matches no object in the bucket: it selects no object (suggested prefix "logs/")`
	f.evidence.PrefixHasObjects == false
	f.commands[0] == "aws s3api list-objects-v2 --bucket src --prefix logs/ --max-keys 1 --region eu-west-1"
	f.documents["replication.json"].Rules == [rule("logs", {"Prefix": "logs/"})]
}

test_allow_prefix_with_objects if {
	# Objects under the prefix: it is written as the keys are, whatever its shape.
	inp := listed([rule("a", {"Prefix": "logs/"}), rule("b", {"Prefix": "/odd/*"})], {"logs/": true, "/odd/*": true})
	count(crr_017.deny) == 0 with input as inp
	crr_017.applies with input as inp
}

test_allow_unknown_listing if {
	# Not listed (an older snapshot, or a listing that failed): only the shape counts.
	count(crr_017.deny) == 0 with input as listed([rule("a", {"Prefix": "logs/"})], {"other/": false})
	count(crr_017.deny) == 0 with input as doc([rule("a", {"Prefix": "logs/"})])
	failed := object.union(doc([rule("a", {"Prefix": "logs/"})]), {"errors": [{
		"Operation": "ListObjectsV2", "Code": "AccessDenied", "Message": "prefix \"logs/\": Access Denied",
		"Resource": "arn:aws:s3:::src", "Component": "objects",
	}]})
	count(crr_017.deny) == 0 with input as failed
	crr_017.applies with input as failed
	some f in crr_017.deny with input as object.union(failed, {"bucket": {"ReplicationConfiguration": {"Role": role, "Rules": [rule("a", {"Prefix": "/logs/"})]}}})
	not "PrefixHasObjects" in object.keys(f.evidence)
}

test_allow_unknown_configuration if {
	unknown := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_017.deny) == 0 with input as unknown
	not crr_017.applies with input as unknown
}
