package crr.checks.crr_031_test

import data.crr.checks.crr_031

# UpdateAssumeRolePolicy (RoleName, PolicyDocument):
# https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html
test_deny_actions_update_trust_additively if {
	i := doc(role(true, trust([allow_ec2])), [])
	some f in crr_031.deny with input as i
	[a] := crr_031.remediation_actions(f) with input as i
	a.op == "iam:UpdateAssumeRolePolicy"
	a.target == role_arn
	a.params == {"RoleName": "crr-role", "PolicyDocument": trust([allow_ec2, s3_statement])}
	a.class == "additive"
}

test_allow_actions_no_finding_when_s3_may_assume if {
	count(crr_031.deny) == 0 with input as doc(role(true, trust([s3_statement])), [])
}
