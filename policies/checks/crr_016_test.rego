package crr.checks.crr_016_test

import data.crr.checks.crr_016

role := "arn:aws:iam::111122223333:role/crr"

rule(id, prio, filter, dest) := {
	"ID": id, "Priority": prio, "Status": "Enabled", "Filter": filter,
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": dest},
}

dst := "arn:aws:s3:::dst"

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

test_deny_equal_priorities_overlapping_prefixes if {
	a := rule("all", 1, {"Prefix": ""}, dst)
	b := rule("logs", 1, {"Prefix": "logs/"}, dst)
	fs := crr_016.deny with input as doc([a, b])
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rules "all" (prefix "") and "logs" (prefix "logs/") both replicate objects under "logs/" to dst with the same priority 1: which rule applies to an object is ambiguous`
	f.destination == dst
	f.rule_id == "logs"
	f.key == `"all" & "logs"`
	f.documents["replication.json"] == {"Role": role, "Rules": [a, rule("logs", 2, {"Prefix": "logs/"}, dst)]}
	contains(f.terraform, "    priority = 2\n")
}

test_deny_missing_priorities_of_v1_rules if {
	a := {"ID": "a", "Prefix": "", "Status": "Enabled", "Destination": {"Bucket": dst}}
	b := {"ID": "b", "Prefix": "x/", "Status": "Enabled", "Destination": {"Bucket": dst}}
	fs := crr_016.deny with input as doc([a, b])
	count(fs) == 1
	some f in fs
	contains(f.msg, "with no priority")
	rules := f.documents["replication.json"].Rules
	rules[0].Priority == 1
	rules[1].Priority == 3
	rules[1].Filter == {"Prefix": "x/"}
}

test_deny_tags_that_do_not_contradict if {
	a := rule("t1", 3, {"Tag": {"Key": "team", "Value": "a"}}, dst)
	b := rule("t2", 3, {"And": {"Prefix": "x/", "Tags": [{"Key": "env", "Value": "prod"}]}}, dst)
	some f in crr_016.deny with input as doc([a, b])
	contains(f.msg, `rules "t1" (prefix "", tags team=a) and "t2" (prefix "x/", tags env=prod) both replicate objects under "x/"`)
}

test_deny_one_finding_per_pair if {
	fs := crr_016.deny with input as doc([rule("a", 1, {}, dst), rule("b", 1, {}, dst), rule("c", 1, {}, dst)])
	{f.key | some f in fs} == {`"a" & "b"`, `"a" & "c"`, `"b" & "c"`}
}

test_allow_distinct_priorities if {
	count(crr_016.deny) == 0 with input as doc([rule("all", 1, {"Prefix": ""}, dst), rule("logs", 2, {"Prefix": "logs/"}, dst)])
	crr_016.applies with input as doc([rule("all", 1, {}, dst)])
}

test_allow_other_destinations_disjoint_filters_and_disabled_rules if {
	count(crr_016.deny) == 0 with input as doc([rule("a", 1, {}, dst), rule("b", 1, {}, "arn:aws:s3:::other")])
	count(crr_016.deny) == 0 with input as doc([rule("a", 1, {"Prefix": "img/"}, dst), rule("b", 1, {"Prefix": "logs/"}, dst)])
	count(crr_016.deny) == 0 with input as doc([rule("a", 1, {"Tag": {"Key": "k", "Value": "1"}}, dst), rule("b", 1, {"Tag": {"Key": "k", "Value": "2"}}, dst)])
	off := object.union(rule("b", 1, {}, dst), {"Status": "Disabled"})
	count(crr_016.deny) == 0 with input as doc([rule("a", 1, {}, dst), off])
}

test_allow_unknown_configuration if {
	unknown := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_016.deny) == 0 with input as unknown
	not crr_016.applies with input as unknown
}
