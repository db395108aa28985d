package crr.checks.crr_015_test

import data.crr.checks.crr_015

role := "arn:aws:iam::111122223333:role/crr"

v1(id, prefix, dest) := {"ID": id, "Prefix": prefix, "Status": "Enabled", "Destination": {"Bucket": dest, "StorageClass": "STANDARD_IA"}}

v2(id, prio) := {
	"ID": id, "Priority": prio, "Status": "Enabled", "Filter": {"Prefix": ""},
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

test_deny_v1_rule if {
	r := v1("legacy", "docs/", "arn:aws:s3:::dst")
	fs := crr_015.deny with input as doc([r])
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "legacy" uses the legacy V1 schema (Prefix "docs/" on the rule, no Filter): no priority, tag filter, RTC or delete-marker control`
	f.rule_id == "legacy"
	f.destination == "arn:aws:s3:::dst"
	f.documents["replication.json"] == {"Role": role, "Rules": [{
		"ID": "legacy", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "docs/"},
		"DeleteMarkerReplication": {"Status": "Enabled"},
		"Destination": {"Bucket": "arn:aws:s3:::dst", "StorageClass": "STANDARD_IA"},
	}]}
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"]
	contains(f.terraform, "    filter {\n      prefix = \"docs/\"\n    }")
}

test_deny_every_v1_rule_converted_together if {
	a := v1("a", "img/", "arn:aws:s3:::dst")
	b := object.remove(v1("", "logs/", "arn:aws:s3:::dst"), ["ID", "Prefix"])
	fs := crr_015.deny with input as doc([a, b])
	count(fs) == 2
	some f in fs
	f.key == "rule #2"
	contains(f.msg, `rule #2 uses the legacy V1 schema (Prefix "" on the rule`)
	rules := f.documents["replication.json"].Rules
	[r.Priority | some r in rules] == [1, 2]
	[r.Filter | some r in rules] == [{"Prefix": "img/"}, {"Prefix": ""}]
}

test_deny_mixed_configuration_keeps_v2_rules if {
	fs := crr_015.deny with input as doc([v2("new", 5), v1("old", "", "arn:aws:s3:::dst")])
	count(fs) == 1
	some f in fs
	rules := f.documents["replication.json"].Rules
	rules[0] == v2("new", 5)
	rules[1].Priority == 7
}

test_allow_v2_rules if {
	count(crr_015.deny) == 0 with input as doc([v2("a", 1), object.union(v2("b", 2), {"Filter": {}})])
	crr_015.applies with input as doc([v2("a", 1)])
}

test_allow_unknown_configuration if {
	unknown := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_015.deny) == 0 with input as unknown
	not crr_015.applies with input as unknown
}
