package crr.checks.crr_034_test

import data.crr.checks.crr_034

role_arn := "arn:aws:iam::111122223333:role/crr-role"

trust(statements) := {"Version": "2012-10-17", "Statement": statements}

# The guide's trust policy.
guide_statement := {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}

role(doc) := {"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": true, "AssumeRolePolicyDocument": doc}

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

guarded_statement := object.union(guide_statement, {"Condition": {
	"StringEquals": {"aws:SourceAccount": "111122223333"},
	"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"},
}})

test_deny_guide_trust_policy_without_conditions if {
	i := inp(role(trust([guide_statement])))
	f := only(crr_034.deny) with input as i
	f.msg == "The trust policy of replication role crr-role (bucket src) lets s3.amazonaws.com assume it without an aws:SourceAccount or aws:SourceArn condition (a statement without Sid): S3 acting for another account's bucket could assume it (confused deputy)"
	f.resource_arn == role_arn
	f.commands == ["aws iam update-assume-role-policy --role-name crr-role --policy-document file://trust-policy.json"]
	f.documents == {"trust-policy.json": trust([guarded_statement])}
	startswith(f.terraform, "resource \"aws_iam_role\" \"replication\" {\n  name               = \"crr-role\"\n  assume_role_policy = jsonencode({")
	contains(f.terraform, `"aws:SourceArn": "arn:aws:s3:::src"`)
	crr_034.applies with input as i
}

test_deny_keeps_other_statements_and_conditions if {
	ec2 := {"Sid": "Ec2", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
	s3 := object.union(guide_statement, {"Sid": "S3", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}})
	f := only(crr_034.deny) with input as inp(role({"Statement": [ec2, s3]}))
	contains(f.msg, `(Sid "S3")`)
	f.documents["trust-policy.json"].Statement == [ec2, object.union(s3, {"Condition": {
		"StringEquals": {"aws:PrincipalOrgID": "o-1", "aws:SourceAccount": "111122223333"},
		"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"},
	}})]
}

test_deny_one_unguarded_statement_is_enough if {
	count(crr_034.deny) == 1 with input as inp(role(trust([guarded_statement, object.union(guide_statement, {"Action": "sts:*"})])))
}

test_deny_wildcard_guard_guards_nothing if {
	s := object.union(guide_statement, {"Condition": {"StringLike": {"aws:SourceAccount": "*"}}})
	count(crr_034.deny) == 1 with input as inp(role(trust([s])))
}

test_allow_guarded_trust_policies if {
	every s in [
		guarded_statement,
		object.union(guide_statement, {"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}),
		object.union(guide_statement, {"Condition": {"ArnLike": {"aws:SourceArn": ["arn:aws:s3:::src", "arn:aws:s3:::other"]}}}),
		object.union(guide_statement, {"Condition": {"StringEquals": {"AWS:SOURCEACCOUNT": "111122223333"}}}),
	] {
		count(crr_034.deny) == 0 with input as inp(role(trust([s])))
	}
}

test_allow_trust_policy_without_s3_is_crr_031s if {
	ec2 := {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
	count(crr_034.deny) == 0 with input as inp(role(trust([ec2])))
	count(crr_034.deny) == 0 with input as inp(role(trust([guide_statement, {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}])))
}

test_allow_unknown_role_is_not_judged if {
	every r in [null, role(null), object.union(role(trust([guide_statement])), {"Exists": null}), object.union(role(null), {"Exists": false})] {
		count(crr_034.deny) == 0 with input as inp(r)
		not crr_034.applies with input as inp(r)
	}
}

test_allow_unreadable_role_applies_for_the_error_outcome if {
	i := object.union(inp(role(null)), {"errors": [{"Operation": "GetRole", "Code": "AccessDenied", "Message": "", "Resource": role_arn, "Component": "role"}]})
	count(crr_034.deny) == 0 with input as i
	crr_034.applies with input as i
}

# The guide's own setup (versioned pair, a role that trusts s3.amazonaws.com with the
# least-privilege inline policy, a V2 rule), with the settings fresh buckets read back:
# of the IAM, cross-account, KMS and Object Lock checks only CRR-034 fires, and only
# because the guide's trust policy has no aws:SourceAccount condition.
guide_permissions := {"Version": "2012-10-17", "Statement": [
	{"Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": ["arn:aws:s3:::guide-src"]},
	{"Effect": "Allow", "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], "Resource": ["arn:aws:s3:::guide-src/*"]},
	{"Effect": "Allow", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], "Resource": "arn:aws:s3:::guide-dst/*"},
]}

guide_trust := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

guide_replication := {"Role": "arn:aws:iam::123456789012:role/crr-guide", "Rules": [{
	"ID": "crr-all", "Status": "Enabled", "Priority": 1,
	"DeleteMarkerReplication": {"Status": "Disabled"},
	"Filter": {"Prefix": ""},
	"Destination": {"Bucket": "arn:aws:s3:::guide-dst"},
}]}

fresh_bucket := {
	"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}]},
	"ObjectLockConfiguration": {"ObjectLockEnabled": ""},
	"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
	"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true},
	"Policy": {"Document": null},
}

guide_setup(trust, bucket_config) := {
	"bucket": object.union(bucket_config, {
		"Name": "guide-src", "Arn": "arn:aws:s3:::guide-src", "AccountId": "123456789012", "Region": "us-east-1",
		"Versioning": {"Status": "Enabled"}, "Tags": [],
		"ReplicationConfiguration": guide_replication,
	}),
	"role": {
		"Arn": "arn:aws:iam::123456789012:role/crr-guide", "RoleName": "crr-guide", "AccountId": "123456789012", "Exists": true,
		"AssumeRolePolicyDocument": trust,
		"RolePolicies": [{"PolicyName": "crr-permissions", "PolicyDocument": guide_permissions}],
	},
	"destinations": {"arn:aws:s3:::guide-dst": object.union(bucket_config, {
		"Arn": "arn:aws:s3:::guide-dst", "Name": "guide-dst", "AccountId": "123456789012", "Exists": true,
		"Region": "eu-west-1", "InScan": true, "Versioning": {"Status": "Enabled"},
	})},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true, "is_replica": false, "replicated_from": [], "replicates_to": ["arn:aws:s3:::guide-dst"]},
	"settings": {},
}

mine := ["crr_032", "crr_033", "crr_034", "crr_035", "crr_050", "crr_051", "crr_052", "crr_062", "crr_071"]

fired(inp) := {pkg |
	some pkg in mine
	count(data.crr.checks[pkg].deny) > 0 with input as inp
}

test_allow_guide_setup_fires_only_crr_034 if {
	fired(guide_setup(guide_trust, fresh_bucket)) == {"crr_034"}
	fired(guide_setup(guide_trust, {})) == {"crr_034"}
}

test_allow_guide_setup_with_guarded_trust_fires_nothing if {
	guarded := {"Version": "2012-10-17", "Statement": [object.union(guide_trust.Statement[0], {"Condition": {
		"StringEquals": {"aws:SourceAccount": "123456789012"},
		"ArnLike": {"aws:SourceArn": "arn:aws:s3:::guide-src"},
	}})]}
	fired(guide_setup(guarded, fresh_bucket)) == set()
	fired(guide_setup(guarded, {})) == set()
}

# The fix CRR-034 suggests for the guide's trust policy is the guarded one.
test_deny_guide_trust_policy_fix_is_guarded if {
	some f in crr_034.deny with input as guide_setup(guide_trust, fresh_bucket)
	f.documents["trust-policy.json"].Statement[0].Condition == {
		"StringEquals": {"aws:SourceAccount": "123456789012"},
		"ArnLike": {"aws:SourceArn": "arn:aws:s3:::guide-src"},
	}
}
