package crr.checks.crr_032_test

import data.crr.checks.crr_032

# acts are [op, class, target, document] of the finding's actions on input i.
acts(i) := [[a.op, a.class, a.target, a.document] |
	f := only(crr_032.deny) with input as i
	some a in crr_032.remediation_actions(f) with input as i
]

test_deny_actions_grant_is_additive if {
	i := inp(role({"crr-permissions": doc([read_source])}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	acts(i) == [["iam:PutRolePolicy", "additive", role_arn, "crr-permissions.json"]]
	f := only(crr_032.deny) with input as i
	a := crr_032.remediation_actions(f) with input as i
	a[0].params == {"RoleName": "crr-role", "PolicyName": "crr-replication", "PolicyDocument": f.documents["crr-permissions.json"]}
	a[0].account_id == "111122223333"
	a[0].region == ""
}

test_deny_actions_deny_rewrites_are_manual if {
	guard := {"PolicyArn": "arn:aws:iam::111122223333:policy/guard", "PolicyName": "guard", "Document": doc([{"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:*Delete*", "Resource": "*"}])}
	acts(inp(role({"crr-permissions": guide}, [guard]), [rule("crr-all", "arn:aws:s3:::dst")])) == [["iam:CreatePolicyVersion", "manual", "arn:aws:iam::111122223333:policy/guard", "policy-without-deny-2.json"]]
	aws := {"PolicyArn": "arn:aws:iam::aws:policy/AWSDenyAll", "PolicyName": "AWSDenyAll", "Document": doc([{"Effect": "Deny", "Action": "*", "Resource": "*"}])}
	acts(inp(role({"crr-permissions": guide}, [aws]), [rule("crr-all", "arn:aws:s3:::dst")])) == [["iam:DetachRolePolicy", "manual", role_arn, ""]]
	other := inp(role({"crr-permissions": guide, "zz-guard": doc([{"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*"}])}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	acts(other) == [["iam:PutRolePolicy", "manual", role_arn, "policy-without-deny-2.json"]]
}

test_deny_actions_boundary_and_bucket_policy if {
	r := object.union(role({"crr-permissions": guide}, []), {"PermissionsBoundary": {
		"PolicyArn": "arn:aws:iam::111122223333:policy/edge", "PolicyName": "edge",
		"Document": doc([{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]),
	}})
	acts(inp(r, [rule("crr-all", "arn:aws:s3:::dst")])) == [["iam:CreatePolicyVersion", "manual", "arn:aws:iam::111122223333:policy/edge", "permissions-boundary.json"]]
	i := object.union(inp(role({"crr-permissions": guide}, []), [rule("crr-all", "arn:aws:s3:::dst")]), {"bucket": {"Policy": {"Document": doc([
		{"Sid": "Lockdown", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObjectVersion*", "Resource": "arn:aws:s3:::src/*"},
	])}}})
	acts(i) == [["s3:PutBucketPolicy", "manual", "arn:aws:s3:::src", "bucket-policy-1.json"]]
	f := only(crr_032.deny) with input as i
	a := crr_032.remediation_actions(f) with input as i
	a[0].params.Bucket == "src"
	a[0].region == "us-east-1"
}

test_allow_actions_none_without_a_finding if {
	count(crr_032.deny) == 0 with input as guide_input
}
