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
