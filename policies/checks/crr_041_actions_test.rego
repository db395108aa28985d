package crr.checks.crr_041_test

import data.crr.checks.crr_041

# PutBucketReplication replaces the whole configuration: the action's request is the
# suggested document, every other rule kept
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html).
test_deny_actions_put_the_fixed_configuration if {
	i := doc([rule("fast", {"ReplicationTime": rtc_on})], {})
	some f in crr_041.deny with input as i
	[a] := crr_041.remediation_actions(f) with input as i
	a.op == "s3:PutBucketReplication"
	a.target == "arn:aws:s3:::src"
	a.params == {"Bucket": "src", "ReplicationConfiguration": f.documents["replication.json"]}
	a.class == "additive"
	a.document == "replication.json"
}

test_allow_actions_no_finding if {
	count(crr_041.deny) == 0 with input as doc([rule("fast", {"ReplicationTime": rtc_on, "Metrics": metrics_on})], {})
}
