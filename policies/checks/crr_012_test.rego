package crr.checks.crr_012_test

import data.crr.checks.crr_012

rule(id, status, dest) := {
	"ID": id, "Priority": 1, "Status": status, "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": dest},
}

doc(rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": {},
}

test_deny_disabled_rule_beside_an_enabled_one if {
	a := rule("eu", "Enabled", "arn:aws:s3:::dst-eu")
	b := rule("ap", "Disabled", "arn:aws:s3:::dst-ap")
	fs := crr_012.deny with input as doc([a, b])
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: replication rule "ap" to dst-ap is Disabled while 1 other rule(s) replicate; the objects it selects are not replicated`
	f.rule_id == "ap"
	f.destination == "arn:aws:s3:::dst-ap"
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region us-east-1"]
	f.documents["replication.json"] == {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": [a, rule("ap", "Enabled", "arn:aws:s3:::dst-ap")]}
	contains(f.terraform, `resource "aws_s3_bucket_replication_configuration" "src" {`)
	crr_012.applies with input as doc([a, b])
}

test_deny_one_finding_per_disabled_rule_even_without_ids if {
	a := rule("eu", "Enabled", "arn:aws:s3:::dst-eu")
	b := object.remove(rule("", "Disabled", "arn:aws:s3:::dst-ap"), ["ID"])
	c := rule("us", "Disabled", "arn:aws:s3:::dst-us")
	fs := crr_012.deny with input as doc([a, b, c])
	count(fs) == 2
	{f.key | some f in fs} == {"rule #2", ""}
}

test_allow_every_rule_enabled if {
	count(crr_012.deny) == 0 with input as doc([rule("a", "Enabled", "arn:aws:s3:::d"), rule("b", "Enabled", "arn:aws:s3:::e")])
	crr_012.applies with input as doc([rule("a", "Enabled", "arn:aws:s3:::d")])
}

test_allow_every_rule_disabled_is_crr_011 if {
	count(crr_012.deny) == 0 with input as doc([rule("a", "Disabled", "arn:aws:s3:::d"), rule("b", "Disabled", "arn:aws:s3:::e")])
}

test_allow_unknown_configuration if {
	no_config := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_012.deny) == 0 with input as no_config
	not crr_012.applies with input as no_config
	unknown_rules := object.union(doc([]), {"bucket": {"ReplicationConfiguration": {"Rules": null}}})
	not crr_012.applies with input as unknown_rules
	unreadable := object.union(no_config, {"errors": [{"Operation": "GetBucketReplication", "Code": "AccessDenied", "Resource": "arn:aws:s3:::src", "Component": "replication"}]})
	crr_012.applies with input as unreadable
	count(crr_012.deny) == 0 with input as unreadable
}
