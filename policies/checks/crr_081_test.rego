package crr.checks.crr_081_test

import data.crr.checks.crr_081

# S3 keeps a version PENDING while it retries; RTC replicates 99.99 % of objects
# within 15 minutes (replication-status, replication-time-control).

counts(pending, over, minutes) := {
	"RuleId": "fast", "Destination": "arn:aws:s3:::dst", "Prefix": "", "TagFiltered": false, "RTC": minutes == 15,
	"PendingThresholdMinutes": minutes, "Versions": pending + 1, "Completed": 1, "Pending": pending,
	"PendingOverThreshold": over, "Failed": 0, "Replica": 0, "None": 0,
}

doc(rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": []},
		"Verification": {"Objects": {"Source": "sample", "Listed": 5, "Headed": 5, "Truncated": false, "Rules": rules}},
	},
	"role": null, "destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": {},
}

test_deny_pending_over_threshold if {
	fs := crr_081.deny with input as doc([counts(4, 2, 15)])
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: 2 object versions under rule "fast" have been PENDING for more than 15 minutes (a sample of 5 listed versions, 5 read with HeadObject)`
	f.rule_id == "fast"
}

test_allow_recent_pending if {
	# PENDING, but not for longer than the threshold: replication may be under way.
	inp := doc([counts(4, 0, 60)])
	count(crr_081.deny) == 0 with input as inp
	crr_081.applies with input as inp
}
