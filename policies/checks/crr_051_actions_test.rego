package crr.checks.crr_051_test

import data.crr.checks.crr_051

# PutBucketOwnershipControls (Bucket, OwnershipControls): ACLs stop applying, narrowing.
test_deny_actions_ownership_is_narrowing if {
	i := inp([rule("to-dr", {})], destination("444455556666", owned("ObjectWriter")))
	f := only(crr_051.deny) with input as i
	[a] := crr_051.remediation_actions(f) with input as i
	a.op == "s3:PutBucketOwnershipControls"
	a.account_id == "444455556666"
	a.params == {"Bucket": "dst", "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}
	a.class == "narrowing"
}

test_allow_actions_no_finding_when_enforced if {
	count(crr_051.deny) == 0 with input as inp([rule("to-dr", {})], destination("444455556666", owned("BucketOwnerEnforced")))
}
