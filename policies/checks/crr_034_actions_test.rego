package crr.checks.crr_034_test

import data.crr.checks.crr_034

# Adding the guard takes the role away from S3 acting for any other bucket: narrowing.
test_deny_actions_guard_is_narrowing if {
	i := inp(role(trust([guide_statement])))
	f := only(crr_034.deny) with input as i
	[a] := crr_034.remediation_actions(f) with input as i
	a.op == "iam:UpdateAssumeRolePolicy"
	a.params == {"RoleName": "crr-role", "PolicyDocument": trust([guarded_statement])}
	a.class == "narrowing"
}

test_allow_actions_no_finding_when_guarded if {
	count(crr_034.deny) == 0 with input as inp(role(trust([guarded_statement])))
}
