package crr.checks.crr_061_test

import data.crr.checks.crr_061

test_deny_actions_replica_key_named if {
	i := doc([rule("docs", dst, "")], {dst: linked(dst, "dst", "us-east-1", {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": dst_key}}]})})
	some f in crr_061.deny with input as i
	[a] := crr_061.remediation_actions(f) with input as i
	a.op == "s3:PutBucketReplication"
	a.class == "additive"
}

# Without a key to suggest the configuration names a placeholder: a person has to
# create the key and put its ARN in, so both actions are manual.
test_deny_actions_placeholder_is_manual if {
	i := doc([rule("docs", dst, "")], {dst: linked(dst, "dst", "us-east-1", null)})
	some f in crr_061.deny with input as i
	acts := crr_061.remediation_actions(f) with input as i
	[[a.op, a.class] | some a in acts] == [["kms:CreateKey", "manual"], ["s3:PutBucketReplication", "manual"]]
	acts[0].region == "us-east-1"
}

test_allow_actions_no_finding_with_a_replica_key if {
	count(crr_061.deny) == 0 with input as doc([rule("docs", dst, dst_key)], {})
}
