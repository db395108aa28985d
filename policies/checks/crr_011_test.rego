package crr.checks.crr_011_test

import data.crr.checks.crr_011

rule(id, status) := {
	"ID": id, "Priority": 1, "Status": status, "Filter": {"Prefix": "logs/"},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": "arn:aws:s3:::dst", "StorageClass": "STANDARD_IA"},
}

doc(rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules},
	},
	"destinations": {},
	"errors": [],
	"facts": {"in_scope": true},
}

test_deny_every_rule_disabled if {
	fs := crr_011.deny with input as doc([rule("a", "Disabled"), object.remove(rule("", "Disabled"), ["ID"])])
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src has a replication configuration but no enabled rule (rule "a", #2 disabled): replication is paused`
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"]
	cfg := f.documents["replication.json"]
	cfg.Role == "arn:aws:iam::111122223333:role/crr"
	cfg.Rules[0] == rule("a", "Enabled")
	cfg.Rules[1].Status == "Enabled"
	f.evidence.Rules[0] == {"ID": "a", "Priority": 1, "Status": "Disabled", "Destination": {"Bucket": "arn:aws:s3:::dst", "StorageClass": "STANDARD_IA"}}
}

test_deny_no_rules if {
	some f in crr_011.deny with input as doc([])
	contains(f.msg, "(it has no rules)")
}

test_allow_one_rule_enabled if {
	count(crr_011.deny) == 0 with input as doc([rule("a", "Disabled"), rule("b", "Enabled")])
	crr_011.applies with input as doc([rule("a", "Enabled")])
}

test_allow_no_configuration_or_unknown_rules if {
	no_config := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_011.deny) == 0 with input as no_config
	not crr_011.applies with input as no_config
	unknown_rules := object.union(doc([]), {"bucket": {"ReplicationConfiguration": {"Rules": null}}})
	count(crr_011.deny) == 0 with input as unknown_rules
	not crr_011.applies with input as unknown_rules
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}, "errors": [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]})
	count(crr_011.deny) == 0 with input as inp
	crr_011.applies with input as inp
}
