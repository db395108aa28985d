package crr.checks.crr_082_test

import data.crr.checks.crr_082

# Live replication gives each new version it covers a status; versions written
# before the rule carry none and need S3 Batch Replication
# (replication-status; replication.html "When to use S3 Batch Replication").

counts(id, none, tagged) := {
	"RuleId": id, "Destination": "arn:aws:s3:::dst", "Prefix": "", "TagFiltered": tagged, "RTC": false,
	"PendingThresholdMinutes": 60, "Versions": none + 2, "Completed": 2, "Pending": 0,
	"PendingOverThreshold": 0, "Failed": 0, "Replica": 0, "None": none,
}

doc(rules, role) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": []},
		"Verification": {"Objects": {
			"Source": "inventory", "Listed": 9, "Headed": 0, "Truncated": false, "Rules": rules,
			"Inventory": {"ConfigurationId": "inv", "CreatedAt": "2026-12-06T00:00:00Z", "AgeHours": 5.5, "Stale": false},
		}},
	},
	"role": role, "destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": {},
}

role := {"Arn": "arn:aws:iam::111122223333:role/crr", "AssumeRolePolicyDocument": {
	"Version": "2012-10-17",
	"Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}}

test_deny_existing_objects_with_batch_replication if {
	fs := crr_082.deny with input as doc([counts("all", 7, false)], role)
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: 7 of 9 object versions under rule "all" carry no replication status: they existed before the rule and were never replicated (S3 Inventory "inv" of 2026-12-06T00:00:00Z (5.5 hours old))`
	job := f.documents["batch-replication-job.json"]
	job.ManifestGenerator.S3JobManifestGenerator.Filter == {"EligibleForReplication": true, "ObjectReplicationStatuses": ["NONE"]}
	job.Report.Bucket == "arn:aws:s3:::src"
	job.AccountId == "111122223333"
	# The role keeps its S3 statement and gains S3 Batch Operations.
	trust := f.documents["batch-trust-policy.json"]
	count(trust.Statement) == 2
	trust.Statement[0].Principal.Service == "s3.amazonaws.com"
	trust.Statement[1].Principal.Service == "batchoperations.s3.amazonaws.com"
	some st in f.documents["batch-replication-policy.json"].Statement
	st.Action == ["s3:InitiateReplication"]
	st.Resource == ["arn:aws:s3:::src/*"]
}

test_allow_tag_filtered_or_all_replicated if {
	inp := doc([counts("tagged", 7, true), counts("done", 0, false)], role)
	count(crr_082.deny) == 0 with input as inp
	crr_082.applies with input as inp
}
