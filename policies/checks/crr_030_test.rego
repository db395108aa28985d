package crr.checks.crr_030_test

import data.crr.checks.crr_030

role_arn := "arn:aws:iam::111122223333:role/service/crr-role"

doc(role, errs) := {
	"bucket": {
		"Name": "src", "Arn": "arn:aws:s3:::src", "AccountId": "111122223333", "Region": "eu-west-1",
		"Versioning": {"Status": "Enabled"},
		"ReplicationConfiguration": {"Role": role_arn, "Rules": [{"ID": "a", "Status": "Enabled", "Filter": {}, "Destination": {"Bucket": "arn:aws:s3:::dst"}}]},
	},
	"role": role,
	"destinations": {},
	"errors": errs,
	"facts": {"in_scope": true},
}

test_deny_missing_role if {
	inp := doc({"Arn": role_arn, "RoleName": "crr-role", "AccountId": "111122223333", "Exists": false}, [])
	fs := crr_030.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == "Replication role arn:aws:iam::111122223333:role/service/crr-role of bucket src does not exist: objects fail to replicate"
	f.resource_arn == role_arn
	f.commands == [
		"aws iam create-role --role-name crr-role --path /service/ --assume-role-policy-document file://trust-policy.json",
		"aws iam put-role-policy --role-name crr-role --policy-name crr-replication --policy-document file://permissions-policy.json",
	]
	f.documents["permissions-policy.json"].Statement[2].Resource == ["arn:aws:s3:::dst/*"]
	f.documents["trust-policy.json"].Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111122223333"
	crr_030.applies with input as inp
}

test_deny_missing_role_without_name_uses_the_arn if {
	some f in crr_030.deny with input as doc({"Arn": role_arn, "Exists": false}, [])
	startswith(f.commands[0], "aws iam create-role --role-name crr-role ")
}

test_allow_existing_role if {
	inp := doc({"Arn": role_arn, "RoleName": "crr-role", "Exists": true}, [])
	count(crr_030.deny) == 0 with input as inp
	crr_030.applies with input as inp
}

test_allow_unknown_role if {
	count(crr_030.deny) == 0 with input as doc(null, [])
	not crr_030.applies with input as doc(null, [])
	count(crr_030.deny) == 0 with input as doc({"Arn": role_arn, "Exists": null}, [])
	not crr_030.applies with input as doc({"Arn": role_arn, "Exists": null}, [])
}

test_allow_unreadable_role_applies_for_the_error_outcome if {
	errs := [{"Operation": "GetRole", "Code": "AccessDenied", "Message": "", "Resource": role_arn, "Component": "role"}]
	count(crr_030.deny) == 0 with input as doc({"Arn": role_arn, "Exists": null}, errs)
	crr_030.applies with input as doc({"Arn": role_arn, "Exists": null}, errs)
}

test_allow_unreadable_configuration_applies_for_the_error_outcome if {
	inp := object.union(doc(null, [{
		"Operation": "GetBucketReplication", "Code": "AccessDenied", "Message": "",
		"Resource": "arn:aws:s3:::src", "Component": "replication",
	}]), {"bucket": {"ReplicationConfiguration": null}})
	count(crr_030.deny) == 0 with input as inp
	crr_030.applies with input as inp
}

# A replication configuration's Role is "the Amazon Resource Name (ARN) of the IAM role
# that Amazon S3 assumes when replicating objects"
# (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ReplicationConfiguration.html);
# an IAM role ARN is arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
# Anything else names no role S3 could ever assume: a definite misconfiguration.
with_role_arn(s) := object.union(doc(null, []), {"bucket": {"ReplicationConfiguration": {"Role": s}}})

test_deny_malformed_role_arn if {
	inp := with_role_arn("arn:aws:iam")
	fs := crr_030.deny with input as inp
	count(fs) == 1
	some f in fs
	f.msg == `Replication role "arn:aws:iam" of bucket src is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): S3 can never assume it, so no object replicates`
	f.evidence == {"Role": "arn:aws:iam", "ValidRoleArn": false}
	f.documents["replication.json"].Role == "arn:aws:iam::111122223333:role/s3-crr-src"
	f.commands[2] == "aws s3api put-bucket-replication --bucket src --replication-configuration file://replication.json --region eu-west-1"
	crr_030.applies with input as inp
}

test_deny_malformed_role_arns if {
	every s in ["", "crr-role", "arn:aws:iam::111122223333:user/crr", "arn:aws:iam::1111:role/crr", "arn:aws:iam::111122223333:role/", "arn:aws:s3:::111122223333:role/crr"] {
		count(crr_030.deny) == 1 with input as with_role_arn(s)
	}
}

test_allow_well_formed_role_arns_are_judged_by_the_read if {
	every s in ["arn:aws:iam::111122223333:role/crr", "arn:aws-cn:iam::111122223333:role/a/b/crr+x=y,z.w@v_u-t"] {
		count(crr_030.deny) == 0 with input as with_role_arn(s)
	}
}
