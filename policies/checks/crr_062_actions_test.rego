package crr.checks.crr_062_test

import data.crr.checks.crr_062

test_deny_actions_role_kms_policy_is_additive if {
	i := inp(role(guide_permissions), [rule(dst_key)], sse("alias/src"), keys)
	f := only(crr_062.deny) with input as i
	[a] := crr_062.remediation_actions(f) with input as i
	a.op == "iam:PutRolePolicy"
	a.params == {"RoleName": "crr-role", "PolicyName": "crr-kms", "PolicyDocument": doc([decrypt(src_key), encrypt(dst_key)])}
	a.class == "additive"
}

# A role another bucket shares already holds a crr-kms policy: its statements stay.
test_deny_actions_role_kms_policy_keeps_other_buckets if {
	theirs := {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "arn:aws:kms:us-east-1:111122223333:key/other"}
	r := object.union(role(guide_permissions), {"RolePolicies": [
		{"PolicyName": "crr-permissions", "PolicyDocument": doc(guide_permissions)},
		{"PolicyName": "crr-kms", "PolicyDocument": doc([theirs])},
	]})
	i := inp(r, [rule(dst_key)], sse("alias/src"), keys)
	f := only(crr_062.deny) with input as i
	[a] := crr_062.remediation_actions(f) with input as i
	a.params.PolicyDocument.Statement == [theirs, decrypt(src_key), encrypt(dst_key)]
}

test_deny_actions_key_policy_is_manual if {
	ks := object.union(keys, {xa_key: key(xa_key, xa_key, default_key_policy("444455556666"))})
	i := inp(role(array.concat(guide_permissions, [decrypt(src_key), encrypt(xa_key)])), [rule(xa_key)], sse("alias/src"), ks)
	f := only(crr_062.deny) with input as i
	[a] := crr_062.remediation_actions(f) with input as i
	a.op == "kms:PutKeyPolicy"
	a.account_id == "444455556666"
	a.region == "eu-west-1"
	a.class == "manual"
}

test_allow_actions_no_finding_with_the_documented_policy if {
	count(crr_062.deny) == 0 with input as inp(role(array.concat(guide_permissions, [decrypt(src_key), encrypt(dst_key)])), [rule(dst_key)], sse("alias/src"), keys)
}
