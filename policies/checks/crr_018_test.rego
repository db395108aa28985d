package crr.checks.crr_018_test

import data.crr.checks.crr_018

# Expected verdicts from AWS's documentation of PutBucketReplication's schema (each
# test names its page); S3 refuses these configurations, so a snapshot holding one came
# from another tool or from infrastructure code.

role := "arn:aws:iam::111122223333:role/crr"

base := {
	"ID": "r", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "a/"},
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Destination": {"Bucket": "arn:aws:s3:::dst"},
}

# v2 is base with the fields of extra replaced (not merged).
v2(extra) := object.union(object.remove(base, object.keys(extra)), extra)

doc(rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"ReplicationConfiguration": {"Role": role, "Rules": rules},
	},
	"destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": {},
}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteMarkerReplication.html
test_deny_tag_filter_with_delete_marker_replication_enabled if {
	r := v2({"Filter": {"Tag": {"Key": "dr", "Value": "yes"}}, "DeleteMarkerReplication": {"Status": "Enabled"}})
	f := only(crr_018.deny) with input as doc([r])
	contains(f.msg, `Bucket src: rule "r" would be refused by S3 (PutBucketReplication): a rule whose Filter contains a Tag must have DeleteMarkerReplication Disabled`)
	f.rule_id == "r"
	f.evidence.Problems[0].Code == "tag-filter-with-delete-markers"
	f.documents["replication.json"].Rules[0].DeleteMarkerReplication == {"Status": "Disabled"}
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"]
}

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_Destination.html (ReplicationTime)
test_deny_rtc_without_metrics if {
	r := v2({"Destination": {"Bucket": "arn:aws:s3:::dst", "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}}})
	f := only(crr_018.deny) with input as doc([r])
	contains(f.msg, "Must be specified together with a Metrics block")
	f.documents["replication.json"].Rules[0].Destination.Metrics == {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
}

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationTimeValue.html
test_deny_minutes_other_than_15 if {
	r := v2({"Destination": {"Bucket": "arn:aws:s3:::dst", "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 30}}, "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}})
	f := only(crr_018.deny) with input as doc([r])
	contains(f.msg, "ReplicationTime.Time.Minutes is 30 minutes")
	f.documents["replication.json"].Rules[0].Destination.ReplicationTime.Time.Minutes == 15
}

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-marker-replication.html
test_deny_delete_marker_replication_on_a_v1_rule if {
	r := {"ID": "old", "Prefix": "logs/", "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}
	f := only(crr_018.deny) with input as doc([r])
	contains(f.msg, "DeleteMarkerReplication cannot be used for this version")
	not f.documents["replication.json"].Rules[0].DeleteMarkerReplication
}

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_SourceSelectionCriteria.html
test_deny_replica_modifications_on_a_v1_rule if {
	r := {"ID": "old", "Prefix": "", "Status": "Enabled", "SourceSelectionCriteria": {"ReplicaModifications": {"Status": "Enabled"}}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}
	f := only(crr_018.deny) with input as doc([r])
	contains(f.msg, "In the earlier version, this element is not allowed")
}

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html
test_deny_v2_rule_without_priority_and_delete_marker_replication if {
	r := object.remove(v2({}), ["Priority", "DeleteMarkerReplication"])
	f := only(crr_018.deny) with input as doc([r])
	count(f.evidence.Problems) == 2
	fixed := f.documents["replication.json"].Rules[0]
	fixed.Priority == 1
	fixed.DeleteMarkerReplication == {"Status": "Disabled"}
}

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationRuleFilter.html
test_deny_filter_with_prefix_and_tag if {
	r := v2({"Filter": {"Prefix": "a/", "Tag": {"Key": "k", "Value": "v"}}})
	f := only(crr_018.deny) with input as doc([r])
	contains(f.msg, "its Filter holds Prefix and Tag together")
	f.documents["replication.json"].Rules[0].Filter == {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}}
}

# https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html (1,000 rules)
test_deny_more_than_1000_rules if {
	rules := [v2({"ID": sprintf("r%d", [i]), "Priority": i}) | some i in numbers.range(1, 1001)]
	some f in crr_018.deny with input as doc(rules)
	f.msg == "Bucket src: the replication configuration has 1001 rules; S3 accepts at most 1,000"
}

# What S3 accepts (and returns from GetBucketReplication) stays quiet.
test_allow_accepted_configurations if {
	every rules in [
		[v2({})],
		[v2({"Filter": {}})],
		[v2({"Filter": {"Tag": {"Key": "dr", "Value": "yes"}}})],
		[v2({"Filter": {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}}, "DeleteMarkerReplication": {"Status": "Disabled"}})],
		[v2({"Destination": {"Bucket": "arn:aws:s3:::dst", "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}}, "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}})],
		[v2({"Destination": {"Bucket": "arn:aws:s3:::dst", "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}}})],
		[{"ID": "old", "Prefix": "logs/", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::dst"}}],
	] {
		count(crr_018.deny) == 0 with input as doc(rules)
		crr_018.applies with input as doc(rules)
	}
}

test_allow_unknown_configuration if {
	inp := object.union(doc([]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_018.deny) == 0 with input as inp
}
