package crr.checks.crr_041_test

import data.crr.checks.crr_041

role := "arn:aws:iam::111122223333:role/crr"

rtc_on := {"Status": "Enabled", "Time": {"Minutes": 15}}

metrics_on := {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}

rule(id, dest) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": object.union({"Bucket": "arn:aws:s3:::dst"}, dest),
}

doc(rules, settings) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": {},
	"errors": [],
	"facts": {"in_scope": true},
	"settings": settings,
}

test_deny_rtc_without_metrics if {
	inp := doc([rule("fast", {"ReplicationTime": rtc_on})], {})
	fs := crr_041.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "fast" has Replication Time Control enabled but no replication metrics`
	f.rule_id == "fast"
	f.destination == "arn:aws:s3:::dst"
	f.documents["replication.json"].Rules == [rule("fast", {"ReplicationTime": rtc_on, "Metrics": metrics_on})]
	contains(f.terraform, "      metrics {\n        status = \"Enabled\"\n        event_threshold {\n          minutes = 15\n        }\n      }")
	crr_041.applies with input as inp
}

test_deny_metrics_disabled_or_wrong_threshold if {
	off := rule("a", {"ReplicationTime": rtc_on, "Metrics": {"Status": "Disabled"}})
	some f in crr_041.deny with input as doc([off], {})
	endswith(f.msg, "but replication metrics are Disabled")
	f.documents["replication.json"].Rules[0].Destination.Metrics == metrics_on
	thirty := rule("b", {"ReplicationTime": rtc_on, "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 30}}})
	some g in crr_041.deny with input as doc([thirty], {})
	endswith(g.msg, "but the metrics EventThreshold is 30 minutes, not 15")
	none := rule("c", {"ReplicationTime": rtc_on, "Metrics": {"Status": "Enabled"}})
	some h in crr_041.deny with input as doc([none], {"requirements": {"rtc": true}})
	endswith(h.msg, "but the metrics have no EventThreshold (15 minutes)")
}

test_allow_rtc_with_metrics_or_no_rtc if {
	inp := doc([rule("fast", {"ReplicationTime": rtc_on, "Metrics": metrics_on}), rule("slow", {}), rule("metrics-only", {"Metrics": metrics_on})], {})
	count(crr_041.deny) == 0 with input as inp
	crr_041.applies with input as inp
	off := object.union(rule("paused", {"ReplicationTime": rtc_on}), {"Status": "Disabled"})
	count(crr_041.deny) == 0 with input as doc([off], {})
	rtc_off := rule("x", {"ReplicationTime": {"Status": "Disabled"}})
	count(crr_041.deny) == 0 with input as doc([rtc_off], {})
}

test_allow_unknown_configuration if {
	unknown := object.union(doc([], {}), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_041.deny) == 0 with input as unknown
	not crr_041.applies with input as unknown
}
