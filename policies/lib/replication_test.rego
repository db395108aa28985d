package crr.lib.replication_test

import data.crr.lib.replication as repl

v1_rule := {"ID": "legacy", "Prefix": "", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst-a"}}

v2_rule := {
	"ID": "all", "Priority": 1, "Filter": {}, "Status": "Disabled",
	"DeleteMarkerReplication": {"Status": "Enabled"},
	"Destination": {"Bucket": "arn:aws:s3:::dst-b"},
}

no_id_rule := {"Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Destination": {"Bucket": "arn:aws:s3:::dst-a"}}

with_rules(rules) := {"bucket": {"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": rules}}}

test_v1_v2 if {
	repl.v1(v1_rule)
	not repl.v2(v1_rule)
	repl.v2(v2_rule)
	repl.v2(object.union(v1_rule, {"Filter": {}}))
	not repl.v1(v2_rule)
}

test_no_config if {
	not repl.has_config with input as {"bucket": {"ReplicationConfiguration": null}}
	not repl.has_config with input as {"bucket": {}}
	repl.rules == [] with input as {"bucket": {"ReplicationConfiguration": null}}
	repl.destination_arns == set() with input as {"bucket": {}}
}

test_rules_unknown_when_not_a_list if {
	repl.has_config with input as {"bucket": {"ReplicationConfiguration": {"Rules": null}}}
	not repl.rules_known with input as {"bucket": {"ReplicationConfiguration": {"Rules": null}}}
	repl.rules == [] with input as {"bucket": {"ReplicationConfiguration": {"Rules": null}}}
}

test_enabled_rules_and_destinations if {
	rules := [v1_rule, v2_rule, no_id_rule]
	repl.enabled_rules == [v1_rule, no_id_rule] with input as with_rules(rules)
	repl.destination_arns == {"arn:aws:s3:::dst-a", "arn:aws:s3:::dst-b"} with input as with_rules(rules)
	repl.enabled_destination_arns == {"arn:aws:s3:::dst-a"} with input as with_rules(rules)
}

test_rules_to_and_labels if {
	rules := [v1_rule, v2_rule, no_id_rule]
	repl.rule_labels("arn:aws:s3:::dst-a", true) == `"legacy", #3` with input as with_rules(rules)
	repl.rule_labels("arn:aws:s3:::dst-b", true) == "" with input as with_rules(rules)
	repl.rule_labels("arn:aws:s3:::dst-b", false) == `"all"` with input as with_rules(rules)
	repl.rules_to("arn:aws:s3:::dst-b", false) == [{
		"ID": "all", "Priority": 1, "Status": "Disabled",
		"Destination": {"Bucket": "arn:aws:s3:::dst-b"},
	}] with input as with_rules(rules)
}

test_destination_name_and_region if {
	inp := {"destinations": {"arn:aws:s3:::dst-a": {"Name": "dst-a", "Region": "EU"}}}
	repl.destination_name("arn:aws:s3:::dst-a") == "dst-a" with input as inp
	repl.destination_name("arn:aws:s3:::dst-z") == "dst-z" with input as inp
	repl.destination_region("arn:aws:s3:::dst-a") == "eu-west-1" with input as inp
	repl.destination_region("arn:aws:s3:::dst-z") == "" with input as inp
}

test_bucket_region if {
	repl.bucket_region == "us-east-1" with input as {"bucket": {"Region": "us-east-1"}}
	repl.bucket_region == "" with input as {"bucket": {"Region": ""}}
	repl.bucket_region == "" with input as {"bucket": {}}
}
