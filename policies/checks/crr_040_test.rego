package crr.checks.crr_040_test

import data.crr.checks.crr_040

role := "arn:aws:iam::111122223333:role/crr"

rtc := {
	"ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
	"Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
}

rule(id, extra) := {
	"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": object.union({"Bucket": "arn:aws:s3:::dst", "StorageClass": "STANDARD_IA"}, extra),
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

required := {"requirements": {"rtc": true}}

test_deny_rule_without_rtc if {
	inp := doc([rule("fast", rtc), rule("slow", {})], required)
	fs := crr_040.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "slow" replicates to dst without Replication Time Control (no ReplicationTime); settings require RTC`
	f.rule_id == "slow"
	f.destination == "arn:aws:s3:::dst"
	f.documents["replication.json"] == {"Role": role, "Rules": [rule("fast", rtc), rule("slow", rtc)]}
	contains(f.terraform, "      replication_time {\n        status = \"Enabled\"\n        time {\n          minutes = 15\n        }\n      }")
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region us-east-1"]
	crr_040.applies with input as inp
}

test_deny_rtc_disabled if {
	off := {"ReplicationTime": {"Status": "Disabled", "Time": {"Minutes": 15}}, "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}
	some f in crr_040.deny with input as doc([rule("r", off)], required)
	contains(f.msg, "(ReplicationTime Disabled, 15 minutes)")
	f.documents["replication.json"].Rules == [rule("r", rtc)]
}

test_deny_v1_rule_is_rewritten_as_v2 if {
	v1 := {"ID": "old", "Prefix": "logs/", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}
	some f in crr_040.deny with input as doc([v1], required)
	r := f.documents["replication.json"].Rules[0]
	r.Filter == {"Prefix": "logs/"}
	r.Priority == 1
	r.Destination == object.union({"Bucket": "arn:aws:s3:::dst"}, rtc)
}

test_allow_rtc_enabled if {
	inp := doc([rule("fast", rtc)], required)
	count(crr_040.deny) == 0 with input as inp
	crr_040.applies with input as inp
	off := object.union(rule("paused", {}), {"Status": "Disabled"})
	count(crr_040.deny) == 0 with input as doc([rule("fast", rtc), off], required)
}

test_allow_without_the_setting if {
	inp := doc([rule("slow", {})], {})
	count(crr_040.deny) == 0 with input as inp
	not crr_040.applies with input as inp
	count(crr_040.deny) == 0 with input as doc([rule("slow", {})], {"requirements": {"rtc": false}})
}

test_allow_unknown_configuration if {
	unknown := object.union(doc([], required), {"bucket": {"ReplicationConfiguration": null}})
	not crr_040.applies with input as unknown
	unreadable := object.union(unknown, {"errors": [{"Operation": "GetBucketReplication", "Code": "AccessDenied", "Resource": "arn:aws:s3:::src", "Component": "replication"}]})
	crr_040.applies with input as unreadable
	count(crr_040.deny) == 0 with input as unreadable
}
