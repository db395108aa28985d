package crr.checks.crr_030_test

import data.crr.checks.crr_030

# CreateRole (RoleName, Path, AssumeRolePolicyDocument) then PutRolePolicy (RoleName,
# PolicyName, PolicyDocument): https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
test_deny_actions_create_role_then_its_policy if {
	i := doc({"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": false}, [])
	some f in crr_030.deny with input as i
	[create, put] := crr_030.remediation_actions(f) with input as i
	create.op == "iam:CreateRole"
	create.params == {"RoleName": "crr-role", "Path": "/service/", "AssumeRolePolicyDocument": f.documents["trust-policy.json"]}
	create.account_id == "111122223333"
	create.region == ""
	create.class == "additive"
	put.op == "iam:PutRolePolicy"
	put.params == {"RoleName": "crr-role", "PolicyName": "crr-replication", "PolicyDocument": f.documents["permissions-policy.json"]}
	put.class == "additive"
}

test_allow_actions_no_finding_for_an_existing_role if {
	count(crr_030.deny) == 0 with input as doc({"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true}, [])
}
