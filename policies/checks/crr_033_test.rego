package crr.checks.crr_033_test

import data.crr.checks.crr_033

role_arn := "arn:aws:iam::111122223333:role/crr-role"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

# The guide's least-privilege permissions policy.
guide := doc([
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"},
])

role(inline, attached) := {
	"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true,
	"AssumeRolePolicyDocument": doc([{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
	"RolePolicies": [{"PolicyName": n, "PolicyDocument": d} | some n, d in inline],
	"AttachedPolicies": attached,
}

inp(r) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": [{"ID": "crr-all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}]},
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

s3_all := {"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}

test_deny_s3_star_in_the_replication_policy if {
	i := inp(role({"crr-replication": doc([s3_all])}, []))
	f := only(crr_033.deny) with input as i
	f.msg == `Replication role crr-role of bucket src is broader than least privilege: inline policy "crr-replication" (Sid "All") allows s3:*`
	f.evidence == {"Role": role_arn, "Statements": [{"Policy": `inline policy "crr-replication"`, "Statement": s3_all, "Reason": "allows s3:*"}]}
	f.commands == ["aws iam put-role-policy --role-name crr-role --policy-name crr-replication --policy-document file://crr-permissions.json"]
	f.documents["crr-permissions.json"].Statement == [
		{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]},
		{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]},
		{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": ["arn:aws:s3:::dst/*"]},
	]
	contains(f.terraform, `resource "aws_iam_role_policy" "crr_replication"`)
	crr_033.applies with input as i
}

test_deny_star_in_a_managed_policy_is_detached if {
	admin := {"PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess", "PolicyName": "AdministratorAccess", "Document": doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}])}
	f := only(crr_033.deny) with input as inp(role({"crr-permissions": guide}, [admin]))
	f.msg == "Replication role crr-role of bucket src is broader than least privilege: managed policy arn:aws:iam::aws:policy/AdministratorAccess (a statement without Sid) allows *"
	f.commands[1] == "aws iam detach-role-policy --role-name crr-role --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"
}

test_deny_write_actions_on_every_resource if {
	writes := {"Sid": "W", "Effect": "Allow", "Action": ["s3:Replicate*", "s3:GetObject"], "Resource": "*"}
	keep := {"Sid": "Keep", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::src/*"}
	f := only(crr_033.deny) with input as inp(role({"crr-permissions": guide, "extra": doc([writes, keep])}, []))
	f.msg == `Replication role crr-role of bucket src is broader than least privilege: inline policy "extra" (Sid "W") allows s3:Replicate* on Resource "*"`
	f.commands == [
		"aws iam put-role-policy --role-name crr-role --policy-name crr-replication --policy-document file://crr-permissions.json",
		"aws iam put-role-policy --role-name crr-role --policy-name extra --policy-document file://policy-narrowed-2.json",
	]
	f.documents["policy-narrowed-2.json"] == doc([keep])
}

test_deny_not_action_and_not_resource if {
	na := {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "arn:aws:s3:::src/*"}
	nr := {"Effect": "Allow", "Action": "s3:PutObject", "NotResource": "arn:aws:s3:::secret/*"}
	f := only(crr_033.deny) with input as inp(role({"wide": doc([na, nr])}, []))
	f.msg == `Replication role crr-role of bucket src is broader than least privilege: inline policy "wide" (a statement without Sid) allows every action except iam:*, organizations:* (NotAction); inline policy "wide" (a statement without Sid) allows s3:PutObject on Resource "*"`
	f.commands[1] == "aws iam delete-role-policy --role-name crr-role --policy-name wide"
}

test_deny_case_insensitive_action if {
	count(crr_033.deny) == 1 with input as inp(role({"p": doc([{"Effect": "Allow", "Action": "S3:*", "Resource": "arn:aws:s3:::src*"}])}, []))
}

test_deny_broad_boundary_does_not_help if {
	r := object.union(role({"p": doc([s3_all])}, []), {"PermissionsBoundary": {"PolicyArn": "arn:aws:iam::111122223333:policy/b", "Document": doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}])}})
	count(crr_033.deny) == 1 with input as inp(r)
}

test_allow_guide_policy if {
	count(crr_033.deny) == 0 with input as inp(role({"crr-permissions": guide}, []))
	crr_033.applies with input as inp(role({"crr-permissions": guide}, []))
}

test_allow_reads_and_denies_on_every_resource if {
	d := doc([
		{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
		{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
		{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
	])
	count(crr_033.deny) == 0 with input as inp(role({"p": d}, []))
}

test_allow_narrow_boundary_keeps_the_role_narrow if {
	r := object.union(role({"p": doc([s3_all])}, []), {"PermissionsBoundary": {"PolicyArn": "arn:aws:iam::111122223333:policy/b", "Document": guide}})
	count(crr_033.deny) == 0 with input as inp(r)
}

test_allow_unknown_role_is_not_judged if {
	every r in [null, object.union(role({}, []), {"Exists": null}), role({"p": null}, [])] {
		count(crr_033.deny) == 0 with input as inp(r)
		not crr_033.applies with input as inp(r)
	}
}

test_allow_unreadable_role_applies_for_the_error_outcome if {
	i := object.union(inp(role({"p": null}, [])), {"errors": [{"Operation": "GetRolePolicy", "Code": "AccessDenied", "Message": "", "Resource": role_arn, "Component": "role"}]})
	count(crr_033.deny) == 0 with input as i
	crr_033.applies with input as i
}
