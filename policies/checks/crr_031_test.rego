package crr.checks.crr_031_test

import data.crr.checks.crr_031

role_arn := "arn:aws:iam::111122223333:role/crr-role"

allow_s3 := {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}

allow_ec2 := {"Sid": "Ec2", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}

deny_all := {"Sid": "NoOne", "Effect": "Deny", "Principal": "*", "Action": "sts:*"}

trust(statements) := {"Version": "2012-10-17", "Statement": statements}

role(exists, doc) := {"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": exists, "AssumeRolePolicyDocument": doc}

doc(r, errs) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": [{"ID": "a", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}]},
	},
	"role": r,
	"destinations": {},
	"errors": errs,
	"facts": {"in_scope": true},
}

s3_statement := {
	"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole",
	"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}},
}

test_deny_trust_policy_for_another_service if {
	inp := doc(role(true, trust([allow_ec2])), [])
	fs := crr_031.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == "Replication role crr-role of bucket src cannot be assumed by s3.amazonaws.com: no Allow statement grants it sts:AssumeRole"
	f.resource_arn == role_arn
	f.evidence == {"Role": role_arn, "AssumeRolePolicyDocument": trust([allow_ec2])}
	f.commands == ["aws iam update-assume-role-policy --role-name crr-role --policy-document file://trust-policy.json"]
	f.documents["trust-policy.json"] == trust([allow_ec2, s3_statement])
	crr_031.applies with input as inp
}

test_deny_explicit_deny_is_dropped_from_the_fix if {
	inp := doc(role(true, trust([allow_s3, deny_all, allow_ec2])), [])
	some f in crr_031.deny with input as inp
	f.msg == `Replication role crr-role of bucket src cannot be assumed by s3.amazonaws.com: an explicit Deny statement (Sid "NoOne") takes sts:AssumeRole away`
	f.documents["trust-policy.json"] == trust([allow_s3, allow_ec2, s3_statement])
}

test_deny_empty_trust_policy if {
	inp := doc(role(true, {"Version": "2012-10-17"}), [])
	some f in crr_031.deny with input as inp
	f.documents["trust-policy.json"] == trust([s3_statement])
}

test_deny_wrong_action if {
	inp := doc(role(true, trust([object.union(allow_s3, {"Action": ["sts:TagSession"]})])), [])
	count(crr_031.deny) == 1 with input as inp
}

test_allow_s3_in_every_accepted_form if {
	docs := [
		trust([allow_s3]),
		{"Statement": allow_s3},
		trust([object.union(allow_s3, {"Principal": {"Service": ["batchoperations.s3.amazonaws.com", "s3.amazonaws.com"]}})]),
		trust([object.union(allow_s3, {"Action": ["sts:*"]})]),
		trust([object.union(allow_s3, {"Action": "*"})]),
		trust([allow_ec2, object.union(allow_s3, {"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}})]),
	]
	every d in docs {
		count(crr_031.deny) == 0 with input as doc(role(true, d), [])
		crr_031.applies with input as doc(role(true, d), [])
	}
}

test_allow_missing_role_is_crr_030s if {
	count(crr_031.deny) == 0 with input as doc(role(false, null), [])
	not crr_031.applies with input as doc(role(false, null), [])
}

test_allow_unknown_role_or_document if {
	count(crr_031.deny) == 0 with input as doc(null, [])
	not crr_031.applies with input as doc(null, [])
	count(crr_031.deny) == 0 with input as doc(role(true, null), [])
	not crr_031.applies with input as doc(role(true, null), [])
	count(crr_031.deny) == 0 with input as doc(role(null, trust([allow_ec2])), [])
	count(crr_031.deny) == 0 with input as doc(role(true, "%7B%22Version%22%3A%222012-10-17%22%7D"), [])
}

test_allow_unreadable_role_applies_for_the_error_outcome if {
	errs := [{"Operation": "GetRole", "Code": "AccessDenied", "Message": "", "Resource": role_arn, "Component": "role"}]
	count(crr_031.deny) == 0 with input as doc(role(null, null), errs)
	crr_031.applies with input as doc(role(null, null), errs)
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc(null, [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_031.deny) == 0 with input as inp
	crr_031.applies with input as inp
}

# S3 assumes the replication role with aws:SourceArn (the source bucket) and
# aws:SourceAccount (its owner) in the request; AWS documents restricting the trust
# policy with them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html,
# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). A condition
# naming another bucket or account refutes the only Allow: S3 cannot assume the role
# for this bucket and objects fail with AssumeRoleNotPermitted
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-failure-codes.html).
conditioned(cond) := {"Version": "2012-10-17", "Statement": [{"Sid": "S3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": cond}]}

trust_input(trust) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"ReplicationConfiguration": {"Role": "arn:aws:iam::111122223333:role/crr", "Rules": [{"ID": "a", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}]},
	},
	"role": {"Arn": "arn:aws:iam::111122223333:role/crr", "RoleName": "crr", "Exists": true, "AssumeRolePolicyDocument": trust},
	"destinations": {}, "errors": [], "facts": {"in_scope": true},
}

test_deny_trust_condition_names_another_bucket if {
	fs := crr_031.deny with input as trust_input(conditioned({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::other-src"}}))
	count(fs) == 1
	some f in fs
	contains(f.msg, `the condition of every Allow statement (Sid "S3") names another bucket or account than src (111122223333)`)
	contains(f.msg, "AssumeRoleNotPermitted")
	count(f.documents["trust-policy.json"].Statement) == 1
}

test_deny_trust_condition_names_another_account if {
	count(crr_031.deny) == 1 with input as trust_input(conditioned({"StringEquals": {"aws:SourceAccount": "444455556666"}}))
}

test_allow_trust_condition_names_this_bucket_and_account if {
	cond := {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"}, "StringEquals": {"aws:SourceAccount": "111122223333"}}
	count(crr_031.deny) == 0 with input as trust_input(conditioned(cond))
}

test_allow_trust_condition_on_a_key_not_known_is_not_a_failure if {
	count(crr_031.deny) == 0 with input as trust_input(conditioned({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))
}
