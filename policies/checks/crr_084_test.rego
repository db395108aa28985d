package crr.checks.crr_084_test

import data.crr.checks.crr_084

# "If replication never runs ... no metrics are emitted": the absence of data
# points is not proof of health (repl-metrics).

region(name, points) := {"Region": name, "DataPoints": points}

doc(rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": []},
		"Verification": {"Metrics": {"WindowHours": 24, "From": "2026-12-06T00:00:00Z", "To": "2026-12-07T00:00:00Z", "Rules": rules}},
	},
	"role": null, "destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": {},
}

test_deny_no_data_anywhere if {
	fs := crr_084.deny with input as doc([{"RuleId": "r1", "Destination": "arn:aws:s3:::dst", "RTC": false, "Regions": [region("us-east-1", 0), region("eu-west-1", 0)]}])
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: rule "r1" publishes replication metrics but CloudWatch has no data point for it in us-east-1, eu-west-1 over the last 24 hours: replication health unknown`
}

test_allow_data_in_one_region if {
	inp := doc([{"RuleId": "r1", "Destination": "arn:aws:s3:::dst", "RTC": false, "Regions": [region("us-east-1", 0), region("eu-west-1", 12)]}])
	count(crr_084.deny) == 0 with input as inp
	crr_084.applies with input as inp
}
