package crr.checks.crr_071_test

import data.crr.checks.crr_071

role_arn := "arn:aws:iam::111122223333:role/crr-role"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

guide_permissions := [
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"},
]

lock_grant := {"Effect": "Allow", "Action": ["s3:GetObjectRetention", "s3:GetObjectLegalHold"], "Resource": "arn:aws:s3:::src/*"}

role(statements) := {
	"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true,
	"AssumeRolePolicyDocument": doc([{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
	"RolePolicies": [{"PolicyName": "crr-permissions", "PolicyDocument": doc(statements)}],
}

rule := {"ID": "crr-all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}

lock := {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}}

inp(r, rules, objectlock) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": rules},
		"ObjectLockConfiguration": objectlock,
	},
	"role": r,
	"destinations": {},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_guide_role_on_a_locked_source if {
	i := inp(role(guide_permissions), [rule], lock)
	f := only(crr_071.deny) with input as i
	f.msg == "Bucket src has Object Lock enabled, but its replication role crr-role lacks s3:GetObjectRetention, s3:GetObjectLegalHold on arn:aws:s3:::src/* (not granted): locked objects fail to replicate"
	f.resource_arn == role_arn
	f.commands == ["aws iam put-role-policy --role-name crr-role --policy-name crr-object-lock --policy-document file://crr-object-lock-policy.json"]
	f.documents == {"crr-object-lock-policy.json": doc([lock_grant])}
	contains(f.terraform, `resource "aws_iam_role_policy" "crr_object_lock"`)
	crr_071.applies with input as i
}

test_deny_one_of_the_two if {
	f := only(crr_071.deny) with input as inp(role(array.concat(guide_permissions, [object.union(lock_grant, {"Action": "s3:GetObjectRetention"})])), [rule], lock)
	contains(f.msg, "lacks s3:GetObjectLegalHold on arn:aws:s3:::src/* (not granted)")
}

test_deny_conditional_or_denied if {
	cond := object.union(lock_grant, {"Condition": {"StringEquals": {"s3:object-lock-mode": "GOVERNANCE"}}})
	f := only(crr_071.deny) with input as inp(role(array.concat(guide_permissions, [cond])), [rule], lock)
	contains(f.msg, "(granted only under a Condition)")
	g := only(crr_071.deny) with input as inp(role(array.concat(guide_permissions, [lock_grant, {"Sid": "NoHolds", "Effect": "Deny", "Action": "s3:GetObjectLegalHold", "Resource": "*"}])), [rule], lock)
	contains(g.msg, `s3:GetObjectLegalHold on arn:aws:s3:::src/* (removed by an explicit Deny in inline policy "crr-permissions" (Sid "NoHolds"))`)
}

test_allow_lock_permissions_granted if {
	every extra in [lock_grant, {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::src/*"}, {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}] {
		count(crr_071.deny) == 0 with input as inp(role(array.concat(guide_permissions, [extra])), [rule], lock)
		crr_071.applies with input as inp(role(array.concat(guide_permissions, [extra])), [rule], lock)
	}
}

test_allow_no_object_lock_does_not_apply if {
	every objectlock in [{"ObjectLockEnabled": ""}, null] {
		count(crr_071.deny) == 0 with input as inp(role(guide_permissions), [rule], objectlock)
		not crr_071.applies with input as inp(role(guide_permissions), [rule], objectlock)
	}
}

test_allow_unknown_role_is_not_judged if {
	count(crr_071.deny) == 0 with input as inp(null, [rule], lock)
	not crr_071.applies with input as inp(null, [rule], lock)
}

test_allow_unreadable_object_lock_applies_for_the_error_outcome if {
	i := object.union(inp(role(guide_permissions), [rule], null), {"errors": [{"Operation": "GetObjectLockConfiguration", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::src", "Component": "objectlock"}]})
	count(crr_071.deny) == 0 with input as i
	crr_071.applies with input as i
}
