package crr.checks.crr_080_test

import data.crr.checks.crr_080

# Statuses as S3 reports them (x-amz-replication-status, the inventory's
# ReplicationStatus): FAILED is final for live replication.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-status.html

counts(id, failed, completed) := {
	"RuleId": id, "Destination": "arn:aws:s3:::dst", "Prefix": "logs/", "TagFiltered": false, "RTC": false,
	"PendingThresholdMinutes": 60, "Versions": failed + completed, "Completed": completed, "Pending": 0,
	"PendingOverThreshold": 0, "Failed": failed, "Replica": 0, "None": 0,
	"Samples": {"FAILED": [{"Key": "logs/a", "VersionId": "v1"}]},
}

doc(rules, source) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/service-role/crr", "Rules": []},
		"Verification": {"Objects": object.union({"Source": "sample", "Listed": 10, "Headed": 4, "Truncated": false, "Rules": rules}, source)},
	},
	"role": null, "destinations": {}, "errors": [], "facts": {"in_scope": true}, "settings": {},
}

test_deny_failed_versions_with_batch_job if {
	fs := crr_080.deny with input as doc([counts("r1", 3, 1), counts("quiet", 0, 5)], {})
	count(fs) == 1
	some f in fs
	f.msg == `Bucket src: 3 of 4 object versions under rule "r1" report replication status FAILED (a sample of 10 listed versions, 4 read with HeadObject)`
	f.rule_id == "r1"
	f.destination == "arn:aws:s3:::dst"
	f.evidence.Samples.FAILED[0].Key == "logs/a"
	job := f.documents["batch-replication-job.json"]
	job.Operation == {"S3ReplicateObject": {}}
	job.RoleArn == "arn:aws:iam::111122223333:role/service-role/crr"
	job.ManifestGenerator.S3JobManifestGenerator.Filter == {
		"EligibleForReplication": true, "ObjectReplicationStatuses": ["FAILED"],
		"KeyNameConstraint": {"MatchAnyPrefix": ["logs/"]},
	}
	f.commands[0] == "aws iam update-assume-role-policy --role-name crr --policy-document file://batch-trust-policy.json"
	f.commands[2] == "aws s3control create-job --region eu-west-1 --cli-input-json file://batch-replication-job.json"
	# S3 Batch Operations must be able to assume the role (s3-batch-replication-policies).
	some st in f.documents["batch-trust-policy.json"].Statement
	st.Principal.Service == "batchoperations.s3.amazonaws.com"
}

test_deny_names_stale_inventory_and_unnamed_rule if {
	inv := {"Source": "inventory", "Inventory": {"ConfigurationId": "daily", "CreatedAt": "2026-12-01T00:00:00Z", "AgeHours": 144, "Stale": true}}
	some f in crr_080.deny with input as doc([counts("#2", 1, 0)], inv)
	contains(f.msg, `under rule #2 report`)
	contains(f.msg, `S3 Inventory "daily" of 2026-12-01T00:00:00Z (144 hours old, stale`)
	f.rule_id == ""
	f.key == "rule #2"
}

test_allow_all_completed if {
	inp := doc([counts("r1", 0, 7)], {})
	count(crr_080.deny) == 0 with input as inp
	crr_080.applies with input as inp
}

test_allow_not_verified if {
	inp := object.union(doc([], {}), {"bucket": {"Verification": null}})
	count(crr_080.deny) == 0 with input as inp
	not crr_080.applies with input as inp
}
