package crr.checks.crr_035_test

import data.crr.checks.crr_035

rules := [{"ID": "crr-all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}]

inp(role_arn) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": rules},
	},
	"role": null,
	"destinations": {},
	"kms_keys": {},
	"errors": [],
	"facts": {"in_scope": true},
}

only(fs) := f if {
	count(fs) == 1
	some f in fs
}

test_deny_role_of_another_account if {
	i := inp("arn:aws:iam::444455556666:role/service-role/crr")
	f := only(crr_035.deny) with input as i
	f.msg == "Replication role arn:aws:iam::444455556666:role/service-role/crr of bucket src belongs to account 444455556666, not the bucket's account 111122223333: replication needs a role of the source bucket's account"
	f.evidence == {"Role": "arn:aws:iam::444455556666:role/service-role/crr", "RoleAccount": "444455556666", "BucketAccount": "111122223333"}
	f.commands == [
		"aws iam create-role --role-name crr --path /service-role/ --assume-role-policy-document file://trust-policy.json",
		"aws iam put-role-policy --role-name crr --policy-name crr-replication --policy-document file://crr-permissions.json",
		"aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1",
	]
	f.documents["replication.json"] == {"Role": "arn:aws:iam::111122223333:role/service-role/crr", "Rules": rules}
	f.documents["trust-policy.json"].Statement[0].Condition == {"StringEquals": {"aws:SourceAccount": "111122223333"}}
	f.documents["crr-permissions.json"].Statement[2].Resource == ["arn:aws:s3:::dst/*"]
	contains(f.terraform, `resource "aws_iam_role" "replication"`)
	contains(f.terraform, `resource "aws_iam_role_policy" "crr_replication"`)
	crr_035.applies with input as i
}

test_allow_role_of_the_source_account if {
	i := inp("arn:aws:iam::111122223333:role/crr")
	count(crr_035.deny) == 0 with input as i
	crr_035.applies with input as i
}

test_allow_unknown_accounts_are_not_judged if {
	every i in [
		inp("not-an-arn"),
		inp("arn:aws:iam:::role/crr"),
		object.union(inp("arn:aws:iam::444455556666:role/crr"), {"bucket": {"AccountId": ""}}),
		object.union(inp("arn:aws:iam::444455556666:role/crr"), {"bucket": {"ReplicationConfiguration": null}}),
	] {
		count(crr_035.deny) == 0 with input as i
		not crr_035.applies with input as i
	}
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	i := object.union(inp("arn:aws:iam::444455556666:role/crr"), {
		"bucket": {"ReplicationConfiguration": null},
		"errors": [{"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "", "Resource": "arn:aws:s3:::src", "Component": "replication"}],
	})
	count(crr_035.deny) == 0 with input as i
	crr_035.applies with input as i
}
