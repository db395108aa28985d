package crr.checks.crr_050_test

import data.crr.checks.crr_050

role_arn := "arn:aws:iam::111122223333:role/crr-role"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

guide_permissions := doc([
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::src"]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"},
])

role := {
	"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true,
	"AssumeRolePolicyDocument": doc([{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
	"RolePolicies": [{"PolicyName": "crr-permissions", "PolicyDocument": guide_permissions}],
}

rule := {"ID": "to-dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst", "Account": "444455556666"}}

destination(account, policy) := {"Arn": "arn:aws:s3:::dst", "Name": "dst", "AccountId": account, "Exists": true, "Region": "eu-west-1", "InScan": false, "Versioning": {"Status": "Enabled"}, "Policy": policy}

inp(r, rules, dest) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": rules},
	},
	"role": r,
	"destinations": {"arn:aws:s3:::dst": dest},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

# The guide's cross-account destination bucket policy.
guide_destination_policy := doc([
	{"Sid": "ReplicationRoleWritesReplicas", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"},
	{"Sid": "ReplicationRoleChecksVersioning", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"], "Resource": "arn:aws:s3:::dst"},
])

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_no_bucket_policy if {
	i := inp(role, [rule], destination("444455556666", {"Document": null}))
	f := only(crr_050.deny) with input as i
	f.msg == "Destination bucket dst (account 444455556666) of bucket src does not let replication role arn:aws:iam::111122223333:role/crr-role write replicas: s3:ReplicateObject, s3:ReplicateDelete, s3:ReplicateTags on arn:aws:s3:::dst/* (not granted)"
	f.destination == "arn:aws:s3:::dst"
	f.resource_arn == "arn:aws:s3:::dst"
	f.commands == ["aws s3api put-bucket-policy --bucket dst --policy file://dst-bucket-policy.json"]
	f.documents == {"dst-bucket-policy.json": guide_destination_policy}
	startswith(f.terraform, "resource \"aws_s3_bucket_policy\" \"replication_destination\" {\n  bucket = \"dst\"\n  policy = jsonencode({")
	crr_050.applies with input as i
}

test_deny_grant_to_another_role_only if {
	other := doc([{"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::dst/*"}])
	f := only(crr_050.deny) with input as inp(role, [rule], destination("444455556666", {"Document": other}))
	f.documents["dst-bucket-policy.json"].Statement == array.concat(other.Statement, guide_destination_policy.Statement)
}

test_deny_delete_denied_by_the_destination if {
	p := doc(array.concat(guide_destination_policy.Statement, [{"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*", "Action": "s3:ReplicateDelete", "Resource": "arn:aws:s3:::dst/*"}]))
	f := only(crr_050.deny) with input as inp(role, [rule], destination("444455556666", {"Document": p}))
	f.msg == `Destination bucket dst (account 444455556666) of bucket src does not let replication role arn:aws:iam::111122223333:role/crr-role write replicas: s3:ReplicateDelete on arn:aws:s3:::dst/* (removed by an explicit Deny in the destination bucket policy (Sid "NoDeletes"))`
	f.documents["dst-bucket-policy.json"] == guide_destination_policy
}

test_deny_tags_when_they_replicate if {
	p := doc([{"Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"], "Resource": "arn:aws:s3:::dst/*"}])
	f := only(crr_050.deny) with input as inp(role, [rule], destination("444455556666", {"Document": p}))
	contains(f.msg, "s3:ReplicateTags on arn:aws:s3:::dst/* (not granted)")
	# A role that cannot read tags replicates none: ReplicateTags is not needed.
	no_tags := object.union(role, {"RolePolicies": [{"PolicyName": "p", "PolicyDocument": doc([guide_permissions.Statement[0], {"Effect": "Allow", "Action": "s3:GetObjectVersionForReplication", "Resource": "arn:aws:s3:::src/*"}, guide_permissions.Statement[2]])}]})
	count(crr_050.deny) == 0 with input as inp(no_tags, [rule], destination("444455556666", {"Document": p}))
}

test_deny_owner_override_grant_in_the_fix if {
	r := object.union(rule, {"Destination": {"AccessControlTranslation": {"Owner": "Destination"}}})
	f := only(crr_050.deny) with input as inp(role, [r], destination("444455556666", {"Document": null}))
	f.documents["dst-bucket-policy.json"].Statement[0].Action == ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"]
}

test_deny_account_from_the_rule_when_not_scanned if {
	count(crr_050.deny) == 1 with input as inp(role, [rule], destination("", {"Document": null}))
}

test_allow_guide_destination_policy if {
	i := inp(role, [rule], destination("444455556666", {"Document": guide_destination_policy}))
	count(crr_050.deny) == 0 with input as i
	crr_050.applies with input as i
}

test_allow_grants_to_the_source_account if {
	every principal in [{"AWS": "arn:aws:iam::111122223333:root"}, {"AWS": "111122223333"}, "*"] {
		p := doc([{"Effect": "Allow", "Principal": principal, "Action": "s3:Replicate*", "Resource": "arn:aws:s3:::dst/*"}])
		count(crr_050.deny) == 0 with input as inp(role, [rule], destination("444455556666", {"Document": p}))
	}
}

test_allow_conditional_grant_is_the_owners_choice if {
	p := doc([{"Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": "s3:Replicate*", "Resource": "arn:aws:s3:::dst/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}])
	count(crr_050.deny) == 0 with input as inp(role, [rule], destination("444455556666", {"Document": p}))
}

test_allow_same_account_destination_does_not_apply if {
	same_rule := object.union(object.remove(rule, ["Destination"]), {"Destination": {"Bucket": "arn:aws:s3:::dst"}})
	i := inp(role, [same_rule], destination("111122223333", {"Document": null}))
	count(crr_050.deny) == 0 with input as i
	not crr_050.applies with input as i
}

test_allow_unknown_destination_policy_is_not_judged if {
	every dest in [destination("444455556666", null), object.remove(destination("444455556666", null), ["Policy"])] {
		count(crr_050.deny) == 0 with input as inp(role, [rule], dest)
		not crr_050.applies with input as inp(role, [rule], dest)
	}
	no_dest := object.union(inp(role, [rule], null), {"destinations": {}})
	count(crr_050.deny) == 0 with input as no_dest
}

test_allow_deleted_destination_is_crr_020s if {
	gone := {"Arn": "arn:aws:s3:::dst", "Name": "dst", "Exists": false, "InScan": false, "Versioning": null}
	count(crr_050.deny) == 0 with input as inp(role, [rule], gone)
}

test_allow_unreadable_policy_applies_for_the_error_outcome if {
	i := object.union(inp(role, [rule], destination("444455556666", null)), {"errors": [{"Operation": "GetBucketPolicy", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::dst", "Component": "policy"}]})
	count(crr_050.deny) == 0 with input as i
	crr_050.applies with input as i
}
