package crr.checks.crr_052_test

import data.crr.checks.crr_052

role_arn := "arn:aws:iam::111122223333:role/crr-role"

doc(statements) := {"Version": "2012-10-17", "Statement": statements}

write_dst := {"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::dst/*"}

with_override := object.union(write_dst, {"Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"]})

role(statements) := {
	"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true,
	"AssumeRolePolicyDocument": doc([{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]),
	"RolePolicies": [{"PolicyName": "crr-permissions", "PolicyDocument": doc(statements)}],
}

rule(account) := {"ID": "to-dr", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst", "Account": account, "AccessControlTranslation": {"Owner": "Destination"}}}

destination(account, policy, controls) := {"Arn": "arn:aws:s3:::dst", "Name": "dst", "AccountId": account, "Exists": true, "Region": "eu-west-1", "InScan": false, "Versioning": {"Status": "Enabled"}, "Policy": policy, "OwnershipControls": controls}

dst_grant := doc([{"Sid": "ReplicationRoleWritesReplicas", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"], "Resource": "arn:aws:s3:::dst/*"}])

writer := {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}

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

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_role_and_destination_policy_lack_the_override if {
	i := inp(role([write_dst]), [rule("444455556666")], destination("444455556666", {"Document": doc([object.union(dst_grant.Statement[0], {"Action": "s3:Replicate*"})])}, writer))
	f := only(crr_052.deny) with input as i
	f.msg == `Rule "to-dr" of bucket src makes the destination own the replicas (AccessControlTranslation), but replication role crr-role lacks s3:ObjectOwnerOverrideToBucketOwner on arn:aws:s3:::dst/* (not granted); and the bucket policy of dst does not grant s3:ObjectOwnerOverrideToBucketOwner on arn:aws:s3:::dst/* to the role`
	f.rule_id == "to-dr"
	f.destination == "arn:aws:s3:::dst"
	f.commands == [
		"aws iam put-role-policy --role-name crr-role --policy-name crr-owner-override --policy-document file://owner-override-policy.json",
		"aws s3api put-bucket-policy --bucket dst --policy file://dst-bucket-policy.json",
	]
	f.documents["owner-override-policy.json"] == doc([{"Effect": "Allow", "Action": "s3:ObjectOwnerOverrideToBucketOwner", "Resource": "arn:aws:s3:::dst/*"}])
	f.documents["dst-bucket-policy.json"].Statement[1] == {"Sid": "ReplicationRoleOwnerOverride", "Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": "s3:ObjectOwnerOverrideToBucketOwner", "Resource": "arn:aws:s3:::dst/*"}
	contains(f.terraform, `resource "aws_iam_role_policy" "crr_owner_override"`)
	contains(f.terraform, `resource "aws_s3_bucket_policy" "replication_destination"`)
	crr_052.applies with input as i
}

test_deny_role_grant_only_under_a_condition if {
	cond := object.union(with_override, {"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}})
	f := only(crr_052.deny) with input as inp(role([cond]), [rule("444455556666")], destination("444455556666", {"Document": dst_grant}, null))
	contains(f.msg, "(granted only under a Condition)")
}

test_deny_override_within_one_account if {
	i := inp(role([with_override]), [rule("111122223333"), {"ID": "other", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}], destination("111122223333", {"Document": null}, writer))
	f := only(crr_052.deny) with input as i
	f.msg == `Rule "to-dr" of bucket src makes the destination own the replicas (AccessControlTranslation), but the destination is in the source's own account 111122223333: an owner override within one account only stops ACL changes from replicating`
	f.commands == ["aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region us-east-1"]
	f.documents["replication.json"].Rules[0].Destination == {"Bucket": "arn:aws:s3:::dst", "Account": "111122223333"}
	f.documents["replication.json"].Rules[1] == {"ID": "other", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}
}

test_allow_guide_cross_account_owner_override if {
	i := inp(role([with_override]), [rule("444455556666")], destination("444455556666", {"Document": dst_grant}, writer))
	count(crr_052.deny) == 0 with input as i
	crr_052.applies with input as i
}

test_allow_bucket_owner_enforced_makes_the_override_moot if {
	enforced := {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
	i := inp(role([write_dst]), [rule("444455556666")], destination("444455556666", {"Document": null}, enforced))
	count(crr_052.deny) == 0 with input as i
	crr_052.applies with input as i
}

test_allow_no_override_does_not_apply if {
	r := object.union(object.remove(rule("444455556666"), ["Destination"]), {"Destination": {"Bucket": "arn:aws:s3:::dst", "Account": "444455556666"}})
	i := inp(role([write_dst]), [r], destination("444455556666", {"Document": null}, writer))
	count(crr_052.deny) == 0 with input as i
	not crr_052.applies with input as i
}

test_allow_unknown_role_or_policy_is_not_judged if {
	every i in [
		inp(null, [rule("444455556666")], destination("444455556666", {"Document": dst_grant}, writer)),
		inp(role([with_override]), [rule("444455556666")], destination("444455556666", null, writer)),
	] {
		count(crr_052.deny) == 0 with input as i
		not crr_052.applies with input as i
	}
}

test_allow_unreadable_policy_applies_for_the_error_outcome if {
	i := object.union(inp(role([with_override]), [rule("444455556666")], destination("444455556666", null, writer)), {"errors": [{"Operation": "GetBucketPolicy", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::dst", "Component": "policy"}]})
	count(crr_052.deny) == 0 with input as i
	crr_052.applies with input as i
}
