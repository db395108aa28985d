package crr.checks.crr_001_test

import data.crr.checks.crr_001

# PutBucketVersioning's request: Bucket and VersioningConfiguration.Status
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html).
test_deny_actions_enable_versioning_irreversibly if {
	i := doc(bucket({"Status": ""}, null), true)
	some f in crr_001.deny with input as i
	acts := crr_001.remediation_actions(f) with input as i
	acts == [{
		"op": "s3:PutBucketVersioning", "account_id": "111122223333", "region": "eu-west-1", "target": "arn:aws:s3:::src",
		"params": {"Bucket": "src", "VersioningConfiguration": {"Status": "Enabled"}}, "class": "irreversible", "document": "",
	}]
}

test_allow_actions_no_finding_when_enabled if {
	count(crr_001.deny) == 0 with input as doc(bucket({"Status": "Enabled"}, null), true)
}
