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

test_allow_unknown_configuration if {
	unknown := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_017.deny) == 0 with input as unknown
	not crr_017.applies with input as unknown
}
