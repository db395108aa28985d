package crr.lib.replication_rebuild_test

import data.crr.lib.replication as repl

role := "arn:aws:iam::111122223333:role/crr"

v1(id, p) := {"ID": id, "Prefix": p, "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::d"}}

v2(id, prio) := {
	"ID": id, "Priority": prio, "Filter": {"Prefix": ""}, "Status": "Enabled",
	"DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::d"},
}

with_rules(rules) := {"bucket": {"ReplicationConfiguration": {"Role": role, "Rules": rules}}}

test_set_field_replaces_nested_objects if {
	repl.set_field({"a": {"x": 1, "y": 2}, "b": 1}, "a", {"z": 3}) == {"a": {"z": 3}, "b": 1}
}

test_rule_id if {
	repl.rule_id(v2("a", 1)) == "a"
	repl.rule_id(object.remove(v2("a", 1), ["ID"])) == ""
	repl.rule_id(v2("", 1)) == ""
}

test_priorities if {
	repl.max_priority == 7 with input as with_rules([v2("a", 7), v2("b", 3), v1("c", "")])
	repl.max_priority == 0 with input as with_rules([v1("c", "")])
	repl.max_priority == 0 with input as with_rules([])
	repl.free_priority == 8 with input as with_rules([v2("a", 7), v2("b", 3)])
	repl.free_priority == 11 with input as with_rules([v2("a", 7), v2("b", 3), v1("c", "")])
}

test_to_v2 if {
	repl.to_v2(0, v2("a", 1)) == v2("a", 1)
	repl.to_v2(1, v1("c", "logs/")) == {
		"ID": "c", "Filter": {"Prefix": "logs/"}, "Priority": 2, "Status": "Enabled",
		"DeleteMarkerReplication": {"Status": "Enabled"}, "Destination": {"Bucket": "arn:aws:s3:::d"},
	} with input as with_rules([v1("b", "img/"), v1("c", "logs/")])
	repl.to_v2(0, object.remove(v1("c", ""), ["Prefix"])).Filter == {"Prefix": ""}
}

test_with_rule_keeps_every_other_rule_and_field if {
	inp := object.union(with_rules([v2("a", 1), v2("b", 2)]), {"bucket": {"ReplicationConfiguration": {"Extra": "kept"}}})
	fixed := object.union(v2("b", 2), {"Status": "Disabled"})
	repl.with_rule(1, fixed) == {"Role": role, "Extra": "kept", "Rules": [v2("a", 1), fixed]} with input as inp
}

test_with_rule_converts_the_other_v1_rules if {
	inp := with_rules([v1("a", "img/"), v1("b", "logs/")])
	cfg := repl.with_rule(1, repl.to_v2(1, v1("b", "logs/"))) with input as inp
	cfg.Rules[0].Filter == {"Prefix": "img/"}
	cfg.Rules[0].Priority == 1
	cfg.Rules[1].Filter == {"Prefix": "logs/"}
	cfg.Rules[1].Priority == 2
	not cfg.Rules[0].Prefix
	# A V1 rule kept V1 leaves the others alone.
	same := repl.with_rule(1, object.union(v1("b", "logs/"), {"Status": "Disabled"})) with input as inp
	same.Rules[0] == v1("a", "img/")
}

test_without_rules if {
	inp := with_rules([v2("a", 1), v2("b", 2), v2("c", 3)])
	repl.without_rules({0, 2}) == {"Role": role, "Rules": [v2("b", 2)]} with input as inp
	repl.without_rules({0, 1, 2}).Rules == [] with input as inp
}

test_destination_account if {
	inp := {
		"bucket": {"AccountId": "111122223333"},
		"destinations": {
			"arn:aws:s3:::mine": {"Arn": "arn:aws:s3:::mine", "AccountId": "111122223333"},
			"arn:aws:s3:::theirs": {"Arn": "arn:aws:s3:::theirs", "AccountId": "444455556666"},
			"arn:aws:s3:::unknown": {"Arn": "arn:aws:s3:::unknown", "AccountId": ""},
		},
	}
	explicit := {"Destination": {"Bucket": "arn:aws:s3:::mine", "Account": "999988887777"}}
	repl.destination_account(explicit) == "999988887777" with input as inp
	repl.cross_account(explicit) with input as inp
	repl.destination_account({"Destination": {"Bucket": "arn:aws:s3:::theirs"}}) == "444455556666" with input as inp
	repl.cross_account({"Destination": {"Bucket": "arn:aws:s3:::theirs"}}) with input as inp
	not repl.cross_account({"Destination": {"Bucket": "arn:aws:s3:::mine"}}) with input as inp
	not repl.destination_account({"Destination": {"Bucket": "arn:aws:s3:::unknown"}}) with input as inp
	not repl.destination_account({"Destination": {"Bucket": "arn:aws:s3:::absent", "Account": ""}}) with input as inp
	not repl.cross_account({"Destination": {"Bucket": "arn:aws:s3:::unknown"}}) with input as inp
	not repl.cross_account(explicit) with input as {"bucket": {"AccountId": ""}}
}
