package crr.checks.crr_032_test

import data.crr.checks.crr_032

role_arn := "arn:aws:iam::111122223333:role/crr-role"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

read_source := {"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]}

read_objects := {"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]}

write_dst := {"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"}

# The guide's least-privilege permissions policy.
guide := doc([read_source, read_objects, write_dst])

role(inline, attached) := {
	"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true,
	"AssumeRolePolicyDocument": doc([{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
	"RolePolicies": [{"PolicyName": n, "PolicyDocument": d} | some n, d in inline],
	"AttachedPolicies": attached,
}

rule(id, dest) := {"ID": id, "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": dest}}

linked(name, account) := {"Arn": sprintf("arn:aws:s3:::%s", [name]), "Name": name, "AccountId": account, "Exists": true, "Region": "eu-west-1", "InScan": true, "Versioning": {"Status": "Enabled"}}

inp(r, rules) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": rules},
	},
	"role": r,
	"destinations": {"arn:aws:s3:::dst": linked("dst", "111122223333"), "arn:aws:s3:::dst2": linked("dst2", "111122223333")},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

guide_input := inp(role({"crr-permissions": guide}, []), [rule("crr-all", "arn:aws:s3:::dst")])

with_errors(i, errs) := object.union(i, {"errors": errs})

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_destination_grants_missing if {
	i := inp(role({"crr-permissions": doc([read_source, read_objects])}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	f := only(crr_032.deny) with input as i
	f.msg == "Replication role crr-role of bucket src lacks permissions replication needs: s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags on arn:aws:s3:::dst/* (not granted)"
	f.resource_arn == role_arn
	f.evidence.Role == role_arn
	f.evidence.Missing == [
		{"Action": "s3:ReplicateObject", "Resource": "arn:aws:s3:::dst/*", "Reason": "missing", "By": []},
		{"Action": "s3:ReplicateDelete", "Resource": "arn:aws:s3:::dst/*", "Reason": "missing", "By": []},
		{"Action": "s3:ReplicateTags", "Resource": "arn:aws:s3:::dst/*", "Reason": "missing", "By": []},
	]
	f.commands == ["aws iam put-role-policy --role-name crr-role --policy-name crr-replication --policy-document file://crr-permissions.json"]
	f.documents == {"crr-permissions.json": guide_as_cli_writes_it}
	startswith(f.terraform, "resource \"aws_iam_role_policy\" \"crr_replication\" {\n  name   = \"crr-replication\"\n  role   = \"crr-role\"\n  policy = jsonencode({")
	contains(f.terraform, `"arn:aws:s3:::dst/*"`)
	crr_032.applies with input as i
}

guide_as_cli_writes_it := doc([
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": ["arn:aws:s3:::dst/*"]},
])

test_deny_every_enabled_destination_and_each_resource if {
	disabled := object.union(rule("paused", "arn:aws:s3:::dst3"), {"Status": "Disabled"})
	i := inp(role({"p": doc([{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::src"}, read_objects, write_dst])}, []), [rule("a", "arn:aws:s3:::dst"), rule("b", "arn:aws:s3:::dst2"), disabled])
	f := only(crr_032.deny) with input as i
	f.msg == "Replication role crr-role of bucket src lacks permissions replication needs: s3:GetReplicationConfiguration on arn:aws:s3:::src (not granted); s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags on arn:aws:s3:::dst2/* (not granted)"
	f.documents["crr-permissions.json"].Statement[2].Resource == ["arn:aws:s3:::dst/*", "arn:aws:s3:::dst2/*"]
}

test_deny_grant_only_under_a_condition if {
	cond := object.union(write_dst, {"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}})
	i := inp(role({"crr-permissions": doc([read_source, read_objects, cond])}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	f := only(crr_032.deny) with input as i
	f.msg == "Replication role crr-role of bucket src lacks permissions replication needs: s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags on arn:aws:s3:::dst/* (granted only under a Condition)"
	f.evidence.Missing[0].Reason == "conditional"
}

test_deny_explicit_deny_in_a_managed_policy if {
	guard := {"PolicyArn": "arn:aws:iam::111122223333:policy/guard", "PolicyName": "guard", "Document": doc([
		{"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:*Delete*", "Resource": "*"},
		{"Sid": "Other", "Effect": "Deny", "Action": "iam:*", "Resource": "*"},
	])}
	i := inp(role({"crr-permissions": guide}, [guard]), [rule("crr-all", "arn:aws:s3:::dst")])
	f := only(crr_032.deny) with input as i
	f.msg == `Replication role crr-role of bucket src lacks permissions replication needs: s3:ReplicateDelete on arn:aws:s3:::dst/* (removed by an explicit Deny in managed policy arn:aws:iam::111122223333:policy/guard (Sid "NoDeletes"))`
	f.commands == ["aws iam create-policy-version --policy-arn arn:aws:iam::111122223333:policy/guard --policy-document file://policy-without-deny-2.json --set-as-default"]
	f.documents == {"policy-without-deny-2.json": doc([{"Sid": "Other", "Effect": "Deny", "Action": "iam:*", "Resource": "*"}])}
}

test_deny_explicit_deny_in_an_aws_managed_policy if {
	guard := {"PolicyArn": "arn:aws:iam::aws:policy/AWSDenyAll", "PolicyName": "AWSDenyAll", "Document": doc([{"Effect": "Deny", "Action": "*", "Resource": "*"}])}
	i := inp(role({"crr-permissions": guide}, [guard]), [rule("crr-all", "arn:aws:s3:::dst")])
	f := only(crr_032.deny) with input as i
	count(f.evidence.Missing) == 8
	f.commands == ["aws iam detach-role-policy --role-name crr-role --policy-arn arn:aws:iam::aws:policy/AWSDenyAll"]
	f.documents == {}
}

test_deny_explicit_deny_in_the_replication_policy_is_rewritten_once if {
	own := doc([read_source, {"Sid": "NoTags", "Effect": "Deny", "Action": "s3:ReplicateTags", "Resource": "*"}, {"Sid": "Keep", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::src/*"}])
	i := inp(role({"crr-replication": own}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	f := only(crr_032.deny) with input as i
	contains(f.msg, `s3:ReplicateTags on arn:aws:s3:::dst/* (removed by an explicit Deny in inline policy "crr-replication" (Sid "NoTags"))`)
	contains(f.msg, "s3:GetObjectVersionForReplication, s3:GetObjectVersionAcl, s3:GetObjectVersionTagging on arn:aws:s3:::src/* (not granted)")
	f.commands == ["aws iam put-role-policy --role-name crr-role --policy-name crr-replication --policy-document file://crr-permissions.json"]
	f.documents["crr-permissions.json"] == doc(array.concat(
		[read_source, {"Sid": "Keep", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::src/*"}],
		guide_as_cli_writes_it.Statement,
	))
}

test_deny_explicit_deny_in_another_inline_policy if {
	i := inp(role({"crr-permissions": guide, "zz-guard": doc([{"Effect": "Deny", "Action": "s3:ListBucket", "Resource": "*"}])}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	f := only(crr_032.deny) with input as i
	f.msg == `Replication role crr-role of bucket src lacks permissions replication needs: s3:ListBucket on arn:aws:s3:::src (removed by an explicit Deny in inline policy "zz-guard" (a statement without Sid))`
	f.commands == ["aws iam put-role-policy --role-name crr-role --policy-name zz-guard --policy-document file://policy-without-deny-2.json"]
	f.documents == {"policy-without-deny-2.json": doc([])}
}

test_deny_permissions_boundary if {
	r := object.union(role({"crr-permissions": guide}, []), {"PermissionsBoundary": {
		"PolicyArn": "arn:aws:iam::111122223333:policy/edge", "PolicyName": "edge",
		"Document": doc([{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]),
	}})
	i := inp(r, [rule("crr-all", "arn:aws:s3:::dst")])
	f := only(crr_032.deny) with input as i
	f.msg == "Replication role crr-role of bucket src lacks permissions replication needs: s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags on arn:aws:s3:::dst/* (outside permissions boundary arn:aws:iam::111122223333:policy/edge)"
	f.commands == ["aws iam create-policy-version --policy-arn arn:aws:iam::111122223333:policy/edge --policy-document file://permissions-boundary.json --set-as-default"]
	f.documents["permissions-boundary.json"] == doc(array.concat(
		[{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}],
		guide_as_cli_writes_it.Statement,
	))
}

test_deny_source_bucket_policy_denies_the_role if {
	i := object.union(inp(role({"crr-permissions": guide}, []), [rule("crr-all", "arn:aws:s3:::dst")]), {"bucket": {"Policy": {"Document": doc([
		{"Sid": "Lockdown", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObjectVersion*", "Resource": "arn:aws:s3:::src/*"},
		{"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::src/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
	])}}})
	f := only(crr_032.deny) with input as i
	f.msg == `Replication role crr-role of bucket src lacks permissions replication needs: s3:GetObjectVersionForReplication, s3:GetObjectVersionAcl, s3:GetObjectVersionTagging on arn:aws:s3:::src/* (removed by an explicit Deny in the bucket policy of src (Sid "Lockdown"))`
	f.commands == ["aws s3api put-bucket-policy --bucket src --policy file://bucket-policy-1.json"]
	f.documents == {"bucket-policy-1.json": doc([{"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::src/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])}
}

test_deny_prefix_rule_needs_its_prefix if {
	r := object.union(rule("logs", "arn:aws:s3:::dst"), {"Filter": {"Prefix": "logs/"}})
	i := inp(role({"p": doc([read_source, object.union(read_objects, {"Resource": "arn:aws:s3:::src/data/*"}), write_dst])}, []), [r])
	f := only(crr_032.deny) with input as i
	f.msg == "Replication role crr-role of bucket src lacks permissions replication needs: s3:GetObjectVersionForReplication, s3:GetObjectVersionAcl, s3:GetObjectVersionTagging on arn:aws:s3:::src/logs/* (not granted)"
}

test_deny_hostile_names_are_quoted if {
	r := object.union(role({"p": doc([read_source])}, []), {"RoleName": "crr role; rm -rf ~"})
	f := only(crr_032.deny) with input as inp(r, [rule("crr-all", "arn:aws:s3:::dst")])
	f.commands == [`aws iam put-role-policy --role-name 'crr role; rm -rf ~' --policy-name crr-replication --policy-document file://crr-permissions.json`]
	contains(f.terraform, `role   = "crr role; rm -rf ~"`)
}

test_allow_guide_policy if {
	count(crr_032.deny) == 0 with input as guide_input
	crr_032.applies with input as guide_input
}

test_allow_broad_grants if {
	every d in [
		doc([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
		doc([{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Replicate*"], "Resource": ["arn:aws:s3:::src", "arn:aws:s3:::src/*", "arn:aws:s3:::dst*"]}]),
		{"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}},
	] {
		count(crr_032.deny) == 0 with input as inp(role({"p": d}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	}
}

test_allow_grants_across_inline_and_managed_policies if {
	managed := {"PolicyArn": "arn:aws:iam::111122223333:policy/w", "PolicyName": "w", "Document": doc([write_dst])}
	count(crr_032.deny) == 0 with input as inp(role({"read": doc([read_source, read_objects])}, [managed]), [rule("crr-all", "arn:aws:s3:::dst")])
}

test_allow_same_account_destination_policy_names_the_role if {
	i := inp(role({"p": doc([read_source, read_objects])}, []), [rule("crr-all", "arn:aws:s3:::dst")])
	granted := object.union(i, {"destinations": {"arn:aws:s3:::dst": {"Policy": {"Document": doc([
		{"Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": "s3:Replicate*", "Resource": "arn:aws:s3:::dst/*"},
	])}}}})
	count(crr_032.deny) == 0 with input as granted
}

test_allow_prefix_grant_for_a_prefix_rule if {
	r := object.union(object.remove(rule("logs", "arn:aws:s3:::dst"), ["Filter"]), {"Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "a", "Value": "b"}]}}})
	d := doc([read_source, object.union(read_objects, {"Resource": "arn:aws:s3:::src/logs/*"}), object.union(write_dst, {"Resource": "arn:aws:s3:::dst/logs/*"})])
	count(crr_032.deny) == 0 with input as inp(role({"p": d}, []), [r])
}

test_allow_unknown_role_is_not_judged if {
	every r in [
		null,
		object.union(role({}, []), {"Exists": null}),
		object.union(role({}, []), {"Exists": false}),
		role({"p": null}, []),
		role({}, [{"PolicyArn": "arn:aws:iam::111122223333:policy/x", "Document": null}]),
		object.union(role({"crr-permissions": guide}, []), {"PermissionsBoundary": {"PolicyArn": "arn:aws:iam::111122223333:policy/b"}}),
	] {
		count(crr_032.deny) == 0 with input as inp(r, [rule("crr-all", "arn:aws:s3:::dst")])
		not crr_032.applies with input as inp(r, [rule("crr-all", "arn:aws:s3:::dst")])
	}
}

test_allow_no_enabled_rule_is_not_judged if {
	i := inp(role({}, []), [object.union(rule("paused", "arn:aws:s3:::dst"), {"Status": "Disabled"})])
	count(crr_032.deny) == 0 with input as i
	not crr_032.applies with input as i
}

test_allow_unreadable_role_applies_for_the_error_outcome if {
	errs := [{"Operation": "GetRolePolicy", "Code": "AccessDenied", "Message": "", "Resource": role_arn, "Component": "role"}]
	i := with_errors(inp(role({"p": null}, []), [rule("crr-all", "arn:aws:s3:::dst")]), errs)
	count(crr_032.deny) == 0 with input as i
	crr_032.applies with input as i
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	i := object.union(with_errors(inp(null, []), [{"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::src", "Component": "replication"}]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_032.deny) == 0 with input as i
	crr_032.applies with input as i
}
