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

# Two sources with their own roles replicate into one destination: the fix of one
# keeps the other's grant (the statement of the same Sid gets both principals).
test_deny_actions_destination_policy_keeps_other_sources if {
	other := "arn:aws:iam::111122223333:role/other-crr"
	theirs := {"Version": "2012-10-17", "Statement": [
		{"Sid": "ReplicationRoleWritesReplicas", "Effect": "Allow", "Principal": {"AWS": other}, "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"},
		{"Sid": "ReplicationRoleChecksVersioning", "Effect": "Allow", "Principal": {"AWS": other}, "Action": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"], "Resource": "arn:aws:s3:::dst"},
	]}
	i := inp(role, [rule], destination("444455556666", {"Document": theirs}))
	f := only(crr_050.deny) with input as i
	[a] := crr_050.remediation_actions(f) with input as i
	stmts := a.params.Policy.Statement
	count(stmts) == 2
	every s in stmts {
		s.Principal.AWS == sort([other, "arn:aws:iam::111122223333:role/crr-role"])
	}
	count(crr_050.deny) == 0 with input as inp(role, [rule], destination("444455556666", {"Document": a.params.Policy}))
}
