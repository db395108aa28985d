package crr.checks.crr_050_test

import data.crr.checks.crr_050

# PutBucketPolicy (Bucket, Policy) in the destination's account:
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
test_deny_actions_destination_policy_in_its_account if {
	i := inp(role, [rule], destination("444455556666", {"Document": null}))
	f := only(crr_050.deny) with input as i
	[a] := crr_050.remediation_actions(f) with input as i
	a.op == "s3:PutBucketPolicy"
	a.account_id == "444455556666"
	a.target == "arn:aws:s3:::dst"
	a.params == {"Bucket": "dst", "Policy": guide_destination_policy}
	a.class == "additive"
}

test_allow_actions_no_finding_with_the_grant if {
	count(crr_050.deny) == 0 with input as inp(role, [rule], destination("444455556666", {"Document": guide_destination_policy}))
}
